/**
 * The built-in secret detectors, merged into one regex by the redactor. Contract for each entry: at
 * most one capturing group, and when present it is a prefix to keep (`Bearer `, `://`,
 * `"password": "`); everything else the entry matches is the secret. Every entry starts with a
 * literal or a narrow character class: a leading lookbehind or a broad class is tried at every
 * position of every string and made the scan of ordinary text ten times slower.
 */

/** Case-insensitive form of a literal without the `i` flag, which would loosen the other patterns. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

const SECRET_KEY_WORDS_IN_TEXT = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'api[_-]?key',
  'apikey',
  'access[_-]?key',
  'private[_-]?key',
  'authorization',
  'credentials?',
  'session[_-]?id',
]
  .map((word) => word.replace(/[a-z]+/g, (w) => anyCase(w)))
  .join('|');

/** Each entry matches the secret, after an optional kept prefix group; see the contract above. */
export const DEFAULT_SECRET_PATTERNS: readonly RegExp[] = [
  // PEM private key blocks, also when a log line was truncated before the END marker.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/,
  // Bearer tokens: long, or short but with a digit or symbol, so prose ("a Bearer token") survives.
  /\b(Bearer\s+)(?:[A-Za-z0-9\-._~+/]{16,}|(?=[A-Za-z]*[0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,})=*/,
  // OpenAI (`sk-`, `sk-proj-`) and Anthropic (`sk-ant-`) keys.
  /\bsk-[A-Za-z0-9][A-Za-z0-9_-]{19,}/,
  // AWS access key ids (long-term and temporary).
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  // GitHub tokens: classic (ghp_, gho_, ghs_, ghu_, ghr_) and fine-grained.
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/,
  // Slack tokens.
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  // Google API keys.
  /\bAIza[0-9A-Za-z_-]{30,}/,
  // JWTs: header.payload.signature, the header being base64url JSON (`{"` encodes as `eyJ`).
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  // URL credentials: the `user:pass` of `scheme://user:pass@host`; greedy up to the last `@` so a
  // password holding an unencoded `@` is hidden whole.
  /(:\/\/)[^\s/?#@:]*:[^\s/?#]*(?=@)/,
  // Values of secret-looking keys written as text (`password=...`, `"api_key": "..."`,
  // `Authorization: Basic ...`, also inside escaped JSON); a quoted value may contain spaces.
  new RegExp(
    `((?:${SECRET_KEY_WORDS_IN_TEXT})\\\\*["']?\\s*[:=]\\s*(?:(?:Bearer|Basic|Digest|Token|bearer|basic)\\s+)?(?:\\\\*["'])?)` +
      `(?:(?<=["'])[^"'\\\\]+|[^\\s"'\\\\&,;{}()<>\\[\\]]+)`,
  ),
];

/**
 * A quick test every text a built-in entry can match passes: each entry above contains one of these
 * sequences (`:` or `=` for URL credentials and `key=value` forms, `--` for PEM blocks, `A[KSI]`
 * for AWS and Google keys, `gh` for GitHub, `yJ` for JWTs). Text that fails it skips the full
 * scan: one pass over a handful of rare sequences costs a third of the combined regex on ordinary
 * text, which is nearly all the text a log line holds. An entry added above MUST contain one of
 * these sequences, or this test must grow to cover it (the secret corpus tests catch a miss).
 */
export const BUILT_IN_SECRET_HINT = /[:=]|Bearer|sk-|--|A[KSI]|gh|xox|yJ/;

/**
 * Secret key words. A key is split into words (camelCase, snake_case, kebab-case, dots) and matched
 * against these word sequences, so `apiKey`, `X-Api-Key`, `OPENAI_API_KEY` and `db.password` all
 * match while `tokens`, `token_count` and `max_tokens` do not.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'api_key',
  'apikey',
  'authorization',
  'cookie',
  'cookies',
  'set_cookie',
  'private_key',
  'privatekey',
  'access_key',
  'client_secret',
  'credential',
  'credentials',
  'session_id',
  'sessionid',
];

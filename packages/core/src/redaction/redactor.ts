import { BUILT_IN_SECRET_HINT, DEFAULT_SECRET_KEYS, DEFAULT_SECRET_PATTERNS } from './patterns.js';

/** Options of {@link createRedactor}. Everything given adds to the built-in rules. */
export interface RedactorOptions {
  /**
   * Extra secret keys. A string is a word sequence matched against the words of a key (`'ssn'`
   * matches `user_ssn` and `userSsn`); a RegExp is tested against the key as written.
   */
  keys?: readonly (string | RegExp)[];
  /** Extra value patterns; each match is replaced. Flags other than `g` are honoured. */
  patterns?: readonly RegExp[];
  /** What replaces a secret. Default `'[REDACTED]'`. */
  replacement?: string;
  /** Nesting depth past which `redactObject` replaces values with `'[Truncated]'`. Default 10. */
  maxDepth?: number;
}

/**
 * Hides secrets in keys and values. Pure and synchronous: it never mutates its input and never
 * throws on odd values (cycles, throwing getters, BigInt).
 */
export interface Redactor {
  /** The string that replaces a secret. */
  readonly replacement: string;
  /** Whether a value stored under `key` is a secret as a whole (`apiKey`, `Authorization`...). */
  isSecretKey(key: string): boolean;
  /** `text` with every secret-looking part replaced; the same string when nothing matched. */
  redactString(text: string): string;
  /**
   * For span attributes and log fields: the replacement if `key` looks secret (booleans, null and
   * undefined are kept), else the value with secrets inside strings replaced (deeply for objects).
   */
  redactValue(key: string, value: unknown): unknown;
  /**
   * `value` with secret keys and secret substrings replaced. When nothing in it needs to change
   * (no secret key, no secret substring, no cycle, nothing too deep, only plain objects, arrays and
   * Dates), `value` itself is returned, not a copy: callers MUST NOT mutate the result. Otherwise a
   * deep copy: cycles become `'[Circular]'`, values deeper than `maxDepth` become `'[Truncated]'`, a
   * property whose getter throws becomes `'[Unserializable]'`, an Error becomes
   * `{ type, message, stack, ... }` and a class instance its redacted JSON form or its properties.
   */
  redactObject<T>(value: T): T;
}

export const DEFAULT_REPLACEMENT = '[REDACTED]';
const DEFAULT_MAX_DEPTH = 10;
// Nothing shorter can hold any built-in secret (`pwd=x1` is the shortest key/value form).
const MIN_SECRET_LENGTH = 6;
// Keys are usually a small fixed set (attribute names, field names); the cap protects against
// user data used as keys.
const KEY_CACHE_LIMIT = 2048;

// LLM apps are full of token counts: `max_tokens`, `input_token`, `token_count` are not secrets.
const TOKEN_AS_LAST_WORD =
  '(?<!(?:max|min|input|output|prompt|completion|total|num|cached|cache|reasoning|per|count)_)token$';

/** The ancestors of the value being scanned, innermost first; only built when a value nests. */
interface Ancestor {
  readonly value: object;
  readonly parent: Ancestor | undefined;
}

/** `X-Api-Key` → `x_api_key`, `OPENAI_API_KEY` → `openai_api_key`, `privateKeyPem` → `private_key_pem`. */
function normalizeKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Number of capturing groups in `source`. */
function groupCount(source: string): number {
  return (new RegExp(`${source}|`).exec('')?.length ?? 1) - 1;
}

/**
 * The built-ins as one global regex: one scan of the text instead of one per pattern, on the
 * ordinary, secret-free text that makes up nearly every call. Each built-in has at most one group,
 * a prefix to keep (see `DEFAULT_SECRET_PATTERNS`).
 */
function buildCombined(replacement: string): (text: string) => string {
  const combined = new RegExp(DEFAULT_SECRET_PATTERNS.map((p) => `(?:${p.source})`).join('|'), 'g');
  const groups = groupCount(combined.source);
  const replace = (match: string, ...rest: unknown[]): string => {
    for (let i = 0; i < groups; i++) {
      const kept = rest[i];
      if (typeof kept === 'string') return kept + replacement;
    }
    return match === '' ? match : replacement;
  };
  return (text) => text.replace(combined, replace);
}

function buildKeyMatcher(extra: readonly (string | RegExp)[]): (key: string) => boolean {
  const words = [...DEFAULT_SECRET_KEYS.filter((k) => k !== 'token')];
  const regexps: RegExp[] = [];
  for (const key of extra) {
    if (typeof key === 'string') {
      const normalized = normalizeKey(key).replace(/^_+|_+$/g, '');
      if (normalized !== '') words.push(normalized);
    } else {
      regexps.push(new RegExp(key.source, key.flags.replace('g', '')));
    }
  }
  const wordMatcher = new RegExp(
    `(?:^|_)(?:${words.map(escapeRegExp).join('|')})(?:_|$)|(?:^|_)${TOKEN_AS_LAST_WORD}`,
  );
  return (key) => wordMatcher.test(normalizeKey(key)) || regexps.some((r) => r.test(key));
}

class DefaultRedactor implements Redactor {
  readonly replacement: string;
  readonly #redactBuiltIns: (text: string) => string;
  // User patterns run as separate passes: merged, their own groups would read as kept prefixes.
  readonly #userPatterns: RegExp[];
  readonly #matchesKey: (key: string) => boolean;
  readonly #keyCache = new Map<string, boolean>();
  readonly #maxDepth: number;

  constructor(options: RedactorOptions) {
    const replacement = options.replacement ?? DEFAULT_REPLACEMENT;
    if (typeof replacement !== 'string') throw new TypeError('redaction replacement must be a string');
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) {
      throw new RangeError(`redaction maxDepth must be a positive integer, got ${String(maxDepth)}`);
    }
    for (const pattern of options.patterns ?? []) {
      if (!(pattern instanceof RegExp)) throw new TypeError('redaction patterns must be RegExp objects');
    }
    this.replacement = replacement;
    this.#maxDepth = maxDepth;
    this.#redactBuiltIns = buildCombined(replacement);
    this.#userPatterns = (options.patterns ?? []).map(
      (pattern) =>
        new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
    );
    this.#matchesKey = buildKeyMatcher(options.keys ?? []);
  }

  isSecretKey(key: string): boolean {
    let secret = this.#keyCache.get(key);
    if (secret === undefined) {
      secret = this.#matchesKey(key);
      if (this.#keyCache.size >= KEY_CACHE_LIMIT) this.#keyCache.clear();
      this.#keyCache.set(key, secret);
    }
    return secret;
  }

  redactString(text: string): string {
    if (text.length < MIN_SECRET_LENGTH) return text;
    // `replace` with a global regex resets `lastIndex` and returns the same string when nothing
    // matches, so the common case allocates nothing; the hint skips even that scan for most text.
    let result = BUILT_IN_SECRET_HINT.test(text) ? this.#redactBuiltIns(text) : text;
    for (const pattern of this.#userPatterns) result = result.replace(pattern, this.replacement);
    return result;
  }

  redactValue(key: string, value: unknown): unknown {
    if (value === null || value === undefined || typeof value === 'boolean') return value;
    if (this.isSecretKey(key)) return this.replacement;
    if (typeof value === 'string') return this.redactString(value);
    if (typeof value !== 'object') return value;
    return this.#walk(value, 1, new WeakSet());
  }

  redactObject<T>(value: T): T {
    if (typeof value === 'string') return this.redactString(value) as T;
    if (value === null || typeof value !== 'object') return value;
    // Nearly every log line holds no secret: a scan that allocates nothing proves it, and only a
    // value that must change pays for the copy (which then redacts what it reads, not the scan).
    if (this.#isClean(value, 0, undefined)) return value;
    return this.#walk(value, 0, new WeakSet()) as T;
  }

  /** Whether `#walk` would give back `value` unchanged (it would copy it, with the same content). */
  #isClean(value: object, depth: number, parent: Ancestor | undefined): boolean {
    if (depth >= this.#maxDepth) return false;
    for (let ancestor = parent; ancestor !== undefined; ancestor = ancestor.parent) {
      if (ancestor.value === value) return false;
    }
    let self: Ancestor | undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          if (this.redactString(item) !== item) return false;
        } else if (item !== null && typeof item === 'object') {
          self ??= { value, parent };
          if (!this.#isClean(item, depth + 1, self)) return false;
        }
      }
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value instanceof Date;
    try {
      for (const key of Object.keys(value)) {
        const item: unknown = (value as Record<string, unknown>)[key];
        if (item === null || item === undefined || typeof item === 'boolean') continue;
        if (this.isSecretKey(key)) return false;
        if (typeof item === 'string') {
          if (this.redactString(item) !== item) return false;
        } else if (typeof item === 'object') {
          self ??= { value, parent };
          if (!this.#isClean(item, depth + 1, self)) return false;
        }
      }
    } catch {
      // A throwing getter: the copy writes `'[Unserializable]'` in its place.
      return false;
    }
    return true;
  }

  #field(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (value === null || value === undefined || typeof value === 'boolean') return value;
    if (this.isSecretKey(key)) return this.replacement;
    if (typeof value === 'string') return this.redactString(value);
    if (typeof value !== 'object') return value;
    return this.#walk(value, depth, seen);
  }

  #walk(value: object, depth: number, seen: WeakSet<object>): unknown {
    if (depth >= this.#maxDepth) return '[Truncated]';
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        const copy: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          copy[i] =
            typeof item === 'string'
              ? this.redactString(item)
              : item !== null && typeof item === 'object'
                ? this.#walk(item, depth + 1, seen)
                : item;
        }
        return copy;
      }
      if (value instanceof Error) return this.#error(value, depth, seen);
      if (value instanceof Date) return value;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        // Class instances that know their JSON form (URL, Decimal...) are redacted in that form: a
        // URL's `toJSON` is where its credentials would appear.
        const toJSON = (value as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === 'function') {
          const json: unknown = toJSON.call(value);
          if (typeof json === 'string') return this.redactString(json);
          if (json === null || typeof json !== 'object') return json;
          return this.#walk(json, depth + 1, seen);
        }
        if (ArrayBuffer.isView(value)) return value;
      }
      return this.#properties(value as Record<string, unknown>, {}, depth, seen);
    } catch {
      return '[Unserializable]';
    } finally {
      // Only ancestors count as cycles; the same object twice side by side is copied twice.
      seen.delete(value);
    }
  }

  #properties(
    source: Record<string, unknown>,
    target: Record<string, unknown>,
    depth: number,
    seen: WeakSet<object>,
  ): Record<string, unknown> {
    for (const key of Object.keys(source)) {
      let item: unknown;
      try {
        item = source[key];
      } catch {
        target[key] = '[Unserializable]';
        continue;
      }
      target[key] = this.#field(key, item, depth + 1, seen);
    }
    return target;
  }

  #error(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
    const copy: Record<string, unknown> = {
      type: error.name || error.constructor?.name || 'Error',
      message: this.redactString(String(error.message)),
    };
    if (typeof error.stack === 'string') copy.stack = this.redactString(error.stack);
    this.#properties(error as unknown as Record<string, unknown>, copy, depth, seen);
    if (error.cause !== undefined && !('cause' in copy)) {
      copy.cause = this.#field('cause', error.cause, depth + 1, seen);
    }
    return copy;
  }
}

/**
 * Creates a redactor with the built-in secret keys and value patterns plus the ones in `options`.
 * Construction validates the options and throws on bad ones; the redactor itself never throws.
 *
 * @example
 * ```ts
 * const redactor = createRedactor({ keys: ['ssn'], patterns: [/\bcust_[a-z0-9]{24}\b/] });
 * redactor.redactValue('http.request.header.authorization', 'Bearer abc123'); // '[REDACTED]'
 * redactor.redactString('calling https://bob:hunter2@api.example.com'); // '...//[REDACTED]@api...'
 * ```
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  return new DefaultRedactor(options);
}

/**
 * Redaction fixtures: each secret sits in realistic text and must vanish entirely; each ordinary text
 * must come back unchanged. Built from parts so no scanner mistakes this file for a leak.
 */

const b64 = (n: number, seed = 'aZ9'): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

export interface SecretCase {
  name: string;
  text: string;
  secret: string;
}

const openAi = `sk-${'proj-'}${b64(48, 'Xk3_q')}`;
const openAiLegacy = `sk-${b64(48, 'T7bLkq')}`;
const anthropic = `sk-${'ant-'}api03-${b64(90, 'Qw-9e')}`;
const aws = `AKIA${'IOSFODNN7EXAMPLE'}`;
const github = `ghp_${b64(36, 'R2d2C3po')}`;
const githubPat = `github_pat_${b64(22, '11AB')}_${b64(59, 'xY7')}`;
const slack = `xoxb-${'123456789012'}-${'1234567890123'}-${b64(24, 'AbC1')}`;
const google = `AIza${b64(35, 'Sy9_-a')}`;
const jwt = `eyJ${'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'}.eyJ${'zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ'}.${'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'}`;
const bearer = `${b64(40, 'mF_9.B5f-4.1JqM')}`;
const pem = `-----BEGIN ${'RSA '}PRIVATE KEY-----\nMIIEowIBAAKCAQEA${b64(64, 'q1W')}\n${b64(64, 'e2R')}\n-----END RSA PRIVATE KEY-----`;

export const SECRET_CASES: SecretCase[] = [
  {
    name: 'OpenAI key in a log message',
    text: `Calling OpenAI with key ${openAi} for run 42`,
    secret: openAi,
  },
  {
    name: 'legacy OpenAI key in env dump',
    text: `OPENAI_API_KEY=${openAiLegacy}\nNODE_ENV=production`,
    secret: openAiLegacy,
  },
  { name: 'Anthropic key in JSON', text: `{"provider":"anthropic","key":"${anthropic}"}`, secret: anthropic },
  { name: 'AWS key id in config line', text: `aws.accessKeyId: ${aws} region=us-east-1`, secret: aws },
  { name: 'GitHub token in git remote', text: `pushing with token ${github} to origin`, secret: github },
  { name: 'GitHub fine-grained PAT', text: `GH_PAT="${githubPat}"`, secret: githubPat },
  { name: 'Slack bot token', text: `slack client init (${slack}) ok`, secret: slack },
  {
    name: 'Google API key in URL query',
    text: `GET https://maps.googleapis.com/maps/api/geocode/json?key=${google}&address=x`,
    secret: google,
  },
  { name: 'JWT in a cookie header', text: `cookie: session=${jwt}; Path=/`, secret: jwt },
  { name: 'bearer token in a header line', text: `Authorization: Bearer ${bearer}`, secret: bearer },
  {
    name: 'bearer token in a curl command',
    text: `curl -H 'Authorization: Bearer ${bearer}' https://api.example.com/v1`,
    secret: bearer,
  },
  { name: 'basic auth header', text: 'Authorization: Basic dXNlcjpodW50ZXIy', secret: 'dXNlcjpodW50ZXIy' },
  {
    name: 'postgres URL credentials',
    text: 'connecting to postgres://admin:S3cr3t-pw@db.internal:5432/app',
    secret: 'S3cr3t-pw',
  },
  {
    name: 'URL password with @',
    text: 'redis://default:p@ssw0rd@cache:6379/0 unreachable',
    secret: 'p@ssw0rd',
  },
  {
    name: 'https URL credentials',
    text: 'fetch failed: https://bob:hunter2hunter2@example.com/api',
    secret: 'hunter2hunter2',
  },
  {
    name: 'password in JSON string',
    text: '{"user":"alice","password":"correct horse battery staple"}',
    secret: 'correct horse battery staple',
  },
  {
    name: 'password in escaped JSON',
    text: '"body":"{\\"username\\":\\"bob\\",\\"password\\":\\"Tr0ub4dor&3\\"}"',
    secret: 'Tr0ub4dor',
  },
  {
    name: 'client_secret in a query string',
    text: 'POST /oauth/token?client_id=abc&client_secret=9f8e7d6c5b4a&grant=x',
    secret: '9f8e7d6c5b4a',
  },
  { name: 'api_key in a form body', text: 'api_key=zq81-kk2m-33ab&format=json', secret: 'zq81-kk2m-33ab' },
  { name: 'x-api-key header', text: 'x-api-key: 7f3a9c2e1b0d4f6a', secret: '7f3a9c2e1b0d4f6a' },
  { name: 'PEM private key', text: `loaded key:\n${pem}\nok`, secret: 'MIIEowIBAAKCAQEA' },
  { name: 'PEM private key in JSON', text: JSON.stringify({ key: pem }), secret: 'MIIEowIBAAKCAQEA' },
];

export const ORDINARY_TEXTS: string[] = [
  'The research agent finished step 3 of 7 in 1520 ms and handed off to the writer.',
  'User asked: "What is the capital of France?" The answer was Paris.',
  'request 123e4567-e89b-12d3-a456-426614174000 completed',
  'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7',
  'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
  'model gpt-4o-2024-08-06 replied; fallback to claude-3-5-sonnet-20241022 and gemini-1.5-pro-002',
  'reading /var/lib/agentlens/data/spans-2025-01-01.db and C:\\Users\\me\\app\\config.json',
  'GET https://api.example.com/v1/chat/completions?stream=true&page=2 200',
  'ssh://git@github.com/acme/agent.git cloned',
  'max_tokens=4096 input_tokens: 1234 output_tokens: 56 token_count=1290 total_tokens=1290',
  'temperature=0.7 top_p=0.95 latency_ms=2500.5 cost_usd=0.0042',
  'send a Bearer token in the Authorization header; the token expired',
  'The password reset flow was completed by the user.',
  'Session expired, please log in again. Task-force meeting at 10:30.',
  'numbers: 42, -7, 3.14159, 1e-9, 18446744073709551615, 0xdeadbeef',
  'base64 of hello is aGVsbG8= and a JWT starts with eyJ',
  'The key insight is that skipping tokens speeds up decoding.',
  'https://example.com:8443/path/to/resource#section-2',
  'email alice@example.com replied at 2025-10-10T12:34:56.789Z',
];

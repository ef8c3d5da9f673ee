import { describe, expect, it } from 'vitest';
import { BUILT_IN_SECRET_HINT } from './patterns.js';
import { ORDINARY_TEXTS, SECRET_CASES } from './redaction-corpus.test-helpers.js';
import { createRedactor } from './redactor.js';

describe('createRedactor', () => {
  const redactor = createRedactor();

  describe('secret corpus: no secret substring survives', () => {
    it.each(SECRET_CASES)('$name', ({ text, secret }) => {
      const redacted = redactor.redactString(text);
      expect(redacted).not.toContain(secret);
      expect(redacted).toContain('[REDACTED]');
      // The same secret inside a JSON-encoded log line.
      expect(redactor.redactString(JSON.stringify({ message: text }))).not.toContain(secret);
    });
  });

  it.each(SECRET_CASES)('the quick hint lets $name through to the full scan', ({ text }) => {
    expect(BUILT_IN_SECRET_HINT.test(text)).toBe(true);
  });

  describe('ordinary corpus: left exactly as it was', () => {
    it.each(ORDINARY_TEXTS)('%s', (text) => {
      expect(redactor.redactString(text)).toBe(text);
      expect(redactor.redactValue('message', text)).toBe(text);
    });
  });

  it('keeps the context around a secret', () => {
    expect(redactor.redactString('postgres://admin:pw1234@db:5432/app')).toBe(
      'postgres://[REDACTED]@db:5432/app',
    );
    expect(redactor.redactString('Authorization: Bearer abc123def456')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
    expect(redactor.redactString('{"password":"a b c"}')).toBe('{"password":"[REDACTED]"}');
  });

  it.each([
    'password',
    'PASSWORD',
    'db.password',
    'userPassword',
    'passwd',
    'clientSecret',
    'client_secret',
    'token',
    'accessToken',
    'refresh_token',
    'x-auth-token',
    'apiKey',
    'api_key',
    'api-key',
    'X-Api-Key',
    'OPENAI_API_KEY',
    'Authorization',
    'http.request.header.authorization',
    'cookie',
    'Set-Cookie',
    'private_key',
    'privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'accessKey',
    'credentials',
    'credential',
    'sessionId',
    'session_id',
  ])('treats key %s as secret', (key) => {
    expect(redactor.isSecretKey(key)).toBe(true);
    expect(redactor.redactValue(key, 'anything')).toBe('[REDACTED]');
  });

  it.each([
    'max_tokens',
    'maxTokens',
    'input_tokens',
    'gen_ai.usage.output_tokens',
    'token_count',
    'tokenizer',
    'prompt_token',
    'key',
    'cache_key',
    'model',
    'session',
    'keyboard',
    'author',
  ])('leaves key %s alone', (key) => {
    expect(redactor.isSecretKey(key)).toBe(false);
    expect(redactor.redactValue(key, 12)).toBe(12);
  });

  it('keeps booleans and nulls under secret keys, replaces numbers', () => {
    expect(redactor.redactValue('password', true)).toBe(true);
    expect(redactor.redactValue('password', null)).toBe(null);
    expect(redactor.redactValue('pin_password', 1234)).toBe('[REDACTED]');
  });

  it('redacts arrays and objects given as attribute values', () => {
    expect(redactor.redactValue('urls', ['https://u:p4ss@h.io', 'https://h.io'])).toEqual([
      'https://[REDACTED]@h.io',
      'https://h.io',
    ]);
  });

  describe('redactObject', () => {
    it('copies deeply without mutating, redacting keys and values', () => {
      const input = {
        user: 'alice',
        headers: { Authorization: 'Bearer xyz', accept: 'application/json' },
        attempts: [{ url: 'https://a:b1234@example.com/x', apiKey: 'k' }],
        note: `key is sk-${'a'.repeat(30)}`,
        count: 3,
      };
      const snapshot = structuredClone(input);
      const output = redactor.redactObject(input);
      expect(input).toEqual(snapshot);
      expect(output).toEqual({
        user: 'alice',
        headers: { Authorization: '[REDACTED]', accept: 'application/json' },
        attempts: [{ url: 'https://[REDACTED]@example.com/x', apiKey: '[REDACTED]' }],
        note: 'key is [REDACTED]',
        count: 3,
      });
      expect(output.headers).not.toBe(input.headers);
    });

    it('returns an object with nothing secret as the same reference, and copies once one is', () => {
      const clean = {
        agent: 'ResearchAgent',
        query: 'quarterly revenue of the three largest cloud providers',
        max_tokens: 1200,
        ok: true,
        nested: { tags: ['a', 'b'], at: new Date(0) },
      };
      const snapshot = structuredClone(clean);
      expect(redactor.redactObject(clean)).toBe(clean);
      expect(clean).toEqual(snapshot);

      const leaky = { ...clean, nested: { tags: ['a', `sk-${'b'.repeat(30)}`], at: clean.nested.at } };
      const output = redactor.redactObject(leaky);
      expect(output).not.toBe(leaky);
      expect(output.nested.tags).toEqual(['a', '[REDACTED]']);
      expect(leaky.nested.tags[1]).toContain('sk-');
    });

    it('handles cycles, depth, throwing getters, BigInt and errors', () => {
      const cyclic: Record<string, unknown> = { name: 'root' };
      cyclic.self = cyclic;
      const shared = { a: 1 };
      const thrower = {
        get boom(): unknown {
          throw new Error('getter');
        },
      };
      let deep: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 20; i++) deep = { next: deep };
      const error = Object.assign(new Error('login failed for postgres://u:pw12345@db/x'), { code: 'E1' });

      const out = redactor.redactObject({ cyclic, twice: [shared, shared], thrower, big: 10n, deep, error });
      expect(out.cyclic).toEqual({ name: 'root', self: '[Circular]' });
      expect(out.twice).toEqual([{ a: 1 }, { a: 1 }]);
      expect(out.thrower).toEqual({ boom: '[Unserializable]' });
      expect(out.big).toBe(10n);
      expect(JSON.stringify(out.deep)).toContain('[Truncated]');
      const err = out.error as unknown as Record<string, unknown>;
      expect(err.type).toBe('Error');
      expect(err.message).toBe('login failed for postgres://[REDACTED]@db/x');
      expect(err.code).toBe('E1');
      expect(String(err.stack)).not.toContain('pw12345');
    });

    it('redacts the JSON form of class instances such as URL', () => {
      const out = redactor.redactObject({ endpoint: new URL('https://me:pw123456@example.com/') });
      expect(out.endpoint).toBe('https://[REDACTED]@example.com/');
    });
  });

  describe('options', () => {
    it('adds user keys and patterns to the built-ins', () => {
      const custom = createRedactor({
        keys: ['ssn', /^x-internal-/i],
        patterns: [/\bcust_[a-z0-9]{8}\b/, /ticket-\d+/i],
        replacement: '***',
      });
      expect(custom.redactValue('userSsn', '123-45-6789')).toBe('***');
      expect(custom.redactValue('X-Internal-Route', 'a')).toBe('***');
      expect(custom.redactString('customer cust_ab12cd34 TICKET-99 sk-proj-abcdefghijklmnopqrstuvwxyz')).toBe(
        'customer *** *** ***',
      );
      expect(custom.redactValue('password', 'x')).toBe('***');
    });

    it('rejects bad options at construction', () => {
      expect(() => createRedactor({ maxDepth: 0 })).toThrow(RangeError);
      expect(() => createRedactor({ patterns: ['x' as unknown as RegExp] })).toThrow(TypeError);
    });
  });
});

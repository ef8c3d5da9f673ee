import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type LoggerOptions, resolveLogLevel } from './logger.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A logger writing into memory; `lines()` parses what it wrote. */
function memoryLogger(options: Partial<LoggerOptions> = {}) {
  const chunks: string[] = [];
  const logger = createLogger({
    serviceName: 'test-svc',
    level: 'trace',
    destination: { write: (chunk: string) => void chunks.push(chunk) },
    ...options,
  });
  const raw = () => chunks.join('');
  const lines = () =>
    raw()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, raw };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-logging-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('line format', () => {
  it('writes every field with level names and an ISO timestamp', () => {
    const { logger, lines } = memoryLogger();
    logger.trace('t');
    logger.debug('d');
    logger.info('workflow started', { workflow_name: 'research', user_id: '123' });
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    const all = lines();
    expect(all.map((l) => l.level)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    const info = all[2];
    expect(info).toEqual({
      timestamp: expect.stringMatching(ISO_8601),
      level: 'info',
      logger: 'app',
      service: 'test-svc',
      message: 'workflow started',
      workflow_name: 'research',
      user_id: '123',
    });
    expect(Math.abs(Date.parse(String(info?.timestamp)) - Date.now())).toBeLessThan(5000);
  });

  it('adds trace_id and span_id only when traceContext returns them', () => {
    let active: { traceId: string; spanId: string } | undefined = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    };
    const { logger, lines } = memoryLogger({ traceContext: () => active });
    logger.info('inside', { a: 1 });
    active = undefined;
    logger.info('outside');
    const [inside, outside] = lines();
    expect(inside).toMatchObject({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      a: 1,
    });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('survives a throwing traceContext', () => {
    const { logger, lines } = memoryLogger({
      traceContext: () => {
        throw new Error('no otel');
      },
    });
    logger.info('still logged');
    expect(lines()[0]).toMatchObject({ message: 'still logged' });
  });

  it('adds child bindings, keeps them on category loggers, never repeats a key', () => {
    const { logger, lines, raw } = memoryLogger();
    const child = logger.child({ agent_name: 'MathTutor' }).child({ session: 's1' });
    child.info('hello', { step: 1 });
    child.audit.info('user action', { action: 'agent_query' });
    logger.security.warn('suspicious activity', { ip_address: '10.0.0.1' });
    logger.performance.info('slow query', { query_duration: 5.2 });
    const [hello, audit, security, performance] = lines();
    expect(hello).toMatchObject({ logger: 'app', agent_name: 'MathTutor', session: 's1', step: 1 });
    expect(audit).toMatchObject({
      logger: 'audit',
      agent_name: 'MathTutor',
      session: 's1',
      action: 'agent_query',
    });
    expect(security).toMatchObject({ logger: 'security', level: 'warn', service: 'test-svc' });
    expect(performance).toMatchObject({ logger: 'performance', query_duration: 5.2 });
    for (const line of raw().split('\n').filter(Boolean)) {
      expect(line.match(/"logger":/g)).toHaveLength(1);
    }
    expect(logger.audit).toBe(logger.audit);
  });

  it('renames fields that would overwrite the line format', () => {
    const { logger, lines, raw } = memoryLogger();
    logger.info('real', { message: 'fake', level: 'x', service: 'other' });
    expect(lines()[0]).toMatchObject({
      message: 'real',
      level: 'info',
      service: 'test-svc',
      'fields.message': 'fake',
    });
    expect(raw().match(/"message":/g)).toHaveLength(1);
  });

  it("never changes the caller's fields, and redacts secrets nested under ordinary keys", () => {
    const { logger, lines } = memoryLogger();
    const renamed = { message: 'fake', user: 'alice' };
    const nested = { request: { headers: { authorization: 'Basic dXNlcjpodW50ZXIy' } }, step: 2 };
    logger.info('one', renamed);
    logger.info('two', nested);
    expect(renamed).toEqual({ message: 'fake', user: 'alice' });
    expect(nested.request.headers.authorization).toBe('Basic dXNlcjpodW50ZXIy');
    const [one, two] = lines();
    expect(one).toMatchObject({ message: 'one', 'fields.message': 'fake', user: 'alice' });
    expect(two).toMatchObject({ request: { headers: { authorization: '[REDACTED]' } }, step: 2 });
  });

  it('serializes errors in err / error with type, message and stack', () => {
    const { logger, lines } = memoryLogger();
    logger.error('failed', { err: new TypeError('bad input') });
    logger.error('failed again', { error: new Error('boom') });
    const [first, second] = lines();
    expect(first?.err).toMatchObject({
      type: 'TypeError',
      message: 'bad input',
      stack: expect.stringContaining('TypeError'),
    });
    expect(second?.error).toMatchObject({ type: 'Error', message: 'boom' });
  });

  it('serializes errors with redaction turned off too', () => {
    const { logger, lines } = memoryLogger({ redact: false });
    logger.error('failed', { err: new RangeError('r'), apiKey: 'plain' });
    expect(lines()[0]).toMatchObject({ err: { type: 'RangeError', message: 'r' }, apiKey: 'plain' });
  });
});

describe('never throws into the app', () => {
  it('logs BigInt, cycles, throwing getters and throwing toJSON', () => {
    const onError = vi.fn();
    const { logger, lines } = memoryLogger({ onError });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const badJson = {
      toJSON() {
        throw new Error('toJSON');
      },
    };
    expect(() => logger.info('big', { n: 10n })).not.toThrow();
    expect(() => logger.info('cycle', { cyclic })).not.toThrow();
    expect(() => logger.info('getter', { getter })).not.toThrow();
    expect(() => logger.info('json', { badJson })).not.toThrow();
    expect(() => logger.info('null fields', null as never)).not.toThrow();
    expect(() => logger.info(42 as never)).not.toThrow();
    const all = lines();
    expect(all.map((l) => l.message)).toEqual(['big', 'cycle', 'getter', 'json', 'null fields', '42']);
    expect(all[0]?.n).toBe(10);
    expect(all[1]?.cyclic).toEqual({ self: '[Circular]' });
    expect(all[2]?.getter).toEqual({ x: '[Unserializable]' });
  });

  it('reports a file it cannot open once and keeps logging to the destination', async () => {
    const onError = vi.fn();
    const blocker = join(dir, 'not-a-dir');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(blocker, 'x');
    const { logger, lines } = memoryLogger({ onError, file: join(blocker, 'app.log') });
    logger.info('one');
    logger.info('two');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(lines().map((l) => l.message)).toEqual(['one', 'two']);
    await logger.close();
  });

  it('isolates a throwing onError', () => {
    const { logger } = memoryLogger({
      onError: () => {
        throw new Error('handler');
      },
      file: join('/dev/null', 'x', 'app.log'),
    });
    expect(() => logger.info('ok')).not.toThrow();
  });

  it('rejects invalid options at construction', () => {
    expect(() => createLogger({ serviceName: '' })).toThrow(TypeError);
    expect(() => createLogger({ serviceName: 's', level: 'verbose' as never, stdout: false })).toThrow(
      RangeError,
    );
    expect(() =>
      createLogger({ serviceName: 's', stdout: false, file: { path: join(dir, 'a.log'), maxFiles: 0 } }),
    ).toThrow(RangeError);
  });
});

describe('redaction', () => {
  it('redacts logged fields, nested values, bindings and messages', () => {
    const { logger, raw, lines } = memoryLogger();
    const key = `sk-proj-${'A1b2C3d4'.repeat(5)}`;
    logger.child({ token: 'child-secret-123' }).info(`calling with Bearer abc123def456ghi789 for run 7`, {
      apiKey: key,
      request: {
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
        url: 'https://u:hunter22@api.example.com/v1',
      },
      note: `fallback key ${key}`,
      model: 'gpt-4o-2024-08-06',
    });
    const text = raw();
    for (const secret of [key, 'abc123def456ghi789', 'dXNlcjpwYXNz', 'hunter22', 'child-secret-123']) {
      expect(text).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({
      message: 'calling with Bearer [REDACTED] for run 7',
      apiKey: '[REDACTED]',
      token: '[REDACTED]',
      request: { headers: { authorization: '[REDACTED]' }, url: 'https://[REDACTED]@api.example.com/v1' },
      model: 'gpt-4o-2024-08-06',
    });
  });

  it('redacts error messages and stacks', () => {
    const { logger, raw } = memoryLogger();
    logger.error('db down', { err: new Error('connect postgres://admin:pw-98765@db/app failed') });
    expect(raw()).not.toContain('pw-98765');
  });

  it('applies user keys and patterns', () => {
    const { logger, lines } = memoryLogger({ redact: { keys: ['ssn'], patterns: [/\bcust_\w{8}\b/] } });
    logger.info('customer cust_12345678 updated', { userSsn: '123-45-6789' });
    expect(lines()[0]).toMatchObject({ message: 'customer [REDACTED] updated', userSsn: '[REDACTED]' });
  });
});

describe('level', () => {
  it('follows option, then AGENTLENS_APP_LOG_LEVEL, then LOG_LEVEL, then info', () => {
    expect(resolveLogLevel(undefined, {})).toBe('info');
    expect(resolveLogLevel(undefined, { LOG_LEVEL: 'debug' })).toBe('debug');
    expect(resolveLogLevel(undefined, { LOG_LEVEL: 'debug', AGENTLENS_APP_LOG_LEVEL: 'ERROR' })).toBe(
      'error',
    );
    expect(resolveLogLevel('warn', { LOG_LEVEL: 'debug', AGENTLENS_APP_LOG_LEVEL: 'error' })).toBe('warn');
    expect(resolveLogLevel(undefined, { LOG_LEVEL: 'WARNING' })).toBe('warn');
    // AGENTLENS_LOG_LEVEL (which also sets the SDK's diagnostics) comes between the two.
    expect(resolveLogLevel(undefined, { AGENTLENS_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(resolveLogLevel(undefined, { AGENTLENS_LOG_LEVEL: 'debug', LOG_LEVEL: 'error' })).toBe('debug');
    expect(
      resolveLogLevel(undefined, { AGENTLENS_LOG_LEVEL: 'debug', AGENTLENS_APP_LOG_LEVEL: 'warn' }),
    ).toBe('warn');
  });

  it('skips and reports an unknown environment value', () => {
    const onInvalid = vi.fn();
    expect(
      resolveLogLevel(undefined, { AGENTLENS_APP_LOG_LEVEL: 'loud', LOG_LEVEL: 'warn' }, onInvalid),
    ).toBe('warn');
    expect(onInvalid).toHaveBeenCalledOnce();
  });

  it('reads the environment when no option is given and filters lines', () => {
    vi.stubEnv('AGENTLENS_APP_LOG_LEVEL', 'warn');
    vi.stubEnv('LOG_LEVEL', 'trace');
    const { logger, lines } = memoryLogger({ level: undefined });
    expect(logger.level).toBe('warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    logger.error('shown too');
    expect(lines().map((l) => l.message)).toEqual(['shown', 'shown too']);
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('lets the option win over the environment', () => {
    vi.stubEnv('AGENTLENS_APP_LOG_LEVEL', 'error');
    const { logger, lines } = memoryLogger({ level: 'debug' });
    logger.debug('shown');
    expect(lines()).toHaveLength(1);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = memoryLogger({ level: 'silent' });
    logger.fatal('nothing');
    expect(lines()).toHaveLength(0);
  });
});

describe('files', () => {
  it('rotates by size keeping maxFiles, whole lines, newest lines in the active file', async () => {
    const path = join(dir, 'logs', 'app.log');
    const { logger } = memoryLogger({ file: { path, maxSizeBytes: 2048, maxFiles: 3 }, stdout: false });
    const total = 200;
    for (let i = 0; i < total; i++) logger.info(`line ${i}`, { i, padding: 'x'.repeat(i % 50) });
    await logger.close();

    const names = readdirSync(join(dir, 'logs')).sort();
    expect(names).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    const read = (name: string) => readFileSync(join(dir, 'logs', name), 'utf8');
    const indexes: number[] = [];
    for (const name of ['app.log.2', 'app.log.1', 'app.log']) {
      const content = read(name);
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
      expect(content.endsWith('\n')).toBe(true);
      // Every line parses: none was split across two files.
      for (const line of content.split('\n').filter(Boolean)) indexes.push(Number(JSON.parse(line).i));
    }
    // Oldest to newest, contiguous, ending with the last line written: nothing lost from the kept files.
    expect(indexes.at(-1)).toBe(total - 1);
    expect(indexes).toEqual(indexes.map((_, k) => (indexes[0] ?? 0) + k));
  });

  it('keeps 5 files of 10 MB by default and appends to an existing file', async () => {
    const path = join(dir, 'app.log');
    const first = memoryLogger({ file: path });
    first.logger.info('first run');
    await first.logger.close();
    const second = memoryLogger({ file: { path } });
    second.logger.info('second run');
    await second.logger.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('writes exactly the error and fatal lines to the error file', async () => {
    const path = join(dir, 'app.log');
    const errorPath = join(dir, 'app.error.log');
    const { logger, lines } = memoryLogger({ file: path, errorFile: errorPath });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e1', { code: 1 });
    logger.audit.info('audit');
    logger.child({ c: 1 }).fatal('f1');
    logger.security.error('e2');
    await logger.close();
    const messages = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).message);
    expect(messages(errorPath)).toEqual(['e1', 'f1', 'e2']);
    expect(messages(path)).toEqual(['d', 'i', 'w', 'e1', 'audit', 'f1', 'e2']);
    expect(lines()).toHaveLength(7);
    // After close, logging is a quiet no-op for the files.
    expect(() => logger.error('late')).not.toThrow();
    expect(messages(errorPath)).toHaveLength(3);
  });
});

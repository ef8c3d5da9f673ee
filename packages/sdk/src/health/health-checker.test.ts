import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HealthCheckError, HealthChecker } from './health-checker.js';

const pass = () => ({ ok: true });
const fail = () => {
  throw new Error('down');
};
const never = () => new Promise<never>(() => {});

describe('HealthChecker report', () => {
  it('is healthy with no checks', async () => {
    const report = await new HealthChecker().run();
    expect(report.status).toBe('healthy');
    expect(report.checks).toEqual({});
    expect(report.summary).toEqual({ total: 0, passed: 0, failed: 0, critical_failed: 0 });
    expect(new Date(report.timestamp).toISOString()).toBe(report.timestamp);
  });

  it('is healthy when every check passes, with returned objects as details', async () => {
    const report = await new HealthChecker()
      .register('db', async () => ({ connection: 'ok', poolSize: 3 }), { critical: true })
      .register('cache', () => 'PONG')
      .run();
    expect(report.status).toBe('healthy');
    expect(report.checks.db).toMatchObject({
      status: 'passed',
      critical: true,
      details: { connection: 'ok', poolSize: 3 },
    });
    expect(report.checks.db?.duration).toBeGreaterThanOrEqual(0);
    expect(report.checks.cache).toMatchObject({ status: 'passed', critical: false });
    expect(report.checks.cache).not.toHaveProperty('details');
    expect(report.checks.cache).not.toHaveProperty('error');
    expect(report.summary).toEqual({ total: 2, passed: 2, failed: 0, critical_failed: 0 });
  });

  it('is degraded when only non-critical checks fail', async () => {
    const report = await new HealthChecker()
      .register('db', pass, { critical: true })
      .register('model_provider', fail)
      .register('memory', pass)
      .run();
    expect(report.status).toBe('degraded');
    expect(report.checks.model_provider).toMatchObject({ status: 'failed', critical: false, error: 'down' });
    expect(report.summary).toEqual({ total: 3, passed: 2, failed: 1, critical_failed: 0 });
  });

  it('is critical when a critical check fails', async () => {
    const report = await new HealthChecker()
      .register('db', fail, { critical: true })
      .register('redis', async () => Promise.reject(new Error('ECONNREFUSED')), { critical: true })
      .register('model_provider', fail)
      .register('memory', pass)
      .run();
    expect(report.status).toBe('critical');
    expect(report.summary).toEqual({ total: 4, passed: 1, failed: 3, critical_failed: 2 });
    expect(Object.keys(report.checks)).toEqual(['db', 'redis', 'model_provider', 'memory']);
  });

  it('survives a JSON round trip unchanged', async () => {
    const report = await new HealthChecker().register('a', pass).register('b', fail).run();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('keeps the last report', async () => {
    const checker = new HealthChecker().register('a', pass);
    expect(checker.lastReport()).toBeUndefined();
    const report = await checker.run();
    expect(checker.lastReport()).toBe(report);
  });

  it('treats a check named __proto__ like any other', async () => {
    const report = await new HealthChecker().register('__proto__', fail).run();
    expect(Object.keys(report.checks)).toEqual(['__proto__']);
    expect(report.status).toBe('degraded');
  });
});

describe('HealthChecker failures', () => {
  it('reports a synchronous throw as a failure', async () => {
    const report = await new HealthChecker()
      .register('sync', () => {
        throw new TypeError('boom');
      })
      .run();
    expect(report.checks.sync).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it.each([
    ['a string', 'nope', 'nope'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['an object with a message', { message: 'from another realm' }, 'from another realm'],
    ['an object without a prototype', Object.create(null), '[object Object]'],
  ])('reports a rejection with %s', async (_kind, reason, error) => {
    const report = await new HealthChecker().register('x', () => Promise.reject(reason)).run();
    expect(report.checks.x).toMatchObject({ status: 'failed', error });
  });

  it('reports a check returning false as a failure', async () => {
    const report = await new HealthChecker().register('flag', async () => false, { critical: true }).run();
    expect(report.checks.flag).toMatchObject({ status: 'failed', error: 'check returned false' });
    expect(report.status).toBe('critical');
  });

  it('survives hostile results: a throwing getter and a thenable whose then throws', async () => {
    const report = await new HealthChecker()
      .register('getter', () => ({
        get boom(): never {
          throw new Error('getter');
        },
      }))
      .register('thenable', () => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this test.
        then() {
          throw new Error('then');
        },
      }))
      .run();
    expect(report.checks.getter).toMatchObject({ status: 'passed' });
    expect(report.checks.getter).not.toHaveProperty('details');
    expect(report.checks.thenable).toMatchObject({ status: 'failed', error: 'then' });
  });

  it('keeps the details of a HealthCheckError', async () => {
    const report = await new HealthChecker()
      .register('queue', () => {
        throw new HealthCheckError('queue depth 1200 over 1000', { depth: 1200 });
      })
      .run();
    expect(report.checks.queue).toMatchObject({
      status: 'failed',
      error: 'queue depth 1200 over 1000',
      details: { depth: 1200 },
    });
  });

  it('removes credentials from URLs in error messages', async () => {
    const report = await new HealthChecker()
      .register('db', () => {
        throw new Error('cannot reach postgres://app:hunter2@db.internal:5432/app');
      })
      .run();
    expect(report.checks.db?.error).toBe('cannot reach postgres://***@db.internal:5432/app');
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  it.each([
    ['non-critical', false, 'degraded'],
    ['critical', true, 'critical'],
  ] as const)('cuts a %s check that hangs forever at its timeout', async (_kind, critical, status) => {
    const timeoutMs = 200;
    const checker = new HealthChecker().register('hang', never, { critical, timeoutMs }).register('ok', pass);
    const started = performance.now();
    const report = await checker.run();
    const elapsed = performance.now() - started;
    // A bound, not a measurement: only a run that waited on the hung check would come near it.
    expect(elapsed).toBeLessThan(timeoutMs * 5);
    expect(report.checks.hang).toMatchObject({ status: 'failed', critical, error: 'timed out after 200 ms' });
    expect(report.checks.ok?.status).toBe('passed');
    expect(report.status).toBe(status);
  });

  it('uses defaultTimeoutMs and aborts the signal it gave the check', async () => {
    let seen: AbortSignal | undefined;
    const report = await new HealthChecker({ defaultTimeoutMs: 50 })
      .register('hang', (signal) => {
        seen = signal;
        return never();
      })
      .run();
    expect(report.checks.hang?.error).toBe('timed out after 50 ms');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toMatchObject({ name: 'TimeoutError', message: 'timed out after 50 ms' });
  });
});

describe('HealthChecker caching', () => {
  it('calls a check once within cacheTtlMs, marks reuse as cached, and again after the TTL', async () => {
    let calls = 0;
    const checker = new HealthChecker().register(
      'slow',
      async () => {
        calls++;
        return { call: calls };
      },
      { cacheTtlMs: 150 },
    );
    const first = await checker.run();
    const second = await checker.run();
    const third = await checker.run();
    expect(calls).toBe(1);
    expect(first.checks.slow).not.toHaveProperty('cached');
    expect(second.checks.slow).toMatchObject({ status: 'passed', cached: true, details: { call: 1 } });
    expect(third.checks.slow?.cached).toBe(true);

    await sleep(200);
    const fourth = await checker.run();
    expect(calls).toBe(2);
    expect(fourth.checks.slow).toMatchObject({ details: { call: 2 } });
    expect(fourth.checks.slow).not.toHaveProperty('cached');
  });

  it('caches failures too, so a down dependency is not probed on every run', async () => {
    let calls = 0;
    const checker = new HealthChecker().register(
      'db',
      () => {
        calls++;
        throw new Error('down');
      },
      { cacheTtlMs: 10_000, critical: true },
    );
    await checker.run();
    const again = await checker.run();
    expect(calls).toBe(1);
    expect(again.checks.db).toMatchObject({ status: 'failed', error: 'down', cached: true, critical: true });
    expect(again.status).toBe('critical');
  });

  it.each([0, 10_000])(
    'shares one in-flight call between concurrent runs (cacheTtlMs %i)',
    async (cacheTtlMs) => {
      let calls = 0;
      let release: () => void = () => {};
      const checker = new HealthChecker().register(
        'db',
        () => {
          calls++;
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
        { cacheTtlMs },
      );
      const runs = Promise.all([checker.run(), checker.run(), checker.run()]);
      await sleep(10);
      release();
      const reports = await runs;
      expect(calls).toBe(1);
      for (const report of reports) expect(report.checks.db?.status).toBe('passed');
    },
  );

  it('calls the check on every run without cacheTtlMs', async () => {
    let calls = 0;
    const checker = new HealthChecker().register('x', () => {
      calls++;
    });
    await checker.run();
    await checker.run();
    expect(calls).toBe(2);
  });
});

describe('HealthChecker registration', () => {
  it('refuses a duplicate name', () => {
    const checker = new HealthChecker().register('db', pass);
    expect(() => checker.register('db', pass)).toThrow(/"db" is already registered/);
  });

  it.each([
    ['an empty name', '', {}],
    ['a blank name', '  ', {}],
    ['a negative timeout', 'x', { timeoutMs: -1 }],
    ['a zero timeout', 'x', { timeoutMs: 0 }],
    ['a NaN timeout', 'x', { timeoutMs: Number.NaN }],
    ['a timeout past the timer limit', 'x', { timeoutMs: 2 ** 31 }],
    ['a negative cache TTL', 'x', { cacheTtlMs: -5 }],
    ['an infinite cache TTL', 'x', { cacheTtlMs: Number.POSITIVE_INFINITY }],
  ])('refuses %s', (_kind, name, options) => {
    expect(() => new HealthChecker().register(name, pass, options)).toThrow();
  });

  it('refuses a check that is not a function', () => {
    expect(() => new HealthChecker().register('x', 'nope' as never)).toThrow(TypeError);
  });

  it('refuses a bad defaultTimeoutMs in the constructor', () => {
    expect(() => new HealthChecker({ defaultTimeoutMs: -1 })).toThrow(RangeError);
  });

  it('unregisters a check, after which the name can be used again', async () => {
    const checker = new HealthChecker().register('db', fail, { cacheTtlMs: 10_000 });
    await checker.run();
    expect(checker.unregister('db')).toBe(true);
    expect(checker.unregister('db')).toBe(false);
    expect((await checker.run()).summary.total).toBe(0);
    checker.register('db', pass, { cacheTtlMs: 10_000 });
    const report = await checker.run();
    expect(report.checks.db).toMatchObject({ status: 'passed' });
    expect(report.checks.db).not.toHaveProperty('cached');
  });
});

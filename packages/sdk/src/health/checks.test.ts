import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithTool } from '../../../../test-support/require-tool.js';
import {
  findPostgres,
  findRedisServer,
  startPostgres,
  startRedis,
  type TestServer,
} from '../../../../test-support/test-servers.js';
import {
  diskSpaceCheck,
  eventLoopDelayCheck,
  httpCheck,
  memoryCheck,
  postgresCheck,
  redisCheck,
} from './checks.js';
import { HealthChecker } from './health-checker.js';

/** Runs one check through a HealthChecker, as a user would, and returns its result. */
async function runOne(check: Parameters<HealthChecker['register']>[1], timeoutMs = 5000) {
  const report = await new HealthChecker().register('check', check, { timeoutMs, critical: true }).run();
  return { result: report.checks.check, report };
}

describe('memoryCheck', () => {
  it('passes with defaults and reports memory figures', async () => {
    const { result } = await runOne(memoryCheck());
    expect(result?.status).toBe('passed');
    const details = result?.details ?? {};
    expect(details.rssBytes).toBeGreaterThan(0);
    expect(details.heapUsedBytes).toBeGreaterThan(0);
    expect(details.heapLimitBytes).toBeGreaterThan(details.heapUsedBytes as number);
    expect(details.heapRatio).toBeGreaterThan(0);
    expect(details.heapRatio).toBeLessThan(1);
  });

  it('fails over an impossible heap ratio, keeping the figures', async () => {
    const { result } = await runOne(memoryCheck({ maxHeapRatio: 0.000001 }));
    expect(result?.status).toBe('failed');
    expect(result?.error).toMatch(/^heap used is .+% of the limit \(max 0\.000100%\)$/);
    expect(result?.details?.heapRatio).toBeGreaterThan(0.000001);
  });

  it('fails over an impossible RSS limit', async () => {
    const { result } = await runOne(memoryCheck({ maxRssBytes: 1 }));
    expect(result?.status).toBe('failed');
    expect(result?.error).toMatch(/RSS is \d+ bytes \(max 1\)/);
  });

  it('refuses invalid options at the factory call', () => {
    expect(() => memoryCheck({ maxHeapRatio: 0 })).toThrow(RangeError);
    expect(() => memoryCheck({ maxHeapRatio: 1.5 })).toThrow(RangeError);
    expect(() => memoryCheck({ maxRssBytes: -1 })).toThrow(RangeError);
  });
});

describe('diskSpaceCheck', () => {
  it('passes with defaults and reports space figures', async () => {
    const { result } = await runOne(diskSpaceCheck());
    expect(result?.status).toBe('passed');
    const details = result?.details ?? {};
    expect(details.totalBytes).toBeGreaterThan(0);
    expect(details.freeBytes).toBeGreaterThan(0);
    expect(details.freeRatio).toBeGreaterThan(0);
    expect(details.freeRatio).toBeLessThanOrEqual(1);
  });

  it('fails under an impossible minimum of free bytes', async () => {
    const { result } = await runOne(diskSpaceCheck({ minFreeBytes: Number.MAX_SAFE_INTEGER }));
    expect(result?.status).toBe('failed');
    expect(result?.error).toContain(`(min ${Number.MAX_SAFE_INTEGER})`);
    expect(result?.details?.freeBytes).toBeGreaterThan(0);
  });

  it('fails under an impossible free ratio', async () => {
    const { result } = await runOne(diskSpaceCheck({ minFreeRatio: 1 }));
    expect(result?.status).toBe('failed');
  });

  it('fails on a path that does not exist', async () => {
    const { result } = await runOne(diskSpaceCheck({ path: '/nonexistent/agentlens/health' }));
    expect(result?.status).toBe('failed');
    expect(result?.error).toContain('ENOENT');
  });
});

describe('eventLoopDelayCheck', () => {
  it('passes with defaults on an idle loop', async () => {
    const check = eventLoopDelayCheck();
    // A window takes a sample every 20 ms, unless the machine (a loaded CI runner) does not run
    // the process meanwhile: look again, as a probe would, until a window has samples.
    const deadline = Date.now() + 5_000;
    let result: Awaited<ReturnType<typeof runOne>>['result'];
    do {
      await sleep(100);
      ({ result } = await runOne(check));
      expect(result?.status).toBe('passed');
    } while (result?.details?.samples === 0 && Date.now() < deadline);
    expect(result?.details).toMatchObject({
      p50Ms: expect.any(Number),
      p99Ms: expect.any(Number),
      maxMs: expect.any(Number),
    });
    expect(result?.details?.samples).toBeGreaterThan(0);
  });

  it('fails when the loop was blocked past an impossible threshold', async () => {
    const check = eventLoopDelayCheck({ maxP99Ms: 0 });
    // The sampler drops the interval it started in, so block only after a few samples.
    await sleep(60);
    const until = performance.now() + 80;
    while (performance.now() < until) {
      // Blocking the loop is the point.
    }
    await sleep(40);
    const { result } = await runOne(check);
    expect(result?.status).toBe('failed');
    expect(result?.error).toMatch(/^event loop delay p99 is [\d.]+ ms \(max 0 ms\)$/);
    expect(result?.details?.maxMs).toBeGreaterThan(40);
  });

  it('refuses a negative threshold', () => {
    expect(() => eventLoopDelayCheck({ maxP99Ms: -1 })).toThrow(RangeError);
  });
});

describe('httpCheck against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seenHeaders: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seenHeaders.push(req.headers);
      switch (req.url) {
        case '/ok':
          res.writeHead(200).end('ok');
          return;
        case '/fail':
        case '/fail?token=tok-7':
          res.writeHead(500).end('broken');
          return;
        case '/moved':
          res.writeHead(302, { location: '/fail' }).end();
          return;
        case '/auth':
          res.writeHead(req.headers.authorization === `Basic ${btoa('user:secret')}` ? 200 : 401).end();
          return;
        case '/hang':
          // Never answers: the check must give up on its own.
          return;
        default:
          res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes on 200 and reports status and latency', async () => {
    const { result } = await runOne(httpCheck(`${base}/ok`));
    expect(result?.status).toBe('passed');
    expect(result?.details).toMatchObject({ status: 200, latency: expect.any(Number) });
  });

  it('fails on 500 with the status in the error', async () => {
    const { result, report } = await runOne(httpCheck(`${base}/fail`));
    expect(result?.status).toBe('failed');
    expect(result?.error).toBe(`GET ${base}/fail answered 500, expected 2xx or 3xx`);
    expect(result?.details?.status).toBe(500);
    expect(report.status).toBe('critical');
  });

  it('counts a redirect as the answer without following it', async () => {
    const { result } = await runOne(httpCheck(`${base}/moved`));
    expect(result?.status).toBe('passed');
    expect(result?.details?.status).toBe(302);
  });

  it('honours expectStatus as a number and as a predicate', async () => {
    expect((await runOne(httpCheck(`${base}/fail`, { expectStatus: 500 }))).result?.status).toBe('passed');
    const { result } = await runOne(httpCheck(`${base}/ok`, { expectStatus: (status) => status === 204 }));
    expect(result?.status).toBe('failed');
    expect(result?.error).toContain('answered 200, expected a status expectStatus accepts');
  });

  it('fails on timeout when the server never answers', async () => {
    const started = performance.now();
    const { result } = await runOne(httpCheck(`${base}/hang`, { timeoutMs: 200 }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result?.status).toBe('failed');
    expect(result?.error).toBe(`GET ${base}/hang timed out after 200 ms`);
  });

  it('is cut by the checker timeout too, which aborts the request', async () => {
    const { result } = await runOne(httpCheck(`${base}/hang`, { timeoutMs: 10_000 }), 200);
    expect(result?.error).toBe('timed out after 200 ms');
  });

  it('fails with the network error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { result } = await runOne(httpCheck(`http://127.0.0.1:${port}/`));
    expect(result?.status).toBe('failed');
    expect(result?.error).toBe(
      `GET http://127.0.0.1:${port}/ failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('sends URL credentials as Basic auth and never shows them or any header', async () => {
    const [host] = base.replace('http://', '').split('/');
    const checks = new HealthChecker()
      .register('auth', httpCheck(`http://user:secret@${host}/auth`))
      .register(
        'fail',
        httpCheck(`http://user:secret@${host}/fail?token=tok-7`, { headers: { 'x-api-key': 'key-42' } }),
      )
      .register('hang', httpCheck(`http://user:secret@${host}/hang`, { timeoutMs: 100 }));
    seenHeaders.length = 0;
    const report = await checks.run();
    expect(report.checks.auth?.status).toBe('passed');
    expect(report.checks.fail?.error).toBe(
      `GET http://***@${host}/fail?*** answered 500, expected 2xx or 3xx`,
    );
    expect(report.checks.hang?.error).toBe(`GET http://***@${host}/hang timed out after 100 ms`);
    expect(seenHeaders.some((headers) => headers['x-api-key'] === 'key-42')).toBe(true);
    const json = JSON.stringify(report);
    for (const secret of ['secret', 'tok-7', 'key-42', 'x-api-key', btoa('user:secret'), 'authorization']) {
      expect(json).not.toContain(secret);
    }
  });

  it('refuses an invalid URL at the factory call without echoing credentials', () => {
    expect(() => httpCheck('ftp://127.0.0.1/')).toThrow(TypeError);
    expect(() => httpCheck('http://user:secret@[bad')).toThrow(
      /^httpCheck: invalid URL http:\/\/\*\*\*@\[bad$/,
    );
    expect(() => httpCheck(`${base}/ok`, { timeoutMs: 0 })).toThrow(RangeError);
  });
});

const postgres = findPostgres();

describeWithTool(
  { name: 'PostgreSQL (initdb, postgres)', found: postgres !== undefined, debianPackage: 'postgresql' },
  'postgresCheck against a real PostgreSQL server',
  () => {
    let server: TestServer;
    let client: pg.Client;
    let pool: pg.Pool;

    beforeAll(async () => {
      server = await startPostgres();
      const connection = { host: server.host, port: server.port, user: 'postgres', database: 'postgres' };
      client = new pg.Client({ ...connection, connectionTimeoutMillis: 2000 });
      // A server that goes away makes an idle client emit 'error'; the check reports it instead.
      client.on('error', () => {});
      await client.connect();
      pool = new pg.Pool({ ...connection, max: 2, connectionTimeoutMillis: 2000 });
      pool.on('error', () => {});
    }, 30_000);

    afterAll(async () => {
      await client?.end().catch(() => {});
      await pool?.end().catch(() => {});
      await server?.stop();
    });

    it('passes with a pg Client', async () => {
      const { result } = await runOne(postgresCheck(client));
      expect(result?.status).toBe('passed');
      expect(result?.details).toEqual({ latency: expect.any(Number) });
    });

    it('passes with a pg Pool and reports its counts', async () => {
      const { result } = await runOne(postgresCheck(pool));
      expect(result?.status).toBe('passed');
      expect(result?.details).toMatchObject({ totalCount: 1, idleCount: 1, waitingCount: 0 });
    });

    it('fails with the server error on a bad query', async () => {
      const { result } = await runOne(postgresCheck(pool, { query: 'SELECT * FROM no_such_table' }));
      expect(result?.status).toBe('failed');
      expect(result?.error).toBe('postgres query failed: relation "no_such_table" does not exist');
    });

    it('fails, without waiting for the timeout, once the server is stopped', async () => {
      await server.stop();
      const report = await new HealthChecker({ defaultTimeoutMs: 3000 })
        .register('client', postgresCheck(client), { critical: true })
        .register('pool', postgresCheck(pool), { critical: true })
        .run();
      expect(report.status).toBe('critical');
      for (const result of [report.checks.client, report.checks.pool]) {
        expect(result?.status).toBe('failed');
        expect(result?.error).toMatch(/^postgres query failed: /);
        expect(result?.error).not.toContain('timed out');
      }
      expect(report.checks.pool?.error).toContain('ECONNREFUSED');
    });
  },
);

const redisServer = findRedisServer();

describeWithTool(
  { name: 'redis-server', found: redisServer !== undefined, debianPackage: 'redis-server' },
  'redisCheck against a real Redis server',
  () => {
    let server: TestServer;
    let client: ReturnType<typeof createClient>;
    let failFast: ReturnType<typeof createClient>;

    beforeAll(async () => {
      server = await startRedis();
      client = createClient({ url: server.url });
      // node-redis emits 'error' on every lost connection; the check reports the outcome instead.
      client.on('error', () => {});
      failFast = createClient({
        url: server.url,
        disableOfflineQueue: true,
        socket: { reconnectStrategy: false },
      });
      failFast.on('error', () => {});
      await Promise.all([client.connect(), failFast.connect()]);
    }, 30_000);

    afterAll(async () => {
      client?.destroy();
      failFast?.destroy();
      await server?.stop();
    });

    it('passes when PING answers PONG', async () => {
      const { result } = await runOne(redisCheck(client));
      expect(result?.status).toBe('passed');
      expect(result?.details).toEqual({ latency: expect.any(Number) });
    });

    it('fails when the answer is not PONG', async () => {
      const { result } = await runOne(redisCheck({ ping: async () => 'LOADING' }));
      expect(result?.status).toBe('failed');
      expect(result?.error).toBe('redis ping answered "LOADING", expected PONG');
    });

    it('fails once the server is stopped: at once without an offline queue, at the timeout with one', async () => {
      await server.stop();
      const started = performance.now();
      const report = await new HealthChecker({ defaultTimeoutMs: 300 })
        .register('queued', redisCheck(client), { critical: true })
        .register('failFast', redisCheck(failFast), { critical: true })
        .run();
      expect(performance.now() - started).toBeLessThan(1500);
      expect(report.status).toBe('critical');
      expect(report.checks.queued).toMatchObject({ status: 'failed', error: 'timed out after 300 ms' });
      expect(report.checks.failFast?.status).toBe('failed');
      expect(report.checks.failFast?.error).toMatch(/^redis ping failed: /);
    });
  },
);

import type { SystemHealth } from '@agentlens/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agentlens, createAgentlens } from '../agentlens.js';
import type { AgentlensOptions } from '../config.js';
import type { HealthReport } from '../health/index.js';
import type { MetricsServer } from './server.js';

const running: Agentlens[] = [];

async function serve(
  setup: (al: Agentlens) => void = () => {},
  options: AgentlensOptions = {},
  token?: string,
): Promise<{
  al: Agentlens;
  server: MetricsServer;
  get: (path: string, init?: RequestInit) => Promise<Response>;
}> {
  const al = createAgentlens({ processMetrics: false, ...options });
  running.push(al);
  setup(al);
  const server = await al.startMetricsServer(token === undefined ? { port: 0 } : { port: 0, token });
  return { al, server, get: (path, init) => fetch(`${server.url}${path}`, init) };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((al) => al.shutdown()));
});

describe('/health', () => {
  it('answers 200 healthy with the JAF body', async () => {
    const { get } = await serve((al) =>
      al.health.register('database', () => ({ pool: 4 }), { critical: true }),
    );
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as HealthReport;
    expect(body).toMatchObject({
      status: 'healthy',
      checks: { database: { status: 'passed', critical: true, details: { pool: 4 } } },
      summary: { total: 1, passed: 1, failed: 0, critical_failed: 0 },
    });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('answers 207 degraded when a non-critical check fails', async () => {
    const { get } = await serve((al) => {
      al.health.register('database', () => true, { critical: true });
      al.health.register('model_provider', () => {
        throw new Error('provider answered 503');
      });
    });
    const response = await get('/health');
    expect(response.status).toBe(207);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      checks: { model_provider: { status: 'failed', error: 'provider answered 503' } },
      summary: { failed: 1, critical_failed: 0 },
    });
  });

  it('answers 503 critical when a critical check fails, including one that hangs past its timeout', async () => {
    const { get } = await serve((al) => {
      al.health.register('database', () => new Promise(() => {}), { critical: true, timeoutMs: 100 });
    });
    const started = Date.now();
    const response = await get('/health');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthReport;
    expect(body.status).toBe('critical');
    expect(body.checks.database?.error).toMatch(/timed out after 100 ms/);
  });
});

describe('probes', () => {
  it('/health/live is 200 even while a critical check fails', async () => {
    const { get } = await serve((al) => al.health.register('db', () => false, { critical: true }));
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health')).status).toBe(503);
  });

  it('/ready is 503 until the app is ready (manual readiness), then 200, and 503 again on shutdown', async () => {
    const { al, get } = await serve(() => {}, { readiness: 'manual' });
    const notReady = await get('/ready');
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { status: string }).status).toBe('not ready');
    al.setReady(true);
    expect((await get('/ready')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
    const shutdown = al.shutdown();
    expect(al.ready).toBe(false);
    await shutdown;
  });

  it('/ready is 503 while a critical check fails, and 200 when only a non-critical one does', async () => {
    let dbUp = false;
    const { get } = await serve((al) => {
      al.health.register('db', () => dbUp, { critical: true });
      al.health.register('cache', () => false);
    });
    const down = await get('/ready');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { reasons: string[] }).reasons).toEqual(['critical check db failed']);
    dbUp = true;
    expect((await get('/ready')).status).toBe(200);
  });

  it('/health/detailed adds the system health from the collector', async () => {
    const { get } = await serve((al) => {
      for (let i = 0; i < 20; i++)
        al.recordAgentRequest({ agentName: 'A', success: i > 15, responseTime: 1 });
    });
    const response = await get('/health/detailed');
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthReport & { system: SystemHealth; ready: boolean };
    expect(body.system).toMatchObject({ status: 'unhealthy', totalRequests: 20, failuresInWindow: 16 });
    expect(body.ready).toBe(true);
  });
});

describe('/metrics', () => {
  it('serves the Prometheus text format, or OpenMetrics when the scraper asks for it', async () => {
    const { get } = await serve((al) =>
      al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 1 }),
    );
    const plain = await get('/metrics');
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await plain.text()).toContain('agent_requests_total{agent_name="A",status="success"} 1');
    const om = await get('/metrics', {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await om.text()).endsWith('# EOF\n')).toBe(true);
  });

  it('answers HEAD without a body, 404 and 405 with a JSON error', async () => {
    const { get } = await serve();
    const head = await get('/metrics', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no endpoint at /nope' } });
    const post = await get('/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('token and binding', () => {
  it('requires the bearer token on /metrics and /health, leaving the probes open', async () => {
    const { get } = await serve(() => {}, {}, 's3cret-token');
    const denied = await get('/metrics');
    expect(denied.status).toBe(401);
    expect(await denied.text()).not.toContain('s3cret');
    expect((await get('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await get('/metrics', { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await get('/health')).status).toBe(401);
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/ready')).status).toBe(200);
  });

  it('refuses to bind a non-loopback address without a token', async () => {
    const al = createAgentlens({ processMetrics: false });
    const saved = process.env.AGENTLENS_TOKEN;
    delete process.env.AGENTLENS_TOKEN;
    try {
      await expect(al.startMetricsServer({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/without a token/);
    } finally {
      if (saved !== undefined) process.env.AGENTLENS_TOKEN = saved;
    }
  });

  it('binds 127.0.0.1 by default and reports a taken port', async () => {
    const { server } = await serve();
    expect(server.host).toBe('127.0.0.1');
    const other = createAgentlens({ processMetrics: false });
    await expect(other.startMetricsServer({ port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

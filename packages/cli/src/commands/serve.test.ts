import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUB_HEAP_LIMITS, SqliteStore } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithTool } from '../../../../test-support/require-tool.js';
import { findPostgres, startPostgres, type TestServer } from '../../../../test-support/test-servers.js';
import { spanBatch } from '../../../hub/src/otlp/exporter-capture.test-helpers.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly grpcUrl: string;
  out(): string;
  readonly exited: Promise<number | string | null>;
}

/** Runs `agentlens serve` from source, as node itself (tsx as a loader) so signals reach it. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@agentlens/source', 'packages/cli/src/main.ts', 'serve', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  // The signal when it was killed by one (a crash shows as SIGSEGV or SIGABRT, not as null).
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const http = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const grpc = /OTLP\/gRPC: (\S+)/.exec(out)?.[1];
      if (http !== undefined && grpc !== undefined && out.includes('Ctrl-C')) {
        clearInterval(timer);
        resolve({ child, url: http, grpcUrl: grpc, out: () => out, exited });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`serve exited early (${code}): ${out}`));
    });
  });
}

/** Runs `agentlens serve` expecting it to refuse its arguments. */
async function refused(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@agentlens/source', 'packages/cli/src/main.ts', 'serve', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, out };
}

const TRACE = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'serve-test' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'invoke_agent Planner',
              startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
              attributes: [{ key: 'gen_ai.agent.name', value: { stringValue: 'Planner' } }],
            },
          ],
        },
      ],
    },
  ],
});

describe('agentlens serve', () => {
  it('listens, says where, takes OTLP, answers the API, and stops cleanly on SIGTERM', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'agentlens-serve-')), 'hub.db');
    const hub = await serve([
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--db',
      db,
      '--retention',
      '7d',
      '--max-db-size',
      '2GB',
      '--budget',
      '25',
    ]);
    expect(hub.out()).toContain(db);
    expect(hub.out()).toMatch(/OTLP\/gRPC: http:\/\/127\.0\.0\.1:\d+/);
    expect(hub.out()).toContain('retention: older than 7d removed, at most 2.0 GB');
    expect(hub.out()).toContain('budget:    $25.00 a day');
    const response = await fetch(`${hub.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: TRACE,
    });
    expect(response.status).toBe(200);
    const status = await new HubClient({ baseUrl: hub.url }).hubStatus();
    expect(status.retention).toEqual({ maxAgeMs: 7 * 86_400_000, maxBytes: 2e9 });
    expect(status.listeners.grpc).toBe(hub.grpcUrl);
    const report = await new HubClient({ baseUrl: hub.url }).report({ window: '15m' });
    expect(report.agents.map((a) => [a.name, a.requests])).toEqual([['Planner', 1]]);
    expect(report.health.budget).toMatchObject({ dailyUsd: 25, exceeded: false });
    // The web UI at / (built by `npm run build`, which CI runs before the tests).
    expect(hub.out()).toContain(`web UI:    ${hub.url}/`);
    const page = await fetch(`${hub.url}/agents?window=24h`);
    const html = await page.text();
    expect(page.status, html).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toMatch(/<script[^>]+src="\/assets\//);
    // The hub runs under its heap limit (HUB_HEAP_LIMITS), not the process's default of gigabytes.
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const limit = Number(/^agentlens_hub_heap_limit_bytes (\d+)$/m.exec(metrics)?.[1]);
    expect(limit).toBeGreaterThanOrEqual(HUB_HEAP_LIMITS.maxOldGenerationSizeMb * 2 ** 20);
    expect(limit).toBeLessThanOrEqual(
      (HUB_HEAP_LIMITS.maxOldGenerationSizeMb + HUB_HEAP_LIMITS.maxYoungGenerationSizeMb) * 2 ** 20,
    );
    expect(existsSync(db)).toBe(true);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.out()).toContain('stopped (SIGTERM)');
    // Closed cleanly: the WAL was checkpointed into the database and removed.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const reopened = new SqliteStore({ path: db });
    expect((await reopened.listTraces({}, null, 10)).traces.map((t) => t.rootSpanName)).toEqual([
      'invoke_agent Planner',
    ]);
    await reopened.close();
  });

  it('takes the largest request it admits under its heap limits', { timeout: 120_000 }, async () => {
    // As many spans as one request may carry (maxItemsPerRequest), with GenAI attributes and an
    // event each: decoded and committed inside the heap limits of the hub's thread.
    const spans = 32_768;
    const { protobuf } = spanBatch(spans);
    expect(protobuf.byteLength).toBeGreaterThan(12 * 2 ** 20);
    const db = join(mkdtempSync(join(tmpdir(), 'agentlens-serve-')), 'hub.db');
    const hub = await serve(['--port', '0', '--no-grpc', '--db', db]);
    try {
      const response = await fetch(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: protobuf,
      });
      expect(response.status).toBe(200);
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toContain(`agentlens_hub_received_items_total{signal="traces"} ${spans}\n`);
    } finally {
      hub.child.kill('SIGTERM');
      expect(await hub.exited, hub.out()).toBe(0);
    }
  });

  it('says why when the hub cannot start, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, out } = await refused(['--port', String(port), '--no-grpc', '--db', ':memory:']);
      expect(code).toBe(1);
      expect(out).toMatch(/^agentlens: .*EADDRINUSE/m);
    } finally {
      taken.close();
    }
  });

  it('runs without gRPC when asked', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'agentlens-serve-')), 'hub.db');
    const hub = await serve(['--port', '0', '--no-grpc', '--db', db]);
    expect(hub.grpcUrl).toBe('off');
    hub.child.kill('SIGINT');
    expect(await hub.exited).toBe(0);
  });

  it.each([
    [['--retention', '7x'], 'is not a duration'],
    [['--max-db-size', 'huge'], 'is not a size'],
    [['--port', '70000'], 'must be an integer from 0 to 65535'],
    [['--db', 'postgres://bad host/db'], 'postgres:// URL'],
    [['--colour'], "unknown option '--colour'"],
    [['--budget', '-3'], 'must be an amount of US dollars above 0'],
  ])('refuses %j with a one-line reason', async (args, reason) => {
    const { code, out } = await refused(args);
    expect(code).not.toBe(0);
    expect(out).toContain(reason);
  });

  it('refuses to bind a public address without a token', async () => {
    const { code, out } = await refused(
      ['--port', '0', '--no-grpc', '--host', '0.0.0.0', '--db', ':memory:'],
      {
        AGENTLENS_TOKEN: '',
      },
    );
    expect(code).not.toBe(0);
    expect(out).toContain('AGENTLENS_TOKEN');
  });
});

describeWithTool(
  { name: 'PostgreSQL (initdb, postgres)', found: findPostgres() !== undefined, debianPackage: 'postgresql' },
  'agentlens serve --db postgres://',
  () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('keeps the data in PostgreSQL and never prints the password', async () => {
      const url = `postgres://postgres:s3cret-pw@${server.host}:${server.port}/postgres`;
      const hub = await serve(['--port', '0', '--no-grpc', '--db', url]);
      expect(hub.out()).toContain(`postgres://postgres:***@${server.host}:${server.port}/postgres`);
      expect(hub.out()).not.toContain('s3cret-pw');
      const response = await fetch(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: TRACE,
      });
      expect(response.status).toBe(200);
      const client = new HubClient({ baseUrl: hub.url });
      expect((await client.hubStatus()).store.kind).toBe('postgres');
      const { traces } = await client.listTraces();
      expect(traces.map((t) => t.rootSpanName)).toEqual(['invoke_agent Planner']);
      hub.child.kill('SIGTERM');
      expect(await hub.exited).toBe(0);
      expect(hub.out()).not.toContain('s3cret-pw');
    });
  },
);

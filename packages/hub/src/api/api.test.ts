import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { GENAI_PRICES_DATASET, GENAI_PRICES_DATE } from '@agentlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubApiError, HubClient } from '../client/index.js';
import { createHub, type Hub } from '../hub.js';
import {
  type FixtureFile,
  logFromFixture,
  readFixture,
  spanFromFixture,
} from '../store/conformance/fixture-spans.js';

const fixture = readFixture<FixtureFile>('agents.json');
const BASE = fixture.baseTimeMs;
const SPANS = fixture.spans.map((f) => spanFromFixture(f, BASE));
const LOGS = fixture.logs.map((f) => logFromFixture(f, BASE));
const WINDOW = { from: BASE, to: BASE + 300_000 };
const TOKEN = 'api-test-token-3f9c';

let dir: string;
let hub: Hub;
let client: HubClient;

async function getJson(
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
  const response = await fetch(`${hub.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; message: string } },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-api-'));
  hub = await createHub({ port: 0, dbPath: join(dir, 'hub.db'), token: TOKEN });
  await hub.store.writeSpans(SPANS);
  await hub.store.writeLogs(LOGS);
  client = new HubClient({ baseUrl: hub.url, token: TOKEN });
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('query API through the typed client', () => {
  it('lists services', async () => {
    const { services } = await client.services();
    expect(services).toEqual(await hub.store.services());
    expect(services.map((s) => s.name)).toEqual(['checkout', 'support']);
  });

  it('lists traces newest first, filters them, and pages with the cursor', async () => {
    const all = await client.listTraces();
    expect(all.traces.map((t) => t.listedAtMs - BASE)).toEqual([180_000, 60_000, 60_000, 0]);
    const errors = await client.listTraces({ status: 'error' });
    expect(errors.traces.every((t) => t.errorCount > 0)).toBe(true);
    expect(errors.traces.length).toBeGreaterThan(0);
    expect(errors.traces.length).toBeLessThan(all.traces.length);
    const planner = await client.listTraces({ agent: 'planner' });
    expect(planner).toEqual(await hub.store.listTraces({ agent: 'planner' }, null, 50));
    const slow = await client.listTraces({ minDuration: '1s' });
    expect(slow.traces.every((t) => t.durationMs >= 1000)).toBe(true);
    const text = await client.listTraces({ q: 'GPT-4O' });
    expect(text).toEqual(await hub.store.listTraces({ text: 'GPT-4O' }, null, 50));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTraces({ limit: 1, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(all.traces.map((t) => t.traceId));
  });

  it('filters the trace list by time range', async () => {
    const page = await client.listTraces({ from: BASE + 1, to: new Date(BASE + 60_001) });
    expect(page.traces.map((t) => t.listedAtMs - BASE)).toEqual([60_000, 60_000]);
    const iso = await client.listTraces({ from: new Date(BASE + 60_001).toISOString() });
    expect(iso.traces.map((t) => t.listedAtMs - BASE)).toEqual([180_000]);
  });

  it('returns a trace with every span, attribute, event and link, and its logs', async () => {
    const traceId = SPANS[0]?.traceId as string;
    const trace = await client.getTrace(traceId);
    const { prices, ...detail } = trace ?? { prices: [] };
    expect(detail).toEqual(await hub.store.getTrace(traceId));
    // The price entry behind each model of its model calls, from the hub's catalog.
    const models = new Set(
      trace?.spans.filter((s) => s.inputTokens !== null).map((s) => s.responseModel ?? s.requestModel),
    );
    expect(new Set(prices.map((p) => p.model))).toEqual(models);
    expect(prices.find((p) => p.model === 'gpt-4o-2024-08-06')).toEqual({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      entry: {
        source: 'genai-prices',
        provider: 'openai',
        model: 'gpt-4o',
        dataset: GENAI_PRICES_DATASET,
        datasetDate: GENAI_PRICES_DATE,
      },
      unpricedReason: null,
    });
    expect(trace?.spans.length).toBe(SPANS.filter((s) => s.traceId === traceId).length);
    expect(trace?.logs.length).toBeGreaterThan(0);
    expect(await client.getTrace(traceId.toUpperCase())).toEqual(trace);
    expect(await client.getTrace('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('answers stats with the same figures as the store', async () => {
    const window = { fromMs: WINDOW.from, toMs: WINDOW.to };
    for (const kind of ['overview', 'agents', 'tools', 'models'] as const) {
      const answer = await client.stats(kind, WINDOW);
      expect(answer.kind).toBe(kind);
      expect(answer.window).toEqual(window);
      expect(answer.groups).toEqual(await hub.store.stats(kind, window));
    }
    const models = await client.stats('models', WINDOW);
    expect(models.prices?.map((p) => `${p.provider}/${p.model}`)).toEqual(
      models.groups.map((g) => `${g.provider}/${g.name}`),
    );
    expect(models.prices?.find((p) => p.model === 'claude-sonnet-4')?.entry).toMatchObject({
      provider: 'anthropic',
      datasetDate: GENAI_PRICES_DATE,
    });
    expect((await client.stats('agents', WINDOW)).prices).toBeUndefined();
    const support = await client.stats('agents', { ...WINDOW, service: 'support' });
    expect(support.groups).toEqual(await hub.store.stats('agents', window, { service: 'support' }));
    expect(support.groups.length).toBeGreaterThan(0);
    const { groups } = await client.stats('agents', WINDOW);
    expect(groups.find((g) => g.name === 'planner')).toMatchObject({
      requests: 2,
      failures: 1,
      successRate: 0.5,
    });
  });

  it('takes a relative window and defaults it to the last hour', async () => {
    const before = Date.now();
    const answer = await client.stats('overview');
    expect(answer.window.toMs - answer.window.fromMs).toBe(3_600_000);
    expect(answer.window.toMs).toBeGreaterThanOrEqual(before);
    // The fixture is from 2026-01-01: nothing in the last hour.
    expect(answer.groups[0]).toMatchObject({ requests: 0 });
    const week = await client.stats('overview', { window: '7d' });
    expect(week.window.toMs - week.window.fromMs).toBe(7 * 86_400_000);
  });

  it('answers timeseries by step and group', async () => {
    const answer = await client.timeseries({ measure: 'requests', step: '1m', groupBy: 'agent', ...WINDOW });
    const expected = await hub.store.timeseries('requests', 60_000, 'agent', {
      fromMs: WINDOW.from,
      toMs: WINDOW.to,
    });
    expect(answer).toEqual({ ...expected, window: { fromMs: WINDOW.from, toMs: WINDOW.to } });
    const ungrouped = await client.timeseries({ measure: 'cost', step: '5m', ...WINDOW });
    expect(ungrouped.series).toHaveLength(1);
    expect(ungrouped.stepMs).toBe(300_000);
  });

  it('searches logs by level, trace, service and text', async () => {
    const errors = await client.logs({ level: 'error' });
    expect(errors.logs.length).toBeGreaterThan(0);
    expect(errors.logs.every((l) => l.severityNumber >= 17)).toBe(true);
    const traceId = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const byTrace = await client.logs({ traceId });
    expect(byTrace.logs.every((l) => l.traceId === traceId)).toBe(true);
    expect(byTrace.logs.length).toBeGreaterThan(0);
    const text = await client.logs({ q: 'TIMED OUT', service: 'checkout' });
    expect(text.logs.map((l) => l.body)).toEqual(['model call timed out after 1500 ms']);
    expect((await client.logs({ level: '17' })).logs).toEqual(errors.logs);
  });

  it("reports the hub's own state", async () => {
    const status = await client.hubStatus();
    expect(status).toMatchObject({ version: '0.1.0', store: { kind: 'sqlite' } });
    expect(status.store.sizeBytes).toBeGreaterThan(0);
    expect(status.listeners.http).toBe(hub.url);
    expect(status.ingest.capacity).toBeGreaterThan(0);
  });
});

describe('query API errors', () => {
  it.each([
    ['/api/traces?agnet=planner', 400, 'unknown parameter "agnet"'],
    ['/api/traces?limit=0', 400, 'parameter "limit"'],
    ['/api/traces?limit=abc', 400, 'parameter "limit"'],
    ['/api/traces?status=broken', 400, 'parameter "status"'],
    ['/api/traces?cursor=not-a-cursor', 400, 'invalid cursor'],
    ['/api/traces?minDuration=fast', 400, 'not a duration'],
    ['/api/traces?agent=a&agent=b', 400, 'more than once'],
    ['/api/traces?from=yesterday', 400, 'parameter "from"'],
    ['/api/traces?window=1h&from=1', 400, 'not both'],
    ['/api/traces?from=2000&to=1000', 400, 'before'],
    ['/api/traces/xyz', 400, '32 hex digits'],
    ['/api/traces/0123456789abcdef0123456789abcdef', 404, 'no trace'],
    ['/api/stats/everything', 404, 'no stats'],
    ['/api/stats/agents?window=15x', 400, 'not a duration'],
    ['/api/timeseries', 400, 'parameter "measure"'],
    ['/api/timeseries?measure=requests&step=30s', 400, 'step'],
    ['/api/timeseries?measure=requests&groupBy=planet', 400, 'parameter "groupBy"'],
    ['/api/logs?level=loud', 400, 'parameter "level"'],
    ['/api/logs?traceId=123', 400, 'parameter "traceId"'],
    ['/api/nothing', 404, 'no route'],
  ])('GET %s answers %i with the reason', async (path, status, reason) => {
    const answer = await getJson(path);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toContain(reason);
    expect(typeof answer.body.error.code).toBe('string');
  });

  it('answers 401 without the token, and the client says so', async () => {
    const answer = await getJson('/api/traces', null);
    expect(answer.status).toBe(401);
    const anonymous = new HubClient({ baseUrl: hub.url });
    await expect(anonymous.services()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    const wrong = new HubClient({ baseUrl: hub.url, token: 'wrong' });
    const error = await wrong.services().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubApiError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it('says when the hub cannot be reached', async () => {
    const gone = new HubClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(gone.services()).rejects.toMatchObject({ status: 0, code: 'unreachable' });
  });

  it('refuses a base URL that is not http', () => {
    expect(() => new HubClient({ baseUrl: 'ftp://example' })).toThrow(TypeError);
    expect(() => new HubClient({ baseUrl: 'not a url' })).toThrow(TypeError);
  });
});

describe("the hub's own /metrics", () => {
  it('counts received items and requests, and shows the queue and database size', async () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'metrics-test' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'cccccccccccccccccccccccccccccc01',
                  spanId: 'cccccccccccccc01',
                  name: 'invoke_agent m',
                  startTimeUnixNano: '1767225600000000000',
                  endTimeUnixNano: '1767225601000000000',
                  attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const post = (payload: string) =>
      fetch(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: payload,
      });
    expect((await post(body)).status).toBe(200);
    expect((await post('{not json')).status).toBe(400);
    const response = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^agentlens_hub_received_items_total\{signal="traces"\} 1$/m);
    expect(text).toMatch(
      /^agentlens_hub_requests_total\{transport="http",signal="traces",outcome="ok"\} 1$/m,
    );
    expect(text).toMatch(
      /^agentlens_hub_requests_total\{transport="http",signal="traces",outcome="malformed"\} 1$/m,
    );
    expect(text).toMatch(/^agentlens_hub_ingest_queue_items 0$/m);
    expect(text).toMatch(/^agentlens_hub_database_size_bytes [1-9]\d*$/m);
    // In-process, the hub has the heap limit of the process that embeds it.
    expect(text).toContain(`agentlens_hub_heap_limit_bytes ${getHeapStatistics().heap_size_limit}\n`);
    expect(text).toMatch(/^agentlens_hub_store_write_duration_seconds_count\{signal="traces"\} 1$/m);
    expect(text).toContain('process_resident_memory_bytes');
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
  });
});

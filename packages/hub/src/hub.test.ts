import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as TracesJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from './hub.js';
import { spanBatch } from './otlp/exporter-capture.test-helpers.js';
import { SqliteStore, type Store } from './store/index.js';

let dir: string;
let hub: Hub;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-hub-'));
  hub = await createHub({ port: 0, dbPath: join(dir, 'hub.db'), token: undefined });
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

const WINDOW = () => ({ fromMs: Date.now() - 3_600_000, toMs: Date.now() + 3_600_000 });

/** One agent run (agent span, a model call, a tool call) sent by the official exporter. */
async function sendAgentRun(url: string, protocol: 'protobuf' | 'json', agent: string): Promise<string> {
  const exporter = protocol === 'json' ? new TracesJsonExporter({ url }) : new TracesProtoExporter({ url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'hub-test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('hub-test');
  const root = tracer.startSpan(`invoke_agent ${agent}`, {
    kind: SpanKind.INTERNAL,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.agent.name': agent,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
      },
    },
    ctx,
  );
  chat.end();
  const tool = tracer.startSpan(
    'execute_tool search',
    { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } },
    ctx,
  );
  tool.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

async function post(path: string, body: Uint8Array | string, headers: Record<string, string>, h = hub) {
  return fetch(`${h.url}${path}`, { method: 'POST', body, headers });
}

describe.each(['protobuf', 'json'] as const)('official exporters over %s', (protocol) => {
  it('stores the agent run with its columns and tokens', async () => {
    const agent = `planner-${protocol}`;
    const traceId = await sendAgentRun(`${hub.url}/v1/traces`, protocol, agent);
    const detail = await hub.store.getTrace(traceId);
    expect(detail?.spans).toHaveLength(3);
    const byName = new Map(detail?.spans.map((s) => [s.name, s]));
    expect(byName.get(`invoke_agent ${agent}`)).toMatchObject({ category: 'agent', agentName: agent });
    expect(byName.get('chat gpt-4o')).toMatchObject({
      category: 'model',
      requestModel: 'gpt-4o',
      provider: 'openai',
      inputTokens: 120,
      outputTokens: 30,
    });
    expect(byName.get('execute_tool search')).toMatchObject({ category: 'tool', toolName: 'search' });
    const stats = await hub.store.stats('agents', WINDOW());
    const group = stats.find((g) => g.name === agent);
    expect(group).toMatchObject({ requests: 1, failures: 0 });
    expect(group?.tokens.input).toBe(120);
    expect(group?.tokens.output).toBe(30);
  });

  it('stores logs', async () => {
    const url = `${hub.url}/v1/logs`;
    const exporter = protocol === 'json' ? new LogsJsonExporter({ url }) : new LogsProtoExporter({ url });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': `logs-${protocol}` }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('hub-test').emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: { message: `structured ${protocol}` },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const logs = await hub.store.listLogs({ service: `logs-${protocol}` });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ severityNumber: SeverityNumber.WARN, traceId: null });
    expect(logs[0]?.body).toContain(`structured ${protocol}`);
  });
});

describe('OTLP/HTTP answers', () => {
  it('answers an empty request with success', async () => {
    const res = await post('/v1/traces', '{}', { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const proto = await post('/v1/metrics', new Uint8Array(0), { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
  });

  it('refuses other media types and encodings with 415 and the reason', async () => {
    const res = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toContain('text/plain');
    const br = await post('/v1/traces', '{}', {
      'content-type': 'application/json',
      'content-encoding': 'br',
    });
    expect(br.status).toBe(415);
  });

  it('answers 405 to other methods', async () => {
    const res = await fetch(`${hub.url}/v1/traces`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers 400 with the reason to garbage protobuf and JSON', async () => {
    const proto = await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(proto.status).toBe(400);
    expect(proto.headers.get('content-type')).toContain('application/x-protobuf');
    expect(Buffer.from(await proto.arrayBuffer()).toString('utf8')).toContain('invalid protobuf');
    const json = await post('/v1/logs', '{"resourceLogs": 5', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    const status = (await json.json()) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message.length).toBeGreaterThan(0);
  });

  it('accepts gzip', async () => {
    const { json } = spanBatch(2);
    const res = await post('/v1/traces', gzipSync(json), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
  });

  it('reports partial success when a span has an all-zero span id', async () => {
    const { json, protobuf } = spanBatch(3, 1);
    const res = await post('/v1/traces', json, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).not.toBe('');
    const proto = await post('/v1/traces', protobuf, { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
    expect((await proto.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('answers 413 to an oversize body', async () => {
    const res = await post('/v1/traces', new Uint8Array(21 * 1024 * 1024), {
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(413);
  });

  // That inflating stops at the limit (the bomb costs nothing) is read-body.test.ts' concern; here,
  // the user-visible answer. No timing assertion (STYLE 10).
  it('answers 413 to a gzip bomb and keeps serving', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000));
    expect(bomb.length).toBeLessThan(100_000);
    const res = await post('/v1/traces', bomb, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toContain('decompressed body exceeds');
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });

  it('serves health and readiness', async () => {
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  });
});

describe('items per request', () => {
  it('answers 413 with the reason to a request of more spans than the limit, stores none of it, and takes one at the limit', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const limited = await createHub({ port: 0, store, maxItemsPerRequest: 5 });
    try {
      const over = spanBatch(6);
      for (const [body, type] of [
        [over.protobuf, 'application/x-protobuf'],
        [over.json, 'application/json'],
      ] as const) {
        const res = await fetch(`${limited.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        expect(res.status).toBe(413);
        expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toContain(
          'the request carries 6 spans, more than the 5 the hub takes in one request; send smaller batches',
        );
      }
      expect((await store.listTraces({}, null, 10)).traces).toHaveLength(0);
      const metrics = await (await fetch(`${limited.url}/metrics`)).text();
      expect(metrics).toContain(
        'agentlens_hub_rejected_items_total{signal="traces",reason="too_many_items"} 12',
      );
      expect(metrics).toContain(
        'agentlens_hub_requests_total{transport="http",signal="traces",outcome="too_large"} 2',
      );

      const res = await fetch(`${limited.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: spanBatch(5).json,
      });
      expect(res.status).toBe(200);
      const traces = (await store.listTraces({}, null, 10)).traces;
      expect(traces.reduce((sum, t) => sum + t.spanCount, 0)).toBe(5);
    } finally {
      await limited.close();
      await store.close();
    }
  });
});

describe('tokens', () => {
  it('requires the bearer token when one is set', async () => {
    const secret = 's3cret-token-value';
    const guarded = await createHub({ port: 0, store: new SqliteStore({ path: ':memory:' }), token: secret });
    try {
      const headers = { 'content-type': 'application/json' };
      const none = await post('/v1/traces', '{}', headers, guarded);
      expect(none.status).toBe(401);
      const text = await none.text();
      expect(text).not.toContain(secret);
      const wrong = await post('/v1/traces', '{}', { ...headers, authorization: 'Bearer nope' }, guarded);
      expect(wrong.status).toBe(401);
      const api = await fetch(`${guarded.url}/api/traces`);
      expect(api.status).toBe(401);
      expect(await api.json()).toMatchObject({ error: { code: 'unauthorized' } });
      // The probes stay open, as the SDK's do: they reveal only up or down.
      expect((await fetch(`${guarded.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
      const right = await post(
        '/v1/traces',
        '{}',
        { ...headers, authorization: `Bearer ${secret}` },
        guarded,
      );
      expect(right.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('refuses a non-loopback host without a token', async () => {
    vi.stubEnv('AGENTLENS_TOKEN', '');
    try {
      await expect(
        createHub({ port: 0, host: '0.0.0.0', store: new SqliteStore({ path: ':memory:' }) }),
      ).rejects.toThrow(/token/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('a failing store', () => {
  it('answers 503 with Retry-After and keeps serving', async () => {
    const real = new SqliteStore({ path: ':memory:' });
    const failing = new Proxy(real, {
      get(target, prop) {
        if (prop === 'writeSpans') return () => Promise.reject(new Error('disk full'));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const broken = await createHub({ port: 0, store: failing });
    try {
      const { json } = spanBatch(2);
      const res = await post('/v1/traces', json, { 'content-type': 'application/json' }, broken);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { code: number }).code).toBe(14);
      expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
      const logs = await post('/v1/logs', '{}', { 'content-type': 'application/json' }, broken);
      expect(logs.status).toBe(200);
    } finally {
      await broken.close();
      await real.close();
    }
  });
});

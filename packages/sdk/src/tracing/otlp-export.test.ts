import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agentlens, createAgentlens } from '../agentlens.js';
import { startOtlpReceiver } from '../test-support/otlp-receiver.test-helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function run(al: Agentlens): Promise<string> {
  return al.withAgent('ChatAgent', async (agent) => {
    await al.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async (call) => {
      call.setUsage({ inputTokens: 100, outputTokens: 20 });
      call.setCost(0.001);
    });
    await al.withToolCall('web_search', async () => 'ok');
    return agent.span.spanContext().traceId;
  });
}

describe.each(['http/protobuf', 'http/json'] as const)('OTLP/HTTP export (%s)', (protocol) => {
  it('sends every span recorded before flush(), decodable, with the GenAI attributes and service name', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const al = createAgentlens({
      serviceName: 'export-test',
      processMetrics: false,
      tracing: { protocol, endpoint: `${receiver.url}/v1/traces` },
    });
    cleanups.push(() => al.shutdown());
    const traceId = await run(al);
    await al.flush();
    expect(receiver.requests[0]?.contentType).toBe(
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    );
    const spans = receiver.spans();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'chat gpt-4o',
      'execute_tool web_search',
      'invoke_agent ChatAgent',
    ]);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const agent = spans.find((s) => s.name === 'invoke_agent ChatAgent');
    const chat = spans.find((s) => s.name === 'chat gpt-4o');
    expect(chat?.parentSpanId).toBe(agent?.spanId);
    expect(chat?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
      'agentlens.cost.usd': 0.001,
    });
    expect(chat?.serviceName).toBe('export-test');
    expect(al.exporterState()).toMatchObject({ spansExported: 3, spansFailed: 0, lastError: null });
  });

  it('ships log lines as OTLP log records to /v1/logs, with the trace context of their span', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const al = createAgentlens({
      serviceName: 'log-export-test',
      processMetrics: false,
      tracing: { protocol, endpoint: `${receiver.url}/v1/traces` },
      logging: { destination: { write: () => true } as never },
    });
    cleanups.push(() => al.shutdown());
    const ids = await al.withAgent('ChatAgent', async (agent) => {
      al.logger?.info('planning the answer', { step: 1, token: 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz' });
      return agent.span.spanContext();
    });
    await al.flush();
    const logs = receiver.logs();
    const line = logs.find((l) => l.body === 'planning the answer');
    expect(line).toMatchObject({ severityText: 'INFO', traceId: ids.traceId, spanId: ids.spanId });
    expect(line?.attributes).toMatchObject({ step: 1, logger: 'app', token: '[REDACTED]' });
    expect(JSON.stringify(logs)).not.toContain('sk-ant-api03');
  });

  it('flushes and shuts down when the OTLP export is the only place logs go (stdout off)', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const al = createAgentlens({
      serviceName: 'log-only-otlp',
      processMetrics: false,
      tracing: { protocol, endpoint: `${receiver.url}/v1/traces` },
      logging: { stdout: false },
    });
    al.logger?.info('only to the hub');
    const settled = (p: Promise<void>) =>
      Promise.race([
        p.then(() => 'settled'),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
      ]);
    expect(await settled(al.flush())).toBe('settled');
    expect(receiver.logs().map((l) => l.body)).toContain('only to the hub');
    expect(await settled(al.shutdown())).toBe('settled');
  });
});

describe('tracing set-up', () => {
  it('follows OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT when no option is given', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/v1/traces`;
    try {
      const al = createAgentlens({ processMetrics: false });
      cleanups.push(() => al.shutdown());
      await run(al);
      await al.flush();
    } finally {
      process.env = saved;
    }
    expect(receiver.requests.map((r) => r.contentType)).toEqual(['application/json']);
    expect(receiver.spans()).toHaveLength(3);
  });

  it('reuses the provider the app registered instead of installing a second one', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const first = createAgentlens({
      processMetrics: false,
      tracing: { endpoint: `${receiver.url}/v1/traces` },
    });
    cleanups.push(() => first.shutdown());
    const registered = trace.getTracerProvider();
    const second = createAgentlens({
      processMetrics: false,
      tracing: { endpoint: 'http://127.0.0.1:9/v1/traces' },
    });
    expect(second.exporterState()).toBeNull();
    await run(second);
    await first.flush();
    expect(trace.getTracerProvider()).toBe(registered);
    expect(receiver.spans()).toHaveLength(3);
  });

  it('keeps the app running when the collector is down, and says so in the exporter state', async () => {
    const receiver = await startOtlpReceiver();
    const deadUrl = `${receiver.url}/v1/traces`;
    await receiver.close();
    const al = createAgentlens({
      processMetrics: false,
      tracing: { endpoint: deadUrl, exportTimeoutMs: 500 },
    });
    cleanups.push(() => al.shutdown());
    expect(await run(al)).toMatch(/^[0-9a-f]{32}$/);
    await al.flush();
    const state = al.exporterState();
    expect(state?.spansFailed).toBe(3);
    expect(state?.lastError).toBeTruthy();
    // A failing exporter makes the app degraded, never down.
    const health = al.getSystemHealth();
    expect(health.status).toBe('degraded');
    expect(health.reasons[0]).toMatch(/^span export failing since/);
    expect(health.instrumentation.exporter?.spansFailed).toBe(3);
  });

  it('shows the batch queue and counts the spans dropped when it is full, while metrics count every call', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const al = createAgentlens({ processMetrics: false, tracing: { endpoint: `${receiver.url}/v1/traces` } });
    cleanups.push(() => al.shutdown());
    // A synchronous burst never yields to the exporter: one batch of 512 leaves for export, the
    // queue fills at 2048, and the rest are dropped.
    for (let i = 0; i < 2700; i++) al.withToolCall('burst', () => i);
    expect(al.exporterState()).toMatchObject({ queueDepth: 2048, spansDropped: 140 });
    expect(al.getSystemHealth().instrumentation.exporter?.spansDropped).toBe(140);
    const { tools } = al.snapshot();
    expect(tools.find((t) => t.name === 'burst')?.uses).toBe(2700);
    await al.flush();
    expect(al.exporterState()).toMatchObject({ queueDepth: 0, spansExported: 2560 });
  });
});

/**
 * End to end: the official OpenTelemetry JS SDK and exporters send a known agent workload to a hub
 * on loopback, over each transport; the test reads everything back through the query API and
 * checks that no span, attribute, event, link or log was lost, and that the per-agent figures are
 * exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@agentlens/core';
import {
  type Context,
  createTraceState,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TraceFlags,
  trace,
} from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubClient } from '../client/index.js';
import { createHub, type Hub } from '../hub.js';

export type Transport = 'http/protobuf' | 'http/json' | 'grpc';

interface Exporters {
  traces: SpanExporter;
  logs: LogRecordExporter;
  metrics: PushMetricExporter;
}

/** The exporters a user would configure for each transport (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
async function exportersFor(transport: Transport, hub: Hub): Promise<Exporters> {
  if (transport === 'grpc') {
    const [{ OTLPTraceExporter }, { OTLPLogExporter }, { OTLPMetricExporter }] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-grpc'),
      import('@opentelemetry/exporter-logs-otlp-grpc'),
      import('@opentelemetry/exporter-metrics-otlp-grpc'),
    ]);
    const url = hub.grpcUrl as string;
    return {
      traces: new OTLPTraceExporter({ url }),
      logs: new OTLPLogExporter({ url }),
      metrics: new OTLPMetricExporter({ url }),
    };
  }
  const at = (path: string) => ({ url: `${hub.url}${path}` });
  return transport === 'http/json'
    ? {
        traces: new TracesJsonExporter(at('/v1/traces')),
        logs: new LogsJsonExporter(at('/v1/logs')),
        metrics: new MetricsJsonExporter(at('/v1/metrics')),
      }
    : {
        traces: new TracesProtoExporter(at('/v1/traces')),
        logs: new LogsProtoExporter(at('/v1/logs')),
        metrics: new MetricsProtoExporter(at('/v1/metrics')),
      };
}

interface AgentPlan {
  readonly agent: string;
  readonly runs: number;
  /** Runs (by index) that fail. */
  readonly failing: readonly number[];
  readonly model: string;
}

const PLAN: readonly AgentPlan[] = [
  { agent: 'ChatAgent', runs: 5, failing: [3], model: 'gpt-4o-mini' },
  { agent: 'CodeAgent', runs: 3, failing: [], model: 'gpt-4o' },
  { agent: 'ResearchAgent', runs: 2, failing: [0, 1], model: 'gpt-4o-mini' },
];
const RESOURCE = {
  'service.name': 'e2e-shop',
  'service.version': '2.0.1',
  'deployment.environment.name': 'test',
};
const UPSTREAM = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1 as TraceFlags,
};
const LINKED = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1 as TraceFlags,
};

const inputTokens = (run: number) => 1000 + 137 * run;
const outputTokens = (run: number) => 200 + 11 * run;

function nanos([seconds, fraction]: [number, number]): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(fraction)).toString();
}

/** Runs the workload through the SDK; returns the spans as the SDK finished them. */
async function sendWorkload(exporters: Exporters, startMs: number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [
      new SimpleSpanProcessor(memory),
      new BatchSpanProcessor(exporters.traces, { maxExportBatchSize: 16 }),
    ],
  });
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new BatchLogRecordProcessor({ exporter: exporters.logs })],
  });
  const reader = new PeriodicExportingMetricReader({
    exporter: exporters.metrics,
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const tracer = tracerProvider.getTracer('e2e-agent-app', '1.0.0');
  const logger = loggerProvider.getLogger('e2e-agent-app', '1.0.0');
  const requests = meterProvider.getMeter('e2e-agent-app').createCounter('agent_requests');

  let t = startMs;
  const at = (offsetMs: number) => new Date(t + offsetMs);
  for (const plan of PLAN) {
    for (let run = 0; run < plan.runs; run++) {
      const fails = plan.failing.includes(run);
      const conversation = `${plan.agent}-conv-${run}`;
      // The very first run continues a trace from an upstream service, with its W3C tracestate.
      const upstream =
        plan === PLAN[0] && run === 0
          ? trace.setSpanContext(ROOT_CONTEXT, {
              ...UPSTREAM,
              traceState: createTraceState('vendor=abc,other=1'),
            })
          : ROOT_CONTEXT;
      const root = tracer.startSpan(
        `invoke_agent ${plan.agent}`,
        {
          kind: SpanKind.SERVER,
          startTime: at(0),
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.name': plan.agent,
            'gen_ai.agent.id': `${plan.agent.toLowerCase()}-1`,
            'gen_ai.conversation.id': conversation,
            'app.unicode': 'héllo ✓ 🚀',
            'app.list': ['a', 'b'],
          },
        },
        upstream,
      );
      const inRoot: Context = trace.setSpan(ROOT_CONTEXT, root);
      const chat = tracer.startSpan(
        `chat ${plan.model}`,
        {
          kind: SpanKind.CLIENT,
          startTime: at(10),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': plan.model,
            'gen_ai.response.model': plan.model,
            'gen_ai.agent.name': plan.agent,
            'gen_ai.usage.input_tokens': inputTokens(run),
            'gen_ai.usage.output_tokens': outputTokens(run),
            'gen_ai.response.finish_reasons': ['stop'],
            'server.port': 443,
            'app.temperature': 0.25,
          },
        },
        inRoot,
      );
      chat.addEvent('gen_ai.choice', { index: 0, 'finish.reason': 'stop' }, at(300));
      chat.end(at(400 + run));
      const tool = tracer.startSpan(
        'execute_tool web_search',
        {
          kind: SpanKind.INTERNAL,
          startTime: at(410),
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'web_search',
            'gen_ai.tool.call.id': `call-${plan.agent}-${run}`,
            'gen_ai.tool.type': 'function',
            'gen_ai.agent.name': plan.agent,
          },
          links: [{ context: LINKED, attributes: { 'link.reason': 'follows-up' } }],
        },
        inRoot,
      );
      if (fails) {
        tool.recordException({ name: 'TimeoutError', message: 'web_search timed out' }, at(500));
        tool.setStatus({ code: SpanStatusCode.ERROR, message: 'web_search timed out' });
        root.setAttribute('error.type', 'TimeoutError');
        root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
      }
      tool.end(at(600));
      logger.emit({
        timestamp: at(601),
        severityNumber: fails ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: fails ? 'ERROR' : 'INFO',
        body: fails ? `${plan.agent} run ${run} failed` : `${plan.agent} run ${run} done`,
        attributes: { 'agent.run': run },
        context: trace.setSpan(ROOT_CONTEXT, root),
      });
      root.end(at(1000 + 100 * run));
      requests.add(1, { agent: plan.agent, status: fails ? 'error' : 'success' });
      t += 2000;
    }
  }
  await tracerProvider.forceFlush();
  // Shutting down empties the in-memory exporter: take the spans first.
  const finished = [...memory.getFinishedSpans()];
  await loggerProvider.forceFlush();
  await reader.forceFlush();
  await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
  return finished;
}

const OTLP_KIND: Record<SpanKind, number> = {
  [SpanKind.INTERNAL]: 1,
  [SpanKind.SERVER]: 2,
  [SpanKind.CLIENT]: 3,
  [SpanKind.PRODUCER]: 4,
  [SpanKind.CONSUMER]: 5,
};

/**
 * Runs the whole check for one transport. `startHub` lets the gRPC variant turn its listener on.
 */
export function describeExportersEndToEnd(transport: Transport): void {
  describe(`official exporters over ${transport} to the hub, read back through the query API`, () => {
    let dir: string;
    let hub: Hub;
    let client: HubClient;
    let sent: ReadableSpan[];
    const startMs = Date.now() - 120_000;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'agentlens-e2e-'));
      hub = await createHub({
        port: 0,
        dbPath: join(dir, 'hub.db'),
        ...(transport === 'grpc' ? { grpcPort: 0 } : {}),
      });
      client = new HubClient({ baseUrl: hub.url });
      sent = await sendWorkload(await exportersFor(transport, hub), startMs);
    }, 60_000);

    afterAll(async () => {
      await hub?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('stores every trace that was sent', async () => {
      const runs = PLAN.reduce((n, p) => n + p.runs, 0);
      expect(sent).toHaveLength(runs * 3);
      const page = await client.listTraces({ limit: 1000 });
      expect(page.traces).toHaveLength(runs);
      expect(new Set(page.traces.map((t) => t.traceId))).toEqual(
        new Set(sent.map((s) => s.spanContext().traceId)),
      );
    });

    it('keeps every span field, attribute, event and link', async () => {
      const byTrace = new Map<string, ReadableSpan[]>();
      for (const span of sent) {
        const list = byTrace.get(span.spanContext().traceId) ?? [];
        list.push(span);
        byTrace.set(span.spanContext().traceId, list);
      }
      for (const [traceId, spans] of byTrace) {
        const stored = await client.getTrace(traceId);
        expect(stored?.spans).toHaveLength(spans.length);
        for (const span of spans) {
          const row = stored?.spans.find((s) => s.spanId === span.spanContext().spanId);
          expect(row, `span ${span.name}`).toBeDefined();
          expect(row).toMatchObject({
            traceId,
            parentSpanId: span.parentSpanContext?.spanId ?? null,
            name: span.name,
            kind: OTLP_KIND[span.kind],
            startTimeUnixNano: nanos(span.startTime),
            endTimeUnixNano: nanos(span.endTime),
            statusCode: span.status.code,
            statusMessage: span.status.message ?? null,
            service: 'e2e-shop',
            resource: expect.objectContaining(RESOURCE),
            scope: { name: 'e2e-agent-app', version: '1.0.0' },
          });
          expect(row?.traceState).toBe(span.spanContext().traceState?.serialize());
          expect(row?.attributes).toEqual(span.attributes);
          expect(row?.events).toEqual(
            span.events.map((e) => ({
              name: e.name,
              timeUnixNano: nanos(e.time),
              attributes: e.attributes ?? {},
            })),
          );
          expect(row?.links).toEqual(
            span.links.map((l) => ({
              traceId: l.context.traceId,
              spanId: l.context.spanId,
              traceState: '',
              attributes: l.attributes ?? {},
            })),
          );
        }
      }
    });

    it('gives exact per-agent counts, errors, tokens and cost', async () => {
      const prices = new PriceCatalog();
      const { groups } = await client.stats('agents', { from: startMs - 60_000 });
      expect(groups.map((g) => g.name).sort()).toEqual(PLAN.map((p) => p.agent).sort());
      for (const plan of PLAN) {
        const group = groups.find((g) => g.name === plan.agent);
        let input = 0;
        let output = 0;
        let cost = 0;
        for (let run = 0; run < plan.runs; run++) {
          input += inputTokens(run);
          output += outputTokens(run);
          const price = prices.price('openai', plan.model, {
            inputTokens: inputTokens(run),
            outputTokens: outputTokens(run),
          });
          if (!price.priced) throw new Error(`${plan.model} has no price in the dataset`);
          cost += price.usd;
        }
        expect(group).toMatchObject({
          requests: plan.runs,
          failures: plan.failing.length,
          successRate: (plan.runs - plan.failing.length) / plan.runs,
          tokens: { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
          unpricedCalls: 0,
        });
        expect(group?.costUsd).toBeCloseTo(cost, 12);
      }
      const tools = await client.stats('tools', { from: startMs - 60_000 });
      expect(tools.groups).toEqual([
        expect.objectContaining({ name: 'web_search', requests: 10, failures: 3 }),
      ]);
      const models = await client.stats('models', { from: startMs - 60_000 });
      expect(models.groups.map((g) => [g.provider, g.name, g.requests])).toEqual([
        ['openai', 'gpt-4o-mini', 7],
        ['openai', 'gpt-4o', 3],
      ]);
    });

    it('keeps the logs with their trace context', async () => {
      const { logs } = await client.logs({ service: 'e2e-shop', limit: 1000 });
      expect(logs).toHaveLength(10);
      const failed = await client.logs({ level: 'error' });
      expect(failed.logs.map((l) => l.body).sort()).toEqual([
        'ChatAgent run 3 failed',
        'ResearchAgent run 0 failed',
        'ResearchAgent run 1 failed',
      ]);
      for (const log of logs) {
        expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
        const trace = await client.getTrace(log.traceId as string);
        expect(trace?.logs.map((l) => l.body)).toContain(log.body);
        expect(log.attributes).toHaveProperty('agent.run');
      }
    });

    it('accepts the metric points', async () => {
      const status = await client.hubStatus();
      expect(status.ingest.received.traces).toBe(sent.length);
      expect(status.ingest.received.logs).toBe(10);
      expect(status.ingest.received.metrics).toBeGreaterThan(0);
    });
  });
}

describeExportersEndToEnd('http/protobuf');
describeExportersEndToEnd('http/json');
describeExportersEndToEnd('grpc');

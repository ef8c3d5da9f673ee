import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Link,
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
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  RandomIdGenerator,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { OtlpEncoding, OtlpSignal } from './decode-result.js';
import { encodeExportResponse } from './export-response.js';

/** One request body an official exporter sent. */
export interface CapturedRequest {
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  contentType: string;
  body: Buffer;
}

export const RESOURCE = {
  'service.name': 'otlp-decode-test',
  'deployment.environment': 'test',
  'host.cpus': 4,
};
export const SCOPE = { name: 'otlp-decode-test-scope', version: '1.2.3' };

/** Attribute values of every OTLP type the JS SDK can produce. */
export const SPAN_ATTRIBUTES = {
  'attr.string': 'hello',
  'attr.int': 42,
  'attr.negative': -7,
  'attr.double': 1.5,
  'attr.bool': true,
  'attr.false': false,
  'attr.strings': ['a', 'b'],
  'attr.ints': [1, 2, 3],
  'attr.doubles': [0.5, 2.25],
  'attr.bools': [true, false],
  'attr.unicode': 'héllo ✓ 🚀',
};

export const LINKED = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1 as TraceFlags,
};
export const LOG_CONTEXT = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1 as TraceFlags,
};

/** 2023-11-14T22:13:20.123456789Z, exactly, as [seconds, nanoseconds]. */
export const T0: [number, number] = [1_700_000_000, 123_456_789];
export const T0_NANOS = '1700000000123456789';
export const T1: [number, number] = [1_700_000_001, 987_654_321];
export const T1_NANOS = '1700000001987654321';
export const T_EVENT: [number, number] = [1_700_000_000, 500_000_001];
export const T_EVENT_NANOS = '1700000000500000001';

export const LOG_BODY = {
  message: 'tool call failed',
  nested: { depth: 2, list: [1, 'two', true] },
  bytes: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
};

async function emitTraces(url: string, encoding: OtlpEncoding): Promise<void> {
  const exporter = encoding === 'json' ? new TracesJsonExporter({ url }) : new TracesProtoExporter({ url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.SERVER, startTime: T0 });
  const links: Link[] = [{ context: LINKED, attributes: { 'link.reason': 'retry' } }];
  const child = tracer.startSpan(
    'chat gpt-4o',
    { kind: SpanKind.CLIENT, startTime: T0, attributes: SPAN_ATTRIBUTES, links },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('gen_ai.content.prompt', { 'event.index': 3, 'event.text': 'hi' }, T_EVENT);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end(T1);
  root.end(T1);
  await provider.forceFlush();
  await provider.shutdown();
}

async function emitLogs(url: string, encoding: OtlpEncoding): Promise<void> {
  const exporter = encoding === 'json' ? new LogsJsonExporter({ url }) : new LogsProtoExporter({ url });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
  });
  const logger = provider.getLogger(SCOPE.name, SCOPE.version);
  logger.emit({
    timestamp: T0,
    observedTimestamp: T1,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: LOG_BODY,
    attributes: { 'log.attr': 'x', 'log.count': 2, 'log.ratio': 0.25 },
    context: trace.setSpanContext(ROOT_CONTEXT, LOG_CONTEXT),
  });
  logger.emit({
    timestamp: T1,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'plain text',
  });
  await provider.forceFlush();
  await provider.shutdown();
}

async function emitMetrics(url: string, encoding: OtlpEncoding): Promise<void> {
  const exporter = encoding === 'json' ? new MetricsJsonExporter({ url }) : new MetricsProtoExporter({ url });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter(SCOPE.name, SCOPE.version);
  const counter = meter.createCounter('agent_requests', { description: 'Agent requests', unit: '{request}' });
  counter.add(3, { agent: 'planner' });
  counter.add(2, { agent: 'planner' });
  const gauge = meter.createGauge('queue_depth', { description: 'Queue depth', unit: '{item}' });
  gauge.record(17.5, { queue: 'export' });
  const histogram = meter.createHistogram('tool_duration', {
    description: 'Tool duration',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 1, 10] },
  });
  for (const v of [0.05, 0.5, 0.7, 5, 50]) histogram.record(v, { tool: 'search' });
  await reader.forceFlush();
  await provider.shutdown();
}

/**
 * Runs the official OTLP exporters (proto and JSON, traces, logs and metrics) against a loopback
 * server and returns the request bodies they sent.
 */
export async function captureExporterRequests(): Promise<CapturedRequest[]> {
  const captured: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signal = (req.url ?? '').split('/').pop() as OtlpSignal;
      const contentType = req.headers['content-type'] ?? '';
      const encoding: OtlpEncoding = contentType.includes('json') ? 'json' : 'protobuf';
      captured.push({ signal, encoding, contentType, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': contentType });
      res.end(encodeExportResponse(signal, encoding));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    for (const encoding of ['protobuf', 'json'] as const) {
      await emitTraces(`http://127.0.0.1:${port}/v1/traces`, encoding);
      await emitLogs(`http://127.0.0.1:${port}/v1/logs`, encoding);
      await emitMetrics(`http://127.0.0.1:${port}/v1/metrics`, encoding);
    }
  } finally {
    server.close();
  }
  return captured;
}

/**
 * A batch of `count` spans (GenAI-like attributes, one event each) serialized by the exporters'
 * own serializer, in both encodings. `zeroSpanIdAt` gives that span an all-zero span id.
 */
export function spanBatch(count: number, zeroSpanIdAt?: number): { protobuf: Uint8Array; json: Uint8Array } {
  const random = new RandomIdGenerator();
  let n = 0;
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    idGenerator: {
      generateTraceId: () => random.generateTraceId(),
      generateSpanId: () => (n++ === zeroSpanIdAt ? '0000000000000000' : random.generateSpanId()),
    },
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`chat model-${i % 7}`, {
      kind: SpanKind.CLIENT,
      startTime: T0,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200 + i,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.response.finish_reasons': ['stop'],
        'agentlens.cost.usd': 0.0123,
        'http.status_code': 200,
      },
    });
    span.addEvent('gen_ai.choice', { index: 0 }, T_EVENT);
    span.end(T1);
  }
  const spans = memory.getFinishedSpans();
  const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (protobuf === undefined || json === undefined) throw new Error('serializer returned nothing');
  return { protobuf, json };
}

import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs/light.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LINKED,
  LOG_CONTEXT,
  RESOURCE,
  SCOPE,
  SPAN_ATTRIBUTES,
  spanBatch,
  T_EVENT,
  T_EVENT_NANOS,
  T0,
  T0_NANOS,
  T1,
  T1_NANOS,
} from '../otlp/exporter-capture.test-helpers.js';
import type { LogsDecodeResult, MetricsDecodeResult, OtlpSignal, TracesDecodeResult } from '../otlp/index.js';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from '../otlp/index.js';
import { LogsResponse, MetricsResponse, TraceResponse } from '../otlp/schema.js';
import { BearerCheck } from './auth.js';
import {
  type GrpcReceiver,
  type GrpcReceiverOptions,
  OTLP_GRPC_SERVICES,
  startGrpcReceiver,
} from './grpc-receiver.js';
import { HubError } from './hub-error.js';
import type { IngestFn } from './ingestor.js';

// ExportResultCode of @opentelemetry/core, which this package does not depend on directly.
const EXPORT_SUCCESS = 0;
const EXPORT_FAILED = 1;
const EXPORTER_TIMEOUT_MS = 3_000;

type Compression = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression'];
// The exporters type compression as an enum of @opentelemetry/otlp-exporter-base; its value is 'gzip'.
const GZIP = 'gzip' as Compression;

// ---------------------------------------------------------------------------------------------
// What the receiver handed to ingest, decoded with the hub's real decoders.

type Received =
  | { signal: 'traces'; result: TracesDecodeResult }
  | { signal: 'logs'; result: LogsDecodeResult }
  | { signal: 'metrics'; result: MetricsDecodeResult };

const received: Received[] = [];
const internalErrors: unknown[] = [];
/** Replaces the decoding ingest for one test; reset after each. */
let override: IngestFn | undefined;

function decode(signal: OtlpSignal, body: Uint8Array): Received {
  if (signal === 'traces') return { signal, result: decodeTraces(body, 'protobuf') };
  if (signal === 'logs') return { signal, result: decodeLogs(body, 'protobuf') };
  return { signal, result: decodeMetrics(body, 'protobuf') };
}

/** What the Ingestor does up to the store: decode, 400 on bad bytes, partial success. */
const decodingIngest: IngestFn = async (signal, body, encoding) => {
  if (override !== undefined) return override(signal, body, encoding);
  expect(encoding).toBe('protobuf');
  let got: Received;
  try {
    got = decode(signal, body);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new HubError(400, 'bad_request', error.message);
    throw error;
  }
  received.push(got);
  const { rejected, rejectReason } = got.result;
  return rejected > 0 ? { rejected, errorMessage: rejectReason ?? '' } : undefined;
};

function spansReceived() {
  return received.flatMap((r) => (r.signal === 'traces' ? r.result.spans : []));
}

// ---------------------------------------------------------------------------------------------
// Clients: the official exporters, and a raw grpc-js client for what they cannot show.

const cleanups: (() => unknown)[] = [];

function track<T extends { shutdown(): Promise<void> }>(exporter: T): T {
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

async function startReceiver(extra: Partial<GrpcReceiverOptions> = {}): Promise<GrpcReceiver> {
  const receiver = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    ingest: decodingIngest,
    maxMessageBytes: 4 * 1024 * 1024,
    onError: (error) => internalErrors.push(error),
    ...extra,
  });
  cleanups.push(() => receiver.close());
  return receiver;
}

interface ExportOutcome {
  code: number;
  error?: Error;
}

function exportWith<T>(
  exporter: { export(items: T, callback: (result: ExportOutcome) => void): void },
  items: T,
): Promise<ExportOutcome> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

interface CallOutcome {
  response?: Buffer;
  error?: ServiceError;
}

const clients: Client[] = [];

function rawCall(
  port: number,
  path: string,
  message: Buffer,
  options: { metadata?: Metadata; gzip?: boolean } = {},
): Promise<CallOutcome> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    // 2 is gzip in grpc-js' compressionAlgorithms.
    ...(options.gzip === true ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
  clients.push(client);
  const bytes = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      bytes,
      bytes,
      message,
      options.metadata ?? new Metadata(),
      { deadline: Date.now() + EXPORTER_TIMEOUT_MS },
      (error, response) => resolve(error ? { error } : { response: response ?? Buffer.alloc(0) }),
    );
  });
}

const exportPath = (signal: OtlpSignal) => `/${OTLP_GRPC_SERVICES[signal]}/Export`;

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

// google.rpc.Status with RetryInfo, described independently of the receiver's hand encoding.
const rpcRoot = protobuf.Root.fromJSON({
  nested: {
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Status: {
      fields: {
        code: { type: 'int32', id: 1 },
        message: { type: 'string', id: 2 },
        details: { type: 'Any', id: 3, rule: 'repeated' },
      },
    },
  },
});

function retryDelayOf(error: ServiceError): {
  code: number;
  message: string;
  seconds: number;
  nanos: number;
} {
  const [bin] = error.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(bin)) throw new Error('no grpc-status-details-bin trailer');
  const decoded = rpcRoot.lookupType('Status').toObject(rpcRoot.lookupType('Status').decode(bin), {
    longs: Number,
    defaults: true,
  }) as { code: number; message: string; details: { typeUrl: string; value: Uint8Array }[] };
  expect(decoded.details).toHaveLength(1);
  const detail = decoded.details[0];
  expect(detail?.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
  const retryInfo = rpcRoot.lookupType('RetryInfo');
  const info = retryInfo.toObject(retryInfo.decode(detail?.value ?? new Uint8Array()), {
    longs: Number,
    defaults: true,
  }) as { retryDelay: { seconds: number; nanos: number } };
  return { code: decoded.code, message: decoded.message, ...info.retryDelay };
}

// ---------------------------------------------------------------------------------------------
// Telemetry made with the real SDKs.

function makeSpans(extraAttributes: Record<string, string> = {}): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  const root = tracer.startSpan('invoke_agent planner', { kind: SpanKind.SERVER, startTime: T0 });
  const links: Link[] = [{ context: LINKED, attributes: { 'link.reason': 'retry' } }];
  const child = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: T0,
      attributes: { ...SPAN_ATTRIBUTES, ...extraAttributes },
      links,
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('gen_ai.content.prompt', { 'event.index': 3, 'event.text': 'hi' }, T_EVENT);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end(T1);
  root.end(T1);
  return memory.getFinishedSpans();
}

function makeLogs() {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger(SCOPE.name, SCOPE.version);
  logger.emit({
    timestamp: T0,
    observedTimestamp: T1,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'tool call failed',
    attributes: { 'log.attr': 'x', 'log.count': 2 },
    context: trace.setSpanContext(ROOT_CONTEXT, LOG_CONTEXT),
  });
  return memory.getFinishedLogRecords();
}

/** Hands collected metrics to the test instead of exporting them on a timer. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function makeMetrics() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter(SCOPE.name, SCOPE.version);
  const counter = meter.createCounter('agent_requests', { unit: '{request}' });
  counter.add(3, { agent: 'planner' });
  counter.add(2, { agent: 'planner' });
  meter.createGauge('queue_depth').record(17.5, { queue: 'export' });
  const histogram = meter.createHistogram('tool_duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 1, 10] },
  });
  for (const v of [0.05, 0.5, 0.7, 5, 50]) histogram.record(v, { tool: 'search' });
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

/** A TCP pass-through that counts the bytes the client sent, to see what went over the wire. */
async function countingProxy(targetPort: number): Promise<{ port: number; sent: () => number }> {
  let sent = 0;
  const sockets = new Set<Socket>();
  const proxy: NetServer = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    downstream.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    proxy.close();
  });
  return { port: (proxy.address() as AddressInfo).port, sent: () => sent };
}

// ---------------------------------------------------------------------------------------------

let shared: GrpcReceiver;
let sharedUrl: string;

beforeAll(async () => {
  shared = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    ingest: decodingIngest,
    maxMessageBytes: 256 * 1024,
    onError: (error) => internalErrors.push(error),
  });
  sharedUrl = `http://127.0.0.1:${shared.port}`;
});

afterAll(async () => {
  await shared.close();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  received.length = 0;
  internalErrors.length = 0;
  override = undefined;
});

describe('the OTLP/gRPC receiver, driven by the official exporters', () => {
  it('binds the port it was asked for, or a free one for 0', () => {
    expect(shared.port).toBeGreaterThan(0);
  });

  it('receives spans with their attributes, events, links and status', async () => {
    const exporter = track(new OTLPTraceExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, makeSpans());
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(EXPORT_SUCCESS);

    const spans = spansReceived();
    expect(spans).toHaveLength(2);
    const child = spans.find((s) => s.name === 'chat gpt-4o');
    const root = spans.find((s) => s.name === 'invoke_agent planner');
    if (child === undefined || root === undefined) throw new Error('spans missing');
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child).toMatchObject({
      kind: 3,
      startTimeUnixNano: T0_NANOS,
      endTimeUnixNano: T1_NANOS,
      statusCode: 2,
      statusMessage: 'rate limited',
      resource: RESOURCE,
      scope: SCOPE,
    });
    expect(child.attributes).toEqual(SPAN_ATTRIBUTES);
    expect(child.events).toEqual([
      {
        timeUnixNano: T_EVENT_NANOS,
        name: 'gen_ai.content.prompt',
        attributes: { 'event.index': 3, 'event.text': 'hi' },
      },
    ]);
    expect(child.links).toEqual([
      {
        traceId: LINKED.traceId,
        spanId: LINKED.spanId,
        traceState: '',
        attributes: { 'link.reason': 'retry' },
      },
    ]);
  });

  it('receives log records with body, severity, attributes and trace context', async () => {
    const exporter = track(new OTLPLogExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, makeLogs());
    expect(result.code).toBe(EXPORT_SUCCESS);
    const logs = received.flatMap((r) => (r.signal === 'logs' ? r.result.logs : []));
    expect(logs).toEqual([
      {
        timeUnixNano: T0_NANOS,
        observedTimeUnixNano: T1_NANOS,
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'tool call failed',
        attributes: { 'log.attr': 'x', 'log.count': 2 },
        traceId: LOG_CONTEXT.traceId,
        spanId: LOG_CONTEXT.spanId,
        resource: RESOURCE,
        scope: SCOPE,
      },
    ]);
  });

  it('receives a counter, a gauge and a histogram', async () => {
    const exporter = track(new OTLPMetricExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, await makeMetrics());
    expect(result.code).toBe(EXPORT_SUCCESS);
    const points = received.flatMap((r) => (r.signal === 'metrics' ? r.result.points : []));
    const byName = new Map(points.map((p) => [p.metricName, p]));
    expect(points).toHaveLength(3);
    expect(byName.get('agent_requests')).toMatchObject({
      type: 'sum',
      value: 5,
      attributes: { agent: 'planner' },
      resource: RESOURCE,
    });
    expect(byName.get('queue_depth')).toMatchObject({
      type: 'gauge',
      value: 17.5,
      attributes: { queue: 'export' },
    });
    expect(byName.get('tool_duration')).toMatchObject({
      type: 'histogram',
      count: 5,
      sum: 56.25,
      bucketCounts: [1, 2, 1, 1],
      explicitBounds: [0.1, 1, 10],
    });
  });

  it('takes gzip-compressed messages, which really are smaller on the wire', async () => {
    const big = 'a'.repeat(200_000);
    const proxy = await countingProxy(shared.port);
    const exporter = track(
      new OTLPTraceExporter({
        url: `http://127.0.0.1:${proxy.port}`,
        compression: GZIP,
        timeoutMillis: EXPORTER_TIMEOUT_MS,
      }),
    );
    const result = await exportWith(exporter, makeSpans({ 'attr.big': big }));
    expect(result.code).toBe(EXPORT_SUCCESS);
    const child = spansReceived().find((s) => s.name === 'chat gpt-4o');
    expect(child?.attributes['attr.big']).toBe(big);
    // The message is over 200 kB; gzip brings it to a few kB.
    expect(proxy.sent()).toBeLessThan(20_000);
  });

  it('fails the export, without crashing either side, when ingest answers 429', async () => {
    override = async () => {
      throw new HubError(429, 'overloaded', 'the ingest queue is full; retry later', 1);
    };
    const exporter = track(new OTLPTraceExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, makeSpans());
    expect(result.code).toBe(EXPORT_FAILED);
    expect((result.error as ServiceError | undefined)?.code).toBe(status.UNAVAILABLE);
  });

  it('fails the export of an oversize message with RESOURCE_EXHAUSTED', async () => {
    const exporter = track(new OTLPTraceExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, makeSpans({ 'attr.big': 'x'.repeat(300_000) }));
    expect(result.code).toBe(EXPORT_FAILED);
    expect((result.error as ServiceError | undefined)?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(received).toEqual([]);
  });
});

describe('the OTLP/gRPC receiver, status codes', () => {
  it('answers an empty request with an empty response', async () => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      const { response, error } = await rawCall(shared.port, exportPath(signal), Buffer.alloc(0));
      expect(error).toBeUndefined();
      expect(response?.length).toBe(0);
    }
  });

  it('answers garbage with INVALID_ARGUMENT and the decoder reason', async () => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
      const { error } = await rawCall(shared.port, exportPath(signal), garbage);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).not.toBe('');
    }
    expect(received).toEqual([]);
  });

  it('passes partial success back with the rejected count and reason', async () => {
    // Five spans, the third with an all-zero span id, which the decoder rejects.
    const { response, error } = await rawCall(
      shared.port,
      exportPath('traces'),
      Buffer.from(spanBatch(5, 2).protobuf),
    );
    expect(error).toBeUndefined();
    const decoded = TraceResponse.toObject(TraceResponse.decode(response ?? Buffer.alloc(0)), {
      longs: Number,
    });
    expect(decoded).toEqual({
      partialSuccess: {
        rejectedSpans: 1,
        errorMessage: 'resourceSpans[0].scopeSpans[0].spans[2].spanId: must not be all zeros',
      },
    });
    expect(spansReceived()).toHaveLength(4);
  });

  it('uses each signal its own partial-success field', async () => {
    override = async () => ({ rejected: 3, errorMessage: 'three were bad' });
    const logs = await rawCall(shared.port, exportPath('logs'), Buffer.alloc(0));
    expect(
      LogsResponse.toObject(LogsResponse.decode(logs.response ?? Buffer.alloc(0)), { longs: Number }),
    ).toEqual({
      partialSuccess: { rejectedLogRecords: 3, errorMessage: 'three were bad' },
    });
    const metrics = await rawCall(shared.port, exportPath('metrics'), Buffer.alloc(0));
    expect(
      MetricsResponse.toObject(MetricsResponse.decode(metrics.response ?? Buffer.alloc(0)), {
        longs: Number,
      }),
    ).toEqual({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'three were bad' } });
  });

  it('answers 429 and 503 from ingest with UNAVAILABLE and a RetryInfo', async () => {
    override = async () => {
      throw new HubError(429, 'overloaded', 'the ingest queue is full; retry later', 1);
    };
    const full = await rawCall(shared.port, exportPath('traces'), Buffer.alloc(0));
    expect(full.error?.code).toBe(status.UNAVAILABLE);
    expect(full.error?.details).toBe('the ingest queue is full; retry later');
    expect(full.error && retryDelayOf(full.error)).toEqual({
      code: status.UNAVAILABLE,
      message: 'the ingest queue is full; retry later',
      seconds: 1,
      nanos: 0,
    });

    override = async () => {
      throw new HubError(503, 'unavailable', 'the store could not commit the batch; retry later', 2.5);
    };
    const down = await rawCall(shared.port, exportPath('logs'), Buffer.alloc(0));
    expect(down.error?.code).toBe(status.UNAVAILABLE);
    expect(down.error && retryDelayOf(down.error)).toMatchObject({ seconds: 2, nanos: 500_000_000 });
  });

  it('answers an unexpected failure with a generic INTERNAL and reports it', async () => {
    const secret = new Error('SQLITE_IOERR at /home/someone/.agentlens/agentlens.db');
    override = async () => {
      throw secret;
    };
    const { error } = await rawCall(shared.port, exportPath('metrics'), Buffer.alloc(0));
    expect(error?.code).toBe(status.INTERNAL);
    expect(error?.details).toBe('internal error');
    expect(internalErrors).toEqual([secret]);
  });

  it('answers an oversize message with RESOURCE_EXHAUSTED before ingest sees it', async () => {
    const { error } = await rawCall(shared.port, exportPath('traces'), Buffer.alloc(300 * 1024, 0x20));
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(received).toEqual([]);
  });

  it('caps the decompressed size of a gzip message too', async () => {
    // 1 MiB that gzips to about 1 kB: under the 256 KiB limit as sent, four times over it inflated.
    const inflated = Buffer.alloc(1024 * 1024, 0);
    expect(gzipSync(inflated).length).toBeLessThan(4096);
    const { error } = await rawCall(shared.port, exportPath('traces'), inflated, { gzip: true });
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(received).toEqual([]);

    // And a gzip message within the limit is taken.
    const small = Buffer.from(spanBatch(1).protobuf);
    const ok = await rawCall(shared.port, exportPath('traces'), small, { gzip: true });
    expect(ok.error).toBeUndefined();
    expect(spansReceived()).toHaveLength(1);
  });

  it('answers UNIMPLEMENTED for a service it does not offer', async () => {
    const path = '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export';
    const { error } = await rawCall(shared.port, path, Buffer.alloc(0));
    expect(error?.code).toBe(status.UNIMPLEMENTED);
  });

  it('keeps serving after all of that', async () => {
    const exporter = track(new OTLPTraceExporter({ url: sharedUrl, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const result = await exportWith(exporter, makeSpans());
    expect(result.code).toBe(EXPORT_SUCCESS);
    expect(spansReceived()).toHaveLength(2);
  });
});

describe('the OTLP/gRPC receiver with a token', () => {
  const TOKEN = 'grpc-test-token-7f3a9c';

  it('lets the right token through and turns a wrong or missing one away', async () => {
    const receiver = await startReceiver({ bearer: new BearerCheck(TOKEN) });
    const url = `http://127.0.0.1:${receiver.port}`;

    const exporter = track(
      new OTLPTraceExporter({ url, metadata: bearer(TOKEN), timeoutMillis: EXPORTER_TIMEOUT_MS }),
    );
    const result = await exportWith(exporter, makeSpans());
    expect(result.code).toBe(EXPORT_SUCCESS);
    expect(spansReceived()).toHaveLength(2);
    received.length = 0;

    const anonymous = track(new OTLPTraceExporter({ url, timeoutMillis: EXPORTER_TIMEOUT_MS }));
    const refused = await exportWith(anonymous, makeSpans());
    expect(refused.code).toBe(EXPORT_FAILED);
    expect((refused.error as ServiceError | undefined)?.code).toBe(status.UNAUTHENTICATED);

    const body = Buffer.from(spanBatch(1).protobuf);
    for (const metadata of [new Metadata(), bearer('wrong-token'), bearer(`${TOKEN}x`)]) {
      const { error } = await rawCall(receiver.port, exportPath('traces'), body, { metadata });
      expect(error?.code).toBe(status.UNAUTHENTICATED);
      expect(error?.details).not.toContain(TOKEN);
    }
    expect(received).toEqual([]);

    const right = await rawCall(receiver.port, exportPath('traces'), body, { metadata: bearer(TOKEN) });
    expect(right.error).toBeUndefined();
    expect(spansReceived()).toHaveLength(1);
  });
});

describe('the OTLP/gRPC receiver, lifecycle', () => {
  it('refuses invalid options', async () => {
    const base = { host: '127.0.0.1', port: 0, ingest: decodingIngest, maxMessageBytes: 1024 };
    await expect(startGrpcReceiver({ ...base, port: 70_000 })).rejects.toThrow(RangeError);
    await expect(startGrpcReceiver({ ...base, maxMessageBytes: 0 })).rejects.toThrow(RangeError);
    await expect(startGrpcReceiver({ ...base, host: '' })).rejects.toThrow(RangeError);
    await expect(startGrpcReceiver({ ...base, shutdownTimeoutMs: -1 })).rejects.toThrow(RangeError);
  });

  it('rejects when the port is taken', async () => {
    await expect(
      startGrpcReceiver({
        host: '127.0.0.1',
        port: shared.port,
        ingest: decodingIngest,
        maxMessageBytes: 1024,
      }),
    ).rejects.toThrow();
  });

  it('binds IPv6 loopback', async () => {
    const receiver = await startReceiver({ host: '::1' });
    expect(receiver.port).toBeGreaterThan(0);
  });

  it('lets a call in flight finish on close, then refuses new ones; close is idempotent', async () => {
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inIngest = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const receiver = await startReceiver({
      ingest: async () => {
        entered();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return undefined;
      },
    });
    const inFlight = rawCall(receiver.port, exportPath('traces'), Buffer.alloc(0));
    await inIngest;
    const closing = receiver.close();
    expect(receiver.close()).toBe(closing);
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    expect((await inFlight).error).toBeUndefined();
    await closing;
    const after = await rawCall(receiver.port, exportPath('traces'), Buffer.alloc(0));
    expect(after.error?.code).toBe(status.UNAVAILABLE);
  });

  it('cuts off calls still running after the shutdown timeout', async () => {
    const receiver = await startReceiver({
      shutdownTimeoutMs: 100,
      ingest: () => new Promise(() => {}),
    });
    const stuck = rawCall(receiver.port, exportPath('traces'), Buffer.alloc(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await receiver.close();
    const { error } = await stuck;
    expect(error).toBeDefined();
  });
});

import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** One OTLP/HTTP request the receiver got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 for tests: it answers every POST with success, keeps the
 * raw requests, and decodes trace requests (protobuf with the OTLP schema from
 * @opentelemetry/otlp-transformer 0.52, the last release that ships decoders; JSON as is).
 */
export async function startOtlpReceiver(): Promise<{
  url: string;
  requests: ReceivedRequest[];
  spans: () => DecodedSpan[];
  logs: () => DecodedLog[];
  close: () => Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ path: req.url ?? '', contentType, body: Buffer.concat(chunks) });
      const json = contentType.includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.filter((r) => r.path === '/v1/traces').flatMap(decodeTraces),
    logs: () => requests.filter((r) => r.path === '/v1/logs').flatMap(decodeLogs),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A span as it arrived, reduced to what tests compare. */
export interface DecodedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Record<string, unknown>;
  readonly serviceName: unknown;
}

interface AnyValue {
  stringValue?: string;
  intValue?: number | string | { toString(): string };
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue.toString());
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  return undefined;
}

function hex(id: unknown): string {
  if (id === undefined || id === null) return '';
  if (typeof id === 'string') return id;
  return Buffer.from(id as Uint8Array).toString('hex');
}

interface TraceRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: AnyValue }[] };
    scopeSpans?: {
      spans?: {
        name: string;
        traceId: unknown;
        spanId: unknown;
        parentSpanId?: unknown;
        attributes?: { key: string; value?: AnyValue }[];
      }[];
    }[];
  }[];
}

const require = createRequire(import.meta.url);

function decodeTraces(request: ReceivedRequest): DecodedSpan[] {
  let message: TraceRequest;
  if (request.contentType.includes('json'))
    message = JSON.parse(request.body.toString('utf8')) as TraceRequest;
  else {
    const root = require('@opentelemetry/otlp-transformer-0.52/build/src/generated/root.js');
    const type = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
    message = type.toObject(type.decode(request.body), { longs: String, bytes: Buffer }) as TraceRequest;
  }
  const out: DecodedSpan[] = [];
  for (const rs of message.resourceSpans ?? []) {
    const serviceName = anyValue(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        out.push({
          name: span.name,
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, anyValue(a.value)])),
          serviceName,
        });
      }
    }
  }
  return out;
}

/** A log record as it arrived. */
export interface DecodedLog {
  readonly body: unknown;
  readonly severityText: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Record<string, unknown>;
}

interface LogsRequest {
  resourceLogs?: {
    scopeLogs?: {
      logRecords?: {
        body?: AnyValue;
        severityText?: string;
        traceId?: unknown;
        spanId?: unknown;
        attributes?: { key: string; value?: AnyValue }[];
      }[];
    }[];
  }[];
}

function decodeLogs(request: ReceivedRequest): DecodedLog[] {
  let message: LogsRequest;
  if (request.contentType.includes('json'))
    message = JSON.parse(request.body.toString('utf8')) as LogsRequest;
  else {
    const root = require('@opentelemetry/otlp-transformer-0.52/build/src/generated/root.js');
    const type = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
    message = type.toObject(type.decode(request.body), { longs: String, bytes: Buffer }) as LogsRequest;
  }
  return (message.resourceLogs ?? []).flatMap((rl) =>
    (rl.scopeLogs ?? []).flatMap((sl) =>
      (sl.logRecords ?? []).map((r) => ({
        body: anyValue(r.body),
        severityText: r.severityText ?? '',
        traceId: hex(r.traceId),
        spanId: hex(r.spanId),
        attributes: Object.fromEntries((r.attributes ?? []).map((a) => [a.key, anyValue(a.value)])),
      })),
    ),
  );
}

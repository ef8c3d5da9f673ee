import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import {
  type handleUnaryCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import type { OtlpSignal } from '../otlp/index.js';
import { encodeExportResponse } from '../otlp/index.js';
import type { BearerCheck } from './auth.js';
import { HubError } from './hub-error.js';
import type { IngestFn } from './ingestor.js';

/** Options of {@link startGrpcReceiver}. */
export interface GrpcReceiverOptions {
  /** Address to bind, e.g. `127.0.0.1` or `::1`. The caller decides whether a token is needed. */
  readonly host: string;
  /** Port to bind; 0 picks a free one (see {@link GrpcReceiver.port}). */
  readonly port: number;
  /** Where every decoded-to-be request goes, with `encoding: 'protobuf'` and the raw message bytes. */
  readonly ingest: IngestFn;
  /** When given, every call must carry metadata `authorization: Bearer <token>`. */
  readonly bearer?: BearerCheck;
  /**
   * Largest message accepted, in bytes, both as sent and after gzip decompression. Larger ones get
   * RESOURCE_EXHAUSTED (which OTLP clients must not retry) before anything is decoded.
   */
  readonly maxMessageBytes: number;
  /**
   * How long {@link GrpcReceiver.close} waits for calls in flight before cutting them off.
   * Default 10 000 ms.
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Told about failures that are not the caller's fault (anything that is not a {@link HubError},
   * or a HubError of status 500 and above other than 503), for the hub's log. The caller only ever
   * sees a generic INTERNAL. Must not throw.
   */
  readonly onError?: (error: unknown) => void;
}

/** A running OTLP/gRPC receiver. */
export interface GrpcReceiver {
  /** The port actually bound (the chosen one when the options asked for 0). */
  readonly port: number;
  /**
   * Stops accepting connections and calls, lets calls in flight finish (up to
   * {@link GrpcReceiverOptions.shutdownTimeoutMs}, then cancels them) and resolves when the server
   * is down. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}

/** The OTLP/gRPC services, the method each has, and the signal it carries. */
export const OTLP_GRPC_SERVICES: Readonly<Record<OtlpSignal, string>> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
// grpc-js stores message limits as int32 (-1 meaning unlimited).
const MAX_MESSAGE_LIMIT = 2 ** 31 - 1;
const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * One unary `Export` method whose (de)serializers hand the bytes through untouched: the hub's own
 * decoder reads the message, so no `.proto` is loaded at runtime and a message that does not
 * parse becomes our INVALID_ARGUMENT with a reason instead of grpc-js' bare INTERNAL.
 */
function exportService(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: `/${OTLP_GRPC_SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
      originalName: 'export',
    },
  };
}

/**
 * A `google.rpc.Status { code, message, details: [Any(RetryInfo { retry_delay })] }`, the
 * `grpc-status-details-bin` trailer through which OTLP/gRPC throttling tells a client how long to
 * wait. Written by hand (five small messages, field numbers from `google/rpc/status.proto`,
 * `error_details.proto`, `any.proto`, `duration.proto`) with protobufjs' writer.
 */
export function encodeRetryStatus(code: number, message: string, retryAfterSeconds: number): Buffer {
  const safe = Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds : 0;
  const seconds = Math.floor(safe);
  const nanos = Math.round((safe - seconds) * 1e9);
  // Duration { int64 seconds = 1; int32 nanos = 2; }
  const duration = protobuf.Writer.create();
  if (seconds > 0) duration.uint32(0x08).int64(seconds);
  if (nanos > 0) duration.uint32(0x10).int32(nanos);
  // RetryInfo { Duration retry_delay = 1; }
  const retryInfo = protobuf.Writer.create().uint32(0x0a).bytes(duration.finish()).finish();
  // Any { string type_url = 1; bytes value = 2; }
  const any = protobuf.Writer.create()
    .uint32(0x0a)
    .string(RETRY_INFO_TYPE_URL)
    .uint32(0x12)
    .bytes(retryInfo)
    .finish();
  // Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  const statusBytes = protobuf.Writer.create()
    .uint32(0x08)
    .int32(code)
    .uint32(0x12)
    .string(message)
    .uint32(0x1a)
    .bytes(any)
    .finish();
  return Buffer.from(statusBytes.buffer, statusBytes.byteOffset, statusBytes.byteLength);
}

function failure(code: status, details: string, metadata?: Metadata): ServerErrorResponse {
  const error: ServerErrorResponse = Object.assign(new Error(details), { code, details });
  if (metadata !== undefined) error.metadata = metadata;
  return error;
}

const INTERNAL_MESSAGE = 'internal error';

/**
 * The gRPC answer to an ingest failure, as OTLP/gRPC asks: bad data is not retryable
 * (INVALID_ARGUMENT), a full queue or a failing store is (UNAVAILABLE, with RetryInfo when the
 * hub knows how long to wait). Only HubError messages, which are written to be shown, reach the
 * caller; anything else is a generic INTERNAL.
 */
function toServiceError(
  error: unknown,
  onError: ((error: unknown) => void) | undefined,
): ServerErrorResponse {
  if (error instanceof HubError) {
    switch (error.status) {
      case 400:
      case 415:
        return failure(status.INVALID_ARGUMENT, error.message);
      case 401:
        return failure(status.UNAUTHENTICATED, error.message);
      case 403:
        return failure(status.PERMISSION_DENIED, error.message);
      case 413:
        // What grpc-js itself answers for an oversize message; without RetryInfo it is final.
        return failure(status.RESOURCE_EXHAUSTED, error.message);
      case 429:
      case 503: {
        if (error.retryAfterSeconds === undefined) return failure(status.UNAVAILABLE, error.message);
        const metadata = new Metadata();
        metadata.set(
          'grpc-status-details-bin',
          encodeRetryStatus(status.UNAVAILABLE, error.message, error.retryAfterSeconds),
        );
        return failure(status.UNAVAILABLE, error.message, metadata);
      }
      default:
        if (error.status < 500) return failure(status.INVALID_ARGUMENT, error.message);
    }
  }
  onError?.(error);
  return failure(status.INTERNAL, INTERNAL_MESSAGE);
}

function authorizationOf(call: ServerUnaryCall<Buffer, Buffer>): string | undefined {
  const values = call.metadata.get('authorization');
  // Two authorization values are ambiguous; refusing them is simpler than choosing one.
  if (values.length !== 1) return undefined;
  const value = values[0];
  return typeof value === 'string' ? value : undefined;
}

function exportHandler(signal: OtlpSignal, options: GrpcReceiverOptions): handleUnaryCall<Buffer, Buffer> {
  const { ingest, bearer, onError } = options;
  const run = async (call: ServerUnaryCall<Buffer, Buffer>): Promise<Buffer> => {
    if (bearer !== undefined && !bearer.matches(authorizationOf(call))) {
      throw new HubError(401, 'unauthorized', 'missing or wrong bearer token');
    }
    const request = call.request;
    const partial = await ingest(signal, request, 'protobuf');
    const response = encodeExportResponse(signal, 'protobuf', partial);
    return Buffer.from(response.buffer, response.byteOffset, response.byteLength);
  };
  return (call, callback: sendUnaryData<Buffer>) => {
    // A callback after the client went away is a no-op in grpc-js, so no cancel bookkeeping here.
    run(call).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, onError)),
    );
  };
}

function validate(options: GrpcReceiverOptions): void {
  const { host, port, maxMessageBytes, shutdownTimeoutMs } = options;
  if (typeof host !== 'string' || host === '') throw new RangeError('host must be a non-empty string');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes <= 0 || maxMessageBytes > MAX_MESSAGE_LIMIT) {
    throw new RangeError(
      `maxMessageBytes must be an integer from 1 to ${MAX_MESSAGE_LIMIT}, got ${String(maxMessageBytes)}`,
    );
  }
  if (shutdownTimeoutMs !== undefined && (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0)) {
    throw new RangeError(`shutdownTimeoutMs must be a non-negative number, got ${String(shutdownTimeoutMs)}`);
  }
}

function bindAddress(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/**
 * Starts the OTLP/gRPC receiver (default port 4317): the `Export` methods of
 * `opentelemetry.proto.collector.{trace,logs,metrics}.v1.{Trace,Logs,Metrics}Service` over plain
 * HTTP/2 (h2c, what OTLP SDKs use for `http://` endpoints), identity or gzip. Each message goes
 * to `ingest` exactly as an OTLP/HTTP protobuf body would, and the call is answered only after
 * `ingest` resolves, so an OK means what a 2xx means on the HTTP side.
 *
 * Status codes, per the OTLP/gRPC spec: OK with `partial_success` when some items were rejected;
 * INVALID_ARGUMENT for a message that does not decode; UNAUTHENTICATED without the right token;
 * RESOURCE_EXHAUSTED (not retryable) for a message over `maxMessageBytes`; UNAVAILABLE with a
 * `google.rpc.RetryInfo` for a full queue or a failing store (retryable); INTERNAL otherwise.
 * Rejects when an option is invalid or the address cannot be bound.
 *
 * @example
 * const receiver = await startGrpcReceiver({
 *   host: '127.0.0.1',
 *   port: 4317,
 *   ingest: ingestor.ingest,
 *   maxMessageBytes: 20 * 1024 * 1024,
 * });
 * // new OTLPTraceExporter({ url: `http://127.0.0.1:${receiver.port}` })
 * await receiver.close();
 */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<GrpcReceiver> {
  validate(options);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const server = new Server({
    // grpc-js checks this against the length prefix before buffering a message and again while
    // inflating a gzip one, so neither an oversize message nor a gzip bomb is held in memory.
    'grpc.max_receive_message_length': options.maxMessageBytes,
  });
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(exportService(signal), { Export: exportHandler(signal, options) });
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      bindAddress(options.host, options.port),
      ServerCredentials.createInsecure(),
      (error, bound) => {
        if (error === null) resolve(bound);
        else {
          server.forceShutdown();
          reject(error);
        }
      },
    );
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Past the grace period, calls still running (an ingest stuck on a dead store, say) are
        // cancelled: their clients see a failure and retry, which beats a hub that never stops.
        const timer = setTimeout(() => server.forceShutdown(), shutdownTimeoutMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}

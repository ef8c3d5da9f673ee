import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { encodeExportResponse } from '../otlp/index.js';
import { Admission } from './admission.js';
import { HubError } from './hub-error.js';
import type { IngestFn } from './ingestor.js';
import { readBody } from './read-body.js';

/** The OTLP/HTTP paths and the signal each carries. */
export const OTLP_PATHS: Readonly<Record<string, OtlpSignal>> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

const CONTENT_TYPES: Readonly<Record<string, OtlpEncoding>> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

/** The encoding of a request by its content type, or undefined when it is not an OTLP one. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return CONTENT_TYPES[mediaType];
}

function requireEncoding(contentType: string | undefined): OtlpEncoding {
  const encoding = encodingOf(contentType);
  if (encoding !== undefined) return encoding;
  const shown = contentType === undefined ? 'none' : `"${contentType.slice(0, 100)}"`;
  throw new HubError(
    415,
    'unsupported_media_type',
    `content type ${shown} is not supported: send application/x-protobuf or application/json`,
  );
}

function isGzip(contentEncoding: string | undefined): boolean {
  const value = (contentEncoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return false;
  if (value === 'gzip' || value === 'x-gzip') return true;
  throw new HubError(
    415,
    'unsupported_media_type',
    `content encoding "${value.slice(0, 100)}" is not supported: send gzip or identity`,
  );
}

const RETRY_AFTER_SECONDS = 1;

/** What the OTLP handlers need from the hub. */
export interface OtlpRouteOptions {
  readonly ingest: IngestFn;
  readonly bodyLimitBytes: number;
  /**
   * Bytes of request bodies, decompressed, being read and decoded at once, at most (decoded, a
   * request's items wait in the ingest queue, which has a bound of its own).
   * Past it, a request is answered 429: before its body is read when its `Content-Length` already
   * says so, else (gzip, chunked) once it is read and inflated, so a crowd of large exports cannot
   * pile up in memory. A request alone is always taken.
   */
  readonly maxBodyBytesInFlight: number;
  /** Throws the 429 to answer when the ingest queue is full (see `Ingestor.checkCapacity`). */
  readonly checkCapacity?: (signal: OtlpSignal) => void;
  /** Whether the ingest queue has room, given the bytes of bodies in hand (see `Ingestor.hasRoom`). */
  readonly hasRoom?: (signal: OtlpSignal, encoding: OtlpEncoding, pendingBytes: number) => boolean;
  /**
   * Where requests that find the hub full (bytes in hand, or the queue) wait, unread, for room.
   * Without it they are refused at once.
   */
  readonly admission?: Admission;
}

/**
 * Registers `POST /v1/traces|logs|metrics` and a 405 for every other method on those paths.
 * A 2xx is sent only after the store has committed the batch.
 */
export function registerOtlpRoutes(app: FastifyInstance, options: OtlpRouteOptions): void {
  const { ingest, bodyLimitBytes, maxBodyBytesInFlight, checkCapacity, hasRoom } = options;
  const admission = options.admission ?? new Admission({ waitMs: 0, maxWaiting: 0 });
  let bytesInFlight = 0;

  // Bodies are read by the handlers (size caps, streamed gunzip), not by fastify's parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, payload);
  });

  const overloaded = (bytes: number) =>
    new HubError(
      429,
      'overloaded',
      `the hub holds ${bytes} bytes of requests already; retry later`,
      RETRY_AFTER_SECONDS,
    );

  const handle = async (signal: OtlpSignal, request: FastifyRequest, reply: FastifyReply) => {
    const encoding = requireEncoding(request.headers['content-type']);
    const gzip = isGzip(request.headers['content-encoding']);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > bodyLimitBytes) {
      throw new HubError(413, 'payload_too_large', `body exceeds the limit of ${bodyLimitBytes} bytes`);
    }
    const cost = Number.isFinite(declared) && declared > 0 ? declared : 0;
    const discardBody = () => {
      if (request.body instanceof Readable) {
        // Discard the body unread so that the connection can carry the answer and the next request.
        request.body.on('error', () => {});
        request.body.resume();
      }
    };
    let held = 0;
    const admitted = await admission.admit(
      () =>
        (bytesInFlight === 0 || bytesInFlight + cost <= maxBodyBytesInFlight) &&
        (hasRoom?.(signal, encoding, bytesInFlight) ?? true),
      () => {
        held = cost;
        bytesInFlight += cost;
      },
    );
    if (!admitted) {
      discardBody();
      // The queue's own 429 when it is full, else the bytes in hand are.
      checkCapacity?.(signal);
      throw overloaded(bytesInFlight);
    }
    // Once decoded, the body is gone and the request holds only its items (the queue bounds those).
    const release = () => {
      if (held === 0) return;
      bytesInFlight -= held;
      held = 0;
      admission.wake();
    };
    let partial: Awaited<ReturnType<IngestFn>>;
    try {
      const body =
        request.body instanceof Readable
          ? await readBody(request.body, gzip, bodyLimitBytes)
          : Buffer.alloc(0);
      // What the body costs is its inflated size: a gzip body (or one without Content-Length)
      // takes its full share once read, and waits its turn when that is over the bound.
      if (body.byteLength > held) {
        bytesInFlight += body.byteLength - held;
        held = body.byteLength;
        if (bytesInFlight > maxBodyBytesInFlight && bytesInFlight > held)
          throw overloaded(bytesInFlight - held);
      }
      partial = await ingest(signal, body, encoding, release);
    } finally {
      release();
    }
    return reply
      .code(200)
      .type(encoding === 'json' ? 'application/json' : 'application/x-protobuf')
      .send(Buffer.from(encodeExportResponse(signal, encoding, partial)));
  };

  for (const [url, signal] of Object.entries(OTLP_PATHS)) {
    app.post(url, (request, reply) => handle(signal, request, reply));
    app.route({
      // fastify answers HEAD through the GET route.
      method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      handler: async () => {
        throw new HubError(405, 'method_not_allowed', `${url} accepts POST only`);
      },
    });
  }
}

import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { encodeExportResponse } from '../otlp/index.js';
import type { BodyBudget, BodyHold } from './body-budget.js';
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

/** What the OTLP handlers need from the hub. */
export interface OtlpRouteOptions {
  readonly ingest: IngestFn;
  readonly bodyLimitBytes: number;
  /**
   * The bytes of bodies being read and decoded, shared with the gRPC receiver: a request takes its
   * `Content-Length` before its body is read (waiting, unread, for room), and its inflated size
   * once read (gzip, chunked), so a crowd of large exports cannot pile up in memory.
   */
  readonly budget: BodyBudget;
}

/**
 * Registers `POST /v1/traces|logs|metrics` and a 405 for every other method on those paths.
 * A 2xx is sent only after the store has committed the batch.
 */
export function registerOtlpRoutes(app: FastifyInstance, options: OtlpRouteOptions): void {
  const { ingest, bodyLimitBytes, budget } = options;

  // Bodies are read by the handlers (size caps, streamed gunzip), not by fastify's parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, payload);
  });

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
    let hold: BodyHold;
    try {
      hold = await budget.take(signal, encoding, cost);
    } catch (error) {
      discardBody();
      throw error;
    }
    let partial: Awaited<ReturnType<IngestFn>>;
    try {
      const body =
        request.body instanceof Readable
          ? await readBody(request.body, gzip, bodyLimitBytes)
          : Buffer.alloc(0);
      // What the body costs is its inflated size: a gzip body (or one without Content-Length)
      // takes its full share once read, and waits its turn when that is over the bound.
      hold.grow(body.byteLength);
      // Once decoded, the body is gone and the request holds only its items (the queue bounds those).
      partial = await ingest(signal, body, encoding, hold.release);
    } finally {
      hold.release();
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

import type { AddressInfo } from 'node:net';
import { PriceCatalog } from '@agentlens/core';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerApiRoutes } from './api/api-routes.js';
import type { HubStatusResponse } from './api/api-types.js';
import { ReportBuilder } from './api/report.js';
import { HubMetrics, outcomeOfStatus } from './hub-metrics.js';
import { Admission } from './receiver/admission.js';
import { BodyBudget } from './receiver/body-budget.js';
import {
  BearerCheck,
  DecodePool,
  decodeWorkerUrl,
  defaultDecodeWorkers,
  encodeRpcStatus,
  encodingOf,
  type GrpcReceiver,
  grpcCodeOf,
  HubError,
  Ingestor,
  isLoopbackHost,
  OTLP_PATHS,
  registerOtlpRoutes,
  startGrpcReceiver,
} from './receiver/index.js';
import type { RetentionPolicy, Store } from './store/index.js';
import { SqliteStore } from './store/index.js';
import { isUiRequest, registerUi, type UiOptions } from './ui-static.js';
import { HUB_VERSION } from './version.js';

/** Options of {@link createHub}; each falls back to its environment variable, then a default. */
export interface HubOptions {
  /** OTLP/HTTP port. Default 4318; 0 picks a free port (see {@link Hub.url}). */
  readonly port?: number;
  /**
   * OTLP/gRPC port (4317 is the standard one); 0 picks a free port; null or absent: no gRPC
   * listener. `agentlens serve` turns it on at 4317.
   */
  readonly grpcPort?: number | null;
  /** Address to bind (HTTP and gRPC). Default `127.0.0.1`; any non-loopback address requires a token. */
  readonly host?: string;
  /** Where data goes. Default a {@link SqliteStore} at `dbPath`, owned and closed by the hub. */
  readonly store?: Store;
  /** SQLite file of the default store; ignored when `store` is given. */
  readonly dbPath?: string;
  /**
   * When set, every request but the probes (`/healthz`, `/readyz`, which reveal only up or down,
   * so a kubelet can call them) must carry `Authorization: Bearer <token>`. Default
   * `AGENTLENS_TOKEN`. Required when `host` is not a loopback address.
   */
  readonly token?: string;
  /** Largest accepted body, checked before and after decompression. Default 20 MiB. */
  readonly bodyLimitBytes?: number;
  /**
   * Spans and log records waiting for the store at most; past it, ingest answers 429 with
   * `Retry-After`. Default 10 000.
   */
  readonly maxQueuedItems?: number;
  /**
   * Items (spans, log records, data points) one export request may carry; a request with more is
   * answered 413 before its items are decoded. Default 32 768.
   */
  readonly maxItemsPerRequest?: number;
  /**
   * Bytes of OTLP/HTTP request bodies in hand at once, decompressed; past it, 429 (before the body
   * is read when its `Content-Length` says so, else once it is inflated). A request alone is always
   * taken (the body limit bounds it). Default 8 MiB.
   */
  readonly maxBodyBytesInFlight?: number;
  /**
   * How long an OTLP/HTTP request that finds the hub full (the ingest queue, or the bytes in hand)
   * waits, unread, for room before it is answered 429; a burst then waits a moment on TCP instead
   * of every exporter backing off and sending again. At most 256 requests wait; 0 refuses at once.
   * Default 1000 ms.
   */
  readonly admissionWaitMs?: number;
  /**
   * Worker threads that decode and normalize large request bodies off the main thread, which
   * keeps to HTTP and the store. Default: one per core beyond the first (1 to 4); 0 decodes
   * everything on the main thread. Running from TypeScript sources, there are none.
   */
  readonly decodeWorkers?: number;
  /**
   * What the background retention pass removes (by age, by size, or both), and how often it runs.
   * Default: nothing is removed.
   */
  readonly retention?: HubRetentionOptions;
  /**
   * The hub's own log (pino, JSON lines on stderr): `warn` shows refused batches and store
   * failures, `info` every request too. Default `silent`, as a library should be.
   */
  readonly logLevel?: HubLogLevel;
  /**
   * A daily budget in US dollars for everything the hub receives: `GET /api/report` shows today's
   * spend (since 00:00 UTC) against it, and the report's health is degraded once it is exceeded.
   * Default `AGENTLENS_DAILY_BUDGET_USD`; none when that is unset too.
   */
  readonly dailyBudgetUsd?: number;
  /**
   * The web UI, served at `/` (its static files need no token; the API calls it makes do). Pass
   * `{ distDir: UI_DIST_DIR }` from `@agentlens/ui`, as `agentlens serve` and `agentlens demo` do.
   * Default: no UI, so the hub package does not depend on the UI's.
   */
  readonly ui?: UiOptions;
}

/** pino's levels, as {@link HubOptions.logLevel} takes them. */
export type HubLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** {@link HubOptions.retention}. */
export interface HubRetentionOptions {
  /** Remove traces and logs older than this, in milliseconds. */
  readonly maxAgeMs?: number;
  /** Remove the oldest traces and logs while the store is larger than this, in bytes. */
  readonly maxBytes?: number;
  /** How often the pass runs, in milliseconds; it also runs once at start. Default 60 000. */
  readonly intervalMs?: number;
}

/** A running hub. */
export interface Hub {
  /** Base URL, e.g. `http://127.0.0.1:4318`; OTLP exporters post to `${url}/v1/traces`. */
  readonly url: string;
  /** The OTLP/gRPC endpoint, e.g. `http://127.0.0.1:4317`; null when gRPC is off. */
  readonly grpcUrl: string | null;
  readonly store: Store;
  /**
   * Runs one retention pass now with the configured limits (no-op without any) and resolves with
   * what it removed; passes never overlap.
   */
  applyRetention(): Promise<void>;
  /**
   * Stops accepting requests, commits what the ingest queue holds, then closes the store if the
   * hub opened it.
   */
  close(): Promise<void>;
}

const DEFAULT_PORT = 4318;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_BODY_LIMIT = 20 * 1024 * 1024;
const DEFAULT_RETENTION_INTERVAL_MS = 60_000;
const DEFAULT_BODY_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
const DEFAULT_ADMISSION_WAIT_MS = 1_000;
/** OTLP/HTTP requests waiting for room at most (each holds its socket, its body unread). */
const MAX_WAITING_REQUESTS = 256;
/** Paths open without the token: a probe reveals only up or down, so a kubelet can call it. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

function checkRetention(retention: HubRetentionOptions | undefined): void {
  if (retention === undefined) return;
  for (const [name, value] of Object.entries(retention)) {
    if (value !== undefined && !(Number.isFinite(value) && (value as number) > 0)) {
      throw new RangeError(`retention.${name} must be a positive number, got ${String(value)}`);
    }
  }
}

/**
 * The daily budget: the option (which must be a positive number), else the environment variable
 * (a bad value there is reported through `warn` and ignored), else none.
 */
function resolveDailyBudget(option: number | undefined, warn: (message: string) => void): number | null {
  if (option !== undefined) {
    if (!(typeof option === 'number' && Number.isFinite(option) && option > 0)) {
      throw new RangeError(`dailyBudgetUsd must be a positive number, got ${String(option)}`);
    }
    return option;
  }
  const fromEnv = process.env.AGENTLENS_DAILY_BUDGET_USD;
  if (fromEnv === undefined || fromEnv.trim() === '') return null;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(fromEnv) ? Number(fromEnv) : Number.NaN;
  if (value > 0 && Number.isFinite(value)) return value;
  warn(
    `AGENTLENS_DAILY_BUDGET_USD=${JSON.stringify(fromEnv.slice(0, 40))} is not a positive number; no budget`,
  );
  return null;
}

function storeKind(store: Store): string {
  if (store instanceof SqliteStore) return 'sqlite';
  const name = store.constructor?.name ?? 'custom';
  return name === 'PostgresStore' ? 'postgres' : name;
}

function resolveToken(option: string | undefined): string | undefined {
  if (option !== undefined) {
    if (option === '') throw new RangeError('token must not be empty');
    return option;
  }
  const fromEnv = process.env.AGENTLENS_TOKEN;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function errorBody(error: HubError, request: FastifyRequest): { type: string; body: Buffer | object } {
  const path = request.url.split('?', 1)[0] ?? '';
  if (path in OTLP_PATHS) {
    const encoding = encodingOf(request.headers['content-type']) ?? 'json';
    return {
      type: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      body: encodeRpcStatus(encoding, grpcCodeOf(error.status), error.message),
    };
  }
  return { type: 'application/json', body: { error: { code: error.code, message: error.message } } };
}

function toHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HubError(status, 'bad_request', fastifyError.message ?? 'bad request');
  }
  return new HubError(500, 'internal', 'internal error');
}

/**
 * Starts the hub: the OTLP/HTTP receiver (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`,
 * protobuf or JSON, identity or gzip) plus `/healthz` and `/readyz`. Spans are normalized and
 * committed to the store before the 2xx; a store failure is a 503 with `Retry-After`.
 * Throws when an option is invalid or a non-loopback host is asked for without a token.
 *
 * @example
 * const hub = await createHub({ port: 0, dbPath: './.agentlens/agentlens.db' });
 * // point an OTLP exporter at `${hub.url}/v1/traces`
 * await hub.close();
 */
export async function createHub(options: HubOptions = {}): Promise<Hub> {
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const grpcPort = options.grpcPort ?? null;
  if (grpcPort !== null && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65_535)) {
    throw new RangeError(`grpcPort must be an integer from 0 to 65535, got ${String(grpcPort)}`);
  }
  const host = options.host ?? DEFAULT_HOST;
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new RangeError(`bodyLimitBytes must be a positive integer, got ${String(bodyLimitBytes)}`);
  }
  const token = resolveToken(options.token);
  if (token === undefined && !isLoopbackHost(host)) {
    throw new Error(
      `refusing to bind ${host} without a token: set AGENTLENS_TOKEN (or the token option), or bind 127.0.0.1`,
    );
  }

  checkRetention(options.retention);
  // Warnings about the environment wait for the logger, which exists only once the options hold.
  const envWarnings: string[] = [];
  const dailyBudgetUsd = resolveDailyBudget(options.dailyBudgetUsd, (message) => envWarnings.push(message));
  const maxBodyBytesInFlight = options.maxBodyBytesInFlight ?? DEFAULT_BODY_BYTES_IN_FLIGHT;
  if (!Number.isInteger(maxBodyBytesInFlight) || maxBodyBytesInFlight <= 0) {
    throw new RangeError(
      `maxBodyBytesInFlight must be a positive integer, got ${String(maxBodyBytesInFlight)}`,
    );
  }
  const admissionWaitMs = options.admissionWaitMs ?? DEFAULT_ADMISSION_WAIT_MS;
  if (!Number.isInteger(admissionWaitMs) || admissionWaitMs < 0) {
    throw new RangeError(`admissionWaitMs must be a non-negative integer, got ${String(admissionWaitMs)}`);
  }
  const workerUrl = decodeWorkerUrl();
  const decodeWorkers = options.decodeWorkers ?? (workerUrl === undefined ? 0 : defaultDecodeWorkers());
  if (!Number.isInteger(decodeWorkers) || decodeWorkers < 0) {
    throw new RangeError(`decodeWorkers must be a non-negative integer, got ${String(decodeWorkers)}`);
  }

  const ownsStore = options.store === undefined;
  const store =
    options.store ?? new SqliteStore(options.dbPath === undefined ? {} : { path: options.dbPath });
  const startedAt = new Date();
  let ready = true;
  // Read at scrape time, once the ingestor below exists.
  const metrics: HubMetrics = new HubMetrics({
    version: HUB_VERSION,
    storeKind: storeKind(store),
    queueItems: () => ingestor.queuedItems,
    queueCapacity: () => ingestor.capacity,
    databaseSizeBytes: () => store.sizeBytes(),
  });
  const decodePool =
    decodeWorkers > 0 && workerUrl !== undefined ? new DecodePool(workerUrl, decodeWorkers) : undefined;
  const prices = new PriceCatalog();
  const ingestor: Ingestor = new Ingestor({
    store,
    prices,
    ...(decodePool === undefined ? {} : { decodePool }),
    observer: metrics.observer,
    ...(options.maxQueuedItems === undefined ? {} : { maxQueuedItems: options.maxQueuedItems }),
    ...(options.maxItemsPerRequest === undefined ? {} : { maxItemsPerRequest: options.maxItemsPerRequest }),
  });

  const logLevel = options.logLevel ?? 'silent';
  const app = Fastify({
    logger: logLevel === 'silent' ? false : { level: logLevel, stream: process.stderr },
    bodyLimit: bodyLimitBytes,
  });
  for (const warning of envWarnings) app.log.warn(warning);
  const bearer = token === undefined ? undefined : new BearerCheck(token);
  if (bearer !== undefined) {
    app.addHook('onRequest', async (request) => {
      if (PROBE_PATHS.has(request.url.split('?')[0] ?? '')) return;
      if (options.ui !== undefined && isUiRequest(request.method, request.url)) return;
      if (!bearer.matches(request.headers.authorization)) {
        throw new HubError(401, 'unauthorized', 'missing or wrong bearer token');
      }
    });
  }
  app.addHook('onSend', async (_request, reply) => {
    // While stopping, answers close their connection: server.close() waits for every open
    // keep-alive connection, and one left idle would hold the shutdown for the keep-alive timeout.
    if (!ready) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const signal = OTLP_PATHS[request.url.split('?', 1)[0] ?? ''];
    if (signal !== undefined) metrics.request('http', signal, outcomeOfStatus(reply.statusCode));
  });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const hubError = toHubError(error);
    if (hubError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (hubError.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(hubError.retryAfterSeconds));
    if (hubError.status === 405) reply.header('allow', 'POST');
    const { type, body } = errorBody(hubError, request);
    return reply.code(hubError.status).type(type).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new HubError(
      404,
      'not_found',
      `no route for ${request.method} ${request.url.split('?', 1)[0]}`,
    );
    return reply.code(404).send({ error: { code: error.code, message: error.message } });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (!ready) throw new HubError(503, 'unavailable', 'the hub is shutting down', 1);
    return reply.send({ status: 'ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  // One budget of bytes in hand for both receivers, and one line of requests waiting for room.
  const budget = new BodyBudget({
    maxBytes: maxBodyBytesInFlight,
    admission: new Admission({ waitMs: admissionWaitMs, maxWaiting: MAX_WAITING_REQUESTS }),
    queue: ingestor,
  });
  ingestor.onRoom(() => budget.roomFreed());
  registerOtlpRoutes(app, { ingest: ingestor.ingest, bodyLimitBytes, budget });

  const retention = options.retention;
  const policy: RetentionPolicy | undefined =
    retention?.maxAgeMs === undefined && retention?.maxBytes === undefined
      ? undefined
      : {
          ...(retention.maxAgeMs === undefined ? {} : { maxAgeMs: retention.maxAgeMs }),
          ...(retention.maxBytes === undefined ? {} : { maxBytes: retention.maxBytes }),
        };
  let retentionRun: Promise<void> | undefined;
  const applyRetention = (): Promise<void> => {
    if (policy === undefined || !ready) return Promise.resolve();
    retentionRun ??= store
      .applyRetention(policy)
      .then(
        (result) => metrics.retention(result),
        (error: unknown) =>
          app.log.error({ err: error }, 'retention failed; it runs again at the next interval'),
      )
      .finally(() => {
        retentionRun = undefined;
      });
    return retentionRun;
  };

  let httpUrl = '';
  let grpcUrl: string | null = null;
  const status = async (): Promise<HubStatusResponse> => ({
    version: HUB_VERSION,
    startedAt: startedAt.toISOString(),
    uptimeSeconds: (Date.now() - startedAt.getTime()) / 1000,
    store: { kind: storeKind(store), sizeBytes: await store.sizeBytes() },
    ingest: {
      queuedItems: ingestor.queuedItems,
      capacity: ingestor.capacity,
      received: { ...metrics.received },
      rejected: { ...metrics.rejected },
    },
    listeners: { http: httpUrl, grpc: grpcUrl },
    retention: { maxAgeMs: policy?.maxAgeMs ?? null, maxBytes: policy?.maxBytes ?? null },
  });
  const report = new ReportBuilder({
    store,
    startedAtMs: startedAt.getTime(),
    dailyBudgetUsd,
    invalidRecords: () => metrics.rejected.invalid ?? 0,
    prices,
  });
  registerApiRoutes(app, { store, status, report, prices });
  if (options.ui !== undefined) registerUi(app, options.ui);

  let grpc: GrpcReceiver | undefined;
  try {
    await app.listen({ port, host });
    if (grpcPort !== null) {
      grpc = await startGrpcReceiver({
        host,
        port: grpcPort,
        maxMessageBytes: bodyLimitBytes,
        ...(bearer === undefined ? {} : { bearer }),
        ingest: async (signal, body, encoding) => {
          try {
            // grpc-js has read the message already: the budget bounds what is being decoded.
            const hold = await budget.take(signal, encoding, body.byteLength);
            try {
              const partial = await ingestor.ingest(signal, body, encoding, hold.release);
              metrics.request('grpc', signal, 'ok');
              return partial;
            } finally {
              hold.release();
            }
          } catch (error) {
            metrics.request('grpc', signal, outcomeOfStatus(error instanceof HubError ? error.status : 500));
            throw error;
          }
        },
        onError: (error) => app.log.error({ err: error }, 'gRPC export failed'),
      });
    }
  } catch (error) {
    await app.close();
    await decodePool?.close();
    if (ownsStore) await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  httpUrl = `http://${shownHost}:${address.port}`;
  grpcUrl = grpc === undefined ? null : `http://${shownHost}:${grpc.port}`;
  let closing: Promise<void> | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  if (policy !== undefined) {
    void applyRetention();
    retentionTimer = setInterval(
      () => void applyRetention(),
      retention?.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS,
    );
    retentionTimer.unref();
  }

  return {
    url: httpUrl,
    grpcUrl,
    store,
    applyRetention,
    close() {
      closing ??= (async () => {
        ready = false;
        budget.close();
        clearInterval(retentionTimer);
        try {
          // Both listeners stop taking requests and finish those in hand before the queue drains.
          await Promise.all([app.close(), grpc?.close()]);
          await ingestor.close();
          await decodePool?.close();
          await retentionRun;
        } finally {
          if (ownsStore) await store.close();
        }
      })();
      return closing;
    },
  };
}

import type { PriceCatalog } from '@agentlens/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '../receiver/hub-error.js';
import type { Store } from '../store/store.js';
import type {
  HubStatusResponse,
  LogsResponse,
  ReportResponse,
  ServicesResponse,
  StatsResponse,
  TimeseriesResponse,
  TraceResponse,
  TracesResponse,
} from './api-types.js';
import { modelPrices, modelsOfSpans } from './model-prices.js';
import {
  parseLogsQuery,
  parseReportQuery,
  parseStatsQuery,
  parseTimeseriesQuery,
  parseTraceId,
  parseTracesQuery,
} from './query-params.js';
import { IN_FLIGHT_HORIZON_MS, oldestInFlightSeconds, type ReportBuilder } from './report.js';

/** What the query API needs from the hub. */
export interface ApiRouteOptions {
  readonly store: Store;
  /** The hub's own state for `GET /api/hub`. */
  readonly status: () => Promise<HubStatusResponse>;
  /** Builds `GET /api/report`. */
  readonly report: ReportBuilder;
  /** The catalog the hub prices spans with, for the price entries behind the figures. */
  readonly prices: PriceCatalog;
  /** The clock windows are measured against; `Date.now` unless a test fixes it. */
  readonly now?: () => number;
}

type Query = Record<string, unknown>;

/** Store argument errors (a bad cursor, a step that is not whole minutes) are the caller's: 400. */
async function asked<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof RangeError) throw new HubError(400, 'bad_request', error.message);
    throw error;
  }
}

/**
 * Registers the JSON query API under `/api` (read-only, `GET`). Every answer is JSON; every
 * failure is `{ "error": { "code", "message" } }` with its status (the hub's error handler).
 */
export function registerApiRoutes(app: FastifyInstance, options: ApiRouteOptions): void {
  const { store, status, prices } = options;
  const now = options.now ?? Date.now;
  const query = (request: FastifyRequest) => request.query as Query;

  app.get(
    '/api/services',
    async (): Promise<ServicesResponse> => ({ services: await asked(store.services()) }),
  );

  app.get('/api/traces', async (request): Promise<TracesResponse> => {
    const { filter, cursor, limit } = parseTracesQuery(query(request), now());
    return asked(store.listTraces(filter, cursor, limit));
  });

  app.get<{ Params: { traceId: string } }>(
    '/api/traces/:traceId',
    async (request): Promise<TraceResponse> => {
      if (Object.keys(query(request)).length > 0)
        throw new HubError(400, 'bad_request', 'this path takes no parameters');
      const traceId = parseTraceId(request.params.traceId);
      const trace = await asked(store.getTrace(traceId));
      if (trace === null) throw new HubError(404, 'not_found', `no trace ${traceId}`);
      return { ...trace, prices: modelPrices(prices, modelsOfSpans(trace.spans), now()) };
    },
  );

  app.get<{ Params: { kind: string } }>('/api/stats/:kind', async (request): Promise<StatsResponse> => {
    const { kind, window, filter } = parseStatsQuery(request.params.kind, query(request), now());
    const groups = await asked(store.stats(kind, window, filter));
    if (kind === 'agents') {
      const nowMs = now();
      const open = await store.openAgentRuns({
        sinceMs: nowMs - IN_FLIGHT_HORIZON_MS,
        nowMs,
        ...(filter.service === undefined ? {} : { service: filter.service }),
      });
      const inFlight = open
        .filter((run) => filter.agent === undefined || run.agentName === filter.agent)
        .map((run) => ({
          agentName: run.agentName,
          runs: run.runs,
          oldestInFlightSeconds: oldestInFlightSeconds(run, nowMs),
        }));
      return { kind, window, groups, inFlight };
    }
    if (kind !== 'models') return { kind, window, groups };
    const models = groups.map((group) => ({ provider: group.provider, model: group.name }));
    return { kind, window, groups, prices: modelPrices(prices, models, window.toMs) };
  });

  app.get(
    '/api/report',
    async (request): Promise<ReportResponse> =>
      asked(options.report.build(parseReportQuery(query(request), now()))),
  );

  app.get('/api/timeseries', async (request): Promise<TimeseriesResponse> => {
    const q = parseTimeseriesQuery(query(request), now());
    const set = await asked(store.timeseries(q.measure, q.stepMs, q.groupBy, q.window));
    return { ...set, window: q.window };
  });

  app.get(
    '/api/logs',
    async (request): Promise<LogsResponse> => ({
      logs: await asked(store.listLogs(parseLogsQuery(query(request), now()))),
    }),
  );

  app.get('/api/hub', async (): Promise<HubStatusResponse> => status());
}

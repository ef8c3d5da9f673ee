/**
 * The bodies the query API answers with. Shared by the routes and the typed client, so the API
 * has one description. Type-only imports: this module must stay free of Node built-ins (the
 * client bundles it for the browser).
 */
import type { LogRecord, PriceProvenance, Report } from '@agentlens/core';
import type {
  OverviewStats,
  ServiceSummary,
  StatsGroup,
  StatsKind,
  TimeseriesSet,
  TimeWindow,
  TraceDetail,
  TracePage,
} from '../store/store.js';

/** Every error off the OTLP paths: `{ "error": { "code", "message" } }` with an HTTP status. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** `GET /api/services`. */
export interface ServicesResponse {
  readonly services: ServiceSummary[];
}

/** `GET /api/traces`: a page of the trace list. */
export type TracesResponse = TracePage;

/**
 * The price entry the hub's catalog holds for a model as spans report it: what the hub prices
 * spans with that carry no cost of their own (their `costSource` is then the entry's dataset).
 */
export interface ModelPrice {
  /** The provider as spans report it (`gen_ai.provider.name`); null when they name none. */
  readonly provider: string | null;
  /** The model id as spans report it (the response model, else the request model). */
  readonly model: string;
  /** The matched entry, with its dataset and the dataset's date; null when there is no price. */
  readonly entry: PriceProvenance | null;
  /** Why the model has no price; null when it has an entry. */
  readonly unpricedReason: string | null;
}

/**
 * `GET /api/traces/{traceId}`: the span tree's spans with every attribute, event and link, the
 * logs, and the hub's price entry for each model of its model calls.
 */
export interface TraceResponse extends TraceDetail {
  readonly prices: ModelPrice[];
}

/** `GET /api/stats/{kind}`: figures per group over a window. */
export interface StatsResponse<K extends StatsKind = StatsKind> {
  readonly kind: K;
  /** The window the figures cover, Unix milliseconds, `[fromMs, toMs)`. */
  readonly window: TimeWindow;
  /** `overview`: exactly one group, an {@link OverviewStats}. */
  readonly groups: K extends 'overview' ? [OverviewStats] : StatsGroup[];
  /** `models` only: the hub's price entry for each group's model (see {@link ModelPrice}). */
  readonly prices?: ModelPrice[];
  /**
   * `agents` only: the agents with runs in flight now (as the report counts them: children that
   * ended in the last 15 minutes under a run whose own span has not arrived), whatever the window.
   */
  readonly inFlight?: AgentRunsInFlight[];
}

/** Runs of one agent in flight (`GET /api/stats/agents`). */
export interface AgentRunsInFlight {
  readonly agentName: string;
  readonly runs: number;
  /** How long the oldest of them has been running, seconds. */
  readonly oldestInFlightSeconds: number;
}

/** `GET /api/timeseries`. */
export interface TimeseriesResponse extends TimeseriesSet {
  readonly window: TimeWindow;
}

/**
 * `GET /api/report`: one document of the report schema of `@agentlens/core`
 * (`agentlens.report/v1`, `source: 'hub'`), the same shape as the SDK's `snapshot()`; validate it
 * with `ReportSchema`. See docs/hub.md for what each section holds.
 */
export type ReportResponse = Report;

/** `GET /api/logs`: newest first. */
export interface LogsResponse {
  readonly logs: LogRecord[];
}

/** `GET /api/hub`: the hub's own state, for the UI's health page and `agentlens monitor`. */
export interface HubStatusResponse {
  readonly version: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly store: {
    /** `sqlite` or `postgres`, or the class name of a store given by the embedder. */
    readonly kind: string;
    readonly sizeBytes: number;
  };
  readonly ingest: {
    /** Spans and log records waiting for the store. */
    readonly queuedItems: number;
    readonly capacity: number;
    /** Items committed (spans, log records) or accepted (metric points) since start, by signal. */
    readonly received: { readonly traces: number; readonly logs: number; readonly metrics: number };
    /** Items and requests refused since start, by reason (`invalid`, `malformed`, `overloaded`, ...). */
    readonly rejected: Readonly<Record<string, number>>;
  };
  readonly listeners: {
    /** OTLP/HTTP and the API. */
    readonly http: string;
    /** OTLP/gRPC, or null when it is off. */
    readonly grpc: string | null;
  };
  /** Retention in force; null fields mean no limit. */
  readonly retention: { readonly maxAgeMs: number | null; readonly maxBytes: number | null };
}

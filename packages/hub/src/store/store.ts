import type { LogRecord, SpanCategory, SpanRecord } from '@agentlens/core';
import type { EncodedSpanBatch } from './encoded-span-batch.js';

/**
 * A half-open time range `[fromMs, toMs)` in Unix milliseconds.
 *
 * Rollup-based queries ({@link Store.stats}, {@link Store.timeseries}) work in whole minutes: a
 * minute belongs to the window when its start lies in `[fromMs, toMs)`.
 */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Which traces {@link Store.listTraces} returns. Every field is optional and the fields combine
 * with AND. The span-level fields (`service`, `agent`, `model`, `tool`, `text`) each match when
 * the trace contains at least one span that satisfies that field; different fields may be
 * satisfied by different spans (an agent span names the agent, its model call names the model).
 */
export interface TraceFilter {
  /** A span of this service. */
  readonly service?: string;
  /** A span whose `agentName` is this. */
  readonly agent?: string;
  /** A span whose `requestModel` or `responseModel` is this. */
  readonly model?: string;
  /** A span whose `toolName` is this. */
  readonly tool?: string;
  /** `error`: the trace has at least one span with status error; `ok`: it has none. */
  readonly status?: 'error' | 'ok';
  /** The trace's listed start time (see {@link TraceSummary.listedAtMs}) in `[fromMs, toMs)`. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** The trace lasts at least this long (earliest span start to latest span end). */
  readonly minDurationMs?: number;
  /**
   * A substring of a span's name, of its attributes serialised as JSON, or of a GenAI text column
   * (agent, model, provider, tool, operation, ids, error type). Case-insensitive for ASCII letters;
   * other characters match exactly. `%` and `_` are literal.
   */
  readonly text?: string;
}

/** One row of the trace list. Totals follow the same rules as {@link Store.stats}. */
export interface TraceSummary {
  readonly traceId: string;
  /** Name of the span without a parent; null until that span has arrived. */
  readonly rootSpanName: string | null;
  /** Service of the root span; null until it has arrived. */
  readonly rootService: string | null;
  /** Earliest start among the stored spans (Unix nanoseconds, decimal). */
  readonly startTimeUnixNano: string;
  /** Latest end among the stored spans (Unix nanoseconds, decimal). */
  readonly endTimeUnixNano: string;
  readonly durationMs: number;
  /**
   * The time the list is ordered and time-filtered by: the earliest start among the spans of the
   * first batch that brought the trace. It never changes afterwards (a late root span does not
   * move a trace), which is what keeps cursor pages stable.
   */
  readonly listedAtMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  /** Token and cost totals of the trace's spans, skipping spans with `aggregatesChildren`. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly unpricedCalls: number;
}

/** One page of {@link Store.listTraces}. */
export interface TracePage {
  /** Newest first. Empty when nothing matches. */
  readonly traces: TraceSummary[];
  /** Pass back to get the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

/** A trace with everything stored about it. */
export interface TraceDetail {
  readonly traceId: string;
  /** Every stored span, each exactly as written; ordered by start time, then span id. */
  readonly spans: SpanRecord[];
  /** The logs that carry this trace id, oldest first. */
  readonly logs: LogRecord[];
}

/** The groups {@link Store.stats} reports. */
export type StatsKind = 'overview' | 'agents' | 'tools' | 'models';

/** Which spans {@link Store.stats} counts, beyond its window; fields combine with AND. */
export interface StatsFilter {
  /** Only spans of this service (the rollups keep the service of every span). */
  readonly service?: string;
  /**
   * Only spans of this agent: its runs, and the model, tool and workflow spans that name it in
   * `gen_ai.agent.name` (the SDK sets it on the calls inside `withAgent`). With it, `tools` and
   * `models` are the tools and models that agent used.
   */
  readonly agent?: string;
}

/** What {@link Store.openAgentRuns} looks at. */
export interface OpenRunsQuery {
  /** Only children that ended at or after this, Unix milliseconds: the look-back horizon. */
  readonly sinceMs: number;
  /** Only children that ended before this, Unix milliseconds (normally now). */
  readonly nowMs: number;
  /** Only children of this service. */
  readonly service?: string;
}

/** The runs of one agent that look in flight (see {@link Store.openAgentRuns}). */
export interface OpenAgentRuns {
  readonly agentName: string;
  /** Traces with a run of this agent in flight; at least 1. */
  readonly runs: number;
  /** Earliest start among the children of those runs, Unix milliseconds. */
  readonly oldestStartMs: number;
}

/** Which spans {@link Store.listErrorSpans} returns; fields combine with AND. */
export interface ErrorSpanQuery {
  /** Span end in `[fromMs, toMs)`, Unix milliseconds. */
  readonly fromMs: number;
  readonly toMs: number;
  /** At most this many spans, 1 to 1000. */
  readonly limit: number;
  readonly category?: SpanCategory;
  readonly service?: string;
  /** Only spans whose `toolName` is this. */
  readonly toolName?: string;
}

/** Token counts by type. */
export interface TokenTotals {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

/**
 * The figures of one group. Durations are in seconds, as in the report schema of
 * `@agentlens/core`. Latency quantiles come from merged log-scale histograms: each is within 1 %
 * of the true value at its rank (the lower nearest rank, `floor(q * (n - 1))`), and all are 0 when
 * `requests` is 0.
 */
export interface StatsGroup {
  /** Agent name, tool name or model name; `overview` for the overview. */
  readonly name: string;
  /** The provider of a model group; null for other groups. */
  readonly provider: string | null;
  /** Spans that count as requests of the group (see {@link Store.stats}). */
  readonly requests: number;
  /** Of those, spans with status error. */
  readonly failures: number;
  /** `(requests - failures) / requests`, 1 when there are no requests. */
  readonly successRate: number;
  readonly avgLatencySeconds: number;
  readonly p50LatencySeconds: number;
  readonly p95LatencySeconds: number;
  readonly p99LatencySeconds: number;
  readonly tokens: TokenTotals;
  readonly costUsd: number;
  /** Model calls with tokens but no known price: their cost is missing from `costUsd`. */
  readonly unpricedCalls: number;
}

/** The overview: the agent-request figures of {@link StatsGroup} plus counts across all spans. */
export interface OverviewStats extends StatsGroup {
  readonly modelCalls: number;
  readonly toolCalls: number;
  /** Spans of any category with status error. */
  readonly errorSpans: number;
}

/** What {@link Store.timeseries} measures per step. */
export type TimeseriesMeasure = 'requests' | 'errors' | 'p95' | 'tokens' | 'cost';

/** How {@link Store.timeseries} splits its series. */
export type TimeseriesGroupBy = 'agent' | 'model' | 'provider' | 'tool';

/** One series of {@link Store.timeseries}. */
export interface Timeseries {
  /** The agent, model or tool name; null for the ungrouped series. */
  readonly key: string | null;
  /**
   * One value per step, dense (steps without data are 0), oldest first: `values[i]` is the step
   * that starts at `startMs + i * stepMs` of its {@link TimeseriesSet}.
   */
  readonly values: number[];
}

/** Which logs {@link Store.listLogs} returns; fields combine with AND. */
export interface LogFilter {
  readonly service?: string;
  readonly traceId?: string;
  /** Records with `severityNumber` at least this (OTLP: 9 info, 13 warn, 17 error). */
  readonly minSeverity?: number;
  /** A substring of the body; case-insensitive for ASCII letters, `%` and `_` literal. */
  readonly text?: string;
  /** Record time in `[fromMs, toMs)`. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** At most this many records, 1 to 1000; 100 when absent. */
  readonly limit?: number;
}

/** A service seen in spans or logs. */
export interface ServiceSummary {
  readonly name: string;
  /** Latest span end or log time seen at ingest, Unix milliseconds. */
  readonly lastSeenMs: number;
}

/** What {@link Store.applyRetention} should remove. */
export interface RetentionPolicy {
  /** Remove data older than this. */
  readonly maxAgeMs?: number;
  /** Remove the oldest traces and logs until {@link Store.sizeBytes} is at most this. */
  readonly maxBytes?: number;
  /** The current time, Unix milliseconds; `Date.now()` when absent (tests pass a fixed one). */
  readonly nowMs?: number;
}

/** What {@link Store.applyRetention} removed. */
export interface RetentionResult {
  readonly tracesDeleted: number;
  readonly spansDeleted: number;
  readonly logsDeleted: number;
  /** Per-minute rollup rows removed (by age only; size-based retention keeps rollups). */
  readonly rollupRowsDeleted: number;
}

/**
 * Where the hub keeps spans and logs, and the queries the API, the UI and the alerts ask.
 *
 * Contract, for every implementation (the conformance suite in `conformance/` checks it):
 * - A write resolves only once its batch is committed and survives a crash of the process; a write
 *   that rejects stored nothing of its batch (one transaction per batch).
 * - Spans are idempotent on (traceId, spanId): the first write of a span wins, later writes of the
 *   same ids are ignored and change no count, total or rollup.
 * - Per-minute rollups are written in the same transaction as the spans, and stats and timeseries
 *   read only the rollups, never the raw spans.
 * - Empty means empty: no data gives empty arrays and zero counts, never null, except
 *   {@link Store.getTrace} of an unknown id.
 * - Invalid arguments (a malformed cursor, a limit or step out of range) reject with a
 *   `RangeError`, which the API answers with 400.
 * - The store owns its connection; after {@link Store.close} every call rejects.
 */
export interface Store {
  /**
   * Stores a batch of spans and their rollups in one transaction. Resolves once the batch is
   * durable; idempotent on (traceId, spanId). Spans may arrive in any order (a child before its
   * parent, a trace across many batches).
   */
  writeSpans(spans: readonly SpanRecord[]): Promise<void>;

  /**
   * Optional: {@link Store.writeSpans} of spans already encoded (`encodeSpans` of the records),
   * for a store that can take them without the records. All the batches go in one transaction,
   * with every guarantee of `writeSpans`, and MUST store exactly the rows `writeSpans` stores for
   * the same spans. The ingest path encodes spans off the main thread when the store has it,
   * unless `writeSpans` is overridden below it (a subclass or a wrapper that overrides
   * `writeSpans` alone keeps receiving every write).
   */
  writeEncodedSpans?(batches: readonly EncodedSpanBatch[]): Promise<void>;

  /**
   * Stores a batch of logs in one transaction; resolves once durable. Logs carry no identity, so
   * a batch written twice is stored twice.
   */
  writeLogs(logs: readonly LogRecord[]): Promise<void>;

  /** Every span and log of a trace; null when no span of that trace is stored. */
  getTrace(traceId: string): Promise<TraceDetail | null>;

  /**
   * Traces matching `filter`, newest first by {@link TraceSummary.listedAtMs} then trace id
   * (descending). `cursor` is null for the first page, else a `nextCursor` from the previous page.
   * Pages are stable under concurrent inserts: a trace never appears on two pages, and a trace
   * that was stored before the first page and still matches is not skipped. `limit` is 1 to 1000.
   */
  listTraces(filter: TraceFilter, cursor: string | null, limit: number): Promise<TracePage>;

  /**
   * Figures per group over a window, from the per-minute rollups (the minute of a span is the
   * minute of its end time). Which spans count:
   * - `overview`: one group named `overview`; requests are spans of category `agent`; tokens,
   *   cost and unpriced calls are over all spans.
   * - `agents`: one group per agent name; requests are `agent` spans of that agent; tokens, cost
   *   and unpriced calls are over every span carrying that agent name.
   * - `tools`: one group per tool name over `tool` spans.
   * - `models`: one group per (provider, model) over `model` spans, where model is the response
   *   model, else the request model.
   * Tokens and cost always skip spans with `aggregatesChildren` (their children carry the same
   * usage). Spans without the group's name appear only in the overview. Groups are ordered by
   * requests descending, then name, then provider; a group with no data in the window is absent.
   * With `filter.service`, only the spans of that service count, by the same rules.
   */
  stats(kind: 'overview', window: TimeWindow, filter?: StatsFilter): Promise<[OverviewStats]>;
  stats(
    kind: Exclude<StatsKind, 'overview'>,
    window: TimeWindow,
    filter?: StatsFilter,
  ): Promise<StatsGroup[]>;
  stats(kind: StatsKind, window: TimeWindow, filter?: StatsFilter): Promise<StatsGroup[]>;

  /**
   * The agent runs that look in flight. Spans arrive when they end, so a run still going is
   * inferred from its children (spans of category `model`, `tool`, `workflow` or `workflow_node`
   * carrying its `agentName`): a child of agent X is open while its trace holds no span of
   * category `agent` with `agentName` X that ends at or after the child's end, less one second of
   * slack for clocks (OpenTelemetry JS can show a child ending a millisecond after its agent; see
   * `RUN_END_SLACK_NS` in `open-runs.ts`). A run of X is in flight in a trace when the trace holds
   * open children of X and the latest of them ended in `[sinceMs, nowMs)`. Per agent: the number
   * of such traces and the earliest start among their open children. Only agents with a run in
   * flight appear, ordered by name. The same answer whatever order the spans arrived in; a
   * duplicate span changes nothing; a trace that retention removed has no run. Backends keep the
   * open runs at ingest, in the batch's transaction, so that this costs what the open runs cost.
   */
  openAgentRuns(query: OpenRunsQuery): Promise<OpenAgentRuns[]>;

  /**
   * Spans with status error whose end lies in `[fromMs, toMs)`, newest end first (ties: trace id,
   * then span id, descending), each exactly as written; at most `limit`. Reads the spans through
   * an index of error spans only.
   */
  listErrorSpans(query: ErrorSpanQuery): Promise<SpanRecord[]>;

  /**
   * One measure per step over a window, from the rollups. `stepMs` is a positive multiple of one
   * minute; steps are aligned to multiples of `stepMs` since the Unix epoch, and the values cover
   * every step that overlaps the window, from `startMs`. Populations are those of {@link Store.stats}: ungrouped
   * and by agent, requests / errors / p95 (seconds) are over agent spans; by model over model
   * spans; by tool over tool spans. `tokens` is input + output tokens, and `tokens` and `cost`
   * skip `aggregatesChildren` spans. Ungrouped there is always exactly one series (key null);
   * grouped, one series per key with data in the window, ordered by key.
   */
  timeseries(
    measure: TimeseriesMeasure,
    stepMs: number,
    groupBy: TimeseriesGroupBy | null,
    window: TimeWindow,
  ): Promise<TimeseriesSet>;

  /** Logs matching `filter`, newest first (ties: latest written first). */
  listLogs(filter: LogFilter): Promise<LogRecord[]>;

  /** Services seen in spans or logs whose data is still stored, by name. */
  services(): Promise<ServiceSummary[]>;

  /**
   * Removes whole traces (every span of a trace whose listed start is older than the cutoff, so a
   * trace is never left half), logs older than the cutoff and, by age only, rollup minutes older
   * than the cutoff. By size, first hands back space that holds no data (SQLite: checkpoints and
   * truncates the WAL), then removes the oldest traces and logs until {@link Store.sizeBytes} is at
   * most `maxBytes` or nothing is left. Safe to run while writes continue.
   */
  applyRetention(policy: RetentionPolicy): Promise<RetentionResult>;

  /** Bytes the stored data occupies on disk (for SQLite: the database file and its WAL). */
  sizeBytes(): Promise<number>;

  /** Finishes pending work and releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** What {@link Store.timeseries} returns. */
export interface TimeseriesSet {
  readonly measure: TimeseriesMeasure;
  readonly stepMs: number;
  /** Start of the first step, Unix milliseconds, a multiple of `stepMs`; every series shares it. */
  readonly startMs: number;
  readonly series: Timeseries[];
}

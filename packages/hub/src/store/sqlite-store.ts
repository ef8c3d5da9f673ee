import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LatencyHistogram,
  type LatencyHistogramData,
  type LogRecord,
  PROMOTED_ATTRIBUTES,
  type SpanRecord,
} from '@agentlens/core';
import Database from 'better-sqlite3';
import { DEFAULT_SQLITE_PATH } from '../options.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './encoded-span-batch.js';
import { type EncodedSpanBatch, EncodedSpanReader, encodeSpans, writeId } from './encoded-spans.js';
import {
  OpenRunsAccumulator,
  openRunDelta,
  RUN_CHILD_CATEGORY_SQL,
  RUN_END_SLACK_NS,
  type RunChildren,
  type RunEnd,
} from './open-runs.js';
import {
  checkStatsKind,
  checkTimeseriesQuery,
  checkWindow,
  HOUR_MINUTES,
  latencyQuantile,
  MINUTE_MS,
  mergeLatency,
  minuteOfNanos,
  overviewFromRollups,
  RollupAccumulator,
  type RollupDelta,
  type RollupNeeds,
  type RollupRow,
  rollupSegments,
  SERIES_QUANTILE,
  type SeriesPoint,
  statsFromRollups,
  statsNeeds,
  timeseriesFromPoints,
  timeseriesFromRollups,
  timeseriesNeeds,
  windowMinutes,
} from './rollup.js';
import { AGENT_RUN_CONDITION, ERROR_SPAN_CONDITION } from './span-indexes.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
import type {
  ErrorSpanQuery,
  LogFilter,
  OpenAgentRuns,
  OpenRunsQuery,
  OverviewStats,
  RetentionPolicy,
  RetentionResult,
  ServiceSummary,
  StatsFilter,
  StatsGroup,
  StatsKind,
  Store,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeseriesSet,
  TimeWindow,
  TraceDetail,
  TraceFilter,
  TracePage,
} from './store.js';
import {
  checkErrorSpanQuery,
  checkOpenRunsQuery,
  decodeTraceCursor,
  encodeTraceCursor,
  likePattern,
  msToNanos,
} from './store-util.js';
import {
  type LogRow,
  logFromRow,
  type SpanRow,
  spanFromRow,
  type TraceRow,
  traceSummaryFromRow,
} from './stored-rows.js';
import { WAL_LIMIT_BYTES, WalCheckpointer } from './wal-checkpointer.js';

export { DEFAULT_SQLITE_PATH };

/**
 * How hard a commit waits for the disk.
 * - `full` (the default): `synchronous=FULL`; every resolved write survives a process crash *and*
 *   an OS crash or power loss (the WAL is fsynced at each commit).
 * - `normal`: `synchronous=NORMAL`; in WAL mode a resolved write survives a process crash
 *   (SIGKILL) but the last commits may be lost on power loss. Faster on slow disks.
 */
export type SqliteDurability = 'full' | 'normal';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway store. Default {@link DEFAULT_SQLITE_PATH}. */
  readonly path?: string;
  /** Default `full`: see {@link SqliteDurability}. */
  readonly durability?: SqliteDurability;
}

/** SQLite's own default `wal_autocheckpoint`, for a connection that checkpoints itself again. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The columns a promoted attribute may live in instead of the attributes' JSON (see
 * promoted-attributes.ts), searched with the attributes so that a text filter finds what was sent.
 */
const SEARCHED_COLUMNS = PROMOTED_ATTRIBUTES.map(([, field]) =>
  field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
);
/**
 * The `elided` bits of the promoted attributes whose key contains `text` (ASCII letters folded, as
 * LIKE folds them): a search for a key name must find the spans whose attribute of that name lives
 * in its column only.
 */
function elidedKeysMatching(text: string): number {
  const folded = text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  let mask = 0;
  PROMOTED_ATTRIBUTES.forEach(([key], i) => {
    if (key.toLowerCase().includes(folded)) mask |= 1 << i;
  });
  return mask;
}

/** The SQL of a row's step: its first minute (the minute itself for steps of one minute). */
function stepOf(stepMs: number): string {
  const stepMinutes = stepMs / MINUTE_MS;
  return stepMinutes === 1 ? 'minute' : `minute - minute % ${stepMinutes}`;
}

/** The state of the `agentlens_merge_latency` SQL aggregate. */
interface MergeState {
  first: string | null;
  merged: LatencyHistogram | null;
}
const EMPTY_LATENCY_JSON = JSON.stringify(new LatencyHistogram().toJSON());
const MAX_PAGE = 1000;
const DEFAULT_LOG_LIMIT = 100;
/** Traces removed per transaction by retention, so that writers are never blocked for long. */
const RETENTION_CHUNK = 500;
/**
 * Summaries (rollups, trace rows) are merged into their rows at most this long after their spans
 * committed, by the next write past it, or before any read of them (see `#settleSummaries`).
 */
const SUMMARY_FLUSH_MS = 1_000;
/** How often, and how far apart, retention tries to truncate the WAL while a checkpoint runs. */
const WAL_TRUNCATE_ATTEMPTS = 50;
const WAL_TRUNCATE_RETRY_MS = 20;
/**
 * Minute deltas held at most before they are merged in (each holds a histogram of about 11 KB
 * once it records a value, so this bounds their memory to a few MB).
 */
const SUMMARY_FLUSH_DELTAS = 512;
/** Traces held at most before they are merged in (a few hundred bytes each). */
const SUMMARY_FLUSH_TRACES = 20_000;

function idBuffer(hex: string, bytes: number, what: string): Buffer {
  const buf = Buffer.alloc(bytes);
  writeId(buf, hex, 0, bytes, what);
  return buf;
}

function optionalIdBuffer(hex: string | null, bytes: number, what: string): Buffer | null {
  return hex === null || hex === '' ? null : idBuffer(hex, bytes, what);
}

/** What the spans held add to a trace's `traces` row. */
interface TraceDelta {
  id: Uint8Array;
  startNs: bigint;
  endNs: bigint;
  rootName: string | null;
  rootService: string | null;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpriced: number;
}

/** The fields of a span that its trace's summary reads. */
interface TraceSpan {
  readonly name: string;
  readonly service: string;
  readonly statusCode: number;
  /** Boolean, or 0 / 1 as stored. */
  readonly aggregatesChildren: boolean | number;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number | null;
  /** Boolean, or 0 / 1 as stored. */
  readonly unpriced: boolean | number;
}

/** Adds one inserted span to the delta of its trace (`key`: the trace id in hex). */
function addToTrace(
  traces: Map<string, TraceDelta>,
  key: string,
  id: Uint8Array,
  span: TraceSpan,
  startNs: bigint,
  endNs: bigint,
  isRoot: boolean,
): void {
  let trace = traces.get(key);
  if (trace === undefined) {
    trace = {
      // A copy: the id may be a view into a whole batch, which the delta would keep alive.
      id: id.slice(),
      startNs,
      endNs,
      rootName: null,
      rootService: null,
      spanCount: 0,
      errorCount: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      unpriced: 0,
    };
    traces.set(key, trace);
  }
  if (startNs < trace.startNs) trace.startNs = startNs;
  if (endNs > trace.endNs) trace.endNs = endNs;
  if (isRoot && trace.rootName === null) {
    trace.rootName = span.name;
    trace.rootService = span.service;
  }
  trace.spanCount++;
  if (span.statusCode === 2) trace.errorCount++;
  if (!span.aggregatesChildren) {
    trace.inputTokens += span.inputTokens ?? 0;
    trace.outputTokens += span.outputTokens ?? 0;
    trace.costUsd += span.costUsd ?? 0;
    if (span.unpriced) trace.unpriced++;
  }
}

const SPAN_COLUMNS = `trace_id, span_id, parent_span_id, service, name, kind,
  CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, duration_ms, status_code,
  status_message, category, operation, agent_name, agent_id, conversation_id, provider,
  request_model, response_model, tool_name, tool_call_id, workflow_name, input_tokens,
  output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, unpriced,
  cost_source, error_type, aggregates_children, attributes, resource_id, scope_id, events, links,
  trace_state, elided`;

const LOG_COLUMNS = `CAST(time_ns AS TEXT) AS time_ns, CAST(observed_ns AS TEXT) AS observed_ns,
  service, severity_number, severity_text, body, trace_id, span_id, attributes, resource_id, scope_id`;

const TRACE_COLUMNS = `trace_id, CAST(listed_ns AS TEXT) AS listed_ns, CAST(start_ns AS TEXT) AS start_ns,
  CAST(end_ns AS TEXT) AS end_ns, (end_ns - start_ns) / 1000000.0 AS duration_ms, root_name,
  root_service, span_count, error_count, input_tokens, output_tokens, cost_usd, unpriced`;

/**
 * The embedded store: one SQLite file in WAL mode through better-sqlite3.
 *
 * Writes are synchronous under the hood (better-sqlite3 blocks the event loop for the length of a
 * transaction, about a millisecond per few hundred spans), which is what lets a batch be durable
 * when its promise resolves. One instance owns one connection, plus a thread with its own
 * connection that copies the WAL into the file (`wal-checkpointer.ts`), so that commits do not pay
 * for it; do not open the same file from two hub processes.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: './.agentlens/agentlens.db' });
 * await store.writeSpans(spans);
 * const page = await store.listTraces({ agent: 'planner', status: 'error' }, null, 50);
 * ```
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly durability: SqliteDurability;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  /** Interned JSON (resources, scopes) to its row id; only committed entries. */
  readonly #internedIds = new Map<string, number>();
  /** The same, by object identity: decoders share one resource object across its spans. */
  #internedByObject = new WeakMap<object, number>();
  readonly #internedJson = new Map<number, string>();
  readonly #writeSpansTx: Database.Transaction<(batches: readonly EncodedSpanBatch[]) => void>;
  /**
   * The summaries of the committed spans not yet merged into their rows (rollup deltas, trace
   * deltas): those of the spans after the `summary_watermark` row's spans rowid. Merging once a
   * second instead of at every commit takes the read-merge-write of each rollup row's histogram,
   * and most upserts of `traces` (random keys), off the commits (measured: about 26 % and 11 %
   * more spans per second for the store under load). Reads of either merge them first; after a
   * crash, or a failed write, they are rebuilt from the spans past the watermark, which the
   * transactions that merge them move.
   */
  #heldRollups = new RollupAccumulator();
  /** Trace deltas held, by trace id in hex. */
  #heldTraces = new Map<string, TraceDelta>();
  /** When the oldest summary held was added (performance.now()); null when none is held. */
  #heldSince: number | null = null;
  /** Whether the summaries held must be rebuilt from the spans before use (at open, after a failure). */
  #heldStale = true;
  readonly #writeLogsTx: Database.Transaction<(logs: readonly LogRecord[]) => void>;
  /** Copies the WAL into the file off this thread (not for `:memory:`). */
  readonly #checkpointer: WalCheckpointer | undefined;

  constructor(options: SqliteStoreOptions = {}) {
    this.path = options.path ?? DEFAULT_SQLITE_PATH;
    this.durability = options.durability ?? 'full';
    if (this.durability !== 'full' && this.durability !== 'normal') {
      throw new RangeError(`durability must be "full" or "normal", got "${String(this.durability)}"`);
    }
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    this.#db = new Database(this.path);
    try {
      this.#open();
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#writeSpansTx = this.#db.transaction((batches: readonly EncodedSpanBatch[]) =>
      this.#insertSpans(batches),
    );
    this.#writeLogsTx = this.#db.transaction((logs: readonly LogRecord[]) => this.#insertLogs(logs));
    // Spans a crash left without their summaries get them now.
    try {
      this.#settleSummaries();
    } catch (error) {
      this.#db.close();
      throw error;
    }
    if (this.path !== ':memory:') {
      // Checkpoints move to a thread of their own; should it end, this connection takes them back.
      this.#db.pragma('wal_autocheckpoint = 0');
      this.#checkpointer = new WalCheckpointer(this.path, {
        synchronous: this.durability === 'full' ? 'FULL' : 'NORMAL',
        onLost: () => {
          if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
        },
      });
    }
  }

  #open(): void {
    const db = this.#db;
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      // Must precede the first table: lets retention hand freed pages back to the file system.
      db.pragma('auto_vacuum = INCREMENTAL');
    } else if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        `${this.path}: schema version ${version} is newer than this hub (${SQLITE_SCHEMA_VERSION}); upgrade agentlens`,
      );
    }
    db.pragma('journal_mode = WAL');
    // FULL fsyncs the WAL at every commit: a resolved write survives power loss, not only a crash
    // of the process (which NORMAL already survives in WAL mode). See SqliteDurability.
    db.pragma(`synchronous = ${this.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('temp_store = MEMORY');
    // A checkpointed WAL is truncated back to this size instead of keeping its peak size on disk.
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    // 16 MB of page cache, the hub's largest single allocation after its heaps. Pages past it are
    // read from the OS's cache: at 32 MB the heaviest ingest peaked 15 to 30 MiB higher (281 to
    // 300 MiB) with no throughput to show for it, and the 1M-span queries took as long.
    db.pragma('cache_size = -16000');
    // Merges serialised latency histograms inside SQL, so grouped rollup queries hand back one
    // histogram per group instead of one row per minute.
    // A group of one histogram (most per-minute groups) hands its text back untouched.
    const mergeAggregate = {
      start: (): MergeState => ({ first: null, merged: null }),
      step: (state: MergeState, json: string | null) => {
        if (json === null) return state;
        if (state.first === null && state.merged === null) {
          state.first = json;
          return state;
        }
        if (state.merged === null) {
          state.merged = LatencyHistogram.fromJSON(JSON.parse(state.first as string) as LatencyHistogramData);
          state.first = null;
        }
        state.merged.merge(JSON.parse(json) as LatencyHistogramData);
        return state;
      },
      result: (state: MergeState) =>
        state.merged !== null ? JSON.stringify(state.merged.toJSON()) : (state.first ?? EMPTY_LATENCY_JSON),
    };
    const latencyP95 = {
      ...mergeAggregate,
      result: (state: MergeState) =>
        state.merged !== null
          ? state.merged.quantile(SERIES_QUANTILE)
          : state.first === null
            ? 0
            : LatencyHistogram.quantileOf(JSON.parse(state.first) as LatencyHistogramData, SERIES_QUANTILE),
    };
    db.aggregate('agentlens_latency_p95', latencyP95 as unknown as Parameters<typeof db.aggregate>[1]);
    // The typings fix the step's second parameter to the accumulator's type; SQLite passes the column.
    db.aggregate('agentlens_merge_latency', mergeAggregate as unknown as Parameters<typeof db.aggregate>[1]);
    // A rollup row's own p95, for the migration that added `latency_p95`.
    db.function('agentlens_row_p95', { deterministic: true }, (json: unknown) =>
      LatencyHistogram.quantileOf(JSON.parse(json as string) as LatencyHistogramData, SERIES_QUANTILE),
    );
    if (version === 0) {
      db.transaction(() => {
        db.exec(SQLITE_SCHEMA);
        db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      }).immediate();
    } else if (version < SQLITE_SCHEMA_VERSION) {
      db.transaction(() => {
        for (let next = version + 1; next <= SQLITE_SCHEMA_VERSION; next++) {
          db.exec(SQLITE_MIGRATIONS[next] as string);
        }
        if (version < 3) this.#rebuildHours(null);
        db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      }).immediate();
    }
    // Recommended for long-lived connections: analyses tables as they grow.
    db.pragma('optimize = 0x10002');
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async writeSpans(spans: readonly SpanRecord[]): Promise<void> {
    if (spans.length === 0) return;
    // One write path for both forms: the rows of a record are the rows of its encoding.
    this.#writeSpans([encodeSpans(spans)]);
  }

  async writeEncodedSpans(batches: readonly EncodedSpanBatch[]): Promise<void> {
    if (!batches.some((batch) => batch.count > 0)) return;
    this.#writeSpans(batches);
  }

  #writeSpans(batches: readonly EncodedSpanBatch[]): void {
    try {
      this.#writeSpansTx.immediate(batches);
    } catch (error) {
      // The summaries held may include the rolled-back spans: rebuild them from what is stored.
      this.#heldStale = true;
      throw error;
    }
  }

  /** Merges the summaries held (rebuilding them first if stale) in a transaction of its own. */
  #settleSummaries(): void {
    if (!this.#heldStale && this.#heldSince === null) return;
    try {
      this.#db
        .transaction(() => {
          if (this.#heldStale) this.#rebuildSummaries();
          this.#flushSummaries();
        })
        .immediate();
    } catch (error) {
      this.#heldStale = true;
      throw error;
    }
  }

  /** The summaries held, from the spans stored past the watermark (in a transaction). */
  #rebuildSummaries(): void {
    const rollups = new RollupAccumulator();
    const traces = new Map<string, TraceDelta>();
    const spans = this.#statement(
      `SELECT trace_id AS traceId, parent_span_id IS NULL AS isRoot, name, service, category,
         agent_name AS agentName, operation, provider, request_model AS requestModel,
         response_model AS responseModel, tool_name AS toolName, status_code AS statusCode,
         duration_ms AS durationMs, input_tokens AS inputTokens, output_tokens AS outputTokens,
         cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
         reasoning_tokens AS reasoningTokens, cost_usd AS costUsd, unpriced,
         aggregates_children AS aggregatesChildren, CAST(start_ns AS TEXT) AS startNs,
         CAST(end_ns AS TEXT) AS endNs, end_ns / ${MINUTE_MS * 1_000_000} AS minute
       FROM spans WHERE rowid > (SELECT spans_rowid FROM summary_watermark) ORDER BY rowid`,
    );
    type StoredSpan = SpanRecord & {
      traceId: Buffer;
      isRoot: number;
      startNs: string;
      endNs: string;
      minute: number;
    };
    for (const span of spans.iterate() as Iterable<StoredSpan>) {
      rollups.add(span, span.minute);
      const key = span.traceId.toString('hex');
      addToTrace(
        traces,
        key,
        span.traceId,
        span,
        BigInt(span.startNs),
        BigInt(span.endNs),
        span.isRoot === 1,
      );
    }
    this.#heldRollups = rollups;
    this.#heldTraces = traces;
    this.#heldSince = traces.size === 0 ? null : performance.now();
    this.#heldStale = false;
  }

  /** Merges the summaries held into their rows and moves the watermark (in a transaction). */
  #flushSummaries(): void {
    this.#upsertTraces(this.#heldTraces);
    this.#upsertRollups('rollups', this.#heldRollups.deltas());
    this.#upsertRollups('rollups_hourly', this.#heldRollups.hourDeltas());
    this.#statement(
      'UPDATE summary_watermark SET spans_rowid = (SELECT coalesce(max(rowid), 0) FROM spans)',
    ).run();
    this.#heldRollups = new RollupAccumulator();
    this.#heldTraces = new Map();
    this.#heldSince = null;
  }

  async writeLogs(logs: readonly LogRecord[]): Promise<void> {
    if (logs.length === 0) return;
    this.#writeLogsTx.immediate(logs);
  }

  /**
   * Interns a resource or scope; new ids are recorded in `pending` and only enter the caches once
   * the transaction commits (a rolled-back id must not be reused).
   */
  #intern(value: object, pending: Map<string, number>, pendingObjects: Map<object, number>): number {
    const byObject = this.#internedByObject.get(value) ?? pendingObjects.get(value);
    if (byObject !== undefined) return byObject;
    const id = this.#internText(JSON.stringify(value), pending);
    pendingObjects.set(value, id);
    return id;
  }

  /** {@link #intern} of a resource's or scope's JSON text. */
  #internText(json: string, pending: Map<string, number>): number {
    let id = this.#internedIds.get(json) ?? pending.get(json);
    if (id === undefined) {
      this.#statement('INSERT OR IGNORE INTO interned (json) VALUES (?)').run(json);
      const row = this.#statement('SELECT id FROM interned WHERE json = ?').get(json) as { id: number };
      id = row.id;
      pending.set(json, id);
    }
    return id;
  }

  #commitInterned(pending: Map<string, number>, pendingObjects: Map<object, number>): void {
    for (const [json, id] of pending) {
      this.#internedIds.set(json, id);
      this.#internedJson.set(id, json);
    }
    for (const [value, id] of pendingObjects) this.#internedByObject.set(value, id);
  }

  #insertSpans(batches: readonly EncodedSpanBatch[]): void {
    const insert = this.#statement(
      `INSERT OR IGNORE INTO spans VALUES (${new Array(39).fill('?').join(', ')})`,
    );
    const pending = new Map<string, number>();
    if (this.#heldStale) this.#rebuildSummaries();
    const rollups = this.#heldRollups;
    const traces = this.#heldTraces;
    const runs = new OpenRunsAccumulator();
    const services = new Map<string, number>();
    for (const batch of batches) {
      const textIds = batch.texts.map((json) => this.#internText(json, pending));
      const reader = new EncodedSpanReader(batch);
      for (let i = 0; i < batch.count; i++) {
        const span = reader.row(i);
        const { startNs, endNs } = span;
        const info = insert.run(
          span.traceIdBytes,
          span.spanIdBytes,
          span.parentSpanIdBytes,
          span.service,
          span.name,
          span.kind,
          startNs,
          endNs,
          span.durationMs,
          span.statusCode,
          span.statusMessage,
          span.category,
          span.operation,
          span.agentName,
          span.agentId,
          span.conversationId,
          span.provider,
          span.requestModel,
          span.responseModel,
          span.toolName,
          span.toolCallId,
          span.workflowName,
          span.inputTokens,
          span.outputTokens,
          span.cacheReadTokens,
          span.cacheWriteTokens,
          span.reasoningTokens,
          span.costUsd,
          span.unpriced,
          span.costSource,
          span.errorType,
          span.aggregatesChildren,
          span.attributesJson,
          textIds[span.resource],
          textIds[span.scope],
          span.eventsJson,
          span.linksJson,
          span.traceState,
          span.elided,
        );
        // A duplicate (traceId, spanId) inserts nothing and must not count anywhere.
        if (info.changes === 0) continue;
        rollups.add(span, minuteOfNanos(endNs));
        runs.add(span, startNs, endNs);
        const endMs = Number(endNs / 1_000_000n);
        if ((services.get(span.service) ?? -1) < endMs) services.set(span.service, endMs);
        addToTrace(
          traces,
          span.traceId,
          span.traceIdBytes,
          span,
          startNs,
          endNs,
          span.parentSpanIdBytes === null,
        );
      }
    }
    this.#heldSince ??= traces.size === 0 ? null : performance.now();
    if (
      this.#heldSince !== null &&
      (performance.now() - this.#heldSince >= SUMMARY_FLUSH_MS ||
        rollups.size >= SUMMARY_FLUSH_DELTAS ||
        traces.size >= SUMMARY_FLUSH_TRACES)
    ) {
      this.#flushSummaries();
    }
    this.#closeRuns(runs.ends());
    this.#openRuns(runs.children());
    this.#touchServices(services);
    this.#commitInterned(pending, new Map());
  }

  /** Adds trace deltas into their `traces` rows, in key order (fewer pages apart). */
  #upsertTraces(traces: Map<string, TraceDelta>): void {
    const upsertTrace = this.#statement(
      `INSERT INTO traces (trace_id, listed_ns, start_ns, end_ns, root_name, root_service, span_count,
         error_count, input_tokens, output_tokens, cost_usd, unpriced)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO UPDATE SET
         start_ns = min(start_ns, excluded.start_ns),
         end_ns = max(end_ns, excluded.end_ns),
         root_name = coalesce(root_name, excluded.root_name),
         root_service = coalesce(root_service, excluded.root_service),
         span_count = span_count + excluded.span_count,
         error_count = error_count + excluded.error_count,
         input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens,
         cost_usd = cost_usd + excluded.cost_usd,
         unpriced = unpriced + excluded.unpriced`,
    );
    const sorted = [...traces.values()].sort((a, b) => Buffer.compare(a.id, b.id));
    for (const t of sorted) {
      upsertTrace.run(
        t.id,
        t.startNs,
        t.startNs,
        t.endNs,
        t.rootName,
        t.rootService,
        t.spanCount,
        t.errorCount,
        t.inputTokens,
        t.outputTokens,
        t.costUsd,
        t.unpriced,
      );
    }
  }

  /**
   * The batch's agent spans close the open runs they end; a run they end only in part (a later run
   * of the same agent in the trace is under way) keeps the earliest start of its calls still open.
   */
  #closeRuns(ends: readonly RunEnd[]): void {
    if (ends.length === 0) return;
    const stored = this.#statement('SELECT max_end_ns FROM open_runs WHERE trace_id = ? AND agent_name = ?')
      .pluck()
      .safeIntegers();
    const remove = this.#statement('DELETE FROM open_runs WHERE trace_id = ? AND agent_name = ?');
    const restart = this.#statement(
      `UPDATE open_runs SET min_start_ns = (
         SELECT min(start_ns) FROM spans c WHERE c.trace_id = open_runs.trace_id
           AND c.agent_name = open_runs.agent_name AND ${RUN_CHILD_CATEGORY_SQL} AND c.end_ns > ?
       ) WHERE trace_id = ? AND agent_name = ?`,
    );
    for (const end of ends) {
      const traceId = Buffer.from(end.traceId, 'hex');
      const maxEnd = stored.get(traceId, end.agentName) as bigint | undefined;
      if (maxEnd === undefined) continue;
      if (maxEnd <= end.endNs + RUN_END_SLACK_NS) remove.run(traceId, end.agentName);
      else restart.run(end.endNs + RUN_END_SLACK_NS, traceId, end.agentName);
    }
  }

  /** The batch's calls inside agents open runs, or extend them, unless an agent span closes them. */
  #openRuns(children: readonly RunChildren[]): void {
    if (children.length === 0) return;
    const agentEnd = this.#statement(
      `SELECT max(end_ns) FROM spans WHERE ${AGENT_RUN_CONDITION} AND trace_id = ? AND agent_name = ?`,
    )
      .pluck()
      .safeIntegers();
    const upsert = this.#statement(
      `INSERT INTO open_runs (trace_id, agent_name, service, min_start_ns, max_end_ns) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (trace_id, agent_name) DO UPDATE SET
         min_start_ns = min(min_start_ns, excluded.min_start_ns),
         max_end_ns = max(max_end_ns, excluded.max_end_ns)`,
    );
    for (const run of children) {
      const traceId = Buffer.from(run.traceId, 'hex');
      const delta = openRunDelta(run, agentEnd.get(traceId, run.agentName) as bigint | null);
      if (delta === null) continue;
      upsert.run(traceId, delta.agentName, delta.service, delta.minStartNs, delta.maxEndNs);
    }
  }

  /** Adds deltas into a rollup tier, merging each latency histogram into the stored one. */
  #upsertRollups(table: 'rollups' | 'rollups_hourly', deltas: Iterable<RollupDelta>): void {
    const key =
      'minute = ? AND service = ? AND category = ? AND agent = ? AND operation = ? AND provider = ? AND model = ? AND tool = ?';
    const readLatency = this.#statement(`SELECT latency FROM ${table} WHERE ${key}`).pluck();
    const upsertRollup = this.#statement(
      `INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (category, minute, service, agent, operation, provider, model, tool) DO UPDATE SET
         count = count + excluded.count,
         errors = errors + excluded.errors,
         input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens,
         cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
         cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
         reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
         cost_usd = cost_usd + excluded.cost_usd,
         unpriced = unpriced + excluded.unpriced,
         latency = excluded.latency,
         latency_p95 = excluded.latency_p95`,
    );
    for (const d of deltas) {
      const values = [d.minute, d.service, d.category, d.agent, d.operation, d.provider, d.model, d.tool];
      const latency = mergeLatency((readLatency.get(...values) as string | undefined) ?? null, d.latency);
      upsertRollup.run(
        ...values,
        d.count,
        d.errors,
        d.inputTokens,
        d.outputTokens,
        d.cacheReadTokens,
        d.cacheWriteTokens,
        d.reasoningTokens,
        d.costUsd,
        d.unpriced,
        latency.json,
        latency.p95,
      );
    }
  }

  /**
   * Rebuilds hour rows from the minute rows of their hours (all hours when `hours` is null): after
   * a migration, and for the hour that retention by age cuts through.
   */
  #rebuildHours(hours: readonly number[] | null): void {
    const where = hours === null ? '' : `WHERE minute IN (${hours.map(() => '?').join(', ')})`;
    this.#db.prepare(`DELETE FROM rollups_hourly ${where}`).run(...(hours ?? []));
    const range =
      hours === null ? '' : `WHERE ${hours.map(() => `(minute >= ? AND minute < ?)`).join(' OR ')}`;
    const params = (hours ?? []).flatMap((h) => [h, h + HOUR_MINUTES]);
    this.#db
      .prepare(
        `INSERT INTO rollups_hourly
         SELECT minute - minute % ${HOUR_MINUTES}, service, category, agent, operation, provider, model, tool,
           sum(count), sum(errors), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
           sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd), sum(unpriced),
           agentlens_merge_latency(latency), agentlens_latency_p95(latency)
         FROM rollups ${range}
         GROUP BY minute - minute % ${HOUR_MINUTES}, service, category, agent, operation, provider, model, tool`,
      )
      .run(...params);
  }

  #touchServices(services: Map<string, number>): void {
    const upsert = this.#statement(
      `INSERT INTO services (name, last_seen_ms) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
    );
    for (const [name, lastSeenMs] of services) upsert.run(name, lastSeenMs);
  }

  #insertLogs(logs: readonly LogRecord[]): void {
    const insert = this.#statement(
      `INSERT INTO logs (time_ns, observed_ns, service, severity_number, severity_text, body, trace_id,
         span_id, attributes, resource_id, scope_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const pending = new Map<string, number>();
    const pendingObjects = new Map<object, number>();
    const services = new Map<string, number>();
    for (const log of logs) {
      const timeNs = BigInt(log.timeUnixNano);
      insert.run(
        timeNs,
        BigInt(log.observedTimeUnixNano),
        log.service,
        log.severityNumber,
        log.severityText,
        log.body,
        optionalIdBuffer(log.traceId, TRACE_ID_BYTES, 'trace id'),
        optionalIdBuffer(log.spanId, SPAN_ID_BYTES, 'span id'),
        JSON.stringify(log.attributes),
        this.#intern(log.resource, pending, pendingObjects),
        this.#intern(log.scope, pending, pendingObjects),
      );
      const ms = Number(timeNs / 1_000_000n);
      if ((services.get(log.service) ?? -1) < ms) services.set(log.service, ms);
    }
    this.#touchServices(services);
    this.#commitInterned(pending, pendingObjects);
  }

  /** The JSON of an interned id, read through a cache (interned rows never change). */
  /** {@link #internedText} as a callback for the row mappers. */
  readonly #interned = (id: number): string => this.#internedText(id);

  #internedText(id: number): string {
    let json = this.#internedJson.get(id);
    if (json === undefined) {
      json = this.#statement('SELECT json FROM interned WHERE id = ?').pluck().get(id) as string;
      this.#internedJson.set(id, json);
    }
    return json;
  }

  async getTrace(traceId: string): Promise<TraceDetail | null> {
    const id = Buffer.from(traceId, 'hex');
    if (id.length !== TRACE_ID_BYTES || traceId.length !== TRACE_ID_BYTES * 2) return null;
    const rows = this.#statement(
      `SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_id = ? ORDER BY spans.start_ns, spans.span_id`,
    ).all(id) as SpanRow[];
    if (rows.length === 0) return null;
    const canonical = id.toString('hex');
    const logRows = this.#statement(
      `SELECT ${LOG_COLUMNS} FROM logs WHERE trace_id = ? ORDER BY logs.time_ns, logs.id`,
    ).all(id) as LogRow[];
    return {
      traceId: canonical,
      spans: rows.map((row) => spanFromRow(row, canonical, this.#interned)),
      logs: logRows.map((row) => logFromRow(row, this.#interned)),
    };
  }

  async listTraces(filter: TraceFilter, cursor: string | null, limit: number): Promise<TracePage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
    }
    this.#settleSummaries();
    const where: string[] = [];
    const params: unknown[] = [];
    if (cursor !== null) {
      const position = decodeTraceCursor(cursor);
      where.push('(t.listed_ns < ? OR (t.listed_ns = ? AND t.trace_id < ?))');
      params.push(position.listedNsValue, position.listedNsValue, Buffer.from(position.traceId, 'hex'));
    }
    if (filter.fromMs !== undefined) {
      where.push('t.listed_ns >= ?');
      params.push(msToNanos(filter.fromMs));
    }
    if (filter.toMs !== undefined) {
      where.push('t.listed_ns < ?');
      params.push(msToNanos(filter.toMs));
    }
    if (filter.minDurationMs !== undefined) {
      where.push('t.end_ns - t.start_ns >= ?');
      params.push(msToNanos(filter.minDurationMs));
    }
    if (filter.status === 'error') where.push('t.error_count > 0');
    else if (filter.status === 'ok') where.push('t.error_count = 0');
    const spanMatch = (condition: string, ...values: unknown[]) => {
      where.push(`EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND ${condition})`);
      params.push(...values);
    };
    if (filter.service !== undefined) spanMatch('s.service = ?', filter.service);
    if (filter.agent !== undefined) spanMatch('s.agent_name = ?', filter.agent);
    if (filter.model !== undefined) {
      spanMatch('(s.request_model = ? OR s.response_model = ?)', filter.model, filter.model);
    }
    if (filter.tool !== undefined) spanMatch('s.tool_name = ?', filter.tool);
    if (filter.text !== undefined && filter.text !== '') {
      const pattern = likePattern(filter.text);
      // Promoted attributes may live only in their columns (see promoted-attributes.ts).
      const columns = SEARCHED_COLUMNS.map((c) => ` OR s.${c} LIKE ? ESCAPE '\\'`).join('');
      const keys = elidedKeysMatching(filter.text);
      const elidedKeys = keys === 0 ? '' : ` OR (s.elided & ${keys}) <> 0`;
      spanMatch(
        `(s.name LIKE ? ESCAPE '\\' OR s.attributes LIKE ? ESCAPE '\\'${columns}${elidedKeys})`,
        pattern,
        pattern,
        ...SEARCHED_COLUMNS.map(() => pattern),
      );
    }
    const sql = `SELECT ${TRACE_COLUMNS} FROM traces t
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY t.listed_ns DESC, t.trace_id DESC LIMIT ?`;
    const rows = this.#statement(sql).all(...params, limit + 1) as TraceRow[];
    const page = rows.slice(0, limit).map(traceSummaryFromRow);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last !== undefined
        ? encodeTraceCursor({ listedNs: (rows[limit - 1] as TraceRow).listed_ns, traceId: last.traceId })
        : null;
    return { traces: page, nextCursor };
  }

  /**
   * The rollup rows a query needs over a window, grouped in SQL by the dimensions stats and
   * timeseries use (and by step when `stepMs` is given), whole hours read from the hour tier.
   */
  #rollupRows(
    window: TimeWindow,
    needs: RollupNeeds,
    stepMs: number | null,
    filter: StatsFilter = {},
  ): RollupRow[] {
    checkWindow(window);
    const service =
      (filter.service === undefined ? '' : ' AND service = ?') +
      (filter.agent === undefined ? '' : ' AND agent = ?');
    const params = [
      ...(filter.service === undefined ? [] : [filter.service]),
      ...(filter.agent === undefined ? [] : [filter.agent]),
    ];
    const stepMinutes = stepMs === null ? null : stepMs / MINUTE_MS;
    const bucket = stepMinutes === null ? '0' : `minute - minute % ${stepMinutes}`;
    const latency =
      needs.latency === 'none'
        ? 'NULL'
        : needs.latency === 'agent'
          ? "agentlens_merge_latency(CASE WHEN category = 'agent' THEN latency END)"
          : 'agentlens_merge_latency(latency)';
    const rows: RollupRow[] = [];
    for (const segment of rollupSegments(window, stepMs)) {
      const table = segment.tier === 'hour' ? 'rollups_hourly' : 'rollups';
      const sql = `SELECT ${bucket} AS minute, '' AS service, category, agent, '' AS operation, provider, model, tool,
          sum(count) AS count, sum(errors) AS errors, sum(input_tokens) AS inputTokens,
          sum(output_tokens) AS outputTokens, sum(cache_read_tokens) AS cacheReadTokens,
          sum(cache_write_tokens) AS cacheWriteTokens, sum(reasoning_tokens) AS reasoningTokens,
          sum(cost_usd) AS costUsd, sum(unpriced) AS unpriced, ${latency} AS latencyJson
        FROM ${table} WHERE ${needs.where} AND minute >= ? AND minute < ?${service}
        GROUP BY 1, category, agent, provider, model, tool`;
      const found = this.#statement(sql).all(segment.fromMinute, segment.toMinute, ...params) as RollupRow[];
      for (const row of found) {
        rows.push(row);
      }
    }
    return rows;
  }

  /**
   * A series as SQL-grouped points (step, key), computing only the measure asked for, one row per
   * point and tier segment: sums from both tiers add up in `timeseriesFromPoints`. By agent, the
   * rows are grouped by service too, which is the rollup key's order (no sort; an agent seen in
   * several services gives several rows of one point, which add up as well). A p95 goes to
   * {@link #p95Points}.
   */
  #seriesPoints(
    window: TimeWindow,
    measure: Exclude<TimeseriesMeasure, 'p95'>,
    groupBy: TimeseriesGroupBy | null,
    stepMs: number,
  ): SeriesPoint[] {
    checkWindow(window);
    const needs = timeseriesNeeds(measure, groupBy);
    const key = groupBy === null ? "''" : groupBy;
    const value = {
      requests: 'sum(count)',
      errors: 'sum(errors)',
      tokens: 'sum(input_tokens + output_tokens)',
      cost: 'sum(cost_usd)',
    }[measure];
    const group = groupBy === 'agent' ? '1, service, agent' : groupBy === null ? '1' : '1, 2';
    // Only the three columns a point needs: building wider rows was most of the query's time.
    const sql = (table: string) => `SELECT ${stepOf(stepMs)} AS minute, ${key} AS key, ${value} AS value
      FROM ${table} WHERE ${needs.where} AND minute >= ? AND minute < ? GROUP BY ${group}`;
    const points: SeriesPoint[] = [];
    for (const segment of rollupSegments(window, stepMs)) {
      const statement = this.#statement(sql(segment.tier === 'hour' ? 'rollups_hourly' : 'rollups'));
      for (const point of statement.all(segment.fromMinute, segment.toMinute) as SeriesPoint[]) {
        points.push(point);
      }
    }
    return points;
  }

  /**
   * The points of a p95 series of steps shorter than an hour (the minute tier alone). Each row
   * carries its histogram's p95 (`latency_p95`, kept at ingest), so a point of one row, as most
   * per-minute points are, is read as stored; only a point of several rows merges their
   * histograms. The rows come in the key's order, with no SQL aggregate parsing every histogram.
   */
  #p95Points(window: TimeWindow, groupBy: TimeseriesGroupBy | null, stepMs: number): SeriesPoint[] {
    checkWindow(window);
    const needs = timeseriesNeeds('p95', groupBy);
    const statement = this.#statement(
      `SELECT ${stepOf(stepMs)}, ${groupBy ?? "''"}, latency_p95, latency FROM rollups
       WHERE ${needs.where} AND minute >= ? AND minute < ?`,
    ).raw();
    const groups = new Map<string, { minute: number; key: string; p95: number | null; texts: string[] }>();
    const { fromMinute, toMinute } = windowMinutes(window);
    const rows = statement.all(fromMinute, toMinute) as [number, string, number | null, string][];
    for (const [minute, key, p95, latency] of rows) {
      const id = `${minute}\u0001${key}`;
      const group = groups.get(id);
      if (group === undefined) groups.set(id, { minute, key, p95, texts: [latency] });
      else group.texts.push(latency);
    }
    const points: SeriesPoint[] = [];
    for (const { minute, key, p95, texts } of groups.values()) {
      const value = texts.length === 1 && p95 !== null ? p95 : latencyQuantile(texts, SERIES_QUANTILE);
      points.push({ minute, key, value });
    }
    return points;
  }

  stats(kind: 'overview', window: TimeWindow, filter?: StatsFilter): Promise<[OverviewStats]>;
  stats(
    kind: Exclude<StatsKind, 'overview'>,
    window: TimeWindow,
    filter?: StatsFilter,
  ): Promise<StatsGroup[]>;
  stats(kind: StatsKind, window: TimeWindow, filter?: StatsFilter): Promise<StatsGroup[]>;
  async stats(kind: StatsKind, window: TimeWindow, filter: StatsFilter = {}): Promise<StatsGroup[]> {
    checkStatsKind(kind);
    this.#settleSummaries();
    const rows = this.#rollupRows(window, statsNeeds(kind), null, filter);
    return kind === 'overview' ? [overviewFromRollups(rows)] : statsFromRollups(kind, rows);
  }

  async openAgentRuns(query: OpenRunsQuery): Promise<OpenAgentRuns[]> {
    checkOpenRunsQuery(query);
    const service = query.service === undefined ? '' : ' AND o.service = ?';
    // Rows are deleted when their agent span arrives; the probe (one seek of spans_agent_runs per
    // open run) only restates that, as the PostgreSQL store needs it against concurrent writers.
    const sql = `SELECT o.agent_name AS agentName, count(*) AS runs, min(o.min_start_ns) / 1000000 AS oldestStartMs
      FROM open_runs o
      WHERE o.max_end_ns >= ? AND o.max_end_ns < ?${service}
        AND NOT EXISTS (SELECT 1 FROM spans a WHERE ${AGENT_RUN_CONDITION}
          AND a.trace_id = o.trace_id AND a.agent_name = o.agent_name
          AND a.end_ns >= o.max_end_ns - ${RUN_END_SLACK_NS})
      GROUP BY o.agent_name ORDER BY o.agent_name`;
    const params: unknown[] = [msToNanos(query.sinceMs), msToNanos(query.nowMs)];
    if (query.service !== undefined) params.push(query.service);
    return this.#statement(sql).all(...params) as OpenAgentRuns[];
  }

  async listErrorSpans(query: ErrorSpanQuery): Promise<SpanRecord[]> {
    checkErrorSpanQuery(query);
    const where = [ERROR_SPAN_CONDITION, 'end_ns >= ?', 'end_ns < ?'];
    const params: unknown[] = [msToNanos(query.fromMs), msToNanos(query.toMs)];
    for (const [column, value] of [
      ['category', query.category],
      ['service', query.service],
      ['tool_name', query.toolName],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const rows = this.#statement(
      `SELECT ${SPAN_COLUMNS} FROM spans WHERE ${where.join(' AND ')}
       ORDER BY spans.end_ns DESC, spans.trace_id DESC, spans.span_id DESC LIMIT ?`,
    ).all(...params, query.limit) as (SpanRow & { trace_id: Buffer })[];
    return rows.map((row) => spanFromRow(row, row.trace_id.toString('hex'), this.#interned));
  }

  async timeseries(
    measure: TimeseriesMeasure,
    stepMs: number,
    groupBy: TimeseriesGroupBy | null,
    window: TimeWindow,
  ): Promise<TimeseriesSet> {
    checkTimeseriesQuery(measure, stepMs, groupBy);
    this.#settleSummaries();
    // Sums add up across tiers, so only a p95 over whole-hour steps needs the rows' histograms.
    if (measure !== 'p95' || stepMs < HOUR_MINUTES * MINUTE_MS) {
      const points =
        measure === 'p95'
          ? this.#p95Points(window, groupBy, stepMs)
          : this.#seriesPoints(window, measure, groupBy, stepMs);
      return timeseriesFromPoints(measure, stepMs, groupBy, window, points);
    }
    const rows = this.#rollupRows(window, timeseriesNeeds(measure, groupBy), stepMs);
    return timeseriesFromRollups(measure, stepMs, groupBy, window, rows);
  }

  async listLogs(filter: LogFilter): Promise<LogRecord[]> {
    const limit = filter.limit ?? DEFAULT_LOG_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.service !== undefined) {
      where.push('service = ?');
      params.push(filter.service);
    }
    if (filter.traceId !== undefined) {
      where.push('trace_id = ?');
      params.push(Buffer.from(filter.traceId, 'hex'));
    }
    if (filter.minSeverity !== undefined) {
      where.push('severity_number >= ?');
      params.push(filter.minSeverity);
    }
    if (filter.text !== undefined && filter.text !== '') {
      where.push("body LIKE ? ESCAPE '\\'");
      params.push(likePattern(filter.text));
    }
    if (filter.fromMs !== undefined) {
      where.push('time_ns >= ?');
      params.push(msToNanos(filter.fromMs));
    }
    if (filter.toMs !== undefined) {
      where.push('time_ns < ?');
      params.push(msToNanos(filter.toMs));
    }
    const sql = `SELECT ${LOG_COLUMNS} FROM logs ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY logs.time_ns DESC, logs.id DESC LIMIT ?`;
    const rows = this.#statement(sql).all(...params, limit) as LogRow[];
    return rows.map((row) => logFromRow(row, this.#interned));
  }

  async services(): Promise<ServiceSummary[]> {
    return this.#statement(
      'SELECT name, last_seen_ms AS lastSeenMs FROM services ORDER BY name',
    ).all() as ServiceSummary[];
  }

  async applyRetention(policy: RetentionPolicy): Promise<RetentionResult> {
    const result = { tracesDeleted: 0, spansDeleted: 0, logsDeleted: 0, rollupRowsDeleted: 0 };
    const nowMs = policy.nowMs ?? Date.now();
    // Rollups are cut by minute, not rebuilt from spans: every deleted span must be in them first.
    this.#settleSummaries();
    if (policy.maxAgeMs !== undefined) {
      if (!(policy.maxAgeMs >= 0)) throw new RangeError(`maxAgeMs must be >= 0, got ${policy.maxAgeMs}`);
      const cutoffMs = nowMs - policy.maxAgeMs;
      const cutoffNs = msToNanos(cutoffMs);
      let deleted: number;
      do deleted = this.#deleteOldestTraces(cutoffNs, RETENTION_CHUNK, result);
      while (deleted === RETENTION_CHUNK);
      this.#db
        .transaction(() => {
          result.logsDeleted += this.#statement('DELETE FROM logs WHERE time_ns < ?').run(cutoffNs).changes;
          const cutoffMinute = Math.ceil(cutoffMs / MINUTE_MS);
          result.rollupRowsDeleted += this.#statement('DELETE FROM rollups WHERE minute < ?').run(
            cutoffMinute,
          ).changes;
          // Hours wholly before the cutoff go; the hour it cuts through is rebuilt from the minutes
          // left, so every hour row stays the sum of its minute rows.
          const cutHour = cutoffMinute - (cutoffMinute % HOUR_MINUTES);
          result.rollupRowsDeleted += this.#statement('DELETE FROM rollups_hourly WHERE minute < ?').run(
            cutHour,
          ).changes;
          if (cutHour < cutoffMinute) this.#rebuildHours([cutHour]);
          this.#statement(
            `DELETE FROM services WHERE NOT EXISTS (SELECT 1 FROM rollups r WHERE r.service = services.name)
               AND NOT EXISTS (SELECT 1 FROM logs l WHERE l.service = services.name)`,
          ).run();
        })
        .immediate();
    }
    if (policy.maxBytes !== undefined) {
      if (!(policy.maxBytes >= 0)) throw new RangeError(`maxBytes must be >= 0, got ${policy.maxBytes}`);
      // The WAL counts in sizeBytes but holds no extra data: fold it back before deleting anything.
      await this.#truncateWal();
      // Writes may have come while it waited: their summaries go in before old traces are cut (a
      // late span of a trace deleted now must not bring its trace row back).
      this.#settleSummaries();
      for (let used = this.#usedBytes(); used > policy.maxBytes; used = this.#usedBytes()) {
        // Delete about the share of traces that is over the limit, so a small store is not wiped
        // by one fixed-size chunk; freed index pages lag behind, so the loop takes a few rounds.
        const traces = this.#statement('SELECT count(*) FROM traces').pluck().get() as number;
        const share = Math.ceil((traces * (used - policy.maxBytes)) / used / 2);
        const deleted = this.#deleteOldestTraces(null, Math.min(Math.max(share, 1), RETENTION_CHUNK), result);
        if (deleted === 0) {
          const logs = this.#statement(
            'DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY time_ns, id LIMIT ?)',
          ).run(RETENTION_CHUNK).changes;
          result.logsDeleted += logs;
          if (logs === 0) break;
        }
      }
    }
    if (result.tracesDeleted + result.logsDeleted + result.rollupRowsDeleted > 0) {
      // Every span left is in the rollups; new spans may reuse rowids past the newest one left.
      this.#flushSummaries();
      this.#db.pragma('incremental_vacuum');
      await this.#truncateWal();
    }
    return result;
  }

  /**
   * Deletes up to `limit` of the oldest traces (all their spans), listed before `beforeNs` when
   * given, and the logs up to the newest deleted trace when retention is by size. One
   * transaction per chunk so that writers wait at most one chunk.
   */
  #deleteOldestTraces(beforeNs: bigint | null, limit: number, result: RetentionResult): number {
    const tally = result as { -readonly [K in keyof RetentionResult]: number };
    return this.#db
      .transaction(() => {
        const rows = (
          beforeNs === null
            ? this.#statement(
                'SELECT trace_id, CAST(listed_ns AS TEXT) AS listed_ns FROM traces ORDER BY traces.listed_ns, trace_id LIMIT ?',
              ).all(limit)
            : this.#statement(
                `SELECT trace_id, CAST(listed_ns AS TEXT) AS listed_ns FROM traces WHERE listed_ns < ?
                 ORDER BY traces.listed_ns, trace_id LIMIT ?`,
              ).all(beforeNs, limit)
        ) as { trace_id: Buffer; listed_ns: string }[];
        const deleteSpans = this.#statement('DELETE FROM spans WHERE trace_id = ?');
        const deleteTrace = this.#statement('DELETE FROM traces WHERE trace_id = ?');
        const deleteRuns = this.#statement('DELETE FROM open_runs WHERE trace_id = ?');
        for (const row of rows) {
          tally.spansDeleted += deleteSpans.run(row.trace_id).changes;
          tally.tracesDeleted += deleteTrace.run(row.trace_id).changes;
          deleteRuns.run(row.trace_id);
        }
        const newest = rows[rows.length - 1];
        if (beforeNs === null && newest !== undefined) {
          tally.logsDeleted += this.#statement('DELETE FROM logs WHERE time_ns <= ?').run(
            BigInt(newest.listed_ns),
          ).changes;
        }
        return rows.length;
      })
      .immediate();
  }

  /**
   * Copies the WAL into the file and truncates it. The checkpointer thread may be in a checkpoint
   * of its own, which makes this one give up at once (busy): try again for a moment.
   */
  async #truncateWal(): Promise<void> {
    for (let attempt = 0; attempt < WAL_TRUNCATE_ATTEMPTS; attempt++) {
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result === undefined || result.busy === 0) return;
      await sleep(WAL_TRUNCATE_RETRY_MS);
    }
  }

  /** Bytes of live pages (free pages are handed back by the incremental vacuum afterwards). */
  #usedBytes(): number {
    const pageSize = this.#db.pragma('page_size', { simple: true }) as number;
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  async sizeBytes(): Promise<number> {
    const pageSize = this.#db.pragma('page_size', { simple: true }) as number;
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    let wal = 0;
    if (this.path !== ':memory:') {
      try {
        wal = statSync(`${this.path}-wal`).size;
      } catch {
        // No WAL file: everything is checkpointed.
      }
    }
    return pages * pageSize + wal;
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    try {
      this.#settleSummaries();
    } catch {
      // Nothing is lost: the next open rebuilds them from the spans past the watermark.
    }
    await this.#checkpointer?.close();
    if (!this.#db.open) return;
    this.#db.pragma('optimize');
    this.#db.close();
    this.#statements.clear();
    this.#internedByObject = new WeakMap();
  }
}

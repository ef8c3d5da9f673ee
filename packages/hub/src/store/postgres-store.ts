import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogRecord, SpanRecord } from '@agentlens/core';
import { LatencyHistogram, type LatencyHistogramData } from '@agentlens/core';
import pg from 'pg';
import {
  OpenRunsAccumulator,
  openRunDelta,
  RUN_CHILD_CATEGORY_SQL,
  RUN_END_SLACK_NS,
  type RunChildren,
  type RunEnd,
} from './open-runs.js';
import {
  logBytesSql,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA_VERSION,
  postgresSchemaDdl,
  quoteIdentifier,
  SPAN_BYTES_SQL,
  TRACE_ROW_BYTES,
  USAGE_SHARDS,
} from './postgres-schema.js';
import {
  checkStatsKind,
  checkTimeseriesQuery,
  checkWindow,
  HOUR_MINUTES,
  MINUTE_MS,
  mergeLatencyJson,
  mergeLatencyTexts,
  minuteOfNanos,
  overviewFromRollups,
  RollupAccumulator,
  type RollupDelta,
  type RollupNeeds,
  type RollupRow,
  rollupSegments,
  statsFromRollups,
  statsNeeds,
  timeseriesFromRollups,
  timeseriesNeeds,
} from './rollup.js';
import { AGENT_RUN_CONDITION, ERROR_SPAN_CONDITION } from './span-indexes.js';
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

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * A `postgres://` or `postgresql://` URL, e.g. `postgres://agentlens:secret@db:5432/agentlens`
   * (query parameters as `pg` reads them: `sslmode`, `application_name`, ...). It may hold a
   * password, so the store never puts it in an error or a log line.
   */
  readonly connectionString: string;
  /**
   * The PostgreSQL schema holding the store's tables: a lower-case identifier, created on first
   * use when missing. Hubs that share a schema share the data. Default {@link DEFAULT_POSTGRES_SCHEMA}.
   */
  readonly schema?: string;
  /** Connections per store at most, 1 to 100. Default 10. */
  readonly poolSize?: number;
}

/** The schema a {@link PostgresStore} uses when none is given. */
export const DEFAULT_POSTGRES_SCHEMA = 'agentlens';

const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 100;
const CONNECT_TIMEOUT_MS = 10_000;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const MAX_PAGE = 1000;
const DEFAULT_LOG_LIMIT = 100;
/** Traces removed per statement by retention, so that no writer waits on a long delete. */
const RETENTION_CHUNK = 500;
/** Characters of values per insert statement at most; a larger batch takes several statements. */
const MAX_STATEMENT_CHARS = 32 * 1024 * 1024;
/** Attempts of a transaction that PostgreSQL aborted as a deadlock victim or serialization failure. */
const MAX_ATTEMPTS = 5;
/** `deadlock_detected` and `serialization_failure`: the transaction rolled back, and may be rerun. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);
/**
 * Opens every write transaction. The commit of a resolved write must be on disk whatever the
 * server's or the role's default (`synchronous_commit = off` acknowledges before the WAL flush).
 */
const BEGIN_SQL = 'BEGIN; SET LOCAL synchronous_commit TO on';
/** The row of `usage` this backend adds to: concurrent transactions run on different backends. */
const USAGE_SHARD_SQL = `pg_backend_pid() % ${USAGE_SHARDS}`;

const HEX = /^[0-9a-fA-F]*$/;

/** A span or trace id as lower-case hex, the form the database hands back; throws RangeError. */
function hexId(hex: string, bytes: number, what: string): string {
  if (typeof hex !== 'string' || hex.length !== bytes * 2 || !HEX.test(hex)) {
    throw new RangeError(`invalid ${what} "${hex}"`);
  }
  return hex.toLowerCase();
}

function optionalHexId(hex: string | null, bytes: number, what: string): string | null {
  return hex === null || hex === '' ? null : hexId(hex, bytes, what);
}

/**
 * How a batch column travels: each column of a batch is one parameter, a PostgreSQL array literal
 * that `unnest` turns back into rows. Ids go as hex text and are decoded in SQL.
 */
type ColumnKind = 'hex' | 'text' | 'int' | 'bigint' | 'float8' | 'bool';

const SQL_TYPE: Record<ColumnKind, string> = {
  hex: 'text',
  text: 'text',
  int: 'int',
  bigint: 'bigint',
  float8: 'float8',
  bool: 'bool',
};

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * The array literal of one batch column. Built here rather than by `pg` (which would escape every
 * element with two regular expressions): on batches of 512 spans that was the largest single cost
 * of a write. Texts are quoted, and escaped only when they hold `"` or `\`; `bigint` values are
 * canonical decimals made by BigInt; numbers must be numbers (a stray string could not break out
 * of its element then).
 */
function arrayLiteral(kind: ColumnKind, values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (kind === 'text' || kind === 'hex') {
      const text = String(v);
      parts[i] = `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, '\\$&') : text}"`;
    } else if (kind === 'bool') parts[i] = v ? 't' : 'f';
    else if (kind === 'bigint' || typeof v === 'number') parts[i] = String(v);
    else throw new TypeError(`expected a number in a ${kind} column, got ${typeof v}`);
  }
  return `{${parts.join(',')}}`;
}

/** `INSERT` of a batch: one array parameter per column, unnested, hex ids decoded. */
function batchInsertSql(table: string, columns: readonly (readonly [string, ColumnKind])[]): string {
  const names = columns.map(([name]) => name).join(', ');
  const values = columns.map(([, kind], i) => (kind === 'hex' ? `decode(u.c${i}, 'hex')` : `u.c${i}`));
  const params = columns.map(([, kind], i) => `$${i + 1}::${SQL_TYPE[kind]}[]`);
  return `INSERT INTO ${table} (${names}) SELECT ${values.join(', ')}
    FROM unnest(${params.join(', ')}) AS u(${columns.map((_, i) => `c${i}`).join(', ')})`;
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can), and one such character would fail its whole
 * batch, again at every retry. It is stored as U+FFFD instead, the one change a stored value may
 * show; JSON values are unaffected (JSON.stringify writes the character as an escape).
 */
function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

const SPAN_TEXT_FIELDS = [
  'service',
  'name',
  'statusMessage',
  'category',
  'operation',
  'agentName',
  'agentId',
  'conversationId',
  'provider',
  'requestModel',
  'responseModel',
  'toolName',
  'toolCallId',
  'workflowName',
  'costSource',
  'errorType',
] as const;

/** The span with {@link storableText} applied to its text columns; the same object when none changes. */
function storableSpan(span: SpanRecord): SpanRecord {
  let copy: Record<string, unknown> | undefined;
  for (const field of SPAN_TEXT_FIELDS) {
    const value = span[field];
    if (typeof value === 'string' && value.includes('\u0000')) {
      copy ??= { ...span };
      copy[field] = storableText(value);
    }
  }
  return (copy as SpanRecord | undefined) ?? span;
}

/**
 * Splits `count` rows into consecutive ranges of at most {@link MAX_STATEMENT_CHARS} characters by
 * `charsOf`, so that no statement nears PostgreSQL's 1 GB message limit or V8's string limit when
 * the ingest queue groups many large requests into one batch.
 */
function statementRanges(count: number, charsOf: (i: number) => number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let chars = 0;
  for (let i = 0; i < count; i++) {
    const size = charsOf(i);
    if (i > start && chars + size > MAX_STATEMENT_CHARS) {
      ranges.push([start, i]);
      start = i;
      chars = 0;
    }
    chars += size;
  }
  if (count > start) ranges.push([start, count]);
  return ranges;
}

function jsonOrNull(list: readonly unknown[]): string | null {
  return list.length === 0 ? null : JSON.stringify(list);
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

function checkConnectionString(value: unknown): string {
  // The message never echoes the value: it may hold a password (and a Node URL error keeps the
  // whole input in its `input` property, so that error is not passed on either).
  const problem = 'connectionString must be a postgres:// or postgresql:// URL';
  if (typeof value !== 'string' || value === '') throw new TypeError(problem);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${problem}; this one does not parse`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new RangeError(`${problem}; this one starts with ${url.protocol}`);
  }
  return value;
}

function checkSchema(value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new RangeError(
      `schema must be a lower-case identifier (a-z, 0-9, _; at most 63 characters), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function checkPoolSize(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_POOL_SIZE) {
    throw new RangeError(`poolSize must be an integer from 1 to ${MAX_POOL_SIZE}, got ${String(value)}`);
  }
  return value as number;
}

/** A resource or scope of a batch: its committed interned id, or its JSON still to intern. */
type InternRef = number | string;

interface TraceDelta {
  id: Buffer;
  startNs: bigint;
  endNs: bigint;
  rootName: string | null;
  rootService: string | null;
  /** Batch position of the root that named the trace: the first root in batch order wins. */
  rootIndex: number;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpriced: number;
  bytes: number;
}

/** A span batch turned into column arrays, validated, in lock order, before any I/O. */
interface PreparedSpans {
  readonly spans: SpanRecord[];
  /** Per span: its position in the batch as given. */
  readonly indexes: number[];
  /** Per span: `<trace id hex><span id hex>`, lower case; the sort key (lock order). */
  readonly keys: string[];
  readonly startNs: bigint[];
  readonly endNs: bigint[];
  /** Every column of SPAN_COLUMNS but resource_id and scope_id, which interning fills in. */
  readonly columns: unknown[][];
  readonly resources: InternRef[];
  readonly scopes: InternRef[];
  /** JSON to intern → its SHA-256. */
  readonly pending: Map<string, Buffer>;
  /** Objects of the batch whose JSON is pending, to cache by identity once committed. */
  readonly pendingObjects: Map<object, string>;
}

/** The columns of the span insert, in the order #prepareSpans lays them out. */
const SPAN_COLUMNS: readonly (readonly [string, ColumnKind])[] = [
  ['trace_id', 'hex'],
  ['span_id', 'hex'],
  ['parent_span_id', 'hex'],
  ['service', 'text'],
  ['name', 'text'],
  ['kind', 'int'],
  ['start_ns', 'bigint'],
  ['end_ns', 'bigint'],
  ['duration_ms', 'float8'],
  ['status_code', 'int'],
  ['status_message', 'text'],
  ['category', 'text'],
  ['operation', 'text'],
  ['agent_name', 'text'],
  ['agent_id', 'text'],
  ['conversation_id', 'text'],
  ['provider', 'text'],
  ['request_model', 'text'],
  ['response_model', 'text'],
  ['tool_name', 'text'],
  ['tool_call_id', 'text'],
  ['workflow_name', 'text'],
  ['input_tokens', 'float8'],
  ['output_tokens', 'float8'],
  ['cache_read_tokens', 'float8'],
  ['cache_write_tokens', 'float8'],
  ['reasoning_tokens', 'float8'],
  ['cost_usd', 'float8'],
  ['unpriced', 'bool'],
  ['cost_source', 'text'],
  ['error_type', 'text'],
  ['aggregates_children', 'bool'],
  ['attributes', 'text'],
  ['resource_id', 'int'],
  ['scope_id', 'int'],
  ['events', 'text'],
  ['links', 'text'],
  ['trace_state', 'text'],
];
const ATTRIBUTES_COLUMN = 32;
const RESOURCE_COLUMN = 33;
const SCOPE_COLUMN = 34;

/** The columns of the log insert, in the order writeLogs lays them out. */
const LOG_COLUMNS: readonly (readonly [string, ColumnKind])[] = [
  ['time_ns', 'bigint'],
  ['observed_ns', 'bigint'],
  ['service', 'text'],
  ['severity_number', 'int'],
  ['severity_text', 'text'],
  ['body', 'text'],
  ['trace_id', 'hex'],
  ['span_id', 'hex'],
  ['attributes', 'text'],
  ['resource_id', 'int'],
  ['scope_id', 'int'],
];
const LOG_BODY_COLUMN = 5;
const LOG_ATTRIBUTES_COLUMN = 8;
const LOG_RESOURCE_COLUMN = 9;
const LOG_SCOPE_COLUMN = 10;

function unnestOf(types: readonly string[], first = 1): string {
  return `unnest(${types.map((t, i) => `$${i + first}::${t}[]`).join(', ')})`;
}

/** The two tiers of rollups: minute rows and hour rows (see `postgres-schema.ts`). */
type RollupTable = 'rollups' | 'rollups_hourly';

const ROLLUP_DIMENSIONS = [
  'minute',
  'service',
  'category',
  'agent',
  'operation',
  'provider',
  'model',
  'tool',
];

function rollupKeyOf(r: {
  minute: number;
  service: string;
  category: string;
  agent: string;
  operation: string;
  provider: string;
  model: string;
  tool: string;
}): string {
  return `${r.minute}\u0001${r.service}\u0001${r.category}\u0001${r.agent}\u0001${r.operation}\u0001${r.provider}\u0001${r.model}\u0001${r.tool}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lock order of rollup rows: the same in every hub, so that two batches never wait on each other in a cycle. */
function compareRollupKeys(a: RollupDelta, b: RollupDelta): number {
  if (a.minute !== b.minute) return a.minute - b.minute;
  return (
    compareStrings(a.service, b.service) ||
    compareStrings(a.category, b.category) ||
    compareStrings(a.agent, b.agent) ||
    compareStrings(a.operation, b.operation) ||
    compareStrings(a.provider, b.provider) ||
    compareStrings(a.model, b.model) ||
    compareStrings(a.tool, b.tool)
  );
}

/** The columns of a {@link SpanRow}, as a query reads them. */
const SPAN_ROW_COLUMNS = `span_id, parent_span_id, service, name, kind, start_ns::text AS start_ns,
  end_ns::text AS end_ns, duration_ms, status_code, status_message, category, operation, agent_name,
  agent_id, conversation_id, provider, request_model, response_model, tool_name, tool_call_id,
  workflow_name, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
  cost_usd, unpriced, cost_source, error_type, aggregates_children, attributes, resource_id, scope_id,
  events, links, trace_state`;

/** The SQL text of every fixed statement, built once per store with its schema name. */
function statements(schema: string) {
  const s = quoteIdentifier(schema);
  const usageUpsert = `ON CONFLICT (shard) DO UPDATE SET bytes = u.bytes + excluded.bytes`;
  const logBytes = logBytesSql('');
  /** Deletes whole traces (a chunk of the oldest) and their spans, and takes their bytes off `usage`. */
  const deleteTraces = (pick: string) => `
    WITH ${pick},
    victims AS (
      DELETE FROM ${s}.traces t WHERE t.trace_id IN (SELECT trace_id FROM picked)
      RETURNING t.trace_id, t.listed_ns, t.bytes
    ),
    gone AS (
      DELETE FROM ${s}.spans sp WHERE sp.trace_id = ANY (ARRAY(SELECT trace_id FROM victims)) RETURNING 1
    ),
    closed AS (
      DELETE FROM ${s}.open_runs o WHERE o.trace_id = ANY (ARRAY(SELECT trace_id FROM victims))
    ),
    totals AS (
      SELECT (SELECT count(*) FROM victims) AS traces, (SELECT count(*) FROM gone) AS spans,
        (SELECT coalesce(sum(bytes), 0) FROM victims) AS bytes, (SELECT max(listed_ns) FROM victims) AS newest
    ),
    counted AS (
      INSERT INTO ${s}.usage AS u (shard, bytes)
      SELECT ${USAGE_SHARD_SQL}, -(bytes + traces * ${TRACE_ROW_BYTES}) FROM totals WHERE traces > 0
      ${usageUpsert}
    )
    SELECT traces::float8 AS traces, spans::float8 AS spans, newest::text AS newest FROM totals`;
  /** Deletes the logs `where` selects and takes their bytes off `usage`; answers how many. */
  const deleteLogs = (prefix: string, where: string) => `
    WITH ${prefix}
    gone AS (DELETE FROM ${s}.logs l ${where} RETURNING ${logBytesSql('l')} AS b),
    totals AS (SELECT count(*) AS n, coalesce(sum(b), 0) AS b FROM gone),
    counted AS (
      INSERT INTO ${s}.usage AS u (shard, bytes)
      SELECT ${USAGE_SHARD_SQL}, -b FROM totals WHERE n > 0
      ${usageUpsert}
    )
    SELECT n::float8 AS n FROM totals`;
  /** The write statements of one rollup tier. */
  const rollupWrites = (table: RollupTable) => ({
    /** Names of the prepared statements, one per tier: `pg` caches a statement by name. */
    upsertName: `agentlens.upsert_${table}`,
    mergeName: `agentlens.merge_${table}_latency`,
    // The counters add up in SQL under the row lock the upsert takes; the histogram, which only JS
    // can merge, comes back as stored and is written by `merge` while the lock is held.
    upsert: `INSERT INTO ${s}.${table} AS r (${ROLLUP_DIMENSIONS.join(', ')}, count, errors, input_tokens,
        output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, unpriced, latency)
      SELECT * FROM ${unnestOf(['int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'float8', 'float8', 'float8', 'float8', 'float8', 'float8', 'bigint', 'text'])}
      ON CONFLICT (${ROLLUP_DIMENSIONS.join(', ')}) DO UPDATE SET
        count = r.count + excluded.count,
        errors = r.errors + excluded.errors,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
        reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
        cost_usd = r.cost_usd + excluded.cost_usd,
        unpriced = r.unpriced + excluded.unpriced
      RETURNING ${ROLLUP_DIMENSIONS.join(', ')}, count::float8 AS count, latency`,
    merge: `UPDATE ${s}.${table} AS r SET latency = v.latency
      FROM ${unnestOf(['int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'])}
        AS v(${ROLLUP_DIMENSIONS.join(', ')}, latency)
      WHERE ${ROLLUP_DIMENSIONS.map((c) => `r.${c} = v.${c}`).join(' AND ')}`,
  });
  // Locks are taken in one order by every transaction of every hub: interned, spans, traces,
  // rollups, rollups_hourly, services, usage; and within a table in key order. Waits then never
  // form a cycle.
  return {
    insertInterned: `INSERT INTO ${s}.interned (digest, json) SELECT * FROM unnest($1::bytea[], $2::text[])
      ON CONFLICT (digest) DO NOTHING`,
    selectInterned: `SELECT id, digest FROM ${s}.interned WHERE digest = ANY ($1::bytea[])`,
    internedJson: `SELECT id, json FROM ${s}.interned WHERE id = ANY ($1::int[])`,
    insertSpans: `${batchInsertSql(`${s}.spans`, SPAN_COLUMNS)}
      ON CONFLICT (trace_id, span_id) DO NOTHING
      RETURNING encode(trace_id, 'hex') || encode(span_id, 'hex') AS key, ${SPAN_BYTES_SQL} AS bytes`,
    upsertTraces: `INSERT INTO ${s}.traces AS t (trace_id, listed_ns, start_ns, end_ns, root_name, root_service,
        span_count, error_count, input_tokens, output_tokens, cost_usd, unpriced, bytes)
      SELECT id, start_ns, start_ns, end_ns, root_name, root_service, span_count, error_count, input_tokens,
        output_tokens, cost_usd, unpriced, bytes
      FROM ${unnestOf(['bytea', 'bigint', 'bigint', 'text', 'text', 'bigint', 'bigint', 'float8', 'float8', 'float8', 'bigint', 'bigint'])}
        AS v(id, start_ns, end_ns, root_name, root_service, span_count, error_count, input_tokens,
          output_tokens, cost_usd, unpriced, bytes)
      ON CONFLICT (trace_id) DO UPDATE SET
        start_ns = least(t.start_ns, excluded.start_ns),
        end_ns = greatest(t.end_ns, excluded.end_ns),
        root_name = coalesce(t.root_name, excluded.root_name),
        root_service = coalesce(t.root_service, excluded.root_service),
        span_count = t.span_count + excluded.span_count,
        error_count = t.error_count + excluded.error_count,
        input_tokens = t.input_tokens + excluded.input_tokens,
        output_tokens = t.output_tokens + excluded.output_tokens,
        cost_usd = t.cost_usd + excluded.cost_usd,
        unpriced = t.unpriced + excluded.unpriced,
        bytes = t.bytes + excluded.bytes
      RETURNING trace_id, span_count::float8 AS span_count`,
    rollupWrites: { rollups: rollupWrites('rollups'), rollups_hourly: rollupWrites('rollups_hourly') },
    upsertServices: `INSERT INTO ${s}.services AS sv (name, last_seen_ms)
      SELECT * FROM unnest($1::text[], $2::bigint[])
      ON CONFLICT (name) DO UPDATE SET last_seen_ms = excluded.last_seen_ms
      WHERE sv.last_seen_ms < excluded.last_seen_ms`,
    addUsage: `INSERT INTO ${s}.usage AS u (shard, bytes) VALUES (${USAGE_SHARD_SQL}, $1) ${usageUpsert}`,
    insertLogs: `WITH inserted AS (
        ${batchInsertSql(`${s}.logs`, LOG_COLUMNS)}
        RETURNING ${logBytes} AS b
      )
      INSERT INTO ${s}.usage AS u (shard, bytes) SELECT ${USAGE_SHARD_SQL}, sum(b) FROM inserted ${usageUpsert}`,
    traceSpans: `SELECT ${SPAN_ROW_COLUMNS} FROM ${s}.spans WHERE trace_id = $1 ORDER BY spans.start_ns, spans.span_id`,
    /**
     * The batch's agent spans ($1 trace ids, $2 agents, $3 latest ends; one per run) close the open
     * runs they end, and restart the earliest start of those they end only in part.
     */
    closeRuns: `WITH ends AS (
        SELECT * FROM unnest($1::bytea[], $2::text[], $3::bigint[]) AS e(trace_id, agent_name, end_ns)
      ),
      closed AS (
        DELETE FROM ${s}.open_runs o USING ends e
        WHERE o.trace_id = e.trace_id AND o.agent_name = e.agent_name
          AND o.max_end_ns <= e.end_ns + ${RUN_END_SLACK_NS}
      )
      UPDATE ${s}.open_runs o SET min_start_ns = (
          SELECT min(c.start_ns) FROM ${s}.spans c WHERE c.trace_id = o.trace_id
            AND c.agent_name = o.agent_name AND ${RUN_CHILD_CATEGORY_SQL}
            AND c.end_ns > e.end_ns + ${RUN_END_SLACK_NS}
        )
      FROM ends e
      WHERE o.trace_id = e.trace_id AND o.agent_name = e.agent_name
        AND o.max_end_ns > e.end_ns + ${RUN_END_SLACK_NS}`,
    /** The latest end of the stored agent spans of each run ($1 trace ids, $2 agents). */
    runAgentEnds: `SELECT r.i, (SELECT max(a.end_ns) FROM ${s}.spans a WHERE ${AGENT_RUN_CONDITION}
          AND a.trace_id = r.trace_id AND a.agent_name = r.agent_name)::text AS end_ns
      FROM unnest($1::bytea[], $2::text[]) WITH ORDINALITY AS r(trace_id, agent_name, i)`,
    /** Opens or extends runs ($1 trace ids, $2 agents, $3 services, $4 earliest starts, $5 latest ends). */
    openRuns: `INSERT INTO ${s}.open_runs AS o (trace_id, agent_name, service, min_start_ns, max_end_ns)
      SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
      ON CONFLICT (trace_id, agent_name) DO UPDATE SET
        min_start_ns = least(o.min_start_ns, excluded.min_start_ns),
        max_end_ns = greatest(o.max_end_ns, excluded.max_end_ns)`,
    logColumns: `time_ns::text AS time_ns, observed_ns::text AS observed_ns, service, severity_number,
      severity_text, body, trace_id, span_id, attributes, resource_id, scope_id`,
    traceColumns: `t.trace_id, t.listed_ns::text AS listed_ns, t.start_ns::text AS start_ns,
      t.end_ns::text AS end_ns, (t.end_ns - t.start_ns)::float8 / 1e6::float8 AS duration_ms, t.root_name,
      t.root_service, t.span_count::float8 AS span_count, t.error_count::float8 AS error_count,
      t.input_tokens, t.output_tokens, t.cost_usd, t.unpriced::float8 AS unpriced`,
    services: `SELECT name, last_seen_ms::float8 AS "lastSeenMs" FROM ${s}.services ORDER BY name`,
    // Live data as accounted at ingest, plus the small tables as they are on disk (see sizeBytes).
    sizeBytes: `SELECT (SELECT coalesce(sum(bytes), 0) FROM ${s}.usage)::float8
        + ${['rollups', 'rollups_hourly', 'services', 'interned', 'meta', 'usage']
          .map((t) => `pg_total_relation_size('${s}.${t}'::regclass)`)
          .join(' + ')} AS bytes`,
    deleteTracesBefore: deleteTraces(`oldest AS (
        SELECT trace_id FROM ${s}.traces WHERE listed_ns < $1 ORDER BY listed_ns, trace_id LIMIT $2
        FOR UPDATE SKIP LOCKED
      ), picked AS (SELECT trace_id FROM oldest)`),
    // The oldest traces that cover `$2` bytes: each is picked while the ones before it fall short.
    deleteTracesBySize: deleteTraces(`oldest AS (
        SELECT trace_id, listed_ns, bytes + ${TRACE_ROW_BYTES} AS bytes FROM ${s}.traces
        ORDER BY listed_ns, trace_id LIMIT $1 FOR UPDATE SKIP LOCKED
      ), picked AS (
        SELECT trace_id FROM (
          SELECT trace_id, sum(bytes) OVER (ORDER BY listed_ns, trace_id ROWS UNBOUNDED PRECEDING) - bytes AS before
          FROM oldest
        ) w WHERE before < $2
      )`),
    deleteLogsBefore: deleteLogs('', 'WHERE l.time_ns < $1'),
    deleteLogsUpTo: deleteLogs('', 'WHERE l.time_ns <= $1'),
    deleteOldestLogs: deleteLogs(
      `oldest AS (SELECT time_ns, id, ${logBytes} AS b FROM ${s}.logs ORDER BY time_ns, id LIMIT $1),
      picked AS (
        SELECT time_ns, id FROM (
          SELECT time_ns, id, sum(b) OVER (ORDER BY time_ns, id ROWS UNBOUNDED PRECEDING) - b AS before FROM oldest
        ) w WHERE before < $2
      ),`,
      'USING picked p WHERE l.time_ns = p.time_ns AND l.id = p.id',
    ),
    deleteRollups: `DELETE FROM ${s}.rollups WHERE minute < $1`,
    deleteHourRollups: `DELETE FROM ${s}.rollups_hourly WHERE minute < $1`,
    // Writers take ROW EXCLUSIVE on the tables they upsert, which this mode conflicts with: while
    // retention rebuilds an hour, no batch is half-way through the hour tier.
    lockHourRollups: `LOCK TABLE ${s}.rollups_hourly IN SHARE ROW EXCLUSIVE MODE`,
    /** The hour rows before minute `$1` (an hour's first) summed from their minute rows, as deltas. */
    hoursFromMinutes: `SELECT minute - minute % ${HOUR_MINUTES} AS minute, service, category, agent, operation,
        provider, model, tool,
        sum(count)::float8 AS count, sum(errors)::float8 AS errors, sum(input_tokens) AS "inputTokens",
        sum(output_tokens) AS "outputTokens", sum(cache_read_tokens) AS "cacheReadTokens",
        sum(cache_write_tokens) AS "cacheWriteTokens", sum(reasoning_tokens) AS "reasoningTokens",
        sum(cost_usd) AS "costUsd", sum(unpriced)::float8 AS unpriced, string_agg(latency, chr(1)) AS latency
      FROM ${s}.rollups WHERE minute < $1
      GROUP BY minute - minute % ${HOUR_MINUTES}, service, category, agent, operation, provider, model, tool`,
    deleteServices: `DELETE FROM ${s}.services sv
      WHERE NOT EXISTS (SELECT 1 FROM ${s}.rollups r WHERE r.service = sv.name)
        AND NOT EXISTS (SELECT 1 FROM ${s}.logs l WHERE l.service = sv.name)`,
  };
}

/**
 * The shared store: PostgreSQL through a `pg` connection pool, for a team or several hubs behind a
 * load balancer. Hubs hold no state of their own, so any number of them may write to and read
 * from one schema at once:
 * - A batch is one transaction, committed with `synchronous_commit` on before the write resolves.
 *   (If the connection breaks during `COMMIT` itself, no client can know whether it landed; spans
 *   are idempotent, so a retry is safe, while a retried log batch may be stored twice.)
 * - Spans are inserted with `ON CONFLICT DO NOTHING RETURNING`, which says which of them are new:
 *   only those count in the trace summaries and rollups, so a duplicate delivered to two hubs at
 *   once is counted once.
 * - Trace summaries and rollup counters add up inside `INSERT ... ON CONFLICT DO UPDATE`, under
 *   the row lock the upsert takes; a rollup's latency histogram is merged in JS (by the same code
 *   as on SQLite) and written back while that lock is held. Every transaction takes its locks in
 *   one global order, so concurrent batches queue instead of deadlocking; a transaction that
 *   PostgreSQL still aborts as a deadlock victim (against retention, say) is rerun.
 * - Rollups have a minute tier and an hour tier, both written by every batch; stats and
 *   timeseries aggregate in SQL, reading whole hours from the hour tier and the edges of the
 *   window from the minute tier: a 7-day window reads 168 rows per dimension set instead of 10 080.
 *
 * Construction does no I/O; the schema is created (idempotently) on first use. {@link
 * PostgresStore.open} does that up front, so that a bad URL or a missing server fails at start.
 *
 * @example
 * ```ts
 * const store = await PostgresStore.open({ connectionString: process.env.DATABASE_URL ?? '' });
 * const hub = await createHub({ store });
 * // ...
 * await hub.close();
 * await store.close(); // the hub closes only a store it opened itself
 * ```
 */
export class PostgresStore implements Store {
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string;
  readonly poolSize: number;
  readonly #pool: pg.Pool;
  readonly #sql: ReturnType<typeof statements>;
  #ready: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Interned JSON (resources, scopes) to its row id; only committed entries. */
  readonly #internedIds = new Map<string, number>();
  /** The same, by object identity: decoders share one resource object across its spans. */
  #internedByObject = new WeakMap<object, number>();
  readonly #internedJson = new Map<number, string>();

  /** Validates the options and creates the pool; connects on first use. Throws on a bad option. */
  constructor(options: PostgresStoreOptions) {
    const connectionString = checkConnectionString(options?.connectionString);
    this.schema = checkSchema(options.schema ?? DEFAULT_POSTGRES_SCHEMA);
    this.poolSize = checkPoolSize(options.poolSize ?? DEFAULT_POOL_SIZE);
    this.#sql = statements(this.schema);
    this.#pool = new pg.Pool({
      connectionString,
      max: this.poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'agentlens-hub',
    });
    // An idle connection that the server drops emits 'error' on the pool, which would otherwise
    // crash the process; the pool discards that connection and the next query opens a new one.
    this.#pool.on('error', () => {});
  }

  /** A store whose schema is ready: connects, creates the schema when missing, checks its version. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.#use();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Rejects once closed; otherwise resolves when the schema is ready (creating it the first time). */
  #use(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new Error('PostgresStore is closed'));
    // A failed attempt (server not up yet) is not cached: the next call tries again.
    this.#ready ??= this.#createSchema().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #createSchema(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // Hubs starting together would race on CREATE TABLE IF NOT EXISTS (it is not atomic against
      // a concurrent create); the lock, released at commit, lets one create and the others check.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `agentlens schema ${this.schema}`,
      ]);
      const meta = quoteIdentifier(this.schema);
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${meta}`);
      const hasMeta = await client.query<{ present: boolean }>(
        'SELECT to_regclass($1) IS NOT NULL AS present',
        [`${meta}.meta`],
      );
      if (hasMeta.rows[0]?.present !== true) {
        await client.query(postgresSchemaDdl(this.schema));
        await client.query(`INSERT INTO ${meta}.meta (key, value) VALUES ('schema_version', $1)`, [
          String(POSTGRES_SCHEMA_VERSION),
        ]);
      }
      const version = await client.query<{ value: string }>(
        `SELECT value FROM ${meta}.meta WHERE key = 'schema_version'`,
      );
      let found = version.rows[0]?.value;
      const older = Number(found);
      if (Number.isInteger(older) && older >= 1 && older < POSTGRES_SCHEMA_VERSION) {
        for (let next = older + 1; next <= POSTGRES_SCHEMA_VERSION; next++) {
          await client.query((POSTGRES_MIGRATIONS[next] as (s: string) => string)(meta));
        }
        found = String(POSTGRES_SCHEMA_VERSION);
        await client.query(`UPDATE ${meta}.meta SET value = $1 WHERE key = 'schema_version'`, [found]);
      }
      if (found !== String(POSTGRES_SCHEMA_VERSION)) {
        throw new Error(
          `PostgreSQL schema "${this.schema}" has version ${found ?? 'none'}, this hub reads ${POSTGRES_SCHEMA_VERSION}`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` in one transaction on one connection, committed durably before it resolves. A
   * transaction aborted as a deadlock victim or serialization failure rolled back entirely, so it
   * is rerun, a few times at most.
   */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#pool.connect();
      let broken = false;
      try {
        await client.query(BEGIN_SQL);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // A connection that cannot even roll back is not handed to the next caller.
          broken = true;
        }
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      } finally {
        client.release(broken);
      }
      // Jittered, so that the two sides of a deadlock do not collide again in step.
      await sleep(attempt * 5 + Math.random() * 20);
    }
  }

  /** Runs one autocommit statement of retention, rerun when chosen as a deadlock victim. */
  async #retentionStatement<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#pool.query<R>(text, values);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
      await sleep(attempt * 5 + Math.random() * 20);
    }
  }

  /** The committed interned id of `value`, else its JSON (recorded in `pending`). */
  #internRef(
    value: object,
    batch: Map<object, InternRef>,
    prepared: PreparedSpans | PendingIntern,
  ): InternRef {
    const seen = batch.get(value);
    if (seen !== undefined) return seen;
    let ref: InternRef | undefined = this.#internedByObject.get(value);
    if (ref === undefined) {
      const json = JSON.stringify(value);
      const id = this.#internedIds.get(json);
      if (id !== undefined) {
        this.#internedByObject.set(value, id);
        ref = id;
      } else {
        if (!prepared.pending.has(json)) {
          prepared.pending.set(json, createHash('sha256').update(json).digest());
        }
        prepared.pendingObjects.set(value, json);
        ref = json;
      }
    }
    batch.set(value, ref);
    return ref;
  }

  /**
   * Interns the pending JSON of a batch inside its transaction and answers JSON → id. The rows
   * are inserted in digest order (lock order), then read back: a row another hub inserted at the
   * same time is visible to the second statement once that hub has committed.
   */
  async #intern(client: pg.PoolClient, pending: Map<string, Buffer>): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (pending.size === 0) return ids;
    const entries = [...pending].sort((a, b) => Buffer.compare(a[1], b[1]));
    const digests = entries.map((e) => e[1]);
    await client.query({
      name: 'agentlens.insert_interned',
      text: this.#sql.insertInterned,
      values: [digests, entries.map((e) => e[0])],
    });
    const { rows } = await client.query<{ id: number; digest: Buffer }>({
      name: 'agentlens.select_interned',
      text: this.#sql.selectInterned,
      values: [digests],
    });
    const byDigest = new Map(rows.map((r) => [r.digest.toString('hex'), r.id]));
    for (const [json, digest] of entries) {
      const id = byDigest.get(digest.toString('hex'));
      if (id === undefined) throw new Error('interned row missing after insert');
      ids.set(json, id);
    }
    return ids;
  }

  #commitInterned(ids: Map<string, number>, pendingObjects: Map<object, string>): void {
    for (const [json, id] of ids) {
      this.#internedIds.set(json, id);
      this.#internedJson.set(id, json);
    }
    for (const [value, json] of pendingObjects) {
      const id = ids.get(json);
      if (id !== undefined) this.#internedByObject.set(value, id);
    }
  }

  /** Validates a batch and lays it out as column arrays, sorted by (trace id, span id). */
  #prepareSpans(input: readonly SpanRecord[]): PreparedSpans {
    const rows = input.map((span, index) => ({
      span: storableSpan(span),
      index,
      key: hexId(span.traceId, TRACE_ID_BYTES, 'trace id') + hexId(span.spanId, SPAN_ID_BYTES, 'span id'),
    }));
    // Lock order (see statements); the sort is stable, so the first of two copies in a batch wins.
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const prepared: PreparedSpans = {
      spans: [],
      indexes: [],
      keys: [],
      startNs: [],
      endNs: [],
      columns: SPAN_COLUMNS.map(() => []),
      resources: [],
      scopes: [],
      pending: new Map(),
      pendingObjects: new Map(),
    };
    const batch = new Map<object, InternRef>();
    const c = prepared.columns;
    for (const { span, index, key } of rows) {
      const startNs = BigInt(span.startTimeUnixNano);
      const endNs = BigInt(span.endTimeUnixNano);
      const values = [
        key.slice(0, TRACE_ID_BYTES * 2),
        key.slice(TRACE_ID_BYTES * 2),
        optionalHexId(span.parentSpanId, SPAN_ID_BYTES, 'parent span id'),
        span.service,
        span.name,
        span.kind,
        startNs.toString(),
        endNs.toString(),
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
        JSON.stringify(span.attributes),
        null,
        null,
        jsonOrNull(span.events),
        jsonOrNull(span.links),
        span.traceState === undefined || span.traceState === '' ? null : span.traceState,
      ];
      for (let i = 0; i < values.length; i++) (c[i] as unknown[]).push(values[i]);
      prepared.spans.push(span);
      prepared.indexes.push(index);
      prepared.keys.push(key);
      prepared.startNs.push(startNs);
      prepared.endNs.push(endNs);
      prepared.resources.push(this.#internRef(span.resource, batch, prepared));
      prepared.scopes.push(this.#internRef(span.scope, batch, prepared));
    }
    return prepared;
  }

  async writeSpans(spans: readonly SpanRecord[]): Promise<void> {
    await this.#use();
    if (spans.length === 0) return;
    const prepared = this.#prepareSpans(spans);
    const ids = await this.#transaction((client) => this.#insertSpans(client, prepared));
    this.#commitInterned(ids, prepared.pendingObjects);
  }

  async #insertSpans(client: pg.PoolClient, p: PreparedSpans): Promise<Map<string, number>> {
    const sql = this.#sql;
    const ids = await this.#intern(client, p.pending);
    const resolve = (ref: InternRef) => (typeof ref === 'number' ? ref : (ids.get(ref) as number));
    const columns = [...p.columns];
    columns[RESOURCE_COLUMN] = p.resources.map(resolve);
    columns[SCOPE_COLUMN] = p.scopes.map(resolve);
    const newBytes = new Map<string, number>();
    const attributes = columns[ATTRIBUTES_COLUMN] as string[];
    const ranges = statementRanges(p.spans.length, (i) => 512 + (attributes[i] as string).length);
    for (const [from, to] of ranges) {
      const inserted = await client.query<{ key: string; bytes: number }>({
        name: 'agentlens.insert_spans',
        text: sql.insertSpans,
        values: SPAN_COLUMNS.map(([, kind], i) =>
          arrayLiteral(kind, (columns[i] as unknown[]).slice(from, to)),
        ),
      });
      for (const row of inserted.rows) newBytes.set(row.key, row.bytes);
    }
    if (newBytes.size === 0) return ids;

    const rollups = new RollupAccumulator();
    const runs = new OpenRunsAccumulator();
    const traces = new Map<string, TraceDelta>();
    const services = new Map<string, number>();
    let bytes = 0;
    for (let i = 0; i < p.spans.length; i++) {
      const key = p.keys[i] as string;
      const spanBytes = newBytes.get(key);
      // A duplicate (traceId, spanId), stored before or earlier in this batch, must not count.
      if (spanBytes === undefined) continue;
      newBytes.delete(key);
      const span = p.spans[i] as SpanRecord;
      const startNs = p.startNs[i] as bigint;
      const endNs = p.endNs[i] as bigint;
      bytes += spanBytes;
      rollups.add(span, minuteOfNanos(endNs));
      runs.add(span, startNs, endNs);
      const endMs = Number(endNs / 1_000_000n);
      if ((services.get(span.service) ?? -1) < endMs) services.set(span.service, endMs);
      const traceKey = key.slice(0, TRACE_ID_BYTES * 2);
      let trace = traces.get(traceKey);
      if (trace === undefined) {
        trace = {
          id: Buffer.from(traceKey, 'hex'),
          startNs,
          endNs,
          rootName: null,
          rootService: null,
          rootIndex: Number.POSITIVE_INFINITY,
          spanCount: 0,
          errorCount: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          unpriced: 0,
          bytes: 0,
        };
        traces.set(traceKey, trace);
      }
      if (startNs < trace.startNs) trace.startNs = startNs;
      if (endNs > trace.endNs) trace.endNs = endNs;
      // The first new root in batch order names the trace, as on SQLite (the lock-order sort
      // put the spans in id order).
      const index = p.indexes[i] as number;
      if ((span.parentSpanId === null || span.parentSpanId === '') && index < trace.rootIndex) {
        trace.rootIndex = index;
        trace.rootName = span.name;
        trace.rootService = span.service;
      }
      trace.spanCount++;
      trace.bytes += spanBytes;
      if (span.statusCode === 2) trace.errorCount++;
      if (!span.aggregatesChildren) {
        trace.inputTokens += span.inputTokens ?? 0;
        trace.outputTokens += span.outputTokens ?? 0;
        trace.costUsd += span.costUsd ?? 0;
        if (span.unpriced) trace.unpriced++;
      }
    }

    // Traces: in trace id order, as the spans were sorted.
    const t = [...traces.values()];
    const upserted = await client.query<{ trace_id: Buffer; span_count: number }>({
      name: 'agentlens.upsert_traces',
      text: sql.upsertTraces,
      values: [
        t.map((d) => d.id),
        t.map((d) => d.startNs.toString()),
        t.map((d) => d.endNs.toString()),
        t.map((d) => d.rootName),
        t.map((d) => d.rootService),
        t.map((d) => d.spanCount),
        t.map((d) => d.errorCount),
        t.map((d) => d.inputTokens),
        t.map((d) => d.outputTokens),
        t.map((d) => d.costUsd),
        t.map((d) => d.unpriced),
        t.map((d) => d.bytes),
      ],
    });
    // A row whose count is exactly this batch's was created by it (stored rows count at least one).
    for (const row of upserted.rows) {
      if (row.span_count === traces.get(row.trace_id.toString('hex'))?.spanCount) bytes += TRACE_ROW_BYTES;
    }

    // Both tiers in this transaction, minutes first (the lock order), so that every hour row stays
    // the sum of its minute rows whatever commits when.
    await this.#upsertRollups(client, 'rollups', [...rollups.deltas()].sort(compareRollupKeys));
    await this.#upsertRollups(client, 'rollups_hourly', [...rollups.hourDeltas()].sort(compareRollupKeys));
    await this.#touchServices(client, services);
    await this.#closeRuns(client, runs.ends());
    await this.#openRuns(client, runs.children());
    await client.query({ name: 'agentlens.add_usage', text: sql.addUsage, values: [bytes] });
    return ids;
  }

  /** See `open-runs.ts`: the batch's agent spans close the runs they end (in lock order). */
  async #closeRuns(client: pg.PoolClient, ends: readonly RunEnd[]): Promise<void> {
    if (ends.length === 0) return;
    await client.query({
      name: 'agentlens.close_runs',
      text: this.#sql.closeRuns,
      values: [
        ends.map((e) => Buffer.from(e.traceId, 'hex')),
        ends.map((e) => storableText(e.agentName)),
        ends.map((e) => e.endNs.toString()),
      ],
    });
  }

  /** See `open-runs.ts`: the batch's calls open or extend runs no agent span closes (in lock order). */
  async #openRuns(client: pg.PoolClient, children: readonly RunChildren[]): Promise<void> {
    if (children.length === 0) return;
    const traceIds = children.map((r) => Buffer.from(r.traceId, 'hex'));
    const agents = children.map((r) => storableText(r.agentName));
    const { rows } = await client.query<{ i: string; end_ns: string | null }>({
      name: 'agentlens.run_agent_ends',
      text: this.#sql.runAgentEnds,
      values: [traceIds, agents],
    });
    const agentEnds = new Array<bigint | null>(children.length).fill(null);
    for (const row of rows) agentEnds[Number(row.i) - 1] = row.end_ns === null ? null : BigInt(row.end_ns);
    const deltas = children.flatMap((run, i) => {
      const delta = openRunDelta(run, agentEnds[i] ?? null);
      return delta === null ? [] : [{ delta, traceId: traceIds[i] as Buffer, agent: agents[i] as string }];
    });
    if (deltas.length === 0) return;
    await client.query({
      name: 'agentlens.open_runs',
      text: this.#sql.openRuns,
      values: [
        deltas.map((d) => d.traceId),
        deltas.map((d) => d.agent),
        deltas.map((d) => storableText(d.delta.service)),
        deltas.map((d) => d.delta.minStartNs.toString()),
        deltas.map((d) => d.delta.maxEndNs.toString()),
      ],
    });
  }

  /**
   * Adds deltas (in lock order) into a rollup tier, merging each latency histogram into the stored
   * one under the row lock the upsert took.
   */
  async #upsertRollups(client: pg.PoolClient, table: RollupTable, deltas: RollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const sql = this.#sql.rollupWrites[table];
    const { rows } = await client.query<{
      minute: number;
      service: string;
      category: string;
      agent: string;
      operation: string;
      provider: string;
      model: string;
      tool: string;
      count: number;
      latency: string;
    }>({
      name: sql.upsertName,
      text: sql.upsert,
      values: [
        deltas.map((d) => d.minute),
        deltas.map((d) => d.service),
        deltas.map((d) => d.category),
        deltas.map((d) => d.agent),
        deltas.map((d) => d.operation),
        deltas.map((d) => d.provider),
        deltas.map((d) => d.model),
        deltas.map((d) => d.tool),
        deltas.map((d) => d.count),
        deltas.map((d) => d.errors),
        deltas.map((d) => d.inputTokens),
        deltas.map((d) => d.outputTokens),
        deltas.map((d) => d.cacheReadTokens),
        deltas.map((d) => d.cacheWriteTokens),
        deltas.map((d) => d.reasoningTokens),
        deltas.map((d) => d.costUsd),
        deltas.map((d) => d.unpriced),
        deltas.map((d) => mergeLatencyJson(null, d.latency)),
      ],
    });
    const byKey = new Map(deltas.map((d) => [rollupKeyOf(d), d]));
    const merged: { delta: RollupDelta; latency: string }[] = [];
    for (const row of rows) {
      const delta = byKey.get(rollupKeyOf(row));
      if (delta === undefined) throw new Error('rollup upsert returned an unknown key');
      // A row whose count is exactly the delta's was created by this upsert and holds the delta's
      // histogram already; any other was stored before, and its histogram needs the delta merged.
      if (row.count !== delta.count) {
        merged.push({ delta, latency: mergeLatencyJson(row.latency, delta.latency) });
      }
    }
    if (merged.length === 0) return;
    const dims = (pick: (d: RollupDelta) => string | number) => merged.map((m) => pick(m.delta));
    await client.query({
      name: sql.mergeName,
      text: sql.merge,
      values: [
        dims((d) => d.minute),
        dims((d) => d.service),
        dims((d) => d.category),
        dims((d) => d.agent),
        dims((d) => d.operation),
        dims((d) => d.provider),
        dims((d) => d.model),
        dims((d) => d.tool),
        merged.map((m) => m.latency),
      ],
    });
  }

  async #touchServices(client: pg.PoolClient, services: Map<string, number>): Promise<void> {
    if (services.size === 0) return;
    const sorted = [...services].sort((a, b) => compareStrings(a[0], b[0]));
    await client.query({
      name: 'agentlens.upsert_services',
      text: this.#sql.upsertServices,
      values: [sorted.map((e) => e[0]), sorted.map((e) => e[1])],
    });
  }

  async writeLogs(logs: readonly LogRecord[]): Promise<void> {
    await this.#use();
    if (logs.length === 0) return;
    const pending: PendingIntern = { pending: new Map(), pendingObjects: new Map() };
    const batch = new Map<object, InternRef>();
    const columns: unknown[][] = LOG_COLUMNS.map(() => []);
    const resources: InternRef[] = [];
    const scopes: InternRef[] = [];
    const services = new Map<string, number>();
    for (const log of logs) {
      const timeNs = BigInt(log.timeUnixNano);
      const values = [
        timeNs.toString(),
        BigInt(log.observedTimeUnixNano).toString(),
        storableText(log.service),
        log.severityNumber,
        storableText(log.severityText),
        storableText(log.body),
        optionalHexId(log.traceId, TRACE_ID_BYTES, 'trace id'),
        optionalHexId(log.spanId, SPAN_ID_BYTES, 'span id'),
        JSON.stringify(log.attributes),
        null,
        null,
      ];
      for (let i = 0; i < values.length; i++) (columns[i] as unknown[]).push(values[i]);
      resources.push(this.#internRef(log.resource, batch, pending));
      scopes.push(this.#internRef(log.scope, batch, pending));
      const ms = Number(timeNs / 1_000_000n);
      const service = storableText(log.service);
      if ((services.get(service) ?? -1) < ms) services.set(service, ms);
    }
    const ids = await this.#transaction(async (client) => {
      const ids = await this.#intern(client, pending.pending);
      const resolve = (ref: InternRef) => (typeof ref === 'number' ? ref : (ids.get(ref) as number));
      // Services before the insert, whose statement also adds to usage: the global lock order.
      await this.#touchServices(client, services);
      columns[LOG_RESOURCE_COLUMN] = resources.map(resolve);
      columns[LOG_SCOPE_COLUMN] = scopes.map(resolve);
      const bodies = columns[LOG_BODY_COLUMN] as string[];
      const attributes = columns[LOG_ATTRIBUTES_COLUMN] as string[];
      const ranges = statementRanges(
        logs.length,
        (i) => 256 + (bodies[i] as string).length + (attributes[i] as string).length,
      );
      for (const [from, to] of ranges) {
        await client.query({
          name: 'agentlens.insert_logs',
          text: this.#sql.insertLogs,
          values: LOG_COLUMNS.map(([, kind], i) =>
            arrayLiteral(kind, (columns[i] as unknown[]).slice(from, to)),
          ),
        });
      }
      return ids;
    });
    this.#commitInterned(ids, pending.pendingObjects);
  }

  /** Loads the JSON of interned ids not yet cached (interned rows never change). */
  async #loadInterned(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.#internedJson.has(id));
    if (missing.length === 0) return;
    const { rows } = await this.#pool.query<{ id: number; json: string }>(this.#sql.internedJson, [missing]);
    for (const row of rows) this.#internedJson.set(row.id, row.json);
  }

  /** {@link #internedText} as a callback for the row mappers. */
  readonly #interned = (id: number): string => this.#internedText(id);

  #internedText(id: number): string {
    const json = this.#internedJson.get(id);
    if (json === undefined) throw new Error(`interned row ${id} is missing`);
    return json;
  }

  async #logsFromRows(rows: LogRow[]): Promise<LogRecord[]> {
    await this.#loadInterned(rows.flatMap((r) => [r.resource_id, r.scope_id]));
    return rows.map((row) => logFromRow(row, this.#interned));
  }

  async getTrace(traceId: string): Promise<TraceDetail | null> {
    await this.#use();
    const id = Buffer.from(traceId, 'hex');
    if (id.length !== TRACE_ID_BYTES || traceId.length !== TRACE_ID_BYTES * 2) return null;
    const { rows } = await this.#pool.query<SpanRow>({
      name: 'agentlens.trace_spans',
      text: this.#sql.traceSpans,
      values: [id],
    });
    if (rows.length === 0) return null;
    const canonical = id.toString('hex');
    const logRows = await this.#pool.query<LogRow>(
      `SELECT ${this.#sql.logColumns} FROM ${quoteIdentifier(this.schema)}.logs WHERE trace_id = $1
       ORDER BY logs.time_ns, logs.id`,
      [id],
    );
    await this.#loadInterned(rows.flatMap((r) => [r.resource_id, r.scope_id]));
    return {
      traceId: canonical,
      spans: rows.map((row) => spanFromRow(row, canonical, this.#interned)),
      logs: await this.#logsFromRows(logRows.rows),
    };
  }

  async listTraces(filter: TraceFilter, cursor: string | null, limit: number): Promise<TracePage> {
    await this.#use();
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
    }
    const s = quoteIdentifier(this.schema);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown, type = ''): string => {
      params.push(value);
      return `$${params.length}${type}`;
    };
    if (cursor !== null) {
      const position = decodeTraceCursor(cursor);
      where.push(
        `(t.listed_ns, t.trace_id) < (${param(position.listedNs, '::bigint')}, ${param(Buffer.from(position.traceId, 'hex'))})`,
      );
    }
    if (filter.fromMs !== undefined) {
      where.push(`t.listed_ns >= ${param(msToNanos(filter.fromMs).toString(), '::bigint')}`);
    }
    if (filter.toMs !== undefined) {
      where.push(`t.listed_ns < ${param(msToNanos(filter.toMs).toString(), '::bigint')}`);
    }
    if (filter.minDurationMs !== undefined) {
      where.push(`t.end_ns - t.start_ns >= ${param(msToNanos(filter.minDurationMs).toString(), '::bigint')}`);
    }
    if (filter.status === 'error') where.push('t.error_count > 0');
    else if (filter.status === 'ok') where.push('t.error_count = 0');
    const spanMatch = (condition: string) => {
      where.push(`EXISTS (SELECT 1 FROM ${s}.spans s WHERE s.trace_id = t.trace_id AND ${condition})`);
    };
    // Filters are stored-form text too (storableText), or a U+0000 in one would fail the query.
    if (filter.service !== undefined) spanMatch(`s.service = ${param(storableText(filter.service))}`);
    if (filter.agent !== undefined) spanMatch(`s.agent_name = ${param(storableText(filter.agent))}`);
    if (filter.model !== undefined) {
      const model = param(storableText(filter.model));
      spanMatch(`(s.request_model = ${model} OR s.response_model = ${model})`);
    }
    if (filter.tool !== undefined) spanMatch(`s.tool_name = ${param(storableText(filter.tool))}`);
    if (filter.text !== undefined && filter.text !== '') {
      const pattern = param(likePattern(storableText(filter.text)));
      // Under "C", ILIKE folds ASCII letters only, as SQLite's LIKE does, whatever the database
      // locale (an ICU or glibc locale would also fold É to é).
      spanMatch(
        `((s.name COLLATE "C") ILIKE ${pattern} ESCAPE E'\\\\' OR (s.attributes COLLATE "C") ILIKE ${pattern} ESCAPE E'\\\\')`,
      );
    }
    const sql = `SELECT ${this.#sql.traceColumns} FROM ${s}.traces t
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY t.listed_ns DESC, t.trace_id DESC LIMIT ${param(limit + 1)}`;
    const { rows } = await this.#pool.query<TraceRow>(sql, params);
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
   * timeseries use (and by step when `stepMs` is given), whole hours read from the hour tier. One
   * statement reads every segment, so both tiers come from one snapshot. PostgreSQL cannot merge
   * histograms, so each group hands back the ones it needs joined by U+0001 (which JSON.stringify
   * always escapes), merged here.
   */
  async #rollupRows(
    window: TimeWindow,
    needs: RollupNeeds,
    stepMs: number | null,
    filter: StatsFilter = {},
  ): Promise<RollupRow[]> {
    await this.#use();
    checkWindow(window);
    const segments = rollupSegments(window, stepMs);
    if (segments.length === 0) return [];
    const s = quoteIdentifier(this.schema);
    const params: unknown[] = [];
    let where = `AND ${needs.where}`;
    if (filter.service !== undefined) {
      params.push(storableText(filter.service));
      where += ` AND service = $${params.length}`;
    }
    if (filter.agent !== undefined) {
      params.push(storableText(filter.agent));
      where += ` AND agent = $${params.length}`;
    }
    const reads = segments.map((segment) => {
      params.push(segment.fromMinute, segment.toMinute);
      const table: RollupTable = segment.tier === 'hour' ? 'rollups_hourly' : 'rollups';
      return `SELECT * FROM ${s}.${table}
        WHERE minute >= $${params.length - 1} AND minute < $${params.length} ${where}`;
    });
    const bucket = stepMs === null ? '0' : `minute - minute % ${stepMs / MINUTE_MS}`;
    const latency =
      needs.latency === 'none'
        ? 'NULL'
        : needs.latency === 'agent'
          ? "string_agg(latency, chr(1)) FILTER (WHERE category = 'agent')"
          : 'string_agg(latency, chr(1))';
    const { rows } = await this.#pool.query<{ -readonly [K in keyof RollupRow]: RollupRow[K] }>(
      `SELECT ${bucket} AS minute, '' AS service, category, agent, '' AS operation, provider, model, tool,
         sum(count)::float8 AS count, sum(errors)::float8 AS errors, sum(input_tokens) AS "inputTokens",
         sum(output_tokens) AS "outputTokens", sum(cache_read_tokens) AS "cacheReadTokens",
         sum(cache_write_tokens) AS "cacheWriteTokens", sum(reasoning_tokens) AS "reasoningTokens",
         sum(cost_usd) AS "costUsd", sum(unpriced)::float8 AS unpriced, ${latency} AS "latencyJson"
       FROM (${reads.join(' UNION ALL ')}) r
       GROUP BY 1, category, agent, provider, model, tool`,
      params,
    );
    for (const row of rows) {
      // A group of one row keeps its stored JSON as it is: no parse and serialise for nothing.
      if (row.latencyJson?.includes('\u0001')) {
        row.latencyJson = mergeLatencyTexts(row.latencyJson.split('\u0001'));
      }
    }
    return rows;
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
    const rows = await this.#rollupRows(window, statsNeeds(kind), null, filter);
    return kind === 'overview' ? [overviewFromRollups(rows)] : statsFromRollups(kind, rows);
  }

  async openAgentRuns(query: OpenRunsQuery): Promise<OpenAgentRuns[]> {
    await this.#use();
    checkOpenRunsQuery(query);
    const s = quoteIdentifier(this.schema);
    const params: unknown[] = [msToNanos(query.sinceMs).toString(), msToNanos(query.nowMs).toString()];
    let service = '';
    if (query.service !== undefined) {
      params.push(storableText(query.service));
      service = ' AND o.service = $3';
    }
    // Another hub may have committed a run's agent span while this one opened the run from its
    // calls (neither saw the other's rows): the probe, one seek of spans_agent_runs per open run,
    // leaves such a run out.
    const { rows } = await this.#pool.query<OpenAgentRuns>(
      `SELECT o.agent_name AS "agentName", count(*)::float8 AS runs,
         (min(o.min_start_ns) / 1000000)::float8 AS "oldestStartMs"
       FROM ${s}.open_runs o
       WHERE o.max_end_ns >= $1::bigint AND o.max_end_ns < $2::bigint${service}
         AND NOT EXISTS (SELECT 1 FROM ${s}.spans a WHERE ${AGENT_RUN_CONDITION}
           AND a.trace_id = o.trace_id AND a.agent_name = o.agent_name
           AND a.end_ns >= o.max_end_ns - ${RUN_END_SLACK_NS})
       GROUP BY o.agent_name ORDER BY o.agent_name`,
      params,
    );
    return rows;
  }

  async listErrorSpans(query: ErrorSpanQuery): Promise<SpanRecord[]> {
    await this.#use();
    checkErrorSpanQuery(query);
    const s = quoteIdentifier(this.schema);
    const params: unknown[] = [msToNanos(query.fromMs).toString(), msToNanos(query.toMs).toString()];
    const where = [ERROR_SPAN_CONDITION, 'end_ns >= $1::bigint', 'end_ns < $2::bigint'];
    for (const [column, value] of [
      ['category', query.category],
      ['service', query.service],
      ['tool_name', query.toolName],
    ] as const) {
      if (value === undefined) continue;
      params.push(storableText(value));
      where.push(`${column} = $${params.length}`);
    }
    params.push(query.limit);
    const { rows } = await this.#pool.query<SpanRow & { trace_id: Buffer }>(
      `SELECT trace_id, ${SPAN_ROW_COLUMNS} FROM ${s}.spans WHERE ${where.join(' AND ')}
       ORDER BY spans.end_ns DESC, spans.trace_id DESC, spans.span_id DESC LIMIT $${params.length}`,
      params,
    );
    await this.#loadInterned(rows.flatMap((r) => [r.resource_id, r.scope_id]));
    return rows.map((row) => spanFromRow(row, row.trace_id.toString('hex'), this.#interned));
  }

  async timeseries(
    measure: TimeseriesMeasure,
    stepMs: number,
    groupBy: TimeseriesGroupBy | null,
    window: TimeWindow,
  ): Promise<TimeseriesSet> {
    await this.#use();
    checkTimeseriesQuery(measure, stepMs, groupBy);
    const rows = await this.#rollupRows(window, timeseriesNeeds(measure, groupBy), stepMs);
    return timeseriesFromRollups(measure, stepMs, groupBy, window, rows);
  }

  async listLogs(filter: LogFilter): Promise<LogRecord[]> {
    await this.#use();
    const limit = filter.limit ?? DEFAULT_LOG_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown, type = ''): string => {
      params.push(value);
      return `$${params.length}${type}`;
    };
    if (filter.service !== undefined) where.push(`service = ${param(storableText(filter.service))}`);
    if (filter.traceId !== undefined) where.push(`trace_id = ${param(Buffer.from(filter.traceId, 'hex'))}`);
    if (filter.minSeverity !== undefined) {
      where.push(`severity_number >= ${param(filter.minSeverity, '::float8')}`);
    }
    if (filter.text !== undefined && filter.text !== '') {
      where.push(`(body COLLATE "C") ILIKE ${param(likePattern(storableText(filter.text)))} ESCAPE E'\\\\'`);
    }
    if (filter.fromMs !== undefined) {
      where.push(`time_ns >= ${param(msToNanos(filter.fromMs).toString(), '::bigint')}`);
    }
    if (filter.toMs !== undefined) {
      where.push(`time_ns < ${param(msToNanos(filter.toMs).toString(), '::bigint')}`);
    }
    const sql = `SELECT ${this.#sql.logColumns} FROM ${quoteIdentifier(this.schema)}.logs
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY logs.time_ns DESC, logs.id DESC LIMIT ${param(limit)}`;
    const { rows } = await this.#pool.query<LogRow>(sql, params);
    return this.#logsFromRows(rows);
  }

  async services(): Promise<ServiceSummary[]> {
    await this.#use();
    return (await this.#pool.query<ServiceSummary>(this.#sql.services)).rows;
  }

  async applyRetention(policy: RetentionPolicy): Promise<RetentionResult> {
    await this.#use();
    const sql = this.#sql;
    const result = { tracesDeleted: 0, spansDeleted: 0, logsDeleted: 0, rollupRowsDeleted: 0 };
    const nowMs = policy.nowMs ?? Date.now();
    type Deleted = { traces: number; spans: number; newest: string | null };
    const tally = ({ rows }: pg.QueryResult<Deleted>): Deleted => {
      const row = rows[0] ?? { traces: 0, spans: 0, newest: null };
      result.tracesDeleted += row.traces;
      result.spansDeleted += row.spans;
      return row;
    };
    const logs = async (text: string, values: unknown[]): Promise<number> => {
      const n = (await this.#retentionStatement<{ n: number }>(text, values)).rows[0]?.n ?? 0;
      result.logsDeleted += n;
      return n;
    };
    if (policy.maxAgeMs !== undefined) {
      if (!(policy.maxAgeMs >= 0)) throw new RangeError(`maxAgeMs must be >= 0, got ${policy.maxAgeMs}`);
      const cutoffMs = nowMs - policy.maxAgeMs;
      const cutoffNs = msToNanos(cutoffMs).toString();
      let deleted: Deleted;
      do
        deleted = tally(
          await this.#retentionStatement<Deleted>(sql.deleteTracesBefore, [cutoffNs, RETENTION_CHUNK]),
        );
      while (deleted.traces === RETENTION_CHUNK);
      await logs(sql.deleteLogsBefore, [cutoffNs]);
      result.rollupRowsDeleted += await this.#transaction((client) =>
        this.#deleteRollupsBefore(client, Math.ceil(cutoffMs / MINUTE_MS)),
      );
      await this.#retentionStatement(sql.deleteServices, []);
    }
    if (policy.maxBytes !== undefined) {
      if (!(policy.maxBytes >= 0)) throw new RangeError(`maxBytes must be >= 0, got ${policy.maxBytes}`);
      // No space is handed back first: a DELETE leaves reusable space in PostgreSQL's files, which
      // autovacuum marks free and new rows fill; sizeBytes counts live data only (see there).
      for (let excess = (await this.sizeBytes()) - policy.maxBytes; excess > 0; ) {
        // The oldest traces whose accounted bytes cover the excess, in one statement per chunk.
        const deleted = tally(
          await this.#retentionStatement<Deleted>(sql.deleteTracesBySize, [RETENTION_CHUNK, excess]),
        );
        if (deleted.traces > 0) {
          await logs(sql.deleteLogsUpTo, [deleted.newest]);
        } else if ((await logs(sql.deleteOldestLogs, [RETENTION_CHUNK, excess])) === 0) {
          break;
        }
        excess = (await this.sizeBytes()) - policy.maxBytes;
      }
    }
    return result;
  }

  /**
   * Deletes the rollup rows before `cutoffMinute` in both tiers and answers how many. Hours wholly
   * before the cutoff go; the hour it cuts through is rebuilt from the minute rows left, so that
   * every hour row stays the sum of its minute rows.
   *
   * How that holds against concurrent batches, each of which upserts its minute rows, then its
   * hour rows, under row locks held to its commit: the minute rows are deleted first (the lock
   * order, so no wait forms a cycle); then SHARE ROW EXCLUSIVE on the hour tier waits for every
   * batch already in the hour tier to commit, and holds off the others until this commits. Under
   * the lock, the committed minute rows (less the deleted ones) are what the hour tier must sum,
   * so the hours up to the cut one are rebuilt from them: that includes a late batch that wrote a
   * minute before the cutoff after the delete had looked, which deleting those hour rows blindly
   * would lose. A batch whose minute rows are not committed yet adds its hour delta after the
   * rebuild, onto the rebuilt rows: counted once either way. Writers wait once per retention
   * pass, for as long as the few rows of about one hour take.
   */
  async #deleteRollupsBefore(client: pg.PoolClient, cutoffMinute: number): Promise<number> {
    const sql = this.#sql;
    const minutes = await client.query(sql.deleteRollups, [cutoffMinute]);
    await client.query(sql.lockHourRollups);
    // The first minute of the hour, as RollupAccumulator keys hour rows.
    const cutHour = cutoffMinute - (cutoffMinute % HOUR_MINUTES);
    const rebuildBefore = cutHour < cutoffMinute ? cutHour + HOUR_MINUTES : cutHour;
    const hours = await client.query(sql.deleteHourRollups, [rebuildBefore]);
    const { rows } = await client.query<Omit<RollupDelta, 'latency'> & { latency: string }>(
      sql.hoursFromMinutes,
      [rebuildBefore],
    );
    const deltas = rows.map((row): RollupDelta => {
      const latency = new LatencyHistogram();
      // Splitting on U+0001 is safe: JSON.stringify escapes every control character.
      for (const json of row.latency.split('\u0001')) {
        latency.merge(JSON.parse(json) as LatencyHistogramData);
      }
      return { ...row, latency };
    });
    await this.#upsertRollups(client, 'rollups_hourly', deltas.sort(compareRollupKeys));
    // Hour rows rebuilt are not counted as deleted; rows of the cut hour whose minutes all went are.
    return (minutes.rowCount ?? 0) + (hours.rowCount ?? 0) - deltas.length;
  }

  /**
   * The bytes of live data in the store: what its rows take on disk, as accounted at ingest, plus
   * the small tables (both rollup tiers, services, interned resources) as they are on disk.
   *
   * Why not the size of the files (`pg_total_relation_size` of every table): PostgreSQL does not
   * shrink a table's files when rows are deleted. The space is reused for new rows once (auto)vacuum
   * has marked it free, but only `VACUUM FULL` hands it back to the file system, and that locks the
   * table against writes for as long as it rewrites it. Retention by size must run while hubs
   * ingest, so it bounds what PostgreSQL can reuse: the files settle at about the limit plus what
   * autovacuum has not yet reclaimed, instead of a retention loop that could never get under a
   * file size and deleted everything.
   *
   * How rows are accounted: every span, trace and log row adds a fixed estimate for its header,
   * fixed-width columns and index entries (see `postgres-schema.ts`) plus the `octet_length` of
   * its text and JSON values. Values TOAST compresses are counted at their uncompressed length,
   * so large compressible attributes (prompts) make this an upper bound of the data on disk. The
   * counter lives in the `usage` table and changes in the same transaction as the rows it counts,
   * so it is exact under concurrent writers and retention, and reading it is O(1).
   */
  async sizeBytes(): Promise<number> {
    await this.#use();
    const { rows } = await this.#pool.query<{ bytes: number }>(this.#sql.sizeBytes);
    return rows[0]?.bytes ?? 0;
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      // Let a schema creation in flight finish (or fail) before its connection goes away.
      await this.#ready?.catch(() => {});
      await this.#pool.end();
      this.#internedIds.clear();
      this.#internedJson.clear();
      this.#internedByObject = new WeakMap();
    })();
    return this.#closing;
  }
}

/** Interning state of a log batch (the span batch keeps the same fields in PreparedSpans). */
interface PendingIntern {
  readonly pending: Map<string, Buffer>;
  readonly pendingObjects: Map<object, string>;
}

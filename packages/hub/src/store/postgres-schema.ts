/**
 * The PostgreSQL schema: the SQLite schema's tables (see `sqlite-schema.ts`) in one PostgreSQL
 * schema of their own, plus what several hubs writing at once need.
 *
 * - Ids are `bytea`, times `bigint` Unix nanoseconds read back as `::text`, so that no precision is
 *   lost in a JS number. Token counts are `double precision`: they come from JS numbers, which a
 *   float8 holds exactly (integers up to 2^53 and any fraction a producer might send), and they
 *   come back as numbers, not as the strings `pg` makes of `bigint`.
 * - Attributes, events and links are JSON as `text`, byte for byte what `JSON.stringify` wrote, so
 *   that a text search matches the same characters as on SQLite (`jsonb` would respace and reorder
 *   them) and a span reads back exactly as written.
 * - Rollup dimensions and service names are `COLLATE "C"`: byte order and byte equality, as in
 *   SQLite, whatever the database's locale, and cheaper btree comparisons on the hot upsert path.
 * - `traces` and rollup rows are updated in place at ingest; a fill factor of 80 leaves room on
 *   their pages for HOT updates (no index writes, less bloat).
 * - Rollups come in two tiers with the same columns, `rollups` by minute and `rollups_hourly` by
 *   hour, written in the same transaction; long windows read whole hours from the hour tier.
 * - `usage` holds the bytes of live data, split over 64 rows so that concurrent writers (each adds
 *   to the row of its backend) do not queue on one counter. See `PostgresStore.sizeBytes`.
 * - Resources and scopes are interned by the SHA-256 of their JSON: a unique index on the JSON
 *   itself would fail past btree's ~2.7 kB entry limit.
 * - Logs have no primary key: nothing looks one up by id, and an index costs disk per row. The
 *   `(time_ns, id)` index serves the newest-first listing and retention by age and by size.
 *
 * - `spans` has the partial indexes of `span-indexes.ts` besides its primary key; `open_runs` holds
 *   the agent runs in flight (see `open-runs.ts`). Neither counts in `usage`: both are small.
 *
 * Every statement is `IF NOT EXISTS`, so creating the schema is idempotent; the store runs it in
 * one transaction under an advisory lock, so that hubs starting together do not race.
 */
import { spanIndexesDdl } from './span-indexes.js';

export const POSTGRES_SCHEMA_VERSION = 2;

/**
 * Statements that bring a schema of version `n - 1` to version `n`, by `n`, for the schema named
 * (quoted) `s`. The store runs them in the transaction and under the lock that create the schema.
 */
export const POSTGRES_MIGRATIONS: Readonly<Record<number, (s: string) => string>> = {
  // 2: what the report reads besides the rollups: the partial indexes of spans (errors, agent
  // spans) and the runs in flight. Runs in flight at the upgrade show from their next call on.
  2: (s) => `${spanIndexesDdl(`${s}.spans`, true)}\n${openRunsDdl(s)}`,
};

/**
 * The agent runs in flight, kept at ingest (see `open-runs.ts`): one row per (trace, agent) whose
 * calls no agent span has closed yet. Agent names are `COLLATE "C"`, so that the runs come back in
 * byte order as on SQLite.
 */
function openRunsDdl(s: string): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.open_runs (
  trace_id bytea NOT NULL,
  agent_name text COLLATE "C" NOT NULL,
  service text COLLATE "C" NOT NULL,
  min_start_ns bigint NOT NULL,
  max_end_ns bigint NOT NULL,
  PRIMARY KEY (trace_id, agent_name)
);
CREATE INDEX IF NOT EXISTS open_runs_end ON ${s}.open_runs (max_end_ns);`;
}

/** How many rows `usage` spreads its counter over. */
export const USAGE_SHARDS = 64;

/**
 * Estimated bytes a row takes on disk beyond its variable-length values: the tuple header and
 * line pointer, the fixed-width columns and their alignment, and its entries in the table's
 * indexes. Measured on PostgreSQL 15 with realistic agent spans (see `PostgresStore.sizeBytes`).
 */
export const SPAN_ROW_BYTES = 200;
export const TRACE_ROW_BYTES = 320;
export const LOG_ROW_BYTES = 150;

/** `"name"`, for a name already checked to be a plain lower-case identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const SPAN_OPTIONAL_TEXT = [
  'status_message',
  'operation',
  'agent_name',
  'agent_id',
  'conversation_id',
  'provider',
  'request_model',
  'response_model',
  'tool_name',
  'tool_call_id',
  'workflow_name',
  'cost_source',
  'error_type',
  'events',
  'links',
  'trace_state',
];

/**
 * SQL for the accounted bytes of a span row, over its columns (unqualified, as in `RETURNING`).
 * `octet_length` of a TOASTed value reads its header only, so this never decompresses anything.
 */
export const SPAN_BYTES_SQL = `(${SPAN_ROW_BYTES} + octet_length(service) + octet_length(name)
  + octet_length(category) + octet_length(attributes)
  + ${SPAN_OPTIONAL_TEXT.map((c) => `coalesce(octet_length(${c}), 0)`).join(' + ')})`;

/**
 * SQL for the accounted bytes of a log row. Retention subtracts what this gives for the rows it
 * deletes, so it must depend only on the row's values: it is the same expression at both ends.
 */
export function logBytesSql(alias: string): string {
  const a = alias === '' ? '' : `${alias}.`;
  return `(${LOG_ROW_BYTES} + octet_length(${a}service) + octet_length(${a}severity_text)
    + octet_length(${a}body) + octet_length(${a}attributes))`;
}

/**
 * A rollup tier's table: `rollups` (one row per minute and dimensions) and `rollups_hourly` (one
 * per hour, keyed by the hour's first minute) have the same columns, so that one query reads both.
 */
function rollupTableDdl(s: string, table: 'rollups' | 'rollups_hourly'): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.${table} (
  minute integer NOT NULL,
  service text COLLATE "C" NOT NULL,
  category text COLLATE "C" NOT NULL,
  agent text COLLATE "C" NOT NULL,
  operation text COLLATE "C" NOT NULL,
  provider text COLLATE "C" NOT NULL,
  model text COLLATE "C" NOT NULL,
  tool text COLLATE "C" NOT NULL,
  count bigint NOT NULL,
  errors bigint NOT NULL,
  input_tokens double precision NOT NULL,
  output_tokens double precision NOT NULL,
  cache_read_tokens double precision NOT NULL,
  cache_write_tokens double precision NOT NULL,
  reasoning_tokens double precision NOT NULL,
  cost_usd double precision NOT NULL,
  unpriced bigint NOT NULL,
  latency text NOT NULL,
  PRIMARY KEY (minute, service, category, agent, operation, provider, model, tool)
) WITH (fillfactor = 80);
`;
}

/**
 * The tables of a store in schema `schema` (already validated, and created beforehand: `CREATE
 * SCHEMA IF NOT EXISTS` checks the privilege to create before it checks existence, so the store
 * runs it only when the schema is missing, and a schema made by an administrator is enough).
 */
export function postgresSchemaDdl(schema: string): string {
  const s = quoteIdentifier(schema);
  return `
CREATE TABLE IF NOT EXISTS ${s}.meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE IF NOT EXISTS ${s}.interned (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  digest bytea NOT NULL UNIQUE,
  json text NOT NULL
);

CREATE TABLE IF NOT EXISTS ${s}.spans (
  trace_id bytea NOT NULL,
  span_id bytea NOT NULL,
  parent_span_id bytea,
  service text NOT NULL,
  name text NOT NULL,
  kind integer NOT NULL,
  start_ns bigint NOT NULL,
  end_ns bigint NOT NULL,
  duration_ms double precision NOT NULL,
  status_code integer NOT NULL,
  status_message text,
  category text NOT NULL,
  operation text,
  agent_name text,
  agent_id text,
  conversation_id text,
  provider text,
  request_model text,
  response_model text,
  tool_name text,
  tool_call_id text,
  workflow_name text,
  input_tokens double precision,
  output_tokens double precision,
  cache_read_tokens double precision,
  cache_write_tokens double precision,
  reasoning_tokens double precision,
  cost_usd double precision,
  unpriced boolean NOT NULL,
  cost_source text,
  error_type text,
  aggregates_children boolean NOT NULL,
  attributes text NOT NULL,
  resource_id integer NOT NULL,
  scope_id integer NOT NULL,
  events text,
  links text,
  trace_state text,
  PRIMARY KEY (trace_id, span_id)
);
${spanIndexesDdl(`${s}.spans`, true)}

${openRunsDdl(s)}

CREATE TABLE IF NOT EXISTS ${s}.traces (
  trace_id bytea PRIMARY KEY,
  listed_ns bigint NOT NULL,
  start_ns bigint NOT NULL,
  end_ns bigint NOT NULL,
  root_name text,
  root_service text,
  span_count bigint NOT NULL,
  error_count bigint NOT NULL,
  input_tokens double precision NOT NULL,
  output_tokens double precision NOT NULL,
  cost_usd double precision NOT NULL,
  unpriced bigint NOT NULL,
  bytes bigint NOT NULL
) WITH (fillfactor = 80);
CREATE INDEX IF NOT EXISTS traces_listed ON ${s}.traces (listed_ns, trace_id);

${rollupTableDdl(s, 'rollups')}
-- The hour tier: the same columns, minute being the first minute of the hour (a multiple of 60);
-- each row is the sum of that hour's minute rows.
${rollupTableDdl(s, 'rollups_hourly')}
CREATE TABLE IF NOT EXISTS ${s}.logs (
  id bigint GENERATED ALWAYS AS IDENTITY,
  time_ns bigint NOT NULL,
  observed_ns bigint NOT NULL,
  service text NOT NULL,
  severity_number integer NOT NULL,
  severity_text text NOT NULL,
  body text NOT NULL,
  trace_id bytea,
  span_id bytea,
  attributes text NOT NULL,
  resource_id integer NOT NULL,
  scope_id integer NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_time ON ${s}.logs (time_ns, id);
CREATE INDEX IF NOT EXISTS logs_trace ON ${s}.logs (trace_id) WHERE trace_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS ${s}.services (
  name text COLLATE "C" PRIMARY KEY,
  last_seen_ms bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS ${s}.usage (
  shard integer PRIMARY KEY,
  bytes bigint NOT NULL
);
`;
}

/**
 * The SQLite schema. Lean on purpose: every index costs disk per span and time per insert, so
 * spans carry their primary key and two small partial indexes only (see `span-indexes.ts`); the
 * trace list, stats, retention and the runs in flight go through the small `traces`, `rollups`
 * and `open_runs` tables instead.
 *
 * - Ids are BLOBs (16 + 8 bytes instead of 48 hex characters, stored twice with the key index).
 * - Times are INTEGER Unix nanoseconds (int64), read back with `CAST(... AS TEXT)` so that no
 *   precision is lost in a JS number.
 * - Resources and scopes repeat on every span of a process, so they are stored once in `interned`
 *   and referenced by id.
 * - Rollup dimensions use `''` for absent values so that they take part in the primary key.
 * - Rollups come in two tiers, minutes and hours, written together; long windows read hours.
 */
import { spanIndexesDdl } from './span-indexes.js';

export const SQLITE_SCHEMA_VERSION = 8;

/** The rollup key: category first, so that a query for one category reads only its rows. */
const ROLLUP_KEY = 'category, minute, service, agent, operation, provider, model, tool';
/** The key of schema versions 1 to 4. */
const ROLLUP_KEY_V1 = 'minute, service, category, agent, operation, provider, model, tool';

/**
 * A rollup table (minute or hour tier: the same columns); dimensions use '' for absent values.
 * `latency_p95` (from version 7, last, as ALTER TABLE adds it) is the p95 of `latency`, kept so
 * that a per-minute p95 series reads a number per row instead of parsing every histogram.
 */
function rollupTable(name: string, key: string, version = SQLITE_SCHEMA_VERSION): string {
  return `CREATE TABLE ${name} (
  minute INTEGER NOT NULL,
  service TEXT NOT NULL,
  category TEXT NOT NULL,
  agent TEXT NOT NULL,
  operation TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  tool TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  unpriced INTEGER NOT NULL,
  latency TEXT NOT NULL,${version >= 7 ? '\n  latency_p95 REAL,' : ''}
  PRIMARY KEY (${key})
) WITHOUT ROWID;`;
}

/**
 * The agent runs in flight, kept at ingest (see `open-runs.ts`): one row per (trace, agent) whose
 * calls no agent span has closed yet, with the earliest start and the latest end of those calls.
 */
function openRunsDdl(ifNotExists: boolean): string {
  const not = ifNotExists ? ' IF NOT EXISTS' : '';
  return `CREATE TABLE${not} open_runs (
  trace_id BLOB NOT NULL,
  agent_name TEXT NOT NULL,
  service TEXT NOT NULL,
  min_start_ns INTEGER NOT NULL,
  max_end_ns INTEGER NOT NULL,
  PRIMARY KEY (trace_id, agent_name)
) WITHOUT ROWID;
CREATE INDEX${not} open_runs_end ON open_runs (max_end_ns);`;
}

/**
 * The rowid of the newest span that the summaries (rollups, `traces`) count (one row). The store
 * merges a span into them some time after it commits, and moves this in the same transaction;
 * the spans past it are the ones whose summaries it holds in memory, and rebuilds after a crash.
 */
const SUMMARY_WATERMARK_DDL = 'CREATE TABLE summary_watermark (spans_rowid INTEGER NOT NULL);';

/** Statements that bring a database of version `n - 1` to version `n`, by `n`. */
export const SQLITE_MIGRATIONS: Readonly<Record<number, string>> = {
  // 2: spans keep their W3C tracestate.
  2: 'ALTER TABLE spans ADD COLUMN trace_state TEXT;',
  // 3: the hour tier of the rollups (the store fills it from the minute tier after migrating).
  3: rollupTable('rollups_hourly', ROLLUP_KEY_V1, 3),
  // 4: attributes equal to their column are kept in the column only.
  4: 'ALTER TABLE spans ADD COLUMN elided INTEGER;',
  // 5: rollups keyed by category first, so a query for one category reads only its rows.
  5: ['rollups', 'rollups_hourly']
    .map(
      (table) => `${rollupTable(`${table}_v5`, ROLLUP_KEY, 5)}
INSERT INTO ${table}_v5 SELECT * FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_v5 RENAME TO ${table};`,
    )
    .join('\n'),
  // 6: what the report reads besides the rollups: the partial indexes of spans (errors, agent
  // spans) and the runs in flight. Runs in flight at the upgrade show from their next call on.
  6: `${spanIndexesDdl('spans', true)}\n${openRunsDdl(true)}`,
  // 7: each rollup row keeps its p95 (the store registers agentlens_row_p95 before migrating).
  7: ['rollups', 'rollups_hourly']
    .map(
      (table) => `ALTER TABLE ${table} ADD COLUMN latency_p95 REAL;
UPDATE ${table} SET latency_p95 = agentlens_row_p95(latency);`,
    )
    .join('\n'),
  // 8: summaries are merged in after their spans commit; every span stored so far is in them.
  8: `${SUMMARY_WATERMARK_DDL}
INSERT INTO summary_watermark SELECT coalesce(max(rowid), 0) FROM spans;`,
};

export const SQLITE_SCHEMA = `
CREATE TABLE interned (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL UNIQUE
);

CREATE TABLE spans (
  trace_id BLOB NOT NULL,
  span_id BLOB NOT NULL,
  parent_span_id BLOB,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT,
  category TEXT NOT NULL,
  operation TEXT,
  agent_name TEXT,
  agent_id TEXT,
  conversation_id TEXT,
  provider TEXT,
  request_model TEXT,
  response_model TEXT,
  tool_name TEXT,
  tool_call_id TEXT,
  workflow_name TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cache_read_tokens INTEGER,
  cache_write_tokens INTEGER,
  reasoning_tokens INTEGER,
  cost_usd REAL,
  unpriced INTEGER NOT NULL,
  cost_source TEXT,
  error_type TEXT,
  aggregates_children INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  events TEXT,
  links TEXT,
  -- Last, where ALTER TABLE ADD COLUMN puts it in a migrated database: inserts are positional.
  trace_state TEXT,
  -- Which promoted attributes were left out of attributes (PROMOTED_ATTRIBUTES bit positions).
  elided INTEGER,
  PRIMARY KEY (trace_id, span_id)
);
${spanIndexesDdl('spans')}

${openRunsDdl(false)}

CREATE TABLE traces (
  trace_id BLOB PRIMARY KEY,
  listed_ns INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  root_name TEXT,
  root_service TEXT,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  unpriced INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX traces_listed ON traces (listed_ns, trace_id);

${rollupTable('rollups', ROLLUP_KEY)}

-- The hour tier: the same columns, minute being the first minute of the hour; each row is the
-- sum of that hour's minute rows.
${rollupTable('rollups_hourly', ROLLUP_KEY)}

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  time_ns INTEGER NOT NULL,
  observed_ns INTEGER NOT NULL,
  service TEXT NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body TEXT NOT NULL,
  trace_id BLOB,
  span_id BLOB,
  attributes TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL
);
CREATE INDEX logs_time ON logs (time_ns);
CREATE INDEX logs_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;

${SUMMARY_WATERMARK_DDL}
INSERT INTO summary_watermark VALUES (0);

CREATE TABLE services (
  name TEXT PRIMARY KEY,
  last_seen_ms INTEGER NOT NULL
) WITHOUT ROWID;
`;

import { rmSync } from 'node:fs';
import { normalizeSpan, type OtlpSpan, type PriceCatalog, type SpanRecord } from '@agentlens/core';
import { decodeTraces, encodeAttributes, SqliteStore } from '@agentlens/hub';
import Database from 'better-sqlite3';
import { mix32 } from './agent-spans.js';
import { encodeSpans } from './otlp-body-pool.js';

/** The hub's `spans` table: its `CREATE TABLE` statement and its columns, in order. */
export interface SpansTable {
  readonly sql: string;
  readonly columns: readonly string[];
}

/**
 * The `spans` table of the hub's own schema, read back from a database the built `SqliteStore`
 * created, so the floor can never drift from the store's table.
 */
export function hubSpansTable(scratchPath: string): SpansTable {
  const store = new SqliteStore({ path: scratchPath });
  void store.close();
  const db = new Database(scratchPath, { readonly: true });
  try {
    const sql = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'spans'")
      .pluck()
      .get();
    if (typeof sql !== 'string') throw new Error('the hub schema has no spans table');
    const columns = (db.pragma('table_info(spans)') as { name: string }[]).map((column) => column.name);
    return { sql, columns };
  } finally {
    db.close();
    removeDatabase(scratchPath);
  }
}

/** Deletes a SQLite file and its WAL and shared-memory files. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * The spans exactly as the hub stores them: encoded with the official protobuf serializer,
 * decoded by the hub's own decoder and normalized (cost included) by the core normalizer.
 */
export function hubRecords(spans: readonly OtlpSpan[], prices: PriceCatalog): SpanRecord[] {
  const decoded = decodeTraces(encodeSpans(spans, 'protobuf'), 'protobuf');
  if (decoded.rejected > 0) throw new Error(`the hub decoder rejected ${decoded.rejected} spans`);
  return decoded.spans.map((span) => normalizeSpan(span, { prices }));
}

const jsonOrNull = (list: readonly unknown[]) => (list.length === 0 ? null : JSON.stringify(list));
const hexOrNull = (hex: string | null) => (hex === null || hex === '' ? null : Buffer.from(hex, 'hex'));

/**
 * The value `SqliteStore` binds for each column of `spans` (see its `#insertSpans`); resource and
 * scope are interned there, constants here. The trace id is replaced at insert time.
 */
const COLUMN_VALUES: Readonly<Record<string, (span: SpanRecord) => unknown>> = {
  trace_id: () => null,
  span_id: (s) => Buffer.from(s.spanId, 'hex'),
  parent_span_id: (s) => hexOrNull(s.parentSpanId),
  service: (s) => s.service,
  name: (s) => s.name,
  kind: (s) => s.kind,
  start_ns: (s) => BigInt(s.startTimeUnixNano),
  end_ns: (s) => BigInt(s.endTimeUnixNano),
  duration_ms: (s) => s.durationMs,
  status_code: (s) => s.statusCode,
  status_message: (s) => s.statusMessage,
  category: (s) => s.category,
  operation: (s) => s.operation,
  agent_name: (s) => s.agentName,
  agent_id: (s) => s.agentId,
  conversation_id: (s) => s.conversationId,
  provider: (s) => s.provider,
  request_model: (s) => s.requestModel,
  response_model: (s) => s.responseModel,
  tool_name: (s) => s.toolName,
  tool_call_id: (s) => s.toolCallId,
  workflow_name: (s) => s.workflowName,
  input_tokens: (s) => s.inputTokens,
  output_tokens: (s) => s.outputTokens,
  cache_read_tokens: (s) => s.cacheReadTokens,
  cache_write_tokens: (s) => s.cacheWriteTokens,
  reasoning_tokens: (s) => s.reasoningTokens,
  cost_usd: (s) => s.costUsd,
  unpriced: (s) => (s.unpriced ? 1 : 0),
  cost_source: (s) => s.costSource,
  error_type: (s) => s.errorType,
  aggregates_children: (s) => (s.aggregatesChildren ? 1 : 0),
  attributes: (s) => encodeAttributes(s).json,
  resource_id: () => 1,
  scope_id: () => 1,
  events: (s) => jsonOrNull(s.events),
  links: (s) => jsonOrNull(s.links),
  trace_state: (s) => (s.traceState === undefined || s.traceState === '' ? null : s.traceState),
  elided: (s) => {
    const { elided } = encodeAttributes(s);
    return elided === 0 ? null : elided;
  },
};

/** The values of one span, in the order of `columns`; throws on a column the floor does not know. */
function rowBuilder(columns: readonly string[]): (span: SpanRecord) => unknown[] {
  if (columns[0] !== 'trace_id') throw new Error(`the spans table starts with ${columns[0]}, not trace_id`);
  const values = columns.map((column) => {
    const value = COLUMN_VALUES[column];
    if (value === undefined) {
      throw new Error(
        `the hub's spans table has a column "${column}" that bench/support/sqlite-floor.ts does not fill`,
      );
    }
    return value;
  });
  return (span) => values.map((value) => value(span));
}

/** One transaction's rows, grouped by trace so each trace gets one fresh id per transaction. */
interface FloorBatch {
  readonly rows: unknown[][];
  /** Per trace: the last 8 bytes of its id, and the indexes of its rows. */
  readonly traces: readonly { readonly tail: Buffer; readonly rows: readonly number[] }[];
}

function floorBatch(records: readonly SpanRecord[], row: (span: SpanRecord) => unknown[]): FloorBatch {
  const rows = records.map(row);
  const byTrace = new Map<string, number[]>();
  records.forEach((record, i) => {
    const list = byTrace.get(record.traceId);
    if (list === undefined) byTrace.set(record.traceId, [i]);
    else list.push(i);
  });
  return {
    rows,
    traces: [...byTrace].map(([traceId, indexes]) => ({
      tail: Buffer.from(traceId.slice(16), 'hex'),
      rows: indexes,
    })),
  };
}

/** What {@link runSqliteFloor} measured. */
export interface FloorResult {
  readonly spans: number;
  readonly transactions: number;
  readonly seconds: number;
  /** Database file after a WAL checkpoint, bytes. */
  readonly checkpointedBytes: number;
}

/**
 * The floor: the same rows the hub stores, inserted straight into better-sqlite3. Same `spans`
 * table as the hub (`spans`), same settings as `SqliteStore` (WAL, `synchronous=FULL`, its
 * cache size and incremental auto-vacuum), a prepared `INSERT OR IGNORE`, one `BEGIN IMMEDIATE`
 * transaction per batch; row values prepared beforehand, only the trace ids are new for each
 * transaction (as in the HTTP bodies). No traces, rollups or services tables: that work is the
 * hub's overhead over the floor. Runs for `durationMs`, whole transactions.
 */
export function runSqliteFloor(options: {
  readonly dbPath: string;
  readonly spans: SpansTable;
  /** One transaction per entry, round robin. */
  readonly batches: readonly (readonly SpanRecord[])[];
  readonly durationMs: number;
}): FloorResult {
  const row = rowBuilder(options.spans.columns);
  const batches = options.batches.map((records) => floorBatch(records, row));
  const db = new Database(options.dbPath);
  try {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('temp_store = MEMORY');
    db.pragma('journal_size_limit = 16777216');
    db.pragma('cache_size = -16000');
    db.exec(options.spans.sql);
    const { columns } = options.spans;
    const insert = db.prepare(
      `INSERT OR IGNORE INTO spans (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    let serial = 0;
    let spans = 0;
    const write = db.transaction((batch: FloorBatch) => {
      for (const trace of batch.traces) {
        serial++;
        const id = Buffer.allocUnsafe(16);
        id.writeUInt32BE(mix32(serial), 0);
        id.writeUInt32BE(serial, 4);
        trace.tail.copy(id, 8);
        for (const i of trace.rows) (batch.rows[i] as unknown[])[0] = id;
      }
      for (const row of batch.rows) spans += insert.run(row).changes;
    });
    let transactions = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < options.durationMs) {
      write.immediate(batches[transactions % batches.length] as FloorBatch);
      transactions++;
      elapsed = performance.now() - started;
    }
    const expected = batches.reduce(
      (sum, batch, i) =>
        sum + Math.max(0, Math.ceil((transactions - i) / batches.length)) * batch.rows.length,
      0,
    );
    if (spans !== expected) throw new Error(`floor: ${spans} rows inserted of ${expected}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    return { spans, transactions, seconds: elapsed / 1000, checkpointedBytes: pageSize * pages };
  } finally {
    db.close();
  }
}

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog, type SpanRecord } from '@agentlens/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spanBatch } from '../otlp/exporter-capture.test-helpers.js';
import { decodeBatch } from '../receiver/decode-batch.js';
import { generateAgentSpans } from './conformance/fixture-spans.js';
import { runStoreConformance } from './conformance/store-conformance.js';
import { type EncodedSpanBatch, encodeSpans } from './encoded-spans.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'agentlens-sqlite-store-'));
let n = 0;
/** A new file per store: WAL needs a real file, `:memory:` would not exercise it. */
const tempPath = () => join(dir, `store-${++n}.db`);
/** The size of a database's WAL file; 0 when there is none. */
const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
/** What schema version 6 added: the partial indexes of spans, and the table of runs in flight. */
const SPAN_INDEXES = ['spans_errors', 'spans_agent_runs'];
const dropVersion6 = (raw: Database.Database) => {
  for (const index of SPAN_INDEXES) raw.exec(`DROP INDEX ${index}`);
  raw.exec('DROP TABLE open_runs');
};
/** What schema versions 7 and 8 added: each rollup row's p95, then the summaries' watermark. */
const dropVersion7 = (raw: Database.Database, tables = ['rollups', 'rollups_hourly']) => {
  raw.exec('DROP TABLE summary_watermark');
  for (const table of tables) raw.exec(`ALTER TABLE ${table} DROP COLUMN latency_p95`);
};

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table, sorted by all its columns. */
function dumpTables(path: string): Record<string, unknown[]> {
  const raw = new Database(path, { readonly: true });
  try {
    const tables = raw
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((table) => {
        const columns = raw.prepare('SELECT count(*) FROM pragma_table_info(?)').pluck().get(table) as number;
        const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
        return [table, raw.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all()];
      }),
    );
  } finally {
    raw.close();
  }
}

/** Spans of every shape the store encodes: decoded OTLP (shared resources), fixtures, extras. */
function mixedSpans(): SpanRecord[] {
  const startMs = Date.now() - 120_000;
  const decoded = decodeBatch('traces', spanBatch(120).protobuf, 'protobuf', new PriceCatalog()).spans ?? [];
  const generated = generateAgentSpans({ traces: 40, spansPerTrace: 6, startMs, traceGapMs: 500 });
  const [a, b, c] = generated;
  const extras: SpanRecord[] = [
    {
      ...(a as SpanRecord),
      spanId: 'aa00000000000001',
      traceState: 'vendor=abc',
      events: [{ timeUnixNano: '1', name: 'e', attributes: { k: 'v' } }],
      links: [
        {
          traceId: (b as SpanRecord).traceId,
          spanId: (b as SpanRecord).spanId,
          traceState: 'vendor=link',
          attributes: {},
        },
      ],
      // An equal resource in a different object, and a promoted attribute whose value differs.
      resource: { ...(a as SpanRecord).resource },
      attributes: { ...(a as SpanRecord).attributes, 'gen_ai.request.model': 'not-the-column' },
    },
    { ...(c as SpanRecord), spanId: 'aa00000000000002', traceState: '' },
  ];
  return [...decoded, ...generated, ...extras];
}

runStoreConformance('SqliteStore', async () => new SqliteStore({ path: tempPath() }));

describe('SqliteStore', () => {
  it('uses WAL and fsyncs every commit by default', async () => {
    const store = new SqliteStore({ path: tempPath() });
    expect(store.durability).toBe('full');
    await store.close();
    await store.close();
  });

  it('keeps what it acknowledged after it is reopened', async () => {
    const path = tempPath();
    const spans = generateAgentSpans({ traces: 20, spansPerTrace: 5, startMs: Date.UTC(2026, 0, 1) });
    const first = new SqliteStore({ path });
    await first.writeSpans(spans);
    await first.close();
    const second = new SqliteStore({ path });
    const page = await second.listTraces({}, null, 100);
    expect(page.traces).toHaveLength(20);
    expect((await second.getTrace(spans[0]?.traceId ?? ''))?.spans).toHaveLength(5);
    await second.close();
  });

  it('migrates a version 1 database in place and keeps its data', async () => {
    const path = tempPath();
    const [old, ...rest] = generateAgentSpans({ traces: 2, spansPerTrace: 3, startMs: Date.UTC(2026, 0, 1) });
    const first = new SqliteStore({ path });
    await first.writeSpans([old as SpanRecord]);
    await first.close();
    // What a version 1 file looks like: no trace_state column.
    const raw = new Database(path);
    dropVersion7(raw, ['rollups']);
    dropVersion6(raw);
    raw.exec('ALTER TABLE spans DROP COLUMN elided');
    raw.exec('ALTER TABLE spans DROP COLUMN trace_state');
    raw.exec('DROP TABLE rollups_hourly');
    raw.pragma('user_version = 1');
    raw.close();
    const migrated = new SqliteStore({ path });
    const withState = { ...(rest[0] as SpanRecord), traceState: 'vendor=abc' };
    await migrated.writeSpans([withState]);
    expect((await migrated.getTrace(old?.traceId ?? ''))?.spans[0]).toEqual(old);
    const found = (await migrated.getTrace(withState.traceId))?.spans.find(
      (s) => s.spanId === withState.spanId,
    );
    expect(found?.traceState).toBe('vendor=abc');
    // The hour tier was filled from the minutes: a window of whole hours counts the old span too.
    const day = { fromMs: Date.UTC(2025, 11, 31), toMs: Date.UTC(2026, 0, 2) };
    const [overview] = await migrated.stats('overview', day);
    expect(overview.modelCalls + overview.toolCalls + overview.requests).toBe(2);
    await migrated.close();
  });

  it('migrates a version 5 database: builds the span indexes behind the report and keeps runs in flight', async () => {
    const path = tempPath();
    const startMs = Date.now() - 60_000;
    const spans = generateAgentSpans({ traces: 30, spansPerTrace: 4, startMs, traceGapMs: 10 });
    const first = new SqliteStore({ path });
    await first.writeSpans(spans);
    await first.close();
    const raw = new Database(path);
    dropVersion7(raw);
    dropVersion6(raw);
    raw.pragma('user_version = 5');
    raw.close();
    const migrated = new SqliteStore({ path });
    const window = { fromMs: startMs - 60_000, toMs: Date.now() + 60_000 };
    // Trace 7 of the generated ones fails (every 50th from the 8th).
    const errors = await migrated.listErrorSpans({ ...window, limit: 10 });
    expect(errors.map((s) => s.spanId)).toEqual(spans.filter((s) => s.statusCode === 2).map((s) => s.spanId));
    expect(await migrated.openAgentRuns({ sinceMs: window.fromMs, nowMs: window.toMs })).toEqual([]);
    // A call whose agent span has not arrived: a run in flight, from here on.
    const [call] = generateAgentSpans({ traces: 1, spansPerTrace: 2, startMs, seed: 9 }).slice(1);
    await migrated.writeSpans([call as SpanRecord]);
    expect(await migrated.openAgentRuns({ sinceMs: window.fromMs, nowMs: window.toMs })).toEqual([
      { agentName: 'planner', runs: 1, oldestStartMs: startMs + 5 },
    ]);
    await migrated.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(8);
    const indexes = check
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans' AND sql IS NOT NULL",
      )
      .pluck()
      .all();
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    check.close();
    expect([...indexes].sort()).toEqual([...SPAN_INDEXES].sort());
    expect(tables).toContain('open_runs');
  });

  it('migrates a version 6 database: every rollup row gets its p95, and p95 series read the same', async () => {
    const path = tempPath();
    const startMs = Date.now() - 30 * 60_000;
    const spans = generateAgentSpans({ traces: 60, spansPerTrace: 5, startMs, traceGapMs: 20_000 });
    const first = new SqliteStore({ path });
    await first.writeSpans(spans);
    const window = { fromMs: startMs - 60_000, toMs: Date.now() + 60_000 };
    // Counts too: a watermark left behind would count the spans stored before the upgrade twice.
    const series = async (store: SqliteStore) =>
      Promise.all([
        ...(['agent', 'model', 'tool', null] as const).map((by) =>
          store.timeseries('p95', 60_000, by, window),
        ),
        store.timeseries('requests', 60_000, 'agent', window),
        store.stats('models', window),
      ]);
    const before = await series(first);
    await first.close();
    const raw = new Database(path);
    dropVersion7(raw);
    raw.pragma('user_version = 6');
    raw.close();
    const migrated = new SqliteStore({ path });
    expect(await series(migrated)).toEqual(before);
    await migrated.close();
    const check = new Database(path, { readonly: true });
    const counts = ['rollups', 'rollups_hourly'].map((table) =>
      check.prepare(`SELECT count(*) AS rows, count(latency_p95) AS withP95 FROM ${table}`).get(),
    );
    check.close();
    for (const count of counts)
      expect(count).toEqual({ rows: expect.any(Number), withP95: (count as { rows: number }).rows });
    expect((counts[0] as { rows: number }).rows).toBeGreaterThan(20);
  });

  it('counts the spans of a write that failed nowhere, and those written around it once, in stats and in the trace list', async () => {
    const path = tempPath();
    const startMs = Date.now() - 60_000;
    const [before, failing, after] = [1, 2, 3].map((seed) =>
      generateAgentSpans({ traces: 5, spansPerTrace: 4, startMs, seed }),
    ) as [SpanRecord[], SpanRecord[], SpanRecord[]];
    const store = new SqliteStore({ path });
    await store.writeSpans(before);
    // The last span is invalid: the transaction rolls back after the others were inserted.
    const broken = [...failing, { ...(failing[0] as SpanRecord), spanId: 'not hex' }];
    await expect(store.writeSpans(broken)).rejects.toThrow(/invalid span id/);
    await store.writeSpans(after);
    const window = { fromMs: startMs - 60_000, toMs: Date.now() + 60_000 };
    const calls = async (from: SqliteStore) => {
      const [overview] = await from.stats('overview', window);
      return overview.modelCalls + overview.toolCalls;
    };
    const expected = [...before, ...after].filter(
      (s) => s.category === 'model' || s.category === 'tool',
    ).length;
    expect(expected).toBeGreaterThan(10);
    const listed = async (from: SqliteStore) =>
      (await from.listTraces({}, null, 100)).traces.map((t) => [t.traceId, t.spanCount]).sort();
    const expectedTraces = [...new Set([...before, ...after].map((s) => s.traceId))]
      .map((id) => [id, [...before, ...after].filter((s) => s.traceId === id).length])
      .sort();
    expect(await calls(store)).toBe(expected);
    expect(await listed(store)).toEqual(expectedTraces);
    await store.close();
    const reopened = new SqliteStore({ path });
    expect(await calls(reopened)).toBe(expected);
    expect(await listed(reopened)).toEqual(expectedTraces);
    await reopened.close();
  });

  it('refuses a database written by a newer hub', async () => {
    const path = tempPath();
    await new SqliteStore({ path }).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore({ path })).toThrow(/newer than this hub/);
  });

  it('stores encoded spans exactly as it stores the records they were encoded from', async () => {
    const spans = mixedSpans();
    const byRecords = tempPath();
    const byEncoded = tempPath();
    const records = new SqliteStore({ path: byRecords });
    const encoded = new SqliteStore({ path: byEncoded });
    // Cloned, as a decode worker hands them over; several batches per transaction.
    const wire = (list: readonly SpanRecord[]): EncodedSpanBatch => structuredClone(encodeSpans(list));
    for (let i = 0; i < spans.length; i += 150) {
      await records.writeSpans(spans.slice(i, i + 150));
      const chunk = spans.slice(i, i + 150);
      await encoded.writeEncodedSpans([wire(chunk.slice(0, 50)), wire(chunk.slice(50))]);
    }
    // Duplicates, within one transaction and across them, count once on both paths.
    const again = spans.slice(0, 30);
    await records.writeSpans([...again, ...again]);
    await encoded.writeEncodedSpans([wire(again), wire(again)]);
    await encoded.writeEncodedSpans([]);
    await encoded.writeEncodedSpans([wire([])]);
    const page = await records.listTraces({}, null, 1000);
    expect(await encoded.listTraces({}, null, 1000)).toEqual(page);
    for (const { traceId } of page.traces.slice(0, 20)) {
      expect(await encoded.getTrace(traceId)).toEqual(await records.getTrace(traceId));
    }
    await records.close();
    await encoded.close();
    const rows = dumpTables(byRecords);
    expect(rows.spans).toHaveLength(spans.length);
    expect(dumpTables(byEncoded)).toEqual(rows);
  });

  it('writes encoded batches atomically: a bad span stores nothing of its transaction', async () => {
    const store = new SqliteStore({ path: tempPath() });
    const [good, other] = generateAgentSpans({ traces: 1, spansPerTrace: 2, startMs: Date.now() - 60_000 });
    const bad = { ...(other as SpanRecord), spanId: 'xyz', resource: { 'service.name': 'only-in-bad' } };
    // An id no store could keep is refused where the spans are encoded, naming it.
    expect(() => encodeSpans([bad])).toThrow(/invalid span id "xyz"/);
    await expect(store.writeSpans([good as SpanRecord, bad])).rejects.toThrow(RangeError);
    // A batch that fails its transaction (one claiming more spans than it holds) fails every
    // batch in it, the good one written before it included.
    const malformed = { ...encodeSpans([{ ...bad, spanId: 'ab00000000000002' }]), count: 2 };
    await expect(store.writeEncodedSpans([encodeSpans([good as SpanRecord]), malformed])).rejects.toThrow(
      /malformed encoded span batch/,
    );
    expect((await store.listTraces({}, null, 10)).traces).toEqual([]);
    await store.writeEncodedSpans([
      encodeSpans([good as SpanRecord, { ...bad, spanId: 'ab00000000000001' }]),
    ]);
    const stored = (await store.getTrace((good as SpanRecord).traceId))?.spans ?? [];
    expect(stored.map((s) => s.resource)).toEqual([(good as SpanRecord).resource, bad.resource]);
    await store.close();
  });

  it('checkpoints the WAL from its own thread: the log stays small under writes and is gone after close', async () => {
    const path = tempPath();
    const store = new SqliteStore({ path });
    const startMs = Date.now() - 3_600_000;
    let largestWal = 0;
    let written = 0;
    // About 30 MB of spans, far more than the log may hold at once.
    for (let batch = 0; batch < 60; batch++) {
      const spans = generateAgentSpans({ traces: 100, spansPerTrace: 10, startMs, seed: batch + 1 });
      await store.writeSpans(spans);
      written += spans.length;
      largestWal = Math.max(largestWal, walBytes(path));
      // The checkpoints run between writes, as they do between ingest transactions.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const dbBytes = statSync(path).size;
    // The writer's connection does not checkpoint, so the file grows only by the other thread's work.
    expect(dbBytes).toBeGreaterThan(written * 200);
    expect(largestWal).toBeLessThan(dbBytes / 2);
    await store.close();
    expect(walBytes(path)).toBe(0);
    const reopened = new SqliteStore({ path });
    const [overview] = await reopened.stats('overview', { fromMs: startMs - 60_000, toMs: Date.now() });
    expect(overview.modelCalls + overview.toolCalls + overview.requests).toBeGreaterThan(0);
    expect((await reopened.listTraces({}, null, 1000)).traces.length).toBe(1000);
    await reopened.close();
  });

  it('keeps the WAL bounded under writes that never pause', async () => {
    const path = tempPath();
    const store = new SqliteStore({ path });
    const startMs = Date.now() - 3_600_000;
    let largestWal = 0;
    // 200 000 spans back to back: with commits coming while each checkpoint runs, SQLite seldom
    // finds the log wholly copied when a write begins, which is when it starts the log over.
    const batches = Array.from({ length: 10 }, (_, i) =>
      generateAgentSpans({ traces: 200, spansPerTrace: 10, startMs, seed: 1000 + i }),
    );
    // Each round writes the batches again under new trace ids, so every span is new.
    const rounds = batches.map((_, round) =>
      batches.map((spans) =>
        spans.map((span) => ({ ...span, traceId: `${round}`.padStart(4, '0') + span.traceId.slice(4) })),
      ),
    );
    for (const round of rounds) {
      for (const spans of round) {
        await store.writeSpans(spans);
        largestWal = Math.max(largestWal, walBytes(path));
      }
    }
    // Measured: 76 to 91 MB without the restarting checkpoints, 20 to 28 MB with them.
    expect(largestWal).toBeLessThan(48 * 1024 * 1024);
    expect((await store.listTraces({}, null, 1)).traces).toHaveLength(1);
    await store.close();
  });

  it('rejects calls after close', async () => {
    const store = new SqliteStore({ path: tempPath() });
    await store.close();
    await expect(store.listTraces({}, null, 10)).rejects.toThrow();
  });

  it('rejects an unknown durability in the constructor', () => {
    expect(() => new SqliteStore({ path: tempPath(), durability: 'sometimes' as 'full' })).toThrow(
      RangeError,
    );
  });
});

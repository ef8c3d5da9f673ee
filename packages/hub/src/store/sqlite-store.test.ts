import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '@agentlens/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAgentSpans } from './conformance/fixture-spans.js';
import { runStoreConformance } from './conformance/store-conformance.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'agentlens-sqlite-store-'));
let n = 0;
/** A new file per store: WAL needs a real file, `:memory:` would not exercise it. */
const tempPath = () => join(dir, `store-${++n}.db`);
/** What schema version 6 added: the partial indexes of spans, and the table of runs in flight. */
const SPAN_INDEXES = ['spans_errors', 'spans_agent_runs'];
const dropVersion6 = (raw: Database.Database) => {
  for (const index of SPAN_INDEXES) raw.exec(`DROP INDEX ${index}`);
  raw.exec('DROP TABLE open_runs');
};

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

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
    expect(check.pragma('user_version', { simple: true })).toBe(6);
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

  it('refuses a database written by a newer hub', async () => {
    const path = tempPath();
    await new SqliteStore({ path }).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore({ path })).toThrow(/newer than this hub/);
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

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

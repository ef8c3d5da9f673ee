import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

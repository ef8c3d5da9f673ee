import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub } from './hub.js';
import { generateAgentSpans } from './store/conformance/fixture-spans.js';

const dir = mkdtempSync(join(tmpdir(), 'agentlens-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hub retention', () => {
  it('removes traces older than the age limit in the background and counts what it removed', async () => {
    const hub = await createHub({
      port: 0,
      dbPath: join(dir, 'age.db'),
      retention: { maxAgeMs: 3_600_000, intervalMs: 100 },
    });
    try {
      const old = generateAgentSpans({ traces: 5, spansPerTrace: 4, startMs: Date.now() - 3 * 3_600_000 });
      const recent = generateAgentSpans({
        traces: 3,
        spansPerTrace: 4,
        startMs: Date.now() - 60_000,
        seed: 9,
      });
      await hub.store.writeSpans([...old, ...recent]);
      let left = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 50 && left !== 3; i++) {
        await sleep(100);
        left = (await hub.store.listTraces({}, null, 100)).traces.length;
      }
      expect(left).toBe(3);
      const kept = new Set((await hub.store.listTraces({}, null, 100)).traces.map((t) => t.traceId));
      expect(kept).toEqual(new Set(recent.map((s) => s.traceId)));
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toMatch(/^agentlens_hub_retention_deleted_total\{kind="traces"\} 5$/m);
      expect(metrics).toMatch(/^agentlens_hub_retention_deleted_total\{kind="spans"\} 20$/m);
    } finally {
      await hub.close();
    }
  });

  it('trims the oldest traces until the store fits the size limit', { timeout: 60_000 }, async () => {
    const hub = await createHub({
      port: 0,
      dbPath: join(dir, 'size.db'),
      retention: { maxBytes: 2_000_000 },
    });
    try {
      const spans = generateAgentSpans({ traces: 2000, spansPerTrace: 5, startMs: Date.now() - 600_000 });
      for (let i = 0; i < spans.length; i += 500) await hub.store.writeSpans(spans.slice(i, i + 500));
      expect(await hub.store.sizeBytes()).toBeGreaterThan(2_000_000);
      await hub.applyRetention();
      expect(await hub.store.sizeBytes()).toBeLessThanOrEqual(2_000_000);
      const page = await hub.store.listTraces({}, null, 1000);
      expect(page.traces.length).toBeGreaterThan(0);
      // The newest traces are the ones kept.
      const newest = spans[spans.length - 1]?.traceId;
      expect(page.traces.some((t) => t.traceId === newest)).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it('refuses a retention limit that is not a positive number', async () => {
    await expect(createHub({ port: 0, dbPath: ':memory:', retention: { maxAgeMs: -1 } })).rejects.toThrow(
      RangeError,
    );
  });
});

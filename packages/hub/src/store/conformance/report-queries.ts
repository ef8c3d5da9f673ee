import type { SpanCategory, SpanRecord } from '@agentlens/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { type SpanFixture, spanFromFixture } from './fixture-spans.js';

/**
 * The conformance tests of the queries behind the hub's report: the runs in flight
 * ({@link Store.openAgentRuns}), the newest error spans ({@link Store.listErrorSpans}) and stats
 * by service. Part of `runStoreConformance`, which every backend runs.
 */

/** 2026-03-02T10:00:00Z: the spans below are offsets from it. */
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const HORIZON = { sinceMs: T0, nowMs: T0 + 15 * 60_000 };

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const spanId = (trace: number, n: number) =>
  `${trace.toString(16).padStart(8, '0')}${n.toString(16).padStart(8, '0')}`;

/** A span of trace `trace`, from `startMs` to `endMs` after {@link T0}. */
function span(
  trace: number,
  n: number,
  category: SpanCategory,
  agentName: string | null,
  startMs: number,
  endMs: number,
  extra: Partial<SpanFixture> = {},
): SpanRecord {
  return spanFromFixture(
    {
      traceId: traceId(trace),
      spanId: spanId(trace, n),
      name: `${category} ${n}`,
      category,
      agentName,
      startOffsetMs: startMs,
      durationMs: endMs - startMs,
      service: 'checkout',
      ...extra,
    },
    T0,
  );
}

/**
 * Runs of `planner` and `researcher`, some finished, some in flight:
 * - trace 1: two planner calls, no agent span yet: in flight since 1 000.
 * - trace 2: a planner call closed by its agent span: finished.
 * - trace 3: a finished planner run, then a second run whose call (from 300 000) is still open.
 * - trace 4: a researcher call of another service: in flight since 60 000.
 * - trace 5: a researcher call that ended before the horizon: not seen.
 * - trace 6: a researcher call closed by a `planner` agent span only: still in flight (since 90 000).
 * - trace 7: spans that are not children of a run: no agent name, category `other`, and a call
 *   that ends exactly at `nowMs` (the horizon is half-open).
 * - trace 8: a planner call that ends half a second after its agent span: closed (clock slack).
 */
const RUNS: SpanRecord[] = [
  span(1, 2, 'model', 'planner', 1_000, 4_000),
  span(1, 3, 'tool', 'planner', 4_100, 5_000),
  span(2, 1, 'agent', 'planner', 10_000, 30_000),
  span(2, 2, 'model', 'planner', 11_000, 20_000),
  span(3, 1, 'agent', 'planner', 100_000, 200_000),
  span(3, 2, 'workflow', 'planner', 110_000, 190_000),
  span(3, 3, 'workflow_node', 'planner', 300_000, 400_000),
  span(4, 2, 'model', 'researcher', 60_000, 70_000, { service: 'support' }),
  span(5, 2, 'model', 'researcher', -120_000, -1),
  span(6, 1, 'agent', 'planner', 80_000, 99_000),
  span(6, 2, 'tool', 'researcher', 90_000, 95_000),
  span(7, 1, 'model', null, 1_000, 2_000),
  span(7, 2, 'other', 'planner', 1_000, 2_000),
  span(7, 3, 'model', 'writer', 1_000, 15 * 60_000),
  span(8, 1, 'agent', 'planner', 200_000, 250_000),
  span(8, 2, 'tool', 'planner', 240_000, 250_500),
];

/** Error spans (and one that is not), by end: newest is trace 12's tool call. */
const ERRORS: SpanRecord[] = [
  span(10, 1, 'agent', 'planner', 0, 10_000, {
    statusCode: 2,
    statusMessage: 'run failed',
    errorType: 'AgentError',
  }),
  span(10, 2, 'tool', 'planner', 1_000, 9_000, {
    statusCode: 2,
    toolName: 'search',
    statusMessage: 'search timed out',
    errorType: 'TimeoutError',
  }),
  span(11, 1, 'model', 'planner', 20_000, 30_000, {
    statusCode: 2,
    provider: 'openai',
    requestModel: 'gpt-4o',
    errorType: 'RateLimitError',
    service: 'support',
  }),
  span(11, 2, 'tool', 'planner', 20_000, 30_000, { statusCode: 2, toolName: 'fetch', service: 'support' }),
  span(12, 1, 'tool', 'planner', 40_000, 50_000, { statusCode: 2, toolName: 'search' }),
  span(12, 2, 'tool', 'planner', 40_000, 49_000, { statusCode: 1, toolName: 'search' }),
  span(13, 1, 'tool', 'planner', -5_000, -1, { statusCode: 2, toolName: 'search' }),
];

const ids = (spans: SpanRecord[]) => spans.map((s) => `${s.traceId.slice(-2)}/${s.spanId.slice(-2)}`);

/** Declares the tests; called inside the `describe` of `runStoreConformance`. */
export function describeReportQueries(makeStore: () => Promise<Store>): void {
  describe('queries behind the report', () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('finds no runs in flight and no errors in an empty store', async () => {
      expect(await store.openAgentRuns(HORIZON)).toEqual([]);
      expect(await store.listErrorSpans({ fromMs: T0 - 60_000, toMs: T0 + 60_000, limit: 10 })).toEqual([]);
    });

    it('infers the runs in flight from calls that no agent span has closed', async () => {
      await store.writeSpans(RUNS);
      expect(await store.openAgentRuns(HORIZON)).toEqual([
        { agentName: 'planner', runs: 2, oldestStartMs: T0 + 1_000 },
        { agentName: 'researcher', runs: 2, oldestStartMs: T0 + 60_000 },
      ]);
      expect(await store.openAgentRuns({ ...HORIZON, service: 'checkout' })).toEqual([
        { agentName: 'planner', runs: 2, oldestStartMs: T0 + 1_000 },
        { agentName: 'researcher', runs: 1, oldestStartMs: T0 + 90_000 },
      ]);
      // A shorter horizon sees only the runs whose latest open call ended inside it.
      expect(await store.openAgentRuns({ sinceMs: T0 + 100_000, nowMs: HORIZON.nowMs })).toEqual([
        { agentName: 'planner', runs: 1, oldestStartMs: T0 + 300_000 },
      ]);
    });

    it('closes a run when its agent span arrives, whatever the order of the batches', async () => {
      await store.writeSpans(RUNS);
      await store.writeSpans([span(1, 1, 'agent', 'planner', 0, 6_000)]);
      expect(await store.openAgentRuns(HORIZON)).toEqual([
        { agentName: 'planner', runs: 1, oldestStartMs: T0 + 300_000 },
        { agentName: 'researcher', runs: 2, oldestStartMs: T0 + 60_000 },
      ]);
      // An agent span that ends before a child's end does not close that child.
      await store.writeSpans([span(4, 1, 'agent', 'researcher', 59_000, 65_000, { service: 'support' })]);
      expect((await store.openAgentRuns(HORIZON)).find((r) => r.agentName === 'researcher')).toEqual({
        agentName: 'researcher',
        runs: 2,
        oldestStartMs: T0 + 60_000,
      });
    });

    it('keeps a run closed whichever of its spans comes first, and dates a later run by its own calls', async () => {
      // The agent span first, its call in a later batch: never open.
      await store.writeSpans([span(20, 1, 'agent', 'planner', 0, 10_000)]);
      await store.writeSpans([span(20, 2, 'model', 'planner', 1_000, 9_000)]);
      // A first run's calls, then a second run's call, then the first run's agent span: the second
      // run is in flight since its own call started, not since the first run's.
      await store.writeSpans([span(21, 2, 'model', 'planner', 1_000, 2_000)]);
      await store.writeSpans([span(21, 4, 'tool', 'planner', 50_000, 60_000)]);
      await store.writeSpans([span(21, 1, 'agent', 'planner', 500, 3_000)]);
      // A call written twice counts once.
      await store.writeSpans([span(22, 2, 'tool', 'planner', 7_000, 8_000)]);
      await store.writeSpans([span(22, 2, 'tool', 'planner', 7_000, 8_000)]);
      expect(await store.openAgentRuns(HORIZON)).toEqual([
        { agentName: 'planner', runs: 2, oldestStartMs: T0 + 7_000 },
      ]);
      await store.writeSpans([span(22, 1, 'agent', 'planner', 6_000, 9_000)]);
      expect(await store.openAgentRuns(HORIZON)).toEqual([
        { agentName: 'planner', runs: 1, oldestStartMs: T0 + 50_000 },
      ]);
    });

    it('forgets the runs of traces that retention removes', async () => {
      await store.writeSpans(RUNS);
      await store.applyRetention({ maxAgeMs: 0, nowMs: T0 + 86_400_000 });
      expect(await store.openAgentRuns(HORIZON)).toEqual([]);
    });

    it('rejects a horizon that ends before it starts', async () => {
      await expect(store.openAgentRuns({ sinceMs: T0, nowMs: T0 - 1 })).rejects.toThrow(RangeError);
    });

    it('lists error spans newest first, exactly as written, within the window and the limit', async () => {
      await store.writeSpans(ERRORS);
      const window = { fromMs: T0, toMs: T0 + 60_000 };
      const all = await store.listErrorSpans({ ...window, limit: 100 });
      // Ends 50 000, 30 000 (twice: trace then span id descending), 10 000, 9 000; no OK span, none
      // before the window.
      expect(ids(all)).toEqual(['0c/01', '0b/02', '0b/01', '0a/01', '0a/02']);
      const written = new Map(ERRORS.map((s) => [s.spanId, s]));
      for (const found of all) expect(found).toEqual(written.get(found.spanId));
      expect(ids(await store.listErrorSpans({ ...window, limit: 2 }))).toEqual(['0c/01', '0b/02']);
      expect(ids(await store.listErrorSpans({ ...window, toMs: T0 + 30_000, limit: 100 }))).toEqual([
        '0a/01',
        '0a/02',
      ]);
    });

    it('filters error spans by category, service and tool', async () => {
      await store.writeSpans(ERRORS);
      const window = { fromMs: T0 - 60_000, toMs: T0 + 60_000, limit: 100 };
      expect(ids(await store.listErrorSpans({ ...window, category: 'tool' }))).toEqual([
        '0c/01',
        '0b/02',
        '0a/02',
        '0d/01',
      ]);
      expect(ids(await store.listErrorSpans({ ...window, category: 'tool', toolName: 'search' }))).toEqual([
        '0c/01',
        '0a/02',
        '0d/01',
      ]);
      expect(ids(await store.listErrorSpans({ ...window, service: 'support' }))).toEqual(['0b/02', '0b/01']);
      expect(await store.listErrorSpans({ ...window, category: 'workflow' })).toEqual([]);
    });

    it('rejects an error-span limit out of range', async () => {
      const window = { fromMs: T0, toMs: T0 + 1 };
      await expect(store.listErrorSpans({ ...window, limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.listErrorSpans({ ...window, limit: 1001 })).rejects.toThrow(RangeError);
    });

    it('counts only the spans of a service in stats by service', async () => {
      const all = [...RUNS, ...ERRORS];
      await store.writeSpans(all);
      const window = { fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000 };
      for (const service of ['checkout', 'support']) {
        const alone = await makeStore();
        try {
          await alone.writeSpans(all.filter((s) => s.service === service));
          for (const kind of ['overview', 'agents', 'tools', 'models'] as const) {
            expect(await store.stats(kind, window, { service }), `${kind} of ${service}`).toEqual(
              await alone.stats(kind, window),
            );
          }
        } finally {
          await alone.close();
        }
      }
      expect(await store.stats('agents', window, { service: 'nowhere' })).toEqual([]);
      const [overview] = await store.stats('overview', window, { service: 'nowhere' });
      expect(overview).toMatchObject({ requests: 0, modelCalls: 0, errorSpans: 0 });
    });

    it("counts only an agent's runs and the calls made inside them in stats by agent", async () => {
      const all = [...RUNS, ...ERRORS];
      await store.writeSpans(all);
      const window = { fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000 };
      for (const agent of ['planner', 'researcher']) {
        const alone = await makeStore();
        try {
          await alone.writeSpans(all.filter((s) => s.agentName === agent));
          for (const kind of ['overview', 'agents', 'tools', 'models'] as const) {
            expect(await store.stats(kind, window, { agent }), `${kind} of ${agent}`).toEqual(
              await alone.stats(kind, window),
            );
          }
        } finally {
          await alone.close();
        }
      }
      // With the service too: planner's tool calls in checkout are all search (fetch was in support).
      const tools = await store.stats('tools', window, { agent: 'planner', service: 'checkout' });
      expect(tools.map((t) => t.name).sort()).toEqual(['search']);
      expect(await store.stats('tools', window, { agent: 'nobody' })).toEqual([]);
    });
  });
}

import type { SpanRecord } from '@agentlens/core';
import { LATENCY_RELATIVE_ACCURACY } from '@agentlens/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  LogFilter,
  StatsGroup,
  Store,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TraceFilter,
} from '../store.js';
import {
  type FixtureFile,
  generateAgentSpans,
  logFromFixture,
  msToNanoString,
  readFixture,
  spanFromFixture,
} from './fixture-spans.js';
import { describeReportQueries } from './report-queries.js';

/**
 * The conformance suite every {@link Store} implementation runs: call it once per backend from
 * that backend's test file. `makeStore` returns a new, empty store each time (the suite closes
 * it). A backend that cannot honour a test opts out only by changing this suite with a stated
 * reason, never silently.
 *
 * @example
 * ```ts
 * runStoreConformance('SqliteStore', async () => new SqliteStore({ path: tempPath() }));
 * ```
 */

interface OffsetWindow {
  readonly fromOffsetMs: number;
  readonly toOffsetMs: number;
}

interface ExpectedGroup {
  readonly name: string;
  readonly provider: string | null;
  readonly requests: number;
  readonly failures: number;
  readonly latencySeconds: number[];
  readonly tokens: StatsGroup['tokens'];
  readonly costUsd: number;
  readonly unpricedCalls: number;
}

interface ExpectedTrace {
  readonly rootSpanName: string | null;
  readonly rootService: string | null;
  readonly startOffsetMs: number;
  readonly endOffsetMs: number;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly unpricedCalls: number;
}

type OffsetFilter<T> = Omit<T, 'fromMs' | 'toMs'> & { fromOffsetMs?: number; toOffsetMs?: number };

interface ExpectedFile {
  readonly traces: Record<string, ExpectedTrace>;
  readonly listTraces: { name: string; filter: OffsetFilter<TraceFilter>; expect: string[] }[];
  readonly stats: {
    readonly window: OffsetWindow;
    readonly overview: ExpectedGroup & { modelCalls: number; toolCalls: number; errorSpans: number };
    readonly agents: ExpectedGroup[];
    readonly tools: ExpectedGroup[];
    readonly models: ExpectedGroup[];
  };
  readonly timeseries: {
    measure: TimeseriesMeasure;
    stepMs: number;
    groupBy: TimeseriesGroupBy | null;
    window: OffsetWindow;
    series: Record<string, number[]>;
  }[];
  readonly logs: { name: string; filter: OffsetFilter<LogFilter>; expectOffsets: number[] }[];
  readonly services: { name: string; lastSeenOffsetMs: number }[];
}

const FIXTURE = readFixture<FixtureFile>('agents.json');
const EXPECTED = readFixture<ExpectedFile>('agents-expected.json');
const BASE = FIXTURE.baseTimeMs;
const SPANS: SpanRecord[] = FIXTURE.spans.map((f) => spanFromFixture(f, BASE));
const LOGS = FIXTURE.logs.map((f) => logFromFixture(f, BASE));
const WINDOW = toWindow(EXPECTED.stats.window);
const [TRACE_A, TRACE_B, TRACE_C, TRACE_D] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32)) as [
  string,
  string,
  string,
  string,
];

function toWindow(w: OffsetWindow): { fromMs: number; toMs: number } {
  return { fromMs: BASE + w.fromOffsetMs, toMs: BASE + w.toOffsetMs };
}

function withTimes<T extends object>(filter: OffsetFilter<T>): T {
  const { fromOffsetMs, toOffsetMs, ...rest } = filter;
  return {
    ...rest,
    ...(fromOffsetMs === undefined ? {} : { fromMs: BASE + fromOffsetMs }),
    ...(toOffsetMs === undefined ? {} : { toMs: BASE + toOffsetMs }),
  } as T;
}

/** The value at rank floor(q * (n - 1)) of the sorted values: what the histogram approximates. */
function exactQuantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

function expectWithinAccuracy(actual: number, expected: number, what: string): void {
  const tolerance = expected * LATENCY_RELATIVE_ACCURACY + 1e-12;
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function expectGroup(actual: StatsGroup | undefined, expected: ExpectedGroup): void {
  expect(actual, `group ${expected.name}`).toBeDefined();
  const g = actual as StatsGroup;
  expect({ name: g.name, provider: g.provider, requests: g.requests, failures: g.failures }).toEqual({
    name: expected.name,
    provider: expected.provider,
    requests: expected.requests,
    failures: expected.failures,
  });
  expect(g.tokens).toEqual(expected.tokens);
  expect(g.unpricedCalls).toBe(expected.unpricedCalls);
  expect(g.costUsd).toBeCloseTo(expected.costUsd, 12);
  const rate = expected.requests === 0 ? 1 : (expected.requests - expected.failures) / expected.requests;
  expect(g.successRate).toBeCloseTo(rate, 12);
  const lat = expected.latencySeconds;
  const mean = lat.length === 0 ? 0 : lat.reduce((a, b) => a + b, 0) / lat.length;
  expect(g.avgLatencySeconds).toBeCloseTo(mean, 9);
  expectWithinAccuracy(g.p50LatencySeconds, exactQuantile(lat, 0.5), `${g.name} p50`);
  expectWithinAccuracy(g.p95LatencySeconds, exactQuantile(lat, 0.95), `${g.name} p95`);
  expectWithinAccuracy(g.p99LatencySeconds, exactQuantile(lat, 0.99), `${g.name} p99`);
}

function expectedSummary(traceId: string, e: ExpectedTrace, listedOffsetMs = e.startOffsetMs) {
  return {
    traceId,
    rootSpanName: e.rootSpanName,
    rootService: e.rootService,
    startTimeUnixNano: msToNanoString(BASE + e.startOffsetMs),
    endTimeUnixNano: msToNanoString(BASE + e.endOffsetMs),
    durationMs: e.durationMs,
    listedAtMs: BASE + listedOffsetMs,
    spanCount: e.spanCount,
    errorCount: e.errorCount,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    costUsd: expect.closeTo(e.costUsd, 12),
    unpricedCalls: e.unpricedCalls,
  };
}

function byStartThenId(a: SpanRecord, b: SpanRecord): number {
  const sa = BigInt(a.startTimeUnixNano);
  const sb = BigInt(b.startTimeUnixNano);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

async function allTraceIds(store: Store, filter: TraceFilter = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTraces(filter, cursor, 1000);
    ids.push(...page.traces.map((t) => t.traceId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

async function writeInBatches(store: Store, spans: SpanRecord[], size = 512): Promise<void> {
  for (let i = 0; i < spans.length; i += size) await store.writeSpans(spans.slice(i, i + size));
}

/** Agent figures computed straight from spans: requests, failures, tokens and cost per agent. */
function bruteAgents(spans: readonly SpanRecord[], fromMinute: number, toMinute: number) {
  const out = new Map<
    string,
    { requests: number; failures: number; input: number; output: number; cost: number }
  >();
  for (const s of spans) {
    const minute = Math.floor(Number(BigInt(s.endTimeUnixNano) / 1_000_000n) / 60_000);
    if (minute < fromMinute || minute >= toMinute || s.agentName === null) continue;
    const g = out.get(s.agentName) ?? { requests: 0, failures: 0, input: 0, output: 0, cost: 0 };
    if (s.category === 'agent') {
      g.requests++;
      if (s.statusCode === 2) g.failures++;
    }
    if (!s.aggregatesChildren) {
      g.input += s.inputTokens ?? 0;
      g.output += s.outputTokens ?? 0;
      g.cost += s.costUsd ?? 0;
    }
    out.set(s.agentName, g);
  }
  return out;
}

/** Declares the conformance tests of `name` against stores made by `makeStore`. */
export function runStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('an empty store answers empty, not null', () => {
      it('has no traces, stats of zero and no logs', async () => {
        expect(await store.listTraces({}, null, 50)).toEqual({ traces: [], nextCursor: null });
        expect(await store.getTrace(TRACE_A)).toBeNull();
        const [overview] = await store.stats('overview', WINDOW);
        expect(overview).toMatchObject({ name: 'overview', requests: 0, failures: 0, successRate: 1 });
        expect(overview).toMatchObject({ modelCalls: 0, toolCalls: 0, errorSpans: 0, costUsd: 0 });
        expect(overview.p95LatencySeconds).toBe(0);
        expect(await store.stats('agents', WINDOW)).toEqual([]);
        expect(await store.stats('tools', WINDOW)).toEqual([]);
        expect(await store.stats('models', WINDOW)).toEqual([]);
        const series = await store.timeseries('requests', 60_000, null, WINDOW);
        expect(series).toEqual({
          measure: 'requests',
          stepMs: 60_000,
          startMs: WINDOW.fromMs,
          series: [{ key: null, values: [0, 0, 0, 0, 0] }],
        });
        expect((await store.timeseries('p95', 60_000, 'agent', WINDOW)).series).toEqual([]);
        expect(await store.listLogs({})).toEqual([]);
        expect(await store.services()).toEqual([]);
        expect(await store.applyRetention({ maxAgeMs: 0 })).toEqual({
          tracesDeleted: 0,
          spansDeleted: 0,
          logsDeleted: 0,
          rollupRowsDeleted: 0,
        });
        expect(await store.sizeBytes()).toBeGreaterThan(0);
        await store.writeSpans([]);
        await store.writeLogs([]);
      });
    });

    describe('queries over agents.json', () => {
      beforeEach(async () => {
        await store.writeSpans(SPANS);
        await store.writeLogs(LOGS);
      });

      it('returns every span of a trace exactly as written, and its logs', async () => {
        const trace = await store.getTrace(TRACE_A);
        const written = SPANS.filter((s) => s.traceId === TRACE_A).sort(byStartThenId);
        expect(trace).toEqual({
          traceId: TRACE_A,
          spans: written,
          logs: LOGS.filter((l) => l.traceId === TRACE_A),
        });
      });

      it('returns null for an unknown or malformed trace id', async () => {
        expect(await store.getTrace('0'.repeat(32))).toBeNull();
        expect(await store.getTrace('not-a-trace-id')).toBeNull();
      });

      it('summarises each trace', async () => {
        const page = await store.listTraces({}, null, 10);
        expect(page.nextCursor).toBeNull();
        expect(page.traces).toEqual(
          [TRACE_D, TRACE_C, TRACE_B, TRACE_A].map((id) =>
            expectedSummary(id, EXPECTED.traces[id] as ExpectedTrace),
          ),
        );
      });

      for (const c of EXPECTED.listTraces) {
        it(`lists traces: ${c.name}`, async () => {
          expect(await allTraceIds(store, withTimes<TraceFilter>(c.filter))).toEqual(c.expect);
        });
      }

      it('pages with a cursor until the cursor is null', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await store.listTraces({}, cursor, 1);
          seen.push(...page.traces.map((t) => t.traceId));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== null);
        expect(seen).toEqual([TRACE_D, TRACE_C, TRACE_B, TRACE_A]);
        expect(pages).toBe(4);
        const filtered = await store.listTraces({ service: 'checkout' }, null, 1);
        expect(filtered.traces.map((t) => t.traceId)).toEqual([TRACE_B]);
        const rest = await store.listTraces({ service: 'checkout' }, filtered.nextCursor, 1);
        expect(rest).toMatchObject({ traces: [{ traceId: TRACE_A }], nextCursor: null });
      });

      it('keeps pages stable while traces are inserted', async () => {
        const first = await store.listTraces({}, null, 2);
        expect(first.traces.map((t) => t.traceId)).toEqual([TRACE_D, TRACE_C]);
        const newer = 'e'.repeat(32);
        const between = 'f'.repeat(32);
        await store.writeSpans([
          spanFromFixture(
            { traceId: newer, spanId: 'e000000000000001', startOffsetMs: 240_000, durationMs: 10 },
            BASE,
          ),
          spanFromFixture(
            { traceId: between, spanId: 'f000000000000001', startOffsetMs: 30_000, durationMs: 10 },
            BASE,
          ),
        ]);
        const second = await store.listTraces({}, first.nextCursor, 2);
        expect(second.traces.map((t) => t.traceId)).toEqual([TRACE_B, between]);
        const third = await store.listTraces({}, second.nextCursor, 2);
        expect(third).toMatchObject({ traces: [{ traceId: TRACE_A }], nextCursor: null });
      });

      it('rejects a malformed cursor and an out-of-range limit with RangeError', async () => {
        await expect(store.listTraces({}, 'bogus', 10)).rejects.toThrow(RangeError);
        await expect(store.listTraces({}, null, 0)).rejects.toThrow(RangeError);
        await expect(store.listTraces({}, null, 1001)).rejects.toThrow(RangeError);
        await expect(store.timeseries('requests', 1000, null, WINDOW)).rejects.toThrow(RangeError);
        await expect(store.listLogs({ limit: 0 })).rejects.toThrow(RangeError);
      });

      it('computes the overview from rollups', async () => {
        const [overview] = await store.stats('overview', WINDOW);
        const e = EXPECTED.stats.overview;
        expectGroup(overview, e);
        expect(overview).toMatchObject({
          modelCalls: e.modelCalls,
          toolCalls: e.toolCalls,
          errorSpans: e.errorSpans,
        });
      });

      for (const kind of ['agents', 'tools', 'models'] as const) {
        it(`computes ${kind} stats from rollups, in order`, async () => {
          const groups = await store.stats(kind, WINDOW);
          const expected = EXPECTED.stats[kind];
          expect(groups.map((g) => [g.name, g.provider])).toEqual(expected.map((g) => [g.name, g.provider]));
          expected.forEach((e, i) => {
            expectGroup(groups[i], e);
          });
        });
      }

      it('counts only the minutes inside the window', async () => {
        const [overview] = await store.stats(
          'overview',
          toWindow({ fromOffsetMs: 60_000, toOffsetMs: 120_000 }),
        );
        expect(overview).toMatchObject({ requests: 2, failures: 1, modelCalls: 2, toolCalls: 2 });
        const [none] = await store.stats('overview', toWindow({ fromOffsetMs: 1, toOffsetMs: 60_000 }));
        expect(none).toMatchObject({ requests: 0, modelCalls: 0 });
      });

      for (const c of EXPECTED.timeseries) {
        it(`timeseries ${c.measure} by ${c.groupBy ?? 'nothing'} every ${c.stepMs / 60_000} min`, async () => {
          const window = toWindow(c.window);
          const result = await store.timeseries(c.measure, c.stepMs, c.groupBy, window);
          expect(result.measure).toBe(c.measure);
          expect(result.stepMs).toBe(c.stepMs);
          const keys = Object.keys(c.series).sort();
          expect(result.series.map((s) => s.key ?? '')).toEqual(keys);
          expect(result.startMs).toBe(Math.floor(window.fromMs / c.stepMs) * c.stepMs);
          for (const series of result.series) {
            const values = c.series[series.key ?? ''] as number[];
            expect(series.values).toHaveLength(values.length);
            series.values.forEach((value, i) => {
              const v = values[i] as number;
              if (c.measure === 'p95') expectWithinAccuracy(value, v, `${series.key} step ${i}`);
              else expect(value).toBeCloseTo(v, 12);
            });
          }
        });
      }

      for (const c of EXPECTED.logs) {
        it(`lists logs: ${c.name}`, async () => {
          const logs = await store.listLogs(withTimes<LogFilter>(c.filter));
          expect(logs.map((l) => l.timeUnixNano)).toEqual(
            c.expectOffsets.map((o) => msToNanoString(BASE + o)),
          );
        });
      }

      it('returns logs exactly as written', async () => {
        const logs = await store.listLogs({});
        expect([...logs].reverse()).toEqual(
          [...LOGS].sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1)),
        );
      });

      it('lists services', async () => {
        expect(await store.services()).toEqual(
          EXPECTED.services.map((s) => ({ name: s.name, lastSeenMs: BASE + s.lastSeenOffsetMs })),
        );
      });

      it('splits cost and calls by provider as the models of each provider add up', async () => {
        const models = await store.stats('models', WINDOW);
        const providers = [...new Set(models.map((m) => m.provider ?? ''))].filter((p) => p !== '').sort();
        expect(providers.length).toBeGreaterThan(1);
        for (const measure of ['cost', 'requests', 'tokens'] as const) {
          for (const stepMs of [60_000, 3_600_000]) {
            const byProvider = await store.timeseries(measure, stepMs, 'provider', WINDOW);
            const byModel = await store.timeseries(measure, stepMs, 'model', WINDOW);
            expect(byProvider.series.map((s) => s.key)).toEqual(providers);
            for (const series of byProvider.series) {
              const names = models.filter((m) => m.provider === series.key).map((m) => m.name);
              const expected = series.values.map((_, i) =>
                byModel.series
                  .filter((m) => names.includes(m.key ?? ''))
                  .reduce((sum, m) => sum + (m.values[i] ?? 0), 0),
              );
              expect(series.values.map((v) => Number(v.toFixed(9)))).toEqual(
                expected.map((v) => Number(v.toFixed(9))),
              );
            }
            const total = byProvider.series.flatMap((s) => s.values).reduce((sum, v) => sum + v, 0);
            const fromStats = models.reduce(
              (sum, m) =>
                sum +
                (measure === 'cost'
                  ? m.costUsd
                  : measure === 'requests'
                    ? m.requests
                    : m.tokens.input + m.tokens.output),
              0,
            );
            expect(total).toBeCloseTo(fromStats, 9);
          }
        }
      });

      it('ignores duplicate span ids: one row, no double counting', async () => {
        const before = {
          list: await store.listTraces({}, null, 10),
          overview: await store.stats('overview', WINDOW),
          models: await store.stats('models', WINDOW),
          series: await store.timeseries('tokens', 60_000, 'model', WINDOW),
        };
        await store.writeSpans(SPANS);
        const first = SPANS[0] as SpanRecord;
        await store.writeSpans([first, first, { ...first, name: 'a different name', durationMs: 99 }]);
        expect(await store.listTraces({}, null, 10)).toEqual(before.list);
        expect(await store.stats('overview', WINDOW)).toEqual(before.overview);
        expect(await store.stats('models', WINDOW)).toEqual(before.models);
        expect(await store.timeseries('tokens', 60_000, 'model', WINDOW)).toEqual(before.series);
        const trace = await store.getTrace(TRACE_A);
        expect(trace?.spans).toHaveLength(4);
        expect(trace?.spans[0]?.name).toBe(first.name);
      });

      it('removes whole traces, logs and rollups older than the age limit', async () => {
        const result = await store.applyRetention({ maxAgeMs: 7 * 60_000, nowMs: BASE + 10 * 60_000 });
        expect(result).toMatchObject({ tracesDeleted: 3, spansDeleted: 10, logsDeleted: 3 });
        expect(result.rollupRowsDeleted).toBeGreaterThan(0);
        expect(await allTraceIds(store)).toEqual([TRACE_D]);
        expect(await store.getTrace(TRACE_A)).toBeNull();
        const [overview] = await store.stats('overview', WINDOW);
        expect(overview).toMatchObject({ requests: 0, modelCalls: 1, toolCalls: 0 });
        expect((await store.listLogs({})).map((l) => l.body)).toEqual(['cache warmed']);
        expect((await store.services()).map((s) => s.name)).toEqual(['support']);
        expect(await store.getTrace(TRACE_D)).not.toBeNull();
      });
    });

    it('assembles a trace whose children arrive before their parent', async () => {
      const c = SPANS.filter((s) => s.traceId === TRACE_C);
      const root = c.find((s) => s.parentSpanId === null) as SpanRecord;
      const children = c.filter((s) => s !== root);
      await store.writeSpans(children);
      const partial = await store.listTraces({}, null, 10);
      expect(partial.traces).toEqual([
        {
          ...expectedSummary(TRACE_C, {
            ...(EXPECTED.traces[TRACE_C] as ExpectedTrace),
            rootSpanName: null,
            rootService: null,
            startOffsetMs: 60_050,
            endOffsetMs: 60_450,
            durationMs: 400,
            spanCount: 2,
          }),
        },
      ]);
      expect((await store.getTrace(TRACE_C))?.spans).toHaveLength(2);
      await store.writeSpans([root]);
      const complete = await store.listTraces({}, null, 10);
      // The listed time stays where the first batch put it, so open cursors stay valid.
      expect(complete.traces).toEqual([
        expectedSummary(TRACE_C, EXPECTED.traces[TRACE_C] as ExpectedTrace, 60_050),
      ]);
      const trace = await store.getTrace(TRACE_C);
      expect(trace?.spans).toEqual([...c].sort(byStartThenId));
      const [responder] = await store.stats('agents', WINDOW);
      expectGroup(responder, EXPECTED.stats.agents[1] as ExpectedGroup);
    });

    it('keeps unicode and 100 KB attribute values intact, and finds text inside them', async () => {
      const long = `${'lorem ipsum dolor sit amet '.repeat(3000)}NEEDLE-Ω-${'é漢🙂'.repeat(4000)}`;
      expect(long.length).toBeGreaterThan(60_000);
      expect(Buffer.byteLength(long)).toBeGreaterThan(100_000);
      const span = spanFromFixture(
        {
          traceId: '1'.repeat(32),
          spanId: '1'.repeat(16),
          startOffsetMs: 0,
          durationMs: 5,
          name: 'générer la réponse 🚀',
          service: 'サービス',
          attributes: {
            'gen_ai.prompt': long,
            'ключ.юникод': 'значение',
            nested: { list: [1, 'two', true, null, { deep: '🙂' }] },
            '': 'empty key',
          },
          events: [{ timeUnixNano: msToNanoString(BASE + 1), name: 'événement', attributes: { long } }],
          links: [
            { traceId: '2'.repeat(32), spanId: '2'.repeat(16), traceState: 'k=v', attributes: { ü: 1 } },
          ],
        },
        BASE,
      );
      await store.writeSpans([span]);
      expect(await store.getTrace(span.traceId)).toEqual({ traceId: span.traceId, spans: [span], logs: [] });
      expect(await allTraceIds(store, { text: 'needle-Ω' })).toEqual([span.traceId]);
      expect(await allTraceIds(store, { service: 'サービス' })).toEqual([span.traceId]);
      expect((await store.services()).map((s) => s.name)).toEqual(['サービス']);
    });

    it('finds a span by the name of an attribute the store keeps in its column', async () => {
      const span = spanFromFixture(
        {
          traceId: '3'.repeat(32),
          spanId: '3'.repeat(16),
          startOffsetMs: 0,
          durationMs: 5,
          name: 'execute_tool calculator',
          service: 'key-search',
          toolName: 'calculator',
          attributes: { 'gen_ai.tool.name': 'calculator', 'gen_ai.operation.name': 'execute_tool' },
        },
        BASE,
      );
      await store.writeSpans([span]);
      expect((await store.getTrace(span.traceId))?.spans[0]?.attributes).toEqual(span.attributes);
      // Key names and parts of them, ASCII case-insensitive, as for values.
      for (const text of ['gen_ai.tool.name', 'GEN_AI.TOOL', 'tool.na']) {
        expect(await allTraceIds(store, { text, service: 'key-search' }), text).toEqual([span.traceId]);
      }
      expect(await allTraceIds(store, { text: 'gen_ai.request.model', service: 'key-search' })).toEqual([]);
    });

    it('keeps the tracestate and scope attributes of a span, and their absence', async () => {
      const plain = SPANS[0] as SpanRecord;
      const withState: SpanRecord = {
        ...plain,
        spanId: 'f'.repeat(16),
        traceState: 'vendor=abc,other=1',
        scope: { name: 'openinference', version: '2.0', attributes: { 'scope.owner': 'ml' } },
      };
      await store.writeSpans([plain, withState]);
      const spans = (await store.getTrace(plain.traceId))?.spans ?? [];
      expect(spans.find((s) => s.spanId === withState.spanId)).toEqual(withState);
      const stored = spans.find((s) => s.spanId === plain.spanId);
      expect(stored).toEqual(plain);
      expect(stored && 'traceState' in stored).toBe(false);
    });

    it('answers long windows from the hour tier as the spans say, before and after retention cuts an hour', {
      timeout: 60_000,
    }, async () => {
      // 240 traces, one a minute: four hours of data starting on the hour.
      const spans = generateAgentSpans({
        traces: 240,
        spansPerTrace: 4,
        startMs: BASE,
        traceGapMs: 60_000,
        seed: 3,
      });
      await writeInBatches(store, spans, 300);
      const check = async (fromMs: number, toMs: number) => {
        const fromMinute = Math.ceil(fromMs / 60_000);
        const toMinute = Math.ceil(toMs / 60_000);
        const expected = bruteAgents(spans, fromMinute, toMinute);
        const groups = await store.stats('agents', { fromMs, toMs });
        expect(groups.map((g) => g.name).sort()).toEqual([...expected.keys()].sort());
        for (const g of groups) {
          const e = expected.get(g.name);
          expect({
            requests: g.requests,
            failures: g.failures,
            input: g.tokens.input,
            output: g.tokens.output,
          }).toEqual({
            requests: e?.requests,
            failures: e?.failures,
            input: e?.input,
            output: e?.output,
          });
          expect(g.costUsd).toBeCloseTo(e?.cost ?? 0, 9);
        }
        // Hourly steps read the hour tier; minute steps the minute tier: the totals agree.
        for (const stepMs of [3_600_000, 60_000]) {
          const set = await store.timeseries('requests', stepMs, 'agent', { fromMs, toMs });
          for (const series of set.series) {
            const total = series.values.reduce((n, v) => n + v, 0);
            expect(total, `${series.key} every ${stepMs / 60_000} min`).toBe(
              expected.get(series.key ?? '')?.requests,
            );
          }
        }
      };
      // Not on hour boundaries: minutes at both ends, whole hours between.
      await check(BASE + 17 * 60_000 + 5_000, BASE + 185 * 60_000 + 30_000);
      await check(BASE, BASE + 4 * 3_600_000);
      await check(BASE + 61 * 60_000, BASE + 119 * 60_000);
      // Retention at minute 150 cuts the third hour; what is left must still add up.
      await store.applyRetention({ maxAgeMs: 60_000, nowMs: BASE + 151 * 60_000 });
      const left = spans.filter((s) => Number(BigInt(s.endTimeUnixNano) / 1_000_000n) >= BASE + 150 * 60_000);
      const expected = bruteAgents(left, 0, Number.MAX_SAFE_INTEGER);
      const groups = await store.stats('agents', { fromMs: BASE - 3_600_000, toMs: BASE + 5 * 3_600_000 });
      for (const g of groups) expect(g.requests, g.name).toBe(expected.get(g.name)?.requests ?? 0);
      expect(groups.reduce((n, g) => n + g.requests, 0)).toBe(
        [...expected.values()].reduce((n, g) => n + g.requests, 0),
      );
    });

    it('rejects a batch with an invalid span and stores none of it', async () => {
      const good = SPANS[0] as SpanRecord;
      await expect(store.writeSpans([good, { ...good, spanId: 'xyz' }])).rejects.toThrow();
      expect(await store.getTrace(TRACE_A)).toBeNull();
      const [overview] = await store.stats('overview', WINDOW);
      expect(overview.requests).toBe(0);
      await store.writeSpans([good]);
      expect((await store.getTrace(TRACE_A))?.spans).toEqual([good]);
    });

    it('returns all 10 000 spans of one trace', { timeout: 60_000 }, async () => {
      const spans = generateAgentSpans({ traces: 1, spansPerTrace: 10_000, startMs: BASE, seed: 7 });
      await writeInBatches(store, spans);
      const traceId = (spans[0] as SpanRecord).traceId;
      const trace = await store.getTrace(traceId);
      expect(trace?.spans).toHaveLength(10_000);
      expect(new Set(trace?.spans.map((s) => s.spanId))).toEqual(new Set(spans.map((s) => s.spanId)));
      expect(trace?.spans).toEqual([...spans].sort(byStartThenId));
      const [summary] = (await store.listTraces({}, null, 1)).traces;
      expect(summary).toMatchObject({ traceId, spanCount: 10_000, rootSpanName: 'invoke_agent planner' });
    });

    it('removes the oldest traces until the store fits the size limit', { timeout: 60_000 }, async () => {
      const spans = generateAgentSpans({ traces: 400, spansPerTrace: 10, startMs: BASE, seed: 3 });
      await writeInBatches(store, spans);
      const traceIds = [...new Set(spans.map((s) => s.traceId))];
      // A limit above the size removes nothing, and lets the backend hand back transient space.
      expect(await store.applyRetention({ maxBytes: Number.MAX_SAFE_INTEGER })).toMatchObject({
        tracesDeleted: 0,
      });
      const before = await store.sizeBytes();
      const maxBytes = Math.floor(before * 0.6);
      const result = await store.applyRetention({ maxBytes });
      expect(result.tracesDeleted).toBeGreaterThan(0);
      expect(result.tracesDeleted).toBeLessThan(400);
      expect(result.spansDeleted).toBe(result.tracesDeleted * 10);
      expect(await store.sizeBytes()).toBeLessThanOrEqual(maxBytes);
      const remaining = await allTraceIds(store);
      // Newest first, and exactly the newest ones: nothing newer was removed before something older.
      expect(remaining).toEqual(traceIds.slice(result.tracesDeleted).reverse());
    });

    describeReportQueries(makeStore);
  });
}

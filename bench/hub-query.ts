/**
 * The hub's queries over a large store, in one run: 1 000 000 realistic agent spans (quick mode:
 * 20 000) spread over the last 7 days are written into a `SqliteStore` (the built package), then
 * the trace list, trace by id, stats and timeseries queries are timed, first on the store itself
 * (the floor: no HTTP, no JSON), then through the HTTP API of a hub (the built `agentlens serve`, in a child process) on the
 * same file, with the typed `HubClient`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeSpan, type OtlpSpan, PriceCatalog, seededRandom } from '@agentlens/core';
import { SqliteStore, type Store, type TimeWindow } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import Database from 'better-sqlite3';
import { AGENTS, agentTrace, traceIdOf } from './support/agent-spans.js';
import type { Benchmark, BenchmarkOptions } from './support/benchmark.js';
import { type HubProcess, startHubProcess } from './support/hub-process.js';
import { formatBytes, formatCount, formatMs, markdownTable } from './support/markdown.js';
import { percentiles } from './support/percentiles.js';
import { removeDatabase } from './support/sqlite-floor.js';

// ---- plan ----------------------------------------------------------------------------------------

/** How long one query is repeated. */
interface Budget {
  /** Untimed calls first. */
  readonly warmUps: number;
  /** Repeat until at least this many calls and at least `minMs` were spent... */
  readonly minCalls: number;
  readonly minMs: number;
  /** ...but stop at `maxCalls`, or once `maxMs` were spent and at least `fewestCalls` made. */
  readonly maxCalls: number;
  readonly maxMs: number;
  readonly fewestCalls: number;
}

interface Plan {
  readonly spans: number;
  /** Spans per `writeSpans` call while loading. */
  readonly loadBatch: number;
  readonly query: Budget;
  readonly traceById: Budget;
}

function planFor(quick: boolean): Plan {
  return quick
    ? {
        spans: 20_000,
        loadBatch: 2_000,
        query: { warmUps: 1, minCalls: 8, minMs: 50, maxCalls: 100, maxMs: 500, fewestCalls: 3 },
        traceById: { warmUps: 50, minCalls: 200, minMs: 100, maxCalls: 400, maxMs: 1000, fewestCalls: 200 },
      }
    : {
        spans: 1_000_000,
        loadBatch: 2_000,
        query: { warmUps: 2, minCalls: 30, minMs: 2000, maxCalls: 1000, maxMs: 8000, fewestCalls: 5 },
        // A tail percentile wants both processes warm: over the first thousand calls or so a fresh
        // client or hub still compiles and grows its heap (p99 4.7 to 4.9 ms there, 1.5 to 1.9 ms after).
        traceById: {
          warmUps: 1000,
          minCalls: 3000,
          minMs: 3000,
          maxCalls: 10_000,
          maxMs: 10_000,
          fewestCalls: 3000,
        },
      };
}

const DAY_MS = 86_400_000;
const SPREAD_MS = 7 * DAY_MS;
const PAGE = 50;
const TARGET_TRACE_P99_MS = 5;
const TARGET_ROLLUP_P95_MS = 50;

// ---- load ----------------------------------------------------------------------------------------

interface LoadResult {
  readonly spans: number;
  readonly traces: number;
  readonly writeSeconds: number;
  readonly wallSeconds: number;
  /** `sizeBytes()` right after the load, WAL included, and after a WAL checkpoint. */
  readonly sizeBytes: number;
  readonly checkpointedSizeBytes: number;
  /** Largest RSS of this process seen while loading (sampled after every batch), bytes. */
  readonly peakRssBytes: number;
}

/** Mean spans per trace of the generator, from a sample, to spread the traces evenly. */
function meanSpansPerTrace(): number {
  let spans = 0;
  const sample = 2000;
  for (let i = 0; i < sample; i++) spans += agentTrace(i, { traceId: traceIdOf(i + 1), startUs: 0 }).length;
  return spans / sample;
}

/**
 * Writes `plan.spans` spans, oldest trace first, in `plan.loadBatch`-span batches, generating
 * each batch just before writing it, so memory holds one batch at a time. The spans are what the
 * hub would store: normalized and priced by `normalizeSpan`.
 */
async function loadStore(
  store: SqliteStore,
  plan: Plan,
  progress: (message: string) => void,
): Promise<LoadResult> {
  const prices = new PriceCatalog();
  const expectedTraces = Math.ceil(plan.spans / meanSpansPerTrace());
  const endMs = Date.now() - 60_000;
  const gapUs = Math.floor(((SPREAD_MS - 60_000) * 1000) / expectedTraces);
  const firstUs = (endMs - SPREAD_MS + 60_000) * 1000;
  const started = performance.now();
  let writeMs = 0;
  let written = 0;
  let traces = 0;
  let peakRssBytes = 0;
  let pending: OtlpSpan[] = [];
  const flush = async () => {
    const records = pending.map((span) => normalizeSpan(span, { prices }));
    pending = [];
    const t0 = performance.now();
    await store.writeSpans(records);
    writeMs += performance.now() - t0;
    written += records.length;
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    if (written % 100_000 < plan.loadBatch) progress(`loaded ${formatCount(written)} spans`);
  };
  while (written + pending.length < plan.spans) {
    const startUs = firstUs + traces * gapUs;
    const trace = agentTrace(traces, { traceId: traceIdOf(traces + 1), startUs });
    traces++;
    pending.push(...trace.slice(0, plan.spans - written - pending.length));
    if (pending.length >= plan.loadBatch) await flush();
  }
  if (pending.length > 0) await flush();
  const wallSeconds = (performance.now() - started) / 1000;
  const sizeBytes = await store.sizeBytes();
  // Retention by size with no limit only checkpoints and truncates the WAL (see Store).
  await store.applyRetention({ maxBytes: Number.MAX_SAFE_INTEGER });
  const checkpointedSizeBytes = await store.sizeBytes();
  return {
    spans: written,
    traces,
    writeSeconds: writeMs / 1000,
    wallSeconds,
    sizeBytes,
    checkpointedSizeBytes,
    peakRssBytes,
  };
}

// ---- queries -------------------------------------------------------------------------------------

/** One query, asked both ways; `check` throws when an answer is not what the data must give. */
interface QueryCase {
  readonly name: string;
  readonly budget: Budget;
  readonly direct: (store: Store) => Promise<unknown>;
  readonly http: (client: HubClient) => Promise<unknown>;
  /**
   * Over HTTP, once the query was timed alone, it is timed again with these calls, each made
   * once after every call of the query (see `Alongside`).
   */
  readonly alongside?: readonly Alongside[];
  /** What one answer holds, for the table (from the direct answer). */
  readonly describe: (answer: unknown) => string;
  readonly check: (answer: unknown) => void;
}

/**
 * A call timed over HTTP in step with a query, so that both see the same machine at the same
 * moments: the same query through another client, or the HTTP floor (a path the hub answers
 * without its store).
 */
interface Alongside {
  readonly name: string;
  /** What one answer holds, for the table. */
  readonly shape: string;
  readonly call: (baseUrl: string) => Promise<unknown>;
}

interface Timing {
  readonly calls: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly shape: string;
}

/** `op` timed within `budget`, and each of `alongside` once after every call of `op`. */
async function timeQuery(
  op: () => Promise<unknown>,
  budget: Budget,
  check: (answer: unknown) => void,
  describe: (answer: unknown) => string,
  alongside: readonly (() => Promise<unknown>)[] = [],
): Promise<Timing & { alongside: Timing[] }> {
  let shape = '';
  for (let i = 0; i < budget.warmUps; i++) {
    check(await op());
    for (const call of alongside) await call();
  }
  const ms: number[] = [];
  const alongsideMs = alongside.map((): number[] => []);
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const answer = await op();
    ms.push(performance.now() - t0);
    check(answer);
    for (const [i, call] of alongside.entries()) {
      const t1 = performance.now();
      await call();
      alongsideMs[i]?.push(performance.now() - t1);
    }
    if (ms.length === 1) shape = describe(answer);
    const elapsed = performance.now() - started;
    const enough = ms.length >= budget.minCalls && elapsed >= budget.minMs;
    const capped =
      ms.length >= budget.maxCalls || (ms.length >= budget.fewestCalls && elapsed >= budget.maxMs);
    if (enough || capped) break;
  }
  return {
    calls: ms.length,
    ...percentiles(ms),
    shape,
    alongside: alongsideMs.map((values) => ({ calls: values.length, ...percentiles(values), shape: '' })),
  };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`${what}; the measurement is not trustworthy`);
}

/** One keep-alive connection for the `node:http` calls, as HubClient's fetch keeps one. */
const nodeHttpAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** GET `url` through `node:http` and parse the answer as JSON; throws on any status but 200. */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { agent: nodeHttpAgent, headers: { accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
        else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

type Page = { traces: { errorCount: number }[] };
type Trace = { spans: unknown[] } | null;
type Groups = { groups?: { requests: number }[] } | { requests: number }[];
type Series = { series: { values: unknown[] }[] };

const groupsOf = (answer: unknown) => {
  const a = answer as Groups;
  return Array.isArray(a) ? a : (a.groups ?? []);
};

function queryCases(plan: Plan, traces: number, windowOf: (ms: number) => TimeWindow): QueryCase[] {
  const list = (name: string, filter: { agent?: string; status?: 'error' }): QueryCase => ({
    name,
    budget: plan.query,
    direct: (store) => store.listTraces(filter, null, PAGE),
    http: (client) => client.listTraces({ ...filter, limit: PAGE }),
    describe: (a) => `${(a as Page).traces.length} traces`,
    check: (a) => {
      const page = a as Page;
      expect(page.traces.length === PAGE, `${name}: ${page.traces.length} traces instead of a full page`);
      if (filter.status === 'error')
        expect(
          page.traces.every((t) => t.errorCount > 0),
          `${name}: a trace without error`,
        );
    },
  });
  // Both ways draw the same ids: a fresh generator per way, same seed.
  const idStreams = new Map<string, () => number>();
  const randomTraceId = (way: string) => {
    let random = idStreams.get(way);
    if (random === undefined) {
      random = seededRandom(0x7ace);
      idStreams.set(way, random);
    }
    return traceIdOf(1 + Math.floor(random() * traces));
  };
  const stats = (kind: 'overview' | 'agents' | 'models', window: '24h' | '7d'): QueryCase => {
    const ms = window === '24h' ? DAY_MS : 7 * DAY_MS;
    return {
      name: `stats ${kind}, ${window}`,
      budget: plan.query,
      direct: (store) => store.stats(kind, windowOf(ms)),
      http: (client) => client.stats(kind, { window }),
      describe: (a) => `${groupsOf(a).length} group${groupsOf(a).length === 1 ? '' : 's'}`,
      check: (a) => {
        const groups = groupsOf(a);
        expect(groups.length > 0 && (groups[0]?.requests ?? 0) > 0, `stats ${kind} ${window}: no requests`);
      },
    };
  };
  const timeseries = (measure: 'requests' | 'p95'): QueryCase => ({
    name: `timeseries ${measure} by agent, 1m steps, 24h`,
    budget: plan.query,
    direct: (store) => store.timeseries(measure, 60_000, 'agent', windowOf(DAY_MS)),
    http: (client) => client.timeseries({ measure, step: '1m', groupBy: 'agent', window: '24h' }),
    describe: (a) => {
      const { series } = a as Series;
      return `${series.length} series × ${formatCount(series[0]?.values.length ?? 0)} steps`;
    },
    check: (a) => {
      const { series } = a as Series;
      expect(series.length === AGENTS.length, `timeseries ${measure}: ${series.length} series`);
    },
  });
  return [
    list('list traces, first page', {}),
    list(`list traces, agent = ${AGENTS[1]}`, { agent: AGENTS[1] }),
    list('list traces, status = error', { status: 'error' }),
    {
      name: 'trace by id (random ids)',
      budget: plan.traceById,
      direct: (store) => store.getTrace(randomTraceId('direct')),
      http: (client) => client.getTrace(randomTraceId('http')),
      alongside: [
        {
          name: 'trace by id, `node:http`',
          shape: 'a trace',
          // The same query, without fetch: an http.Agent with keep-alive, the JSON body parsed.
          call: (baseUrl) => getJson(`${baseUrl}/api/traces/${randomTraceId('node:http')}`),
        },
        {
          name: '`GET /healthz`, fetch (the HTTP floor)',
          shape: 'status ok',
          // What HubClient does for a call, on a path the hub answers without its store.
          call: async (baseUrl) => {
            const response = await fetch(`${baseUrl}/healthz`, {
              headers: { accept: 'application/json' },
              signal: AbortSignal.timeout(60_000),
            });
            if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
            return response.json();
          },
        },
      ],
      describe: (a) => `${(a as Trace)?.spans.length ?? 0} spans (first)`,
      check: (a) =>
        expect(a !== null && (a as NonNullable<Trace>).spans.length > 0, 'trace by id: not found'),
    },
    stats('overview', '24h'),
    stats('agents', '24h'),
    stats('models', '24h'),
    stats('overview', '7d'),
    stats('agents', '7d'),
    stats('models', '7d'),
    timeseries('requests'),
    timeseries('p95'),
  ];
}

function rollupRows(dbPath: string, nowMs: number): { day: number; week: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const count = db.prepare('SELECT count(*) FROM rollups WHERE minute >= ?').pluck();
    return {
      day: count.get(Math.ceil((nowMs - DAY_MS) / 60_000)) as number,
      week: count.get(Math.ceil((nowMs - 7 * DAY_MS) / 60_000)) as number,
    };
  } finally {
    db.close();
  }
}

// ---- run -------------------------------------------------------------------------------------------

interface Row {
  readonly query: QueryCase;
  readonly direct: Timing;
  readonly http: Timing;
  /** The query timed again over HTTP, in step with its `alongside` calls. */
  readonly inStep?: Timing & { alongside: Timing[] };
}

function targetLines(rows: readonly Row[], quick: boolean, spans: number): string[] {
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const byId = rows.find((r) => r.query.name.startsWith('trace by id'));
  const rollup24h = rows.filter(
    (r) =>
      (r.query.name.startsWith('stats') || r.query.name.startsWith('timeseries')) &&
      r.query.name.includes('24h'),
  );
  if (byId === undefined || rollup24h.length === 0) return [];
  const worst = (way: 'direct' | 'http') =>
    rollup24h.reduce((top, r) => (r[way].p95 > top[way].p95 ? r : top));
  const worstDirect = worst('direct');
  const worstHttp = worst('http');
  const scope = quick ? ` (quick mode: ${formatCount(spans)} spans, not 1 000 000; not evaluated)` : '';
  const verdict = (ok: boolean) => (quick ? 'not evaluated' : met(ok));
  const [nodeHttp, floor] = byId.inStep?.alongside ?? [];
  const alongsideNote =
    byId.inStep === undefined || nodeHttp === undefined || floor === undefined
      ? ''
      : ` through \`HubClient\` (fetch); timed again in step with two other calls, ${formatMs(byId.inStep.p99)} ms, against ${formatMs(nodeHttp.p99)} ms for the same query through \`node:http\` and ${formatMs(floor.p99)} ms for fetch on \`/healthz\`, the HTTP floor`;
  return [
    `Trace by id, p99: ${formatMs(byId.direct.p99)} ms on the store, ${formatMs(byId.http.p99)} ms over HTTP${alongsideNote}; target < ${TARGET_TRACE_P99_MS} ms: ${verdict(byId.direct.p99 < TARGET_TRACE_P99_MS)} on the store, ${verdict(byId.http.p99 < TARGET_TRACE_P99_MS)} over HTTP${scope}.`,
    '',
    `Stats and timeseries over 24 h, slowest p95: ${formatMs(worstDirect.direct.p95)} ms on the store (${worstDirect.query.name}), ${formatMs(worstHttp.http.p95)} ms over HTTP (${worstHttp.query.name}); target < ${TARGET_ROLLUP_P95_MS} ms: ${verdict(worstDirect.direct.p95 < TARGET_ROLLUP_P95_MS)} on the store, ${verdict(worstHttp.http.p95 < TARGET_ROLLUP_P95_MS)} over HTTP${scope}.`,
  ];
}

async function run({ quick }: BenchmarkOptions): Promise<string> {
  const progress = (message: string) => console.error(`  hub-query: ${message}`);
  const plan = planFor(quick);
  const dir = mkdtempSync(join(tmpdir(), 'agentlens-bench-query-'));
  const dbPath = join(dir, 'query.db');
  let hub: HubProcess | undefined;
  try {
    progress(`loading ${formatCount(plan.spans)} spans over 7 days`);
    const store = new SqliteStore({ path: dbPath });
    let loaded: LoadResult;
    const rows: { query: QueryCase; direct: Timing }[] = [];
    let cases: QueryCase[];
    try {
      loaded = await loadStore(store, plan, progress);
      cases = queryCases(plan, loaded.traces, (ms) => {
        const now = Date.now();
        return { fromMs: now - ms, toMs: now };
      });
      for (const query of cases) {
        progress(`store: ${query.name}`);
        rows.push({
          query,
          direct: await timeQuery(() => query.direct(store), query.budget, query.check, query.describe),
        });
      }
    } finally {
      await store.close();
    }
    const rollups = rollupRows(dbPath, Date.now());

    hub = await startHubProcess({ dbPath });
    const client = new HubClient({ baseUrl: hub.url, timeoutMs: 60_000 });
    const timed: Row[] = [];
    for (const row of rows) {
      progress(`HTTP: ${row.query.name}`);
      const baseUrl = hub.url;
      const op = () => row.query.http(client);
      const { check, describe, budget, alongside } = row.query;
      const http = await timeQuery(op, budget, check, describe);
      if (alongside === undefined) {
        timed.push({ ...row, http });
        continue;
      }
      progress(`HTTP: ${row.query.name}, in step with ${alongside.map((a) => a.name).join(', ')}`);
      const calls = alongside.map((a) => () => a.call(baseUrl));
      timed.push({ ...row, http, inStep: await timeQuery(op, budget, check, describe, calls) });
    }
    const report = await hub.stop();
    hub = undefined;

    const loadTable = markdownTable(
      [
        'spans',
        'traces',
        'spread',
        'writeSpans time',
        'spans/s',
        'db (WAL checkpointed)',
        'disk/span',
        'RSS while loading',
      ],
      [
        [
          formatCount(loaded.spans),
          formatCount(loaded.traces),
          '7 days',
          `${loaded.writeSeconds.toFixed(1)} s`,
          formatCount(loaded.spans / loaded.writeSeconds),
          formatBytes(loaded.checkpointedSizeBytes),
          `${Math.round(loaded.checkpointedSizeBytes / loaded.spans)} B`,
          formatBytes(loaded.peakRssBytes),
        ],
      ],
    );
    const queryTable = markdownTable(
      [
        'query',
        'answer',
        'store p50 ms',
        'store p95 ms',
        'store p99 ms',
        'HTTP p50 ms',
        'HTTP p95 ms',
        'HTTP p99 ms',
        'calls (store / HTTP)',
      ],
      timed.flatMap(({ query, direct, http, inStep }) => {
        const row = [
          query.name,
          direct.shape,
          formatMs(direct.p50),
          formatMs(direct.p95),
          formatMs(direct.p99),
          formatMs(http.p50),
          formatMs(http.p95),
          formatMs(http.p99),
          `${formatCount(direct.calls)} / ${formatCount(http.calls)}`,
        ];
        if (inStep === undefined) return [row];
        const httpOnly = (name: string, shape: string, t: Timing) => [
          name,
          shape,
          '',
          '',
          '',
          formatMs(t.p50),
          formatMs(t.p95),
          formatMs(t.p99),
          `— / ${formatCount(t.calls)}`,
        ];
        return [
          row,
          httpOnly(`in step: ${query.name}, \`HubClient\``, inStep.shape, inStep),
          ...(query.alongside ?? []).map((a, i) =>
            httpOnly(`in step: ${a.name}`, a.shape, inStep.alongside[i] as Timing),
          ),
        ];
      }),
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    );
    const budget = (b: Budget) =>
      `${b.warmUps} untimed call${b.warmUps === 1 ? '' : 's'}, then at least ${formatCount(b.minCalls)} calls and ${b.minMs} ms, at most ${formatCount(b.maxCalls)} calls, and no more once ${b.maxMs / 1000} s were spent and ${formatCount(b.fewestCalls)} calls made`;
    return [
      `#### Loading ${formatCount(loaded.spans)} spans`,
      '',
      loadTable,
      '',
      '#### Queries',
      '',
      queryTable,
      '',
      ...targetLines(timed, quick, loaded.spans),
      '',
      `Data: ${formatCount(loaded.traces)} realistic agent traces (an \`invoke_agent\` root, 4 to 6 \`chat\` calls with tokens, \`execute_tool\` calls between them, ${AGENTS.length} agents each in its own service, 6 models, 8 tools, about 6 % of traces failing; random-looking trace ids), evenly spread over the 7 days before the load, normalized and priced by \`normalizeSpan\` and written with \`SqliteStore.writeSpans\` (durability \`full\`) in batches of ${formatCount(plan.loadBatch)} spans; "writeSpans time" counts only those calls (generating and normalizing took the rest of the ${loaded.wallSeconds.toFixed(1)} s). Right after the load the store held ${formatBytes(loaded.sizeBytes)} with its WAL; disk/span is after a WAL checkpoint (all tables: spans, traces, rollups, services). RSS while loading: this process's resident set, sampled after every batch (it includes whatever the runner loaded before); spans are generated one batch ahead of the store, never held all at once. The 24 h window covers ${formatCount(rollups.day)} rollup rows, the 7 d window ${formatCount(rollups.week)}.`,
      '',
      `Each query: ${budget(plan.query)}; trace by id: ${budget(plan.traceById)}, a new random stored trace each call (the same sequence both ways). Store: the \`SqliteStore\` that was just loaded (its page cache warm), called in this process. HTTP: \`HubClient\` (fetch, keep-alive) in this process against the built \`agentlens serve\` in a child process on the same file, after the store was closed; the figures include the hub's routing, JSON serialization and the client's parsing. Trace by id is then timed over HTTP a second time ("in step"), with two more calls made after each of its calls so that all three see the same machine at the same moments: another random trace through \`node:http\` (an \`http.Agent\` with keep-alive, the body parsed as JSON), and the HTTP floor, the same \`fetch\` as \`HubClient\`'s (keep-alive, a timeout signal, the JSON body read) on \`GET /healthz\`, which the hub answers without its store. Windows end at the time of each call (\`window=24h\` / \`7d\` over HTTP). The hub's peak RSS during the HTTP queries was ${formatBytes(report.maxRssBytes)}.`,
    ].join('\n');
  } finally {
    nodeHttpAgent.destroy();
    hub?.kill();
    removeDatabase(dbPath);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** See the module comment. */
export const benchmark: Benchmark = {
  title:
    'trace list, trace by id, stats and timeseries over 1 000 000 stored spans, on the store and over HTTP',
  run,
};

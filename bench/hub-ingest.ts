/**
 * Hub ingest over HTTP against the SQLite floor, in one run:
 * - the hub (the built `agentlens serve`, default options, its own SQLite file) runs in a child process,
 *   so its peak RSS and its CPU thread are its own; autocannon drives `POST /v1/traces` from this
 *   process with pre-encoded bodies of realistic agent spans (official OTLP serializers, protobuf
 *   and JSON), every request with fresh trace ids, over several batch sizes and connection counts;
 * - the floor: the same rows (the hub's own decoder and normalizer produced them) inserted straight
 *   into better-sqlite3, into the hub's own `spans` table, one transaction per batch, measured
 *   right before each cell and right after it, so that each cell is compared with the machine's
 *   speed of that minute (it drifts by a quarter within minutes here).
 *
 * Afterwards each cell checks that the hub stored every span it acknowledged.
 *
 * To profile the hub under load: `BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/hub-prof"`,
 * with `BENCH_HUB_INGEST_CELL=protobuf:512:16` to run one cell only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@agentlens/core';
import { HubClient } from '@agentlens/hub/client';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import type { Benchmark, BenchmarkOptions } from './support/benchmark.js';
import { type HubProcess, startHubProcess } from './support/hub-process.js';
import { formatBytes, formatCount, formatMs, formatRatio, markdownTable } from './support/markdown.js';
import { type BodyEncoding, BodyPool, templateSpans } from './support/otlp-body-pool.js';
import { percentiles } from './support/percentiles.js';
import {
  type FloorResult,
  hubRecords,
  hubSpansTable,
  removeDatabase,
  runSqliteFloor,
} from './support/sqlite-floor.js';

// ---- plan ----------------------------------------------------------------------------------------

interface Plan {
  readonly batchSizes: readonly number[];
  readonly encodings: readonly BodyEncoding[];
  readonly connections: readonly number[];
  /** Untimed load before each measured run, seconds (0: none). */
  readonly warmUpSeconds: number;
  readonly seconds: number;
  /** Each floor measurement: one right before each cell and one right after, at its batch size. */
  readonly floorSeconds: number;
  /** Distinct template bodies per batch size (round robin; ids are new on every request). */
  readonly templates: number;
}

/**
 * `BENCH_HUB_INGEST_CELL=protobuf:512:16` runs that one cell (encoding, spans per request,
 * connections) with the full plan's timing, for profiling with `BENCH_HUB_NODE_ARGS`.
 */
function singleCell(): Pick<Plan, 'batchSizes' | 'encodings' | 'connections'> | undefined {
  const spec = process.env.BENCH_HUB_INGEST_CELL;
  if (spec === undefined || spec === '') return undefined;
  const [encoding, batch, connections] = spec.split(':');
  if ((encoding !== 'protobuf' && encoding !== 'json') || !Number(batch) || !Number(connections)) {
    throw new Error(`BENCH_HUB_INGEST_CELL must look like protobuf:512:16, got "${spec}"`);
  }
  return { encodings: [encoding], batchSizes: [Number(batch)], connections: [Number(connections)] };
}

function planFor(quick: boolean): Plan {
  const plan = basePlan(quick);
  const cell = singleCell();
  return cell === undefined ? plan : { ...plan, ...cell };
}

function basePlan(quick: boolean): Plan {
  return quick
    ? {
        batchSizes: [512],
        encodings: ['protobuf', 'json'],
        connections: [4],
        warmUpSeconds: 0,
        seconds: 1,
        floorSeconds: 0.5,
        templates: 6,
      }
    : {
        batchSizes: [100, 512, 2048],
        encodings: ['protobuf', 'json'],
        connections: [4, 16, 64],
        warmUpSeconds: 2,
        seconds: 10,
        floorSeconds: 5,
        templates: 12,
      };
}

const TARGET_SPANS_PER_SECOND = 40_000;
const TARGET_FLOOR_SHARE = 0.7;
const TARGET_RSS_BYTES = 300 * 1024 * 1024;
const TARGET_BYTES_PER_SPAN = 600;

// ---- one load run ----------------------------------------------------------------------------------

interface LoadResult {
  /** Requests answered 2xx. */
  readonly ok: number;
  /** Latencies of the 2xx answers, ms. */
  readonly latenciesMs: number[];
  /** Answers that were not 2xx, by status. */
  readonly refused: Map<number, number>;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests written to a socket (some may not have been answered when the run stopped). */
  readonly sent: number;
  readonly seconds: number;
  /** CPU this process (the load generator) used during the run, ms. */
  readonly loaderCpuMs: number;
}

async function load(url: string, pool: BodyPool, connections: number, seconds: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const refused = new Map<number, number>();
  let ok = 0;
  const instance = autocannon({
    url: `${url}/v1/traces`,
    connections,
    duration: seconds,
    // Stops on a sample tick: a short interval keeps the run close to `duration`.
    sampleInt: 100,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/v1/traces',
        headers: { 'content-type': pool.contentType },
        // autocannon copies the body into its request buffer right away, so the pool's
        // patched-in-place template is safe to hand over.
        setupRequest: (request) => ({ ...request, body: pool.next() }),
      },
    ],
  });
  let started = performance.now();
  let cpu = process.cpuUsage();
  instance.on('start', () => {
    started = performance.now();
    cpu = process.cpuUsage();
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) {
      ok++;
      latenciesMs.push(ms);
    } else {
      refused.set(status, (refused.get(status) ?? 0) + 1);
    }
  });
  const result = await instance;
  const used = process.cpuUsage(cpu);
  return {
    ok,
    latenciesMs,
    refused,
    errors: result.errors,
    timeouts: result.timeouts,
    sent: result.requests.sent,
    seconds: (performance.now() - started) / 1000,
    loaderCpuMs: (used.user + used.system) / 1000,
  };
}

/** Waits until the hub's ingest queue is empty and its committed count stopped moving. */
async function settle(client: HubClient): Promise<number> {
  let last = -1;
  for (let round = 0; round < 600; round++) {
    const { ingest } = await client.hubStatus();
    if (ingest.queuedItems === 0 && ingest.received.traces === last) return last;
    last = ingest.received.traces;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the hub did not settle within 60 s after the load stopped');
}

function countSpans(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM spans').pluck().get() as number;
  } finally {
    db.close();
  }
}

// ---- one cell ----------------------------------------------------------------------------------------

interface CellResult {
  readonly encoding: BodyEncoding;
  readonly batchSize: number;
  readonly connections: number;
  readonly bodyBytes: number;
  readonly measured: LoadResult;
  readonly spansPerSecond: number;
  readonly stored: number;
  readonly peakRssBytes: number;
  readonly bytesPerSpan: number;
  /** Hub CPU during the measured run, as a share of one core. */
  readonly hubCpuShare: number;
  /** The floor at the cell's batch size, measured right before the cell and right after. */
  readonly floors: readonly FloorResult[];
  /** The mean of their spans/s: what "vs floor" divides by. */
  readonly floorSpansPerSecond: number;
}

const floorRate = (f: FloorResult) => f.spans / f.seconds;

async function runCell(
  pool: BodyPool,
  connections: number,
  plan: Plan,
  dir: string,
  progress: (message: string) => void,
): Promise<Omit<CellResult, 'floors' | 'floorSpansPerSecond'>> {
  const name = `${pool.encoding} ×${pool.batchSize} spans, ${connections} connections`;
  const dbPath = join(dir, `hub-${pool.encoding}-${pool.batchSize}-${connections}.db`);
  let hub: HubProcess | undefined;
  try {
    hub = await startHubProcess({ dbPath });
    const client = new HubClient({ baseUrl: hub.url, timeoutMs: 60_000 });
    let acked = 0;
    let sent = 0;
    if (plan.warmUpSeconds > 0) {
      progress(`${name}: warm-up ${plan.warmUpSeconds} s`);
      const warm = await load(hub.url, pool, connections, plan.warmUpSeconds);
      acked += warm.ok;
      sent += warm.sent;
    }
    progress(`${name}: ${plan.seconds} s`);
    const before = await hub.usage();
    const measured = await load(hub.url, pool, connections, plan.seconds);
    const after = await hub.usage();
    acked += measured.ok;
    sent += measured.sent;
    const committed = await settle(client);
    const report = await hub.stop();
    hub = undefined;
    const stored = countSpans(dbPath);
    const batch = pool.batchSize;
    if (stored !== committed || stored < acked * batch || stored > sent * batch) {
      throw new Error(
        `${name}: the hub stored ${stored} spans and reports ${committed} committed, for ${acked * batch} acknowledged and ${sent * batch} sent; the measurement is not trustworthy`,
      );
    }
    const spansPerSecond = (measured.ok * batch) / measured.seconds;
    progress(`${name}: ${formatCount(spansPerSecond)} spans/s, peak RSS ${formatBytes(report.maxRssBytes)}`);
    return {
      encoding: pool.encoding,
      batchSize: batch,
      connections,
      bodyBytes: pool.meanBodyBytes,
      measured,
      spansPerSecond,
      stored,
      peakRssBytes: report.maxRssBytes,
      bytesPerSpan: report.checkpointedSizeBytes / stored,
      hubCpuShare: (after.cpuMs - before.cpuMs) / (measured.seconds * 1000),
    };
  } finally {
    hub?.kill();
    removeDatabase(dbPath);
  }
}

// ---- report ------------------------------------------------------------------------------------------

const percent = (share: number) => `${Math.round(share * 100)} %`;

function refusedCell(r: LoadResult): string {
  const parts = [...r.refused].sort(([a], [b]) => a - b).map(([status, n]) => `${formatCount(n)}× ${status}`);
  if (r.errors > 0) parts.push(`${formatCount(r.errors)} errors`);
  if (r.timeouts > 0) parts.push(`${formatCount(r.timeouts)} timeouts`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

function cellsTable(cells: readonly CellResult[]): string {
  return markdownTable(
    [
      'encoding',
      'spans/request',
      'body',
      'connections',
      'spans/s',
      'floor spans/s',
      'vs floor',
      'p50 ms',
      'p99 ms',
      'not 2xx',
      'peak RSS',
      'disk/span',
      'hub CPU',
      'loader CPU',
    ],
    cells.map((c) => {
      const { p50, p99 } = percentiles(c.measured.latenciesMs);
      return [
        c.encoding,
        formatCount(c.batchSize),
        formatBytes(Math.round(c.bodyBytes)),
        String(c.connections),
        formatCount(c.spansPerSecond),
        c.floors.map((f) => formatCount(floorRate(f))).join(' / '),
        formatRatio(c.spansPerSecond / c.floorSpansPerSecond),
        formatMs(p50),
        formatMs(p99),
        refusedCell(c.measured),
        formatBytes(c.peakRssBytes),
        `${Math.round(c.bytesPerSpan)} B`,
        percent(c.hubCpuShare),
        percent(c.measured.loaderCpuMs / (c.measured.seconds * 1000)),
      ];
    }),
  );
}

function floorTable(cells: readonly CellResult[]): string {
  const bySize = new Map<number, FloorResult[]>();
  for (const c of cells) bySize.set(c.batchSize, [...(bySize.get(c.batchSize) ?? []), ...c.floors]);
  return markdownTable(
    [
      'spans per transaction',
      'runs',
      'median spans/s',
      'slowest / fastest',
      'median transactions/s',
      'disk/span (spans table only)',
    ],
    [...bySize].map(([batchSize, runs]) => {
      const rates = runs.map(floorRate).sort((a, b) => a - b);
      const median = (values: number[]) => percentiles(values).p50;
      return [
        formatCount(batchSize),
        String(runs.length),
        formatCount(median(rates)),
        `${formatCount(rates[0] ?? Number.NaN)} / ${formatCount(rates[rates.length - 1] ?? Number.NaN)}`,
        formatCount(median(runs.map((f) => f.transactions / f.seconds))),
        `${Math.round(median(runs.map((f) => f.checkpointedBytes / f.spans)))} B`,
      ];
    }),
  );
}

function targetLines(cells: readonly CellResult[], quick: boolean): string[] {
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const label = (c: CellResult) =>
    `${c.encoding}, ${c.batchSize} spans/request, ${c.connections} connections`;
  const protobuf = cells.filter((c) => c.encoding === 'protobuf');
  const best = protobuf.reduce<CellResult | undefined>(
    (top, c) => (top === undefined || c.spansPerSecond > top.spansPerSecond ? c : top),
    undefined,
  );
  const bestShare = protobuf.reduce<CellResult | undefined>(
    (top, c) =>
      top === undefined ||
      c.spansPerSecond / c.floorSpansPerSecond > top.spansPerSecond / top.floorSpansPerSecond
        ? c
        : top,
    undefined,
  );
  const heaviest = cells.reduce<CellResult | undefined>(
    (top, c) => (top === undefined || c.peakRssBytes > top.peakRssBytes ? c : top),
    undefined,
  );
  const widest = cells.reduce<CellResult | undefined>(
    (top, c) => (top === undefined || c.bytesPerSpan > top.bytesPerSpan ? c : top),
    undefined,
  );
  if (best === undefined || bestShare === undefined || heaviest === undefined || widest === undefined)
    return [];
  const share = bestShare.spansPerSecond / bestShare.floorSpansPerSecond;
  const lines = [
    `Protobuf into SQLite, best cell: ${formatCount(best.spansPerSecond)} spans/s (${label(best)}); target ≥ ${formatCount(TARGET_SPANS_PER_SECOND)} sustained: ${met(best.spansPerSecond >= TARGET_SPANS_PER_SECOND)}.`,
    '',
    `Protobuf against the floor, best cell: ${formatRatio(share)} the floor's spans/s at the same batch size (${label(bestShare)}); target ≥ ${formatRatio(TARGET_FLOOR_SHARE)}: ${met(share >= TARGET_FLOOR_SHARE)}.`,
    '',
    `Peak RSS of the hub, largest cell: ${formatBytes(heaviest.peakRssBytes)} (${label(heaviest)}); target < ${formatBytes(TARGET_RSS_BYTES)}: ${met(heaviest.peakRssBytes < TARGET_RSS_BYTES)}.`,
    '',
    `Disk per span, largest cell: ${Math.round(widest.bytesPerSpan)} B (${label(widest)}, ${formatCount(widest.stored)} spans); target ≤ ${TARGET_BYTES_PER_SPAN} B: ${met(widest.bytesPerSpan <= TARGET_BYTES_PER_SPAN)}.`,
  ];
  if (quick)
    lines.push('', 'Quick mode: 1 s cells without warm-up; these verdicts are smoke, not figures to quote.');
  return lines;
}

// ---- run -----------------------------------------------------------------------------------------------

async function run({ quick }: BenchmarkOptions): Promise<string> {
  const progress = (message: string) => console.error(`  hub-ingest: ${message}`);
  const plan = planFor(quick);
  const dir = mkdtempSync(join(tmpdir(), 'agentlens-bench-ingest-'));
  const prices = new PriceCatalog();
  const cells: CellResult[] = [];
  try {
    const spansTable = hubSpansTable(join(dir, 'schema.db'));
    let floorRuns = 0;
    for (const batchSize of plan.batchSizes) {
      progress(`${batchSize} spans/request: generating ${plan.templates} template bodies per encoding`);
      const spans = templateSpans(batchSize, plan.templates, Date.now() - 120_000);
      const floorBatches = spans.templates.map((template) => hubRecords(template, prices));
      // The machine's speed drifts by a quarter within minutes (a shared VM): each cell is compared
      // with the floor measured next to it, before and after, not with one measured minutes away.
      const floor = (): FloorResult => {
        const floorPath = join(dir, `floor-${floorRuns++}.db`);
        try {
          const result = runSqliteFloor({
            dbPath: floorPath,
            spans: spansTable,
            batches: floorBatches,
            durationMs: plan.floorSeconds * 1000,
          });
          progress(`floor, ${batchSize} spans/transaction: ${formatCount(floorRate(result))} spans/s`);
          return result;
        } finally {
          removeDatabase(floorPath);
        }
      };
      for (const encoding of plan.encodings) {
        const pool = new BodyPool(spans, encoding);
        for (const connections of plan.connections) {
          const before = floor();
          const cell = await runCell(pool, connections, plan, dir, progress);
          const after = floor();
          cells.push({
            ...cell,
            floors: [before, after],
            floorSpansPerSecond: (floorRate(before) + floorRate(after)) / 2,
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cellSeconds = `${plan.seconds} s${plan.warmUpSeconds > 0 ? ` after ${plan.warmUpSeconds} s of warm-up` : ' without warm-up'}`;
  return [
    '#### Ingest over HTTP',
    '',
    cellsTable(cells),
    '',
    '#### The floor: the same rows straight into better-sqlite3',
    '',
    floorTable(cells),
    '',
    ...targetLines(cells, quick),
    '',
    `Each cell: a fresh hub, the built \`agentlens serve --port 0 --no-grpc --db <file>\` with its default options (its hub thread under \`HUB_HEAP_LIMITS\`, durability \`full\`, ingest queue of 10 000 spans and log records, 8 MiB of bodies being read and decoded, requests that find it full waiting up to 1 s unread for room), in a process of its own on a new SQLite file, loaded by autocannon for ${cellSeconds}, from this process, \`POST /v1/traces\` with keep-alive. Bodies: ${plan.templates} templates per batch size, encoded once by the official OTLP serializers (\`ProtobufTraceSerializer\` / \`JsonTraceSerializer\`, otlp-transformer 0.223) from realistic agent traces (an \`invoke_agent\` root, 4 to 6 \`chat\` calls with tokens, \`execute_tool\` calls between them, 10 spans a trace on average, one service per body, events, about 6 % of traces failing); every request gets fresh trace ids patched into the template bytes, so the hub never sees a duplicate. spans/s: spans in 2xx answers over the measured seconds; p50 / p99: latency of the 2xx answers; not 2xx: answers by status (429: the hub still full after the request waited 1 s; autocannon sends again at once, where an OTLP exporter backs off) and socket errors. After the run the hub's ingest queue drained, the hub was stopped, and the spans in its file were counted: every cell stored at least every acknowledged span and exactly what the hub reports committed. Peak RSS: the hub process's VmHWM (\`/proc\`) over its life. Disk/span: \`store.sizeBytes()\` after a WAL checkpoint over the spans stored (spans, traces, rollups, services and the summaries' watermark). CPU: share of one core during the measured run, for the hub process and for this load-generating process (the machine's cores are shared by both).`,
    '',
    `Floor: the rows the hub stores for the same templates (decoded by the hub's protobuf decoder, normalized and priced by \`normalizeSpan\`), bound as \`SqliteStore\` binds them, into the hub's own \`spans\` table (its \`CREATE TABLE\` read back from a store-created file) with the store's settings (WAL, \`synchronous=FULL\`, 16 MB cache, incremental auto-vacuum), a prepared \`INSERT OR IGNORE\`, one \`BEGIN IMMEDIATE\` transaction per batch of the cell's size, fresh trace ids per transaction, in this process while no hub ran: ${plan.floorSeconds} s right before each cell and ${plan.floorSeconds} s right after, on a new file each time, at the cell's batch size (the machine's speed drifts by a quarter within minutes; the cell's "floor spans/s" shows both). It writes no traces, rollups or services rows: those, HTTP, decoding and normalizing are the hub's overhead over the floor. "vs floor" divides the cell's spans/s by the mean of its two floors; the hub's group commit may put several requests in one transaction.`,
  ].join('\n');
}

/** See the module comment. */
export const benchmark: Benchmark = {
  title: 'OTLP/HTTP ingest into the hub (SQLite) against raw better-sqlite3 inserts of the same rows',
  run,
};

/**
 * The SDK's metric costs against raw prom-client 15, in one run:
 * - per recording: a `Map` floor, prom-client with label objects, prom-client with pre-bound
 *   children, and agentlens' `recordAgentRequest`, `recordToolUsage`, `recordModelCall`;
 * - per scrape: rendering 10 000 counter series and 10 000 histogram series, agentlens (in process
 *   and over loopback HTTP) against a prom-client registry holding the same series.
 */
import { Agent, request } from 'node:http';
import { AGENT_DURATION_BUCKETS, METRIC_CATALOG, seededRandom } from '@agentlens/core';
import { type Agentlens, createAgentlens } from '@agentlens/sdk';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Benchmark, BenchmarkOptions } from './support/benchmark.js';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatNs,
  formatRatio,
  markdownTable,
} from './support/markdown.js';
import {
  type Budget,
  type Contender,
  compareInRounds,
  type RoundsPlan,
  type RoundsTiming,
  time,
} from './support/measure.js';

// ---- workload ----------------------------------------------------------------------------------

/** Every contender cycles through the same 8 label values, in the same order. */
const AGENTS = [
  'ChatAgent',
  'ResearchAgent',
  'PlannerAgent',
  'CoderAgent',
  'ReviewerAgent',
  'RouterAgent',
  'SummaryAgent',
  'SupportAgent',
] as const;
const TOOLS = [
  'web_search',
  'sql_query',
  'vector_lookup',
  'send_email',
  'calculator',
  'code_runner',
  'file_reader',
  'http_fetch',
] as const;
const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4'],
  ['anthropic', 'claude-haiku-4'],
  ['gcp.gemini', 'gemini-2.5-pro'],
  ['gcp.gemini', 'gemini-2.5-flash'],
  ['aws.bedrock', 'llama-3.3-70b'],
  ['mistral_ai', 'mistral-large'],
] as const;
const LABEL_MASK = 7;

/** Observed values: a fixed pseudo-random set, so every run and every contender sees the same. */
const VALUE_COUNT = 1024;
const VALUE_MASK = VALUE_COUNT - 1;

const random = seededRandom(0x5eed);
/** Log-uniform between 50 ms and 400 s: every bucket of AGENT_DURATION_BUCKETS, `+Inf` included. */
const SECONDS = Array.from({ length: VALUE_COUNT }, () => 0.05 * 8000 ** random());
const TOKENS = Array.from({ length: VALUE_COUNT }, () => 50 + Math.floor(random() * 5000));
const COSTS = TOKENS.map((tokens) => tokens * 0.000_01);

// ---- per-recording contenders --------------------------------------------------------------------

/** A contender that can prove afterwards that every call it was timed on was recorded. */
interface CheckedContender extends Contender {
  /** Throws unless the recorded total equals the number of calls made. */
  verify(): Promise<void>;
}

function expectTotal(what: string, recorded: number, calls: number): void {
  if (recorded !== calls) {
    throw new Error(`${what}: ${recorded} recorded for ${calls} calls; the measurement is not trustworthy`);
  }
}

/** Sum of the values a prom-client metric (or an agentlens family, through the same interface) reports. */
async function promTotal(
  metric: { get(): Promise<{ values: { value: number; metricName?: string }[] }> } | undefined,
  metricName?: string,
): Promise<number> {
  if (metric === undefined) throw new Error('metric not found in the registry');
  const { values } = await metric.get();
  return values.filter((v) => v.metricName === metricName).reduce((sum, v) => sum + v.value, 0);
}

function newPromClientPair(registry: Registry) {
  const counter = new Counter({
    name: METRIC_CATALOG.agentRequests.name,
    help: METRIC_CATALOG.agentRequests.help,
    labelNames: ['agent_name', 'status'] as const,
    registers: [registry],
  });
  const histogram = new Histogram({
    name: METRIC_CATALOG.agentRequestDuration.name,
    help: METRIC_CATALOG.agentRequestDuration.help,
    labelNames: ['agent_name'] as const,
    buckets: [...AGENT_DURATION_BUCKETS],
    registers: [registry],
  });
  return { counter, histogram };
}

async function verifyPromClientPair(
  what: string,
  pair: ReturnType<typeof newPromClientPair>,
  calls: number,
): Promise<void> {
  expectTotal(`${what} counter`, await promTotal(pair.counter), calls);
  expectTotal(
    `${what} histogram`,
    await promTotal(pair.histogram, `${METRIC_CATALOG.agentRequestDuration.name}_count`),
    calls,
  );
}

/**
 * Options that pin every setting an environment variable could change, so the figures do not
 * depend on the shell the benchmark runs in.
 */
function newAgentlens(seriesCap = 2000): Agentlens {
  return createAgentlens({ processMetrics: false, metricPrefix: '', seriesCap, defaultLabels: {} });
}

async function agentlensTotal(agentlens: Agentlens, metricName: string): Promise<number> {
  const metric = agentlens.registry.getSingleMetric(metricName) as Parameters<typeof promTotal>[0];
  return promTotal(metric);
}

// Each contender's `op` is its own function literal: V8 keeps type feedback per closure site, and a
// shared helper would make every contender pay for the others' shapes.

function mapFloor(): CheckedContender {
  const counts = new Map<string, number>();
  let i = 0;
  return {
    name: 'Map increment (floor)',
    op: () => {
      const k = i++ & VALUE_MASK;
      const agent = AGENTS[k & LABEL_MASK] as string;
      counts.set(agent, (counts.get(agent) ?? 0) + 1);
    },
    verify: async () =>
      expectTotal(
        'Map floor',
        [...counts.values()].reduce((a, b) => a + b, 0),
        i,
      ),
  };
}

function promClientWithLabels(): CheckedContender {
  const pair = newPromClientPair(new Registry());
  const { counter, histogram } = pair;
  let i = 0;
  return {
    name: 'prom-client counter.inc(labels) + histogram.observe(labels, v)',
    op: () => {
      const k = i++ & VALUE_MASK;
      const agent = AGENTS[k & LABEL_MASK] as string;
      counter.inc({ agent_name: agent, status: 'success' });
      histogram.observe({ agent_name: agent }, SECONDS[k] as number);
    },
    verify: () => verifyPromClientPair('prom-client with labels', pair, i),
  };
}

function promClientPreBound(): CheckedContender {
  const pair = newPromClientPair(new Registry());
  const counters = AGENTS.map((agent) => pair.counter.labels({ agent_name: agent, status: 'success' }));
  const histograms = AGENTS.map((agent) => pair.histogram.labels({ agent_name: agent }));
  let i = 0;
  return {
    name: 'prom-client pre-bound children (.labels(...) once)',
    op: () => {
      const k = i++ & VALUE_MASK;
      const j = k & LABEL_MASK;
      counters[j]?.inc();
      histograms[j]?.observe(SECONDS[k] as number);
    },
    verify: () => verifyPromClientPair('prom-client pre-bound', pair, i),
  };
}

function agentlensAgentRequest(): CheckedContender {
  const agentlens = newAgentlens();
  let i = 0;
  return {
    name: 'agentlens recordAgentRequest',
    op: () => {
      const k = i++ & VALUE_MASK;
      agentlens.recordAgentRequest({
        agentName: AGENTS[k & LABEL_MASK] as string,
        success: true,
        responseTime: SECONDS[k] as number,
        tokens: TOKENS[k] as number,
        cost: COSTS[k] as number,
      });
    },
    verify: async () =>
      expectTotal(
        'recordAgentRequest',
        await agentlensTotal(agentlens, METRIC_CATALOG.agentRequests.name),
        i,
      ),
  };
}

function agentlensToolUsage(): CheckedContender {
  const agentlens = newAgentlens();
  let i = 0;
  return {
    name: 'agentlens recordToolUsage',
    op: () => {
      const k = i++ & VALUE_MASK;
      const j = k & LABEL_MASK;
      agentlens.recordToolUsage({
        toolName: TOOLS[j] as string,
        agentName: AGENTS[j] as string,
        success: true,
        executionTime: SECONDS[k] as number,
      });
    },
    verify: async () =>
      expectTotal('recordToolUsage', await agentlensTotal(agentlens, METRIC_CATALOG.toolExecutions.name), i),
  };
}

function agentlensModelCall(): CheckedContender {
  const agentlens = newAgentlens();
  let i = 0;
  return {
    name: 'agentlens recordModelCall (informative)',
    op: () => {
      const k = i++ & VALUE_MASK;
      const model = MODELS[k & LABEL_MASK] as (typeof MODELS)[number];
      agentlens.recordModelCall({
        provider: model[0],
        model: model[1],
        status: 'success',
        duration: SECONDS[k] as number,
        inputTokens: TOKENS[k] as number,
        outputTokens: (TOKENS[k] as number) >> 2,
        cost: COSTS[k] as number,
      });
    },
    verify: async () =>
      expectTotal('recordModelCall', await agentlensTotal(agentlens, METRIC_CATALOG.modelCalls.name), i),
  };
}

async function recordingSection(quick: boolean, progress: (message: string) => void): Promise<string> {
  const rawPromClient = promClientWithLabels();
  const preBound = promClientPreBound();
  const agentRequest = agentlensAgentRequest();
  const contenders = [
    mapFloor(),
    rawPromClient,
    preBound,
    agentRequest,
    agentlensToolUsage(),
    agentlensModelCall(),
  ];
  const plan: RoundsPlan = quick
    ? { rounds: 1, warmUpMs: 100, budget: { minMs: 30, minSamples: 12 } }
    : { rounds: 3, warmUpMs: 300, budget: { minMs: 1000, minSamples: 50 } };
  const { rounds, budget } = plan;
  const timings = await compareInRounds(contenders, plan, progress);
  for (const contender of contenders) await contender.verify();

  const byName = new Map(timings.map((t) => [t.name, t]));
  const medianOf = (contender: Contender) => byName.get(contender.name)?.medianNs ?? Number.NaN;
  const baseline = medianOf(rawPromClient);
  const rows = timings.map((t) => [
    t.name,
    formatNs(t.medianNs),
    formatCount(1e9 / t.medianNs),
    formatRatio(t.medianNs / baseline),
  ]);
  const table = markdownTable(
    ['operation', 'median ns/op', 'ops/s', 'ratio to raw prom-client (counter+histogram)'],
    rows,
  );

  const ratio = medianOf(agentRequest) / baseline;
  const smoke = quick ? ' (quick mode: a smoke figure, not one to quote)' : '';
  const spreadOf = (t: RoundsTiming) =>
    (Math.max(...t.roundMediansNs) - Math.min(...t.roundMediansNs)) / t.medianNs;
  const noisiest = timings.reduce((worst, t) => (spreadOf(t) > spreadOf(worst) ? t : worst));
  const method = quick
    ? `One round of at least ${budget.minMs} ms per operation, after ${plan.warmUpMs} ms of warm-up.`
    : `After ${plan.warmUpMs} ms of warm-up per operation, median of ${rounds} interleaved rounds of at least ${budget.minMs} ms per operation (mitata, batched calls); the widest spread of round medians was ${(spreadOf(noisiest) * 100).toFixed(0)} % (${noisiest.name}: ${noisiest.roundMediansNs.map(formatNs).join(', ')} ns).`;
  return [
    table,
    '',
    `recordAgentRequest costs ${formatRatio(ratio)} raw prom-client counter+histogram (target ≤ 0.5×): ${ratio <= 0.5 ? 'met' : 'not met'}${smoke}`,
    '',
    `For reference, recordAgentRequest costs ${formatRatio(medianOf(agentRequest) / medianOf(preBound))} prom-client's pre-bound children, which is the fastest prom-client gets when the label values are known in advance.`,
    '',
    `${method} Every contender cycles through the same ${AGENTS.length} label values and ${formatCount(VALUE_COUNT)} observed values (50 ms to 400 s, every bucket); every call is a success. recordAgentRequest also feeds tokens, cost and the collector; raw prom-client feeds only the counter and the histogram. After timing, each contender's recorded total was checked against the number of calls made.`,
  ].join('\n');
}

// ---- exposition ------------------------------------------------------------------------------------

/** The issue's target for one scrape of 10 000 series. */
const TARGET_MS = 20;

/** The parts of an agentlens metric family (`registry.getSingleMetric`) the population uses. */
interface CounterFamily {
  series(values: readonly string[]): { value: number };
}
interface HistogramFamily {
  series(values: readonly string[]): { observe(value: number): void };
}

/**
 * The agentlens family behind `name`. The benchmark fills families directly so that the registry
 * holds exactly the series measured (`recordAgentRequest` would also create duration, token, cost
 * and in-flight series); the checks on the rendered body catch a change of this internal shape.
 */
function familyOf<F>(agentlens: Agentlens, name: string): F {
  const metric: unknown = agentlens.registry.getSingleMetric(name);
  if (typeof (metric as { series?: unknown } | undefined)?.series !== 'function') {
    throw new Error(`${name} is no longer an agentlens family with series(); update bench/sdk-metrics.ts`);
  }
  return metric as F;
}

function agentName(index: number): string {
  return `agent-${String(index).padStart(5, '0')}`;
}

/** Same values on both sides, so both bodies carry the same numbers. */
const counterValue = (agent: number, status: number) =>
  status === 0 ? 1 + ((agent * 7919) % 100_000) : 1 + (agent % 13);
const HISTOGRAM_OBSERVATIONS = 3;
const histogramValue = (agent: number, n: number) =>
  SECONDS[(agent * HISTOGRAM_OBSERVATIONS + n) & VALUE_MASK] as number;
const STATUSES = ['success', 'error'] as const;

function agentlensWithCounters(seriesCount: number): Agentlens {
  const agentlens = newAgentlens(seriesCount);
  const family = familyOf<CounterFamily>(agentlens, METRIC_CATALOG.agentRequests.name);
  for (let a = 0; a < seriesCount / 2; a++) {
    for (const [s, status] of STATUSES.entries())
      family.series([agentName(a), status]).value += counterValue(a, s);
  }
  return agentlens;
}

function agentlensWithHistograms(seriesCount: number): Agentlens {
  const agentlens = newAgentlens(seriesCount);
  const family = familyOf<HistogramFamily>(agentlens, METRIC_CATALOG.agentRequestDuration.name);
  for (let a = 0; a < seriesCount; a++) {
    const series = family.series([agentName(a)]);
    for (let n = 0; n < HISTOGRAM_OBSERVATIONS; n++) series.observe(histogramValue(a, n));
  }
  return agentlens;
}

function promClientWithCounters(seriesCount: number): Registry {
  const registry = new Registry();
  const { counter } = newPromClientPair(registry);
  registry.removeSingleMetric(METRIC_CATALOG.agentRequestDuration.name);
  for (let a = 0; a < seriesCount / 2; a++) {
    for (const [s, status] of STATUSES.entries())
      counter.inc({ agent_name: agentName(a), status }, counterValue(a, s));
  }
  return registry;
}

function promClientWithHistograms(seriesCount: number): Registry {
  const registry = new Registry();
  const { histogram } = newPromClientPair(registry);
  registry.removeSingleMetric(METRIC_CATALOG.agentRequests.name);
  for (let a = 0; a < seriesCount; a++) {
    for (let n = 0; n < HISTOGRAM_OBSERVATIONS; n++)
      histogram.observe({ agent_name: agentName(a) }, histogramValue(a, n));
  }
  return registry;
}

/** Throws unless `body` holds exactly `expected` series of the sample named `sample`. */
function expectSeries(what: string, body: string, sample: string, expected: number): void {
  let found = 0;
  for (let at = body.indexOf(`\n${sample}{`); at !== -1; at = body.indexOf(`\n${sample}{`, at + 1)) found++;
  if (found !== expected)
    throw new Error(`${what}: ${found} ${sample} series rendered, expected ${expected}`);
}

/** A keep-alive HTTP client for one URL, reading the body as bytes (no decoding, as a scraper would). */
function httpGetter(url: string): { get(): Promise<number>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const token = process.env.AGENTLENS_TOKEN;
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode === 200) resolve(bytes);
          else reject(new Error(`GET ${url} answered ${res.statusCode}`));
        });
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

interface ExpositionRow {
  readonly label: string;
  readonly renderMs: number;
  readonly httpMs: number | undefined;
  readonly bytes: number;
}

/**
 * Median ms of rendering the body and taking its UTF-8 length, which is what the `/metrics` handler
 * does before it writes. The length matters to the comparison: V8 builds a string made with `+=`
 * lazily, as a tree of pieces, and defers the copying to the first reader; measuring the length
 * makes both sides pay for a flat string, as a real scrape does.
 */
async function timeRender(
  render: () => Promise<string | Buffer>,
  budget: Budget,
  warmups: number,
): Promise<number> {
  const renderToLength = async () => {
    const body = await render();
    return typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  };
  for (let n = 0; n < warmups; n++) await renderToLength();
  return (await time(renderToLength, budget)).medianNs / 1e6;
}

async function measureAgentlens(
  label: string,
  agentlens: Agentlens,
  check: (body: string) => void,
  budget: Budget,
  warmups: number,
): Promise<ExpositionRow> {
  const body = await agentlens.metrics();
  check(body);
  // The handler's own path: the body as bytes, never built as a string.
  const renderMs = await timeRender(() => agentlens.metricsBody(), budget, warmups);
  const server = await agentlens.startMetricsServer({ host: '127.0.0.1', port: 0 });
  const client = httpGetter(`${server.url}/metrics`);
  try {
    const received = await client.get();
    if (received !== Buffer.byteLength(body)) {
      throw new Error(
        `${label}: GET /metrics returned ${received} bytes, the in-process render ${Buffer.byteLength(body)}`,
      );
    }
    for (let n = 1; n < warmups; n++) await client.get();
    const httpMs = (await time(client.get, budget)).medianNs / 1e6;
    return { label, renderMs, httpMs, bytes: Buffer.byteLength(body) };
  } finally {
    client.close();
    await server.close();
  }
}

async function measurePromClient(
  label: string,
  registry: Registry,
  check: (body: string) => void,
  budget: Budget,
  warmups: number,
): Promise<ExpositionRow> {
  const body = await registry.metrics();
  check(body);
  const renderMs = await timeRender(() => registry.metrics(), budget, warmups);
  return { label, renderMs, httpMs: undefined, bytes: Buffer.byteLength(body) };
}

async function expositionSection(quick: boolean, progress: (message: string) => void): Promise<string> {
  const seriesCount = quick ? 1_000 : 10_000;
  const budget: Budget = quick ? { minMs: 30, minSamples: 5 } : { minMs: 1500, minSamples: 15 };
  const warmups = quick ? 1 : 5;
  const counterName = METRIC_CATALOG.agentRequests.name;
  const histogramCount = `${METRIC_CATALOG.agentRequestDuration.name}_count`;
  const counters = (what: string) => (body: string) => expectSeries(what, body, counterName, seriesCount);
  const histograms = (what: string) => (body: string) =>
    expectSeries(what, body, histogramCount, seriesCount);
  const n = formatCount(seriesCount);

  // One population at a time, dropped before the next, so the heap of one case does not slow the next.
  progress(`exposition: agentlens, ${n} counter series`);
  const a = await measureAgentlens(
    `(a) agentlens, ${n} counter series (${counterName}, ${formatCount(seriesCount / 2)} agents × 2 statuses)`,
    agentlensWithCounters(seriesCount),
    counters('agentlens counters'),
    budget,
    warmups,
  );
  progress(`exposition: agentlens, ${n} histogram series`);
  const b = await measureAgentlens(
    `(b) agentlens, ${n} histogram series (${METRIC_CATALOG.agentRequestDuration.name}, ${n} agents)`,
    agentlensWithHistograms(seriesCount),
    histograms('agentlens histograms'),
    budget,
    warmups,
  );
  progress(`exposition: prom-client, ${n} counter series`);
  const c = await measurePromClient(
    `(c) prom-client registry.metrics(), ${n} counter series`,
    promClientWithCounters(seriesCount),
    counters('prom-client counters'),
    budget,
    warmups,
  );
  progress(`exposition: prom-client, ${n} histogram series`);
  const d = await measurePromClient(
    `(d) prom-client registry.metrics(), ${n} histogram series`,
    promClientWithHistograms(seriesCount),
    histograms('prom-client histograms'),
    budget,
    warmups,
  );

  const row = (r: ExpositionRow, baseline: ExpositionRow | undefined) => [
    r.label,
    formatMs(r.renderMs),
    r.httpMs === undefined ? 'n/a' : formatMs(r.httpMs),
    formatBytes(r.bytes),
    baseline === undefined ? 'baseline' : formatRatio(r.renderMs / baseline.renderMs),
  ];
  const table = markdownTable(
    ['case', 'render, median ms', 'GET /metrics over HTTP, median ms', 'body', 'render vs prom-client'],
    [row(a, c), row(b, d), row(c, undefined), row(d, undefined)],
  );

  const httpA = a.httpMs ?? Number.NaN;
  const httpB = b.httpMs ?? Number.NaN;
  const verdict = (ms: number) =>
    ms < TARGET_MS ? 'met' : `not met (${formatRatio(ms / TARGET_MS)} the target)`;
  const targetLines = quick
    ? [
        `GET /metrics with ${n} series in ${formatMs(httpA)} ms (target < ${TARGET_MS} ms with 10 000 series): not evaluated, quick mode renders ${n} series instead of 10 000.`,
      ]
    : [
        `GET /metrics with ${n} series in ${formatMs(httpA)} ms (target < ${TARGET_MS} ms): ${verdict(httpA)} (counter series, case a)`,
        '',
        `With ${n} histogram series instead (case b: ${formatCount(seriesCount * (AGENT_DURATION_BUCKETS.length + 3))} sample lines, ${formatBytes(b.bytes)}), GET /metrics takes ${formatMs(httpB)} ms: ${verdict(httpB)}.`,
      ];
  return [
    table,
    '',
    ...targetLines,
    '',
    `${quick ? `Quick mode: ${n} series per case instead of 10 000. ` : ''}Render: \`agentlens.metricsBody()\` (the bytes the handler sends) or \`registry.metrics()\` and the body's UTF-8 length (what the handler computes before writing), in process. Both sides run without process metrics. The agentlens bodies also carry its other (empty) catalog families, as a real scrape would. HTTP: node:http keep-alive client on 127.0.0.1 against \`agentlens.startMetricsServer({ port: 0 })\`, body read to the end, one request at a time. Each figure is a mitata median of at least ${budget.minSamples} renders or requests over at least ${budget.minMs} ms, after ${warmups} warm-up${warmups === 1 ? '' : 's'}.`,
  ].join('\n');
}

async function run({ quick }: BenchmarkOptions): Promise<string> {
  const progress = (message: string) => console.error(`  sdk-metrics: ${message}`);
  const recording = await recordingSection(quick, progress);
  const exposition = await expositionSection(quick, progress);
  return [
    '#### Cost of one recording',
    '',
    recording,
    '',
    `#### Cost of one scrape (${quick ? '1 000' : '10 000'} series)`,
    '',
    exposition,
  ].join('\n');
}

/** See the module comment. */
export const benchmark: Benchmark = {
  title: 'recording and exposition cost of the SDK against raw prom-client',
  run,
};

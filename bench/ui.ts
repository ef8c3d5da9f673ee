/**
 * The web UI over a large hub, in a real browser: 1 000 000 realistic agent spans (quick mode:
 * 100 000) spread over the last 7 days, plus one trace of 10 000 spans, are written into a
 * `SqliteStore` the way `hub-query` loads its store; a hub serving the built UI runs on that file in
 * a child process; Debian's Chromium (driven by playwright-core, as the UI's end-to-end tests drive
 * it) opens the overview and the trace list for each time range and the 10 000-span trace, each
 * in a fresh browser context (no cache, nothing shared), and times navigation start → rendered.
 *
 * The raw baseline, in the same run: the same API calls the page made, fetched from Node (the
 * same URLs, issued together as the page issues them, bodies read and parsed as JSON). The ratio
 * page / baseline says how much the browser adds on top of the API: loading the app, rendering and
 * painting.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@agentlens/hub';
import { UI_DIST_DIR } from '@agentlens/ui';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findExecutable, requireTool } from '../test-support/require-tool.js';
import { type FillResult, fillStore, writeBigTrace } from './support/agent-store-fill.js';
import type { Benchmark, BenchmarkOptions } from './support/benchmark.js';
import {
  type Align,
  formatBytes,
  formatCount,
  formatMs,
  formatRatio,
  markdownTable,
} from './support/markdown.js';
import { median } from './support/measure.js';
import { percentiles } from './support/percentiles.js';
import { removeDatabase } from './support/sqlite-floor.js';
import { startUiHub, type UiHubProcess } from './support/ui-hub-process.js';

// ---- plan ----------------------------------------------------------------------------------------

interface Plan {
  readonly spans: number;
  readonly bigTraceSpans: number;
  /** Timed page loads of each case, interleaved (every case once per round). */
  readonly rounds: number;
  /** Untimed loads of each case first (the hub's page cache, Chromium's first-run costs). */
  readonly warmUps: number;
}

function planFor(quick: boolean): Plan {
  return quick
    ? { spans: 100_000, bigTraceSpans: 10_000, rounds: 3, warmUps: 1 }
    : { spans: 1_000_000, bigTraceSpans: 10_000, rounds: 7, warmUps: 1 };
}

const DAY_MS = 86_400_000;
const SPREAD_MS = 7 * DAY_MS;
const LOAD_BATCH = 2_000;
const WINDOWS = ['1h', '24h', '7d'] as const;
/** The UI's default range (`/` and `/traces` without `range=`). */
const DEFAULT_WINDOW = '1h';
const BIG_TRACE_ID = 'b16b16b16b16b16b16b16b16b16b16b1';
const TRACE_LIST_PAGE = 50;
/** Before the 1h range (so the default views show the steady workload), inside 24h and 7d. */
const BIG_TRACE_AGE_MS = 3 * 3_600_000;
const TARGET_LIST_MS = 1000;
const TARGET_BIG_TRACE_MS = 2000;
const PAGE_TIMEOUT_MS = 60_000;
/** As the UI's end-to-end tests: root in CI has no user namespace for Chromium's sandbox. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
const VIEWPORT = { width: 1280, height: 800 };

// ---- what "rendered" means, in the page ----------------------------------------------------------

type PageKind = 'overview' | 'traces' | 'trace';

/**
 * Installed before any script of the page runs: a MutationObserver that notes `performance.now()`
 * (milliseconds since navigation start) the first time the page shows its data, then the time of
 * the next frame after it (a timer queued from `requestAnimationFrame` runs once that frame was
 * painted). Rendered means:
 * - overview: the six figure cards and the five sparklines drawn (uPlot adds them after the cards);
 * - trace list: the first row of the traces table (the 50 rows arrive in one render);
 * - a trace: the first waterfall row and the side panel of the selected span.
 *
 * Plain JavaScript in a string, not a function: tsx compiles this file with esbuild's `keepNames`,
 * which wraps named inner functions in a `__name` helper that does not exist in the page.
 */
const RENDER_PROBE = `(kind) => {
  const state = { markerMs: null, paintedMs: null };
  Object.defineProperty(window, '__benchUi', { value: state });
  const rendered = {
    overview: () =>
      document.querySelectorAll('.cards .card').length >= 6 &&
      document.querySelectorAll('.cards .uplot').length >= 5,
    traces: () => document.querySelector('table[aria-label="Traces"] tbody tr') !== null,
    trace: () =>
      document.querySelector('.wf-row') !== null &&
      document.querySelector('[data-testid="span-panel"]') !== null,
  }[kind];
  const observer = new MutationObserver(() => {
    if (state.markerMs !== null || !rendered()) return;
    state.markerMs = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { state.paintedMs = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
}`;

/** The page's globals this file reads (the root tsconfig has no DOM types). */
interface PageGlobals {
  readonly __benchUi?: { readonly markerMs: number | null; readonly paintedMs: number | null };
  readonly performance: {
    getEntriesByType(type: 'resource'): {
      readonly name: string;
      readonly startTime: number;
      readonly responseEnd: number;
      readonly decodedBodySize: number;
    }[];
  };
  readonly document: {
    querySelectorAll(selector: string): { readonly length: number };
    querySelector(selector: string): { readonly textContent: string | null } | null;
  };
}

/** An API call of the page, from its Resource Timing entry (ms since navigation start). */
interface ApiCall {
  readonly url: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly bytes: number;
}

/** What one page load showed, read in the page once it was rendered. */
interface PageFacts {
  readonly markerMs: number;
  readonly paintedMs: number;
  readonly calls: readonly ApiCall[];
  readonly alerts: number;
  readonly overviewRequests: string | null;
  readonly traceRows: number;
  readonly traceHead: string | null;
  readonly waterfallRows: number;
}

// ---- cases ---------------------------------------------------------------------------------------

interface PageCase {
  readonly name: string;
  readonly kind: PageKind;
  readonly path: string;
  readonly window: string | null;
  readonly targetMs: number;
  /** The calls the page waits for before it can render (the others run alongside). */
  readonly gates: (pathname: string) => boolean;
  /** Why the page shows the wrong thing, or undefined when it shows what it must. */
  readonly wrong: (facts: PageFacts) => string | undefined;
}

function cases(plan: Plan): PageCase[] {
  const noAlert = (facts: PageFacts) =>
    facts.alerts > 0 ? 'the page shows an error (role=alert)' : undefined;
  const out: PageCase[] = [];
  for (const window of WINDOWS) {
    const query = window === DEFAULT_WINDOW ? '' : `?range=${window}`;
    out.push({
      name: `overview, ${window}${window === DEFAULT_WINDOW ? ' (default)' : ''}`,
      kind: 'overview',
      path: `/${query}`,
      window,
      targetMs: TARGET_LIST_MS,
      // The overview loads everything in one Promise.all: every call gates.
      gates: () => true,
      wrong: (facts) =>
        noAlert(facts) ??
        (facts.overviewRequests === null || /^0\b/.test(facts.overviewRequests)
          ? `no requests in the overview (${facts.overviewRequests})`
          : undefined),
    });
  }
  for (const window of WINDOWS) {
    const query = window === DEFAULT_WINDOW ? '' : `?range=${window}`;
    out.push({
      name: `trace list, ${window}${window === DEFAULT_WINDOW ? ' (default)' : ''}`,
      kind: 'traces',
      path: `/traces${query}`,
      window,
      targetMs: TARGET_LIST_MS,
      // The filter suggestions (services, stats) load alongside; the rows wait only for the list.
      gates: (pathname) => pathname === '/api/traces',
      wrong: (facts) =>
        noAlert(facts) ??
        (facts.traceRows !== TRACE_LIST_PAGE
          ? `${facts.traceRows} rows instead of ${TRACE_LIST_PAGE}`
          : undefined),
    });
  }
  out.push({
    name: `trace of ${formatCount(plan.bigTraceSpans)} spans`,
    kind: 'trace',
    path: `/traces/${BIG_TRACE_ID}`,
    window: null,
    targetMs: TARGET_BIG_TRACE_MS,
    gates: (pathname) => pathname.startsWith('/api/traces/'),
    wrong: (facts) => {
      const shown = /([\d,. \u202f]+) spans/.exec(facts.traceHead ?? '')?.[1]?.replace(/\D/g, '');
      return (
        noAlert(facts) ??
        (facts.waterfallRows === 0 ? 'no waterfall rows' : undefined) ??
        (shown !== String(plan.bigTraceSpans)
          ? `the head line says ${shown} spans instead of ${plan.bigTraceSpans}`
          : undefined)
      );
    },
  });
  return out;
}

// ---- one page load -------------------------------------------------------------------------------

interface PageSample {
  /** Navigation start → the first frame after the page was rendered (in the page's clock). */
  readonly renderedMs: number;
  /** `page.goto` called → the probe seen by `waitForFunction` (this process's clock). */
  readonly wallMs: number;
  /** Navigation start → the first API call (HTML, scripts, first render). */
  readonly bootMs: number;
  /** First API call → the last gating answer received. */
  readonly apiMs: number;
  /** Last gating answer → the first frame after rendered. */
  readonly renderMs: number;
  /** The API calls made before the page was rendered. */
  readonly calls: readonly ApiCall[];
}

async function loadPage(browser: Browser, baseUrl: string, pageCase: PageCase): Promise<PageSample> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  try {
    await context.addInitScript({ content: `(${RENDER_PROBE})(${JSON.stringify(pageCase.kind)});` });
    const page: Page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));
    let apiRequests = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) apiRequests++;
    });
    const t0 = performance.now();
    await page.goto(`${baseUrl}${pageCase.path}`, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_MS });
    await page.waitForFunction(
      () => ((globalThis as unknown as PageGlobals).__benchUi?.paintedMs ?? null) !== null,
      undefined,
      { timeout: PAGE_TIMEOUT_MS },
    );
    const wallMs = performance.now() - t0;
    // A Resource Timing entry appears once its answer is in: wait for every API call made so far
    // (the trace list's filter suggestions may still be loading), so the call table is complete.
    await page.waitForFunction(
      (issued: number) =>
        (globalThis as unknown as PageGlobals).performance
          .getEntriesByType('resource')
          .filter((entry) => new URL(entry.name).pathname.startsWith('/api/')).length >= issued,
      apiRequests,
      { timeout: PAGE_TIMEOUT_MS },
    );
    const facts: PageFacts = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const probe = g.__benchUi;
      // No named helper in here: see RENDER_PROBE on `__name`.
      return {
        markerMs: probe?.markerMs ?? Number.NaN,
        paintedMs: probe?.paintedMs ?? Number.NaN,
        calls: g.performance
          .getEntriesByType('resource')
          .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
          .map((entry) => ({
            url: entry.name,
            startMs: entry.startTime,
            endMs: entry.responseEnd,
            bytes: entry.decodedBodySize,
          })),
        alerts: g.document.querySelectorAll('[role="alert"]').length,
        overviewRequests: g.document.querySelector('[data-testid="overview-requests"]')?.textContent ?? null,
        traceRows: g.document.querySelectorAll('table[aria-label="Traces"] tbody tr').length,
        traceHead: g.document.querySelector('.trace-head p')?.textContent ?? null,
        waterfallRows: g.document.querySelectorAll('.wf-row').length,
      };
    });
    if (failures.length > 0) throw new Error(`${pageCase.name}: ${failures.join('; ')}`);
    const wrong = pageCase.wrong(facts);
    if (wrong !== undefined)
      throw new Error(`${pageCase.name}: ${wrong}; the measurement is not trustworthy`);
    const calls = facts.calls.filter((call) => call.startMs < facts.markerMs);
    const gating = calls.filter((call) => pageCase.gates(new URL(call.url).pathname));
    if (gating.length === 0) throw new Error(`${pageCase.name}: rendered without its API call`);
    const apiStartMs = Math.min(...calls.map((call) => call.startMs));
    const apiEndMs = Math.max(...gating.map((call) => call.endMs));
    return {
      renderedMs: facts.paintedMs,
      wallMs,
      bootMs: apiStartMs,
      apiMs: apiEndMs - apiStartMs,
      renderMs: facts.paintedMs - apiEndMs,
      calls,
    };
  } finally {
    await context.close();
  }
}

// ---- the baseline: the same API calls from Node ---------------------------------------------------

async function fetchJson(url: string): Promise<void> {
  const answer = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await answer.text();
  if (!answer.ok) throw new Error(`${url}: ${answer.status} ${body.slice(0, 200)}`);
  JSON.parse(body);
}

/** The page's calls issued together from Node; ms until the gating ones are parsed. */
async function fetchLikeThePage(calls: readonly ApiCall[], pageCase: PageCase): Promise<number> {
  const t0 = performance.now();
  const all = calls.map((call) => ({ call, done: fetchJson(call.url) }));
  // Handled from the start, so a failing call that does not gate is not an unhandled rejection.
  const everything = Promise.all(all.map((a) => a.done));
  everything.catch(() => {});
  await Promise.all(all.filter(({ call }) => pageCase.gates(new URL(call.url).pathname)).map((a) => a.done));
  const ms = performance.now() - t0;
  await everything;
  return ms;
}

/** One call alone from Node, ms (the hub's cost of it, plus HTTP and parsing). */
async function fetchAlone(url: string): Promise<number> {
  const t0 = performance.now();
  await fetchJson(url);
  return performance.now() - t0;
}

/** A call as the table names it: its path and the parameters that do not depend on the range. */
function callLabel(url: string): string {
  const parsed = new URL(url);
  for (const name of ['window', 'step', 'from', 'to']) parsed.searchParams.delete(name);
  const query = parsed.searchParams.toString();
  const path = parsed.pathname.startsWith('/api/traces/') ? '/api/traces/<id>' : parsed.pathname;
  return query === '' ? path : `${path}?${decodeURIComponent(query)}`;
}

// ---- run -----------------------------------------------------------------------------------------

interface CaseResult {
  readonly pageCase: PageCase;
  readonly samples: PageSample[];
  readonly baselineMs: number[];
  /** Per sample: the page's calls fetched one at a time from Node, the sum (the hub's work). */
  readonly aloneSumMs: number[];
  /** Per call label: in-page durations (start → response end) and Node-alone times. */
  readonly perCall: Map<string, { inPage: number[]; alone: number[]; bytes: number }>;
}

function stat(values: readonly number[]): { p50: number; p95: number } {
  const { p50, p95 } = percentiles(values);
  return { p50, p95 };
}

async function measure(
  browser: Browser,
  baseUrl: string,
  plan: Plan,
  progress: (message: string) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = cases(plan).map((pageCase) => ({
    pageCase,
    samples: [],
    baselineMs: [],
    aloneSumMs: [],
    perCall: new Map(),
  }));
  for (let warmUp = 1; warmUp <= plan.warmUps; warmUp++) {
    for (const { pageCase } of results) {
      progress(`warm-up ${warmUp}/${plan.warmUps}: ${pageCase.name}`);
      const sample = await loadPage(browser, baseUrl, pageCase);
      await fetchLikeThePage(sample.calls, pageCase);
    }
  }
  for (let round = 1; round <= plan.rounds; round++) {
    for (const result of results) {
      const { pageCase } = result;
      const sample = await loadPage(browser, baseUrl, pageCase);
      result.samples.push(sample);
      const baseline = await fetchLikeThePage(sample.calls, pageCase);
      result.baselineMs.push(baseline);
      let aloneSum = 0;
      for (const call of sample.calls) {
        const label = callLabel(call.url);
        let entry = result.perCall.get(label);
        if (entry === undefined) {
          entry = { inPage: [], alone: [], bytes: call.bytes };
          result.perCall.set(label, entry);
        }
        entry.inPage.push(call.endMs - call.startMs);
        const alone = await fetchAlone(call.url);
        entry.alone.push(alone);
        aloneSum += alone;
      }
      result.aloneSumMs.push(aloneSum);
      progress(
        `round ${round}/${plan.rounds}: ${pageCase.name}: ${formatMs(sample.renderedMs)} ms in the page, API from Node ${formatMs(baseline)} ms`,
      );
    }
  }
  return results;
}

function verdict(ok: boolean, quick: boolean): string {
  if (quick) return 'not evaluated';
  return ok ? 'met' : 'not met';
}

function report(
  results: readonly CaseResult[],
  plan: Plan,
  quick: boolean,
  fill: FillResult,
  fillWallSeconds: number,
  dbBytes: number,
  hubReport: { maxRssBytes: number; cpuMs: number; loadAverages: readonly [number, number] },
): string {
  const fillTable = markdownTable(
    ['spans', 'traces', 'spread', 'plus one trace of', 'fill time (all)', 'of which writeSpans', 'db size'],
    [
      [
        formatCount(fill.spans),
        formatCount(fill.traces),
        '7 days',
        `${formatCount(plan.bigTraceSpans)} spans`,
        `${fillWallSeconds.toFixed(1)} s`,
        `${fill.writeSeconds.toFixed(1)} s`,
        formatBytes(dbBytes),
      ],
    ],
  );
  const pageTable = markdownTable(
    [
      'page',
      'rendered p50 ms',
      'rendered p95 ms',
      'wall p50 ms',
      'boot p50 ms',
      'API in page p50 ms',
      'render p50 ms',
      'API from Node p50 ms',
      'API from Node p95 ms',
      'calls alone, sum p50 ms',
      'page / API',
      'target',
      'target met (p95)',
    ],
    results.map(({ pageCase, samples, baselineMs, aloneSumMs }) => {
      const rendered = stat(samples.map((s) => s.renderedMs));
      const baseline = stat(baselineMs);
      return [
        pageCase.name,
        formatMs(rendered.p50),
        formatMs(rendered.p95),
        formatMs(median(samples.map((s) => s.wallMs))),
        formatMs(median(samples.map((s) => s.bootMs))),
        formatMs(median(samples.map((s) => s.apiMs))),
        formatMs(median(samples.map((s) => s.renderMs))),
        formatMs(baseline.p50),
        formatMs(baseline.p95),
        formatMs(median(aloneSumMs)),
        formatRatio(rendered.p50 / baseline.p50),
        `< ${formatCount(pageCase.targetMs)} ms`,
        verdict(rendered.p95 < pageCase.targetMs, quick),
      ];
    }),
    ['left', ...Array.from({ length: 11 }, (): Align => 'right'), 'left'],
  );

  // One row per (page, call), one cell per range: "in page / from Node alone".
  const byWindow = (kind: PageKind) => results.filter((r) => r.pageCase.kind === kind);
  const callRows: string[][] = [];
  const pageNames: Record<PageKind, string> = { overview: 'overview', traces: 'trace list', trace: 'trace' };
  for (const kind of ['overview', 'traces', 'trace'] as const) {
    const group = byWindow(kind);
    const labels = [...new Set(group.flatMap((r) => [...r.perCall.keys()]))];
    for (const label of labels) {
      const cells = WINDOWS.map((window) => {
        const result = group.find((r) => r.pageCase.window === window || r.pageCase.window === null);
        const entry = result?.perCall.get(label);
        if (entry === undefined) return '';
        return `${formatMs(median(entry.inPage))} / ${formatMs(median(entry.alone))} (${formatBytes(entry.bytes)})`;
      });
      callRows.push([pageNames[kind], label, ...(kind === 'trace' ? [cells[0] ?? '', '', ''] : cells)]);
    }
  }
  const callTable = markdownTable(
    ['page', 'API call', ...WINDOWS.map((w) => `${w}: in page / alone ms (body)`)],
    callRows,
    ['left', 'left', 'right', 'right', 'right'],
  );

  const worst = (kind: PageKind) =>
    byWindow(kind).reduce(
      (top, r) => {
        const p95 = stat(r.samples.map((s) => s.renderedMs)).p95;
        return p95 > top.p95 ? { name: r.pageCase.name, p95 } : top;
      },
      { name: '', p95: Number.NEGATIVE_INFINITY },
    );
  const scope = quick ? ` (quick mode: ${formatCount(fill.spans)} spans, not 1 000 000; not evaluated)` : '';
  const overview = worst('overview');
  const list = worst('traces');
  const big = worst('trace');
  return [
    `#### Filling the store`,
    '',
    fillTable,
    '',
    '#### Pages, navigation start to rendered',
    '',
    pageTable,
    '',
    `Overview, slowest p95 over the ranges: ${formatMs(overview.p95)} ms (${overview.name}); target < ${formatCount(TARGET_LIST_MS)} ms: ${verdict(overview.p95 < TARGET_LIST_MS, quick)}${scope}.`,
    '',
    `Trace list, slowest p95 over the ranges: ${formatMs(list.p95)} ms (${list.name}); target < ${formatCount(TARGET_LIST_MS)} ms: ${verdict(list.p95 < TARGET_LIST_MS, quick)}${scope}.`,
    '',
    `Trace of ${formatCount(plan.bigTraceSpans)} spans, p95: ${formatMs(big.p95)} ms; target < ${formatCount(TARGET_BIG_TRACE_MS)} ms: ${verdict(big.p95 < TARGET_BIG_TRACE_MS, quick)}${scope}.`,
    '',
    '#### The API calls each page makes before it is rendered (medians)',
    '',
    callTable,
    '',
    `Data: ${formatCount(fill.traces)} realistic agent traces from the generator \`hub-query\` uses (an \`invoke_agent\` root, 4 to 6 \`chat\` calls with tokens, \`execute_tool\` calls between them, 6 agents, 6 models, 8 tools, about 6 % failing), evenly spread over the 7 days before the fill (each trace starts at the share of the spans written before it, so the newest start a minute before the fill ended), normalized and priced by \`normalizeSpan\` and written with \`SqliteStore.writeSpans\` in batches of ${formatCount(LOAD_BATCH)}; plus one trace of ${formatCount(plan.bigTraceSpans)} spans started 3 hours before the fill ended (inside the 24h and 7d ranges, not the 1h one): an \`invoke_agent orchestrator\` root over sub-agent runs of the same generator (three levels), one starting every 0.6 s. Fill time: generating, normalizing and writing everything, then a WAL checkpoint; the file is made afresh each run (the data is relative to the time of the run, and \`hub-query\` does the same).`,
    '',
    `Pages: the hub (\`createHub\` with \`ui: { distDir: UI_DIST_DIR }\`, the built packages, in a child process) on that file; Chromium (\`/usr/bin/chromium\`, headless, ${VIEWPORT.width}×${VIEWPORT.height}) driven by playwright-core from this process. Every load is a fresh browser context (cold HTTP cache, nothing shared); ${plan.warmUps} untimed load${plan.warmUps === 1 ? '' : 's'} of every page first, then ${plan.rounds} rounds that load every page once each, in turn. **rendered**: navigation start to the first frame painted after the page showed its data, by \`performance.now()\` in the page (a MutationObserver installed before the page's scripts: overview = the six figure cards and their five sparklines; trace list = the rows of the traces table, checked to be ${TRACE_LIST_PAGE}; trace = the first waterfall row and the span panel, the head line checked to say ${formatCount(plan.bigTraceSpans)} spans). **wall**: \`page.goto\` to \`waitForFunction\` seeing it, in this process (a cross-check; it adds the driver's round trips). **boot**: navigation start to the page's first API call (HTML, scripts, styles, first render); **API in page**: first API call to the last answer the page waits for (Resource Timing; the overview waits for all its calls, the trace list for \`/api/traces\` only, a trace for \`/api/traces/<id>\`); **render**: that answer to the painted frame (JSON parsing included, as \`fetch().json()\` in the page does it). **API from Node**: the baseline, the same URLs fetched together from this process (undici \`fetch\`, keep-alive, bodies parsed), until the answers the page waits for were parsed; page / API is rendered p50 over it. **calls alone, sum**: the same calls fetched one after another from Node, each timed alone, summed: the work the page asks of the hub, which answers one query at a time (SQLite is synchronous), whatever the concurrency. In the calls table, "in page" is each call's start to response end in the browser (Chromium opens at most 6 connections to the hub, so later calls of the overview queue) and "alone" the same URL fetched by itself from Node after the page closed. The hub process's peak RSS was ${formatBytes(hubReport.maxRssBytes)}, its CPU time ${(hubReport.cpuMs / 1000).toFixed(1)} s. The machine's 1-minute load average was ${hubReport.loadAverages[0].toFixed(2)} when the page loads began and ${hubReport.loadAverages[1].toFixed(2)} when they ended (${cpus().length} cores; the hub, Chromium's processes and this one share them, with whatever else runs there).`,
  ].join('\n');
}

async function run({ quick }: BenchmarkOptions): Promise<string> {
  const progress = (message: string) => console.error(`  ui: ${message}`);
  const executable = findExecutable('chromium');
  const requirement = requireTool({
    name: 'chromium',
    found: executable !== undefined,
    debianPackage: 'chromium',
  });
  if (requirement.fail) throw new Error(requirement.reason);
  if (requirement.skip || executable === undefined) {
    progress(`skipped: ${requirement.reason}`);
    return `Skipped: ${requirement.reason}.`;
  }
  if (!existsSync(join(UI_DIST_DIR, 'index.html'))) {
    throw new Error(`${UI_DIST_DIR}index.html is missing: run npm run build`);
  }
  const plan = planFor(quick);
  const dir = mkdtempSync(join(tmpdir(), 'agentlens-bench-ui-'));
  const dbPath = join(dir, 'ui.db');
  let hub: UiHubProcess | undefined;
  let browser: Browser | undefined;
  try {
    progress(
      `filling ${formatCount(plan.spans)} spans over 7 days, plus a trace of ${formatCount(plan.bigTraceSpans)}`,
    );
    const fillStarted = performance.now();
    const store = new SqliteStore({ path: dbPath });
    let fill: FillResult;
    let dbBytes: number;
    try {
      fill = await fillStore(store, { spans: plan.spans, batch: LOAD_BATCH, spreadMs: SPREAD_MS }, progress);
      await writeBigTrace(store, {
        traceId: BIG_TRACE_ID,
        spans: plan.bigTraceSpans,
        startMs: Date.now() - BIG_TRACE_AGE_MS,
        runGapMs: 600,
      });
      // Retention by size with no limit only checkpoints and truncates the WAL (see Store).
      await store.applyRetention({ maxBytes: Number.MAX_SAFE_INTEGER });
      dbBytes = await store.sizeBytes();
    } finally {
      await store.close();
    }
    const fillWallSeconds = (performance.now() - fillStarted) / 1000;
    progress(`filled in ${fillWallSeconds.toFixed(1)} s`);

    hub = await startUiHub({ dbPath });
    browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
    const loadBefore = loadavg()[0] ?? Number.NaN;
    const results = await measure(browser, hub.url, plan, progress);
    const loadAfter = loadavg()[0] ?? Number.NaN;
    await browser.close();
    browser = undefined;
    const hubReport = await hub.stop();
    hub = undefined;
    return report(results, plan, quick, fill, fillWallSeconds, dbBytes, {
      ...hubReport,
      loadAverages: [loadBefore, loadAfter],
    });
  } finally {
    await browser?.close();
    hub?.kill();
    removeDatabase(dbPath);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** See the module comment. */
export const benchmark: Benchmark = {
  title:
    'the web UI in Chromium over 1 000 000 stored spans: overview, trace list and a 10 000-span trace, navigation to rendered, against the same API calls from Node',
  run,
};

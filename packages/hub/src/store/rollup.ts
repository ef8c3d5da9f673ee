import type { LatencyHistogramData, SpanRecord } from '@agentlens/core';
import { LatencyHistogram, SPAN_CATEGORIES } from '@agentlens/core';
import type {
  OverviewStats,
  StatsGroup,
  StatsKind,
  Timeseries,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeseriesSet,
  TimeWindow,
  TokenTotals,
} from './store.js';

/**
 * Per-minute rollups, backend-independent: how a batch of spans becomes rollup deltas, and how
 * rollup rows become stats and timeseries. Every backend stores {@link RollupRow}s keyed by
 * minute and dimensions, merges deltas into them at ingest, and hands the rows of a window back to
 * {@link statsFromRollups} / {@link timeseriesFromRollups}, so that the figures are computed by one
 * piece of code whatever the database.
 */

export const MINUTE_MS = 60_000;
/** Minutes in one row of the hour tier. */
export const HOUR_MINUTES = 60;
const HOUR_MS = HOUR_MINUTES * MINUTE_MS;
const MINUTE_NS = 60_000_000_000n;

/**
 * The dimensions of a rollup row. Absent values are `''`, not null, so that they take part in
 * unique keys (SQL treats NULLs as distinct).
 */
export interface RollupKey {
  /** Minutes since the Unix epoch of the span's end. */
  readonly minute: number;
  readonly service: string;
  readonly category: string;
  readonly agent: string;
  readonly operation: string;
  readonly provider: string;
  /** Response model, else request model. */
  readonly model: string;
  readonly tool: string;
}

/** The measures of a rollup row; tokens and cost skip spans with `aggregatesChildren`. */
export interface RollupMeasures {
  count: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  unpriced: number;
  /** Span durations in seconds. */
  latency: LatencyHistogram;
}

export interface RollupDelta extends RollupKey, RollupMeasures {}

/** A stored rollup row as a backend reads it back. */
export interface RollupRow extends RollupKey, Omit<RollupMeasures, 'latency'> {
  /**
   * The serialised latency histogram, parsed only when a query needs quantiles; null when the
   * query did not ask for it.
   */
  readonly latencyJson: string | null;
}

/** Minute of a span's end, from its end time in Unix nanoseconds. */
export function minuteOfNanos(unixNano: bigint): number {
  return Number(unixNano / MINUTE_NS);
}

/**
 * The fields of a span that its rollups read: a record's, or a stored or encoded row's (booleans
 * as 0 / 1).
 */
export type RollupSpan = Pick<
  SpanRecord,
  | 'service'
  | 'category'
  | 'agentName'
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'toolName'
  | 'statusCode'
  | 'durationMs'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadTokens'
  | 'cacheWriteTokens'
  | 'reasoningTokens'
  | 'costUsd'
> & { readonly unpriced: boolean | number; readonly aggregatesChildren: boolean | number };

/**
 * Accumulates rollup deltas: add only the spans that were actually inserted (not duplicates), then
 * write {@link RollupAccumulator.deltas} and {@link RollupAccumulator.hourDeltas}. Spans go into
 * the minute tier only; the hour tier is folded from the minute deltas when asked for, so a span
 * costs one keyed update, not two.
 */
export class RollupAccumulator {
  readonly #deltas = new Map<string, RollupDelta>();

  add(span: RollupSpan, endMinute: number): void {
    const model = span.responseModel ?? span.requestModel ?? '';
    const service = span.service;
    const agent = span.agentName ?? '';
    const operation = span.operation ?? '';
    const provider = span.provider ?? '';
    const tool = span.toolName ?? '';
    // \u0001 cannot appear in the names we key on in practice, and a collision only merges rows.
    const id = `${endMinute}\u0001${service}\u0001${span.category}\u0001${agent}\u0001${operation}\u0001${provider}\u0001${model}\u0001${tool}`;
    let delta = this.#deltas.get(id);
    if (delta === undefined) {
      delta = emptyDelta({
        minute: endMinute,
        service,
        category: span.category,
        agent,
        operation,
        provider,
        model,
        tool,
      });
      this.#deltas.set(id, delta);
    }
    delta.count++;
    if (span.statusCode === 2) delta.errors++;
    delta.latency.record(span.durationMs / 1000);
    if (!span.aggregatesChildren) {
      delta.inputTokens += span.inputTokens ?? 0;
      delta.outputTokens += span.outputTokens ?? 0;
      delta.cacheReadTokens += span.cacheReadTokens ?? 0;
      delta.cacheWriteTokens += span.cacheWriteTokens ?? 0;
      delta.reasoningTokens += span.reasoningTokens ?? 0;
      delta.costUsd += span.costUsd ?? 0;
      if (span.unpriced) delta.unpriced++;
    }
  }

  /** Deltas of the minute tier, one per (minute, dimensions). */
  deltas(): IterableIterator<RollupDelta> {
    return this.#deltas.values();
  }

  /**
   * Deltas of the hour tier, one per (hour, dimensions), each the sum of that hour's minute
   * deltas: `minute` is the first minute of the hour, so both tiers read back alike.
   */
  hourDeltas(): IterableIterator<RollupDelta> {
    const hours = new Map<string, RollupDelta>();
    for (const [id, minute] of this.#deltas) {
      const hour = minute.minute - (minute.minute % HOUR_MINUTES);
      const hourId = `${hour}${id.slice(id.indexOf('\u0001'))}`;
      let delta = hours.get(hourId);
      if (delta === undefined) {
        delta = emptyDelta({ ...minute, minute: hour });
        hours.set(hourId, delta);
      }
      addDelta(delta, minute);
    }
    return hours.values();
  }

  /** Minute deltas held. */
  get size(): number {
    return this.#deltas.size;
  }
}

function emptyDelta(key: RollupKey): RollupDelta {
  return {
    minute: key.minute,
    service: key.service,
    category: key.category,
    agent: key.agent,
    operation: key.operation,
    provider: key.provider,
    model: key.model,
    tool: key.tool,
    count: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    unpriced: 0,
    latency: new LatencyHistogram(),
  };
}

function addDelta(into: RollupDelta, delta: RollupMeasures): void {
  into.count += delta.count;
  into.errors += delta.errors;
  into.inputTokens += delta.inputTokens;
  into.outputTokens += delta.outputTokens;
  into.cacheReadTokens += delta.cacheReadTokens;
  into.cacheWriteTokens += delta.cacheWriteTokens;
  into.reasoningTokens += delta.reasoningTokens;
  into.costUsd += delta.costUsd;
  into.unpriced += delta.unpriced;
  into.latency.merge(delta.latency);
}

/** The quantile a timeseries of `p95` shows, and the one a rollup row keeps precomputed. */
export const SERIES_QUANTILE = 0.95;

/** Merges a stored histogram (JSON text, or null for a new row) with a delta's, as JSON text. */
export function mergeLatencyJson(stored: string | null, delta: LatencyHistogram): string {
  return mergeLatency(stored, delta).json;
}

/**
 * {@link mergeLatencyJson}, with the merged histogram's {@link SERIES_QUANTILE} as well, for a
 * backend that keeps it beside the histogram.
 */
export function mergeLatency(stored: string | null, delta: LatencyHistogram): { json: string; p95: number } {
  if (stored === null) return { json: JSON.stringify(delta.toJSON()), p95: delta.quantile(SERIES_QUANTILE) };
  const merged = LatencyHistogram.fromJSON(JSON.parse(stored) as LatencyHistogramData);
  merged.merge(delta);
  return { json: JSON.stringify(merged.toJSON()), p95: merged.quantile(SERIES_QUANTILE) };
}

/** First and last-exclusive minute of a window: minutes whose start lies in `[fromMs, toMs)`. */
export function windowMinutes(window: TimeWindow): { fromMinute: number; toMinute: number } {
  return {
    fromMinute: Math.ceil(window.fromMs / MINUTE_MS),
    toMinute: Math.ceil(window.toMs / MINUTE_MS),
  };
}

/** A run of rollup rows to read from one tier: `[from, to)` in that tier's first minutes. */
export interface RollupSegment {
  readonly tier: 'minute' | 'hour';
  /** First minute of the first row (for hours, a multiple of 60). */
  readonly fromMinute: number;
  /** First minute after the last row. */
  readonly toMinute: number;
}

/**
 * How to read a window from the two tiers: whole hours from the hour tier, the minutes before the
 * first and after the last whole hour from the minute tier. A 24-hour window then reads about 24
 * rows per dimension set instead of 1 440, and a 7-day one 168 instead of 10 080. With a
 * timeseries step that is not whole hours, every row comes from the minute tier (an hour row could
 * straddle two steps). Every hour row holds exactly the sum of that hour's minute rows (writes go
 * to both tiers in one transaction; retention rebuilds the hour it cuts), so the answers are the
 * same whichever tier a minute is read from.
 */
export function rollupSegments(window: TimeWindow, stepMs: number | null): RollupSegment[] {
  const { fromMinute, toMinute } = windowMinutes(window);
  if (toMinute <= fromMinute) return [];
  const firstHour = Math.ceil(fromMinute / HOUR_MINUTES) * HOUR_MINUTES;
  const lastHour = Math.floor(toMinute / HOUR_MINUTES) * HOUR_MINUTES;
  const hoursFit = stepMs === null || stepMs % HOUR_MS === 0;
  if (!hoursFit || firstHour >= lastHour) return [{ tier: 'minute', fromMinute, toMinute }];
  const segments: RollupSegment[] = [];
  if (fromMinute < firstHour) segments.push({ tier: 'minute', fromMinute, toMinute: firstHour });
  segments.push({ tier: 'hour', fromMinute: firstHour, toMinute: lastHour });
  if (lastHour < toMinute) segments.push({ tier: 'minute', fromMinute: lastHour, toMinute });
  return segments;
}

/**
 * Which rollup rows a query needs and whether it needs their latency histograms: a SQL condition
 * over the rollup columns and which rows' histograms to merge. The condition always names the
 * category (every category when the query spans them all), so a backend whose rollup key starts
 * with the category reads each one as a range of its key.
 */
export interface RollupNeeds {
  readonly where: string;
  readonly latency: 'none' | 'agent' | 'all';
}

const ANY_CATEGORY = `category IN (${SPAN_CATEGORIES.map((c) => `'${c}'`).join(', ')})`;

/** What {@link Store.stats} of `kind` reads. */
export function statsNeeds(kind: StatsKind): RollupNeeds {
  switch (kind) {
    case 'overview':
      return { where: ANY_CATEGORY, latency: 'agent' };
    case 'agents':
      return { where: `${ANY_CATEGORY} AND agent <> ''`, latency: 'agent' };
    case 'tools':
      return { where: "category = 'tool' AND tool <> ''", latency: 'all' };
    case 'models':
      return { where: "category = 'model' AND model <> ''", latency: 'all' };
  }
}

/** What {@link Store.timeseries} of `measure` by `groupBy` reads. */
export function timeseriesNeeds(measure: TimeseriesMeasure, groupBy: TimeseriesGroupBy | null): RollupNeeds {
  const latency = measure === 'p95' ? 'all' : 'none';
  if (groupBy === 'model') return { where: "category = 'model' AND model <> ''", latency };
  if (groupBy === 'provider') return { where: "category = 'model' AND provider <> ''", latency };
  if (groupBy === 'tool') return { where: "category = 'tool' AND tool <> ''", latency };
  const requests = measure === 'requests' || measure === 'errors' || measure === 'p95';
  const category = requests ? "category = 'agent'" : ANY_CATEGORY;
  return { where: groupBy === 'agent' ? `${category} AND agent <> ''` : category, latency };
}

/** Merges serialised histograms (nulls skipped) into one, as JSON text. */
export function mergeLatencyTexts(texts: Iterable<string | null>): string {
  return JSON.stringify(mergedLatency(texts).toJSON());
}

/** The quantile `q` of serialised histograms merged. */
export function latencyQuantile(texts: Iterable<string | null>, q: number): number {
  return mergedLatency(texts).quantile(q);
}

/** Serialised histograms (nulls skipped) merged into one. */
function mergedLatency(texts: Iterable<string | null>): LatencyHistogram {
  const merged = new LatencyHistogram();
  for (const text of texts) if (text !== null) merged.merge(JSON.parse(text) as LatencyHistogramData);
  return merged;
}

/** Validates a window; throws RangeError. */
export function checkWindow(window: TimeWindow): void {
  if (!Number.isFinite(window.fromMs) || !Number.isFinite(window.toMs) || window.toMs < window.fromMs) {
    throw new RangeError(`invalid window [${window.fromMs}, ${window.toMs})`);
  }
}

class GroupAccumulator {
  requests = 0;
  failures = 0;
  readonly latency = new LatencyHistogram();
  input = 0;
  output = 0;
  cacheRead = 0;
  cacheWrite = 0;
  reasoning = 0;
  costUsd = 0;
  unpriced = 0;
  /** Rows that counted requests; their histograms are parsed at the end, only when needed. */
  readonly latencyRows: (string | null)[] = [];

  addRequests(row: RollupRow): void {
    this.requests += row.count;
    this.failures += row.errors;
    this.latencyRows.push(row.latencyJson);
  }

  addUsage(row: RollupRow): void {
    this.input += row.inputTokens;
    this.output += row.outputTokens;
    this.cacheRead += row.cacheReadTokens;
    this.cacheWrite += row.cacheWriteTokens;
    this.reasoning += row.reasoningTokens;
    this.costUsd += row.costUsd;
    this.unpriced += row.unpriced;
  }

  finish(name: string, provider: string | null): StatsGroup {
    for (const json of this.latencyRows) {
      if (json !== null) this.latency.merge(JSON.parse(json) as LatencyHistogramData);
    }
    const tokens: TokenTotals = {
      input: this.input,
      output: this.output,
      cacheRead: this.cacheRead,
      cacheWrite: this.cacheWrite,
      reasoning: this.reasoning,
    };
    return {
      name,
      provider,
      requests: this.requests,
      failures: this.failures,
      successRate: this.requests === 0 ? 1 : (this.requests - this.failures) / this.requests,
      avgLatencySeconds: this.latency.mean(),
      p50LatencySeconds: this.latency.quantile(0.5),
      p95LatencySeconds: this.latency.quantile(0.95),
      p99LatencySeconds: this.latency.quantile(0.99),
      tokens,
      costUsd: this.costUsd,
      unpricedCalls: this.unpriced,
    };
  }
}

function compareGroups(a: StatsGroup, b: StatsGroup): number {
  if (a.requests !== b.requests) return b.requests - a.requests;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const pa = a.provider ?? '';
  const pb = b.provider ?? '';
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/** The overview over the rollup rows of a window. */
export function overviewFromRollups(rows: Iterable<RollupRow>): OverviewStats {
  const all = new GroupAccumulator();
  let modelCalls = 0;
  let toolCalls = 0;
  let errorSpans = 0;
  for (const row of rows) {
    if (row.category === 'agent') all.addRequests(row);
    else if (row.category === 'model') modelCalls += row.count;
    else if (row.category === 'tool') toolCalls += row.count;
    errorSpans += row.errors;
    all.addUsage(row);
  }
  return { ...all.finish('overview', null), modelCalls, toolCalls, errorSpans };
}

/** The groups of `kind` (not the overview) over the rollup rows of a window. */
export function statsFromRollups(
  kind: Exclude<StatsKind, 'overview'>,
  rows: Iterable<RollupRow>,
): StatsGroup[] {
  const groups = new Map<string, { name: string; provider: string | null; acc: GroupAccumulator }>();
  const group = (id: string, name: string, provider: string | null): GroupAccumulator => {
    let entry = groups.get(id);
    if (entry === undefined) {
      entry = { name, provider, acc: new GroupAccumulator() };
      groups.set(id, entry);
    }
    return entry.acc;
  };
  for (const row of rows) {
    if (kind === 'agents') {
      if (row.agent === '') continue;
      const acc = group(row.agent, row.agent, null);
      if (row.category === 'agent') acc.addRequests(row);
      acc.addUsage(row);
    } else if (kind === 'tools') {
      if (row.category !== 'tool' || row.tool === '') continue;
      const acc = group(row.tool, row.tool, null);
      acc.addRequests(row);
      acc.addUsage(row);
    } else {
      if (row.category !== 'model' || row.model === '') continue;
      const acc = group(`${row.provider}\u0001${row.model}`, row.model, row.provider);
      acc.addRequests(row);
      acc.addUsage(row);
    }
  }
  return [...groups.values()].map((g) => g.acc.finish(g.name, g.provider)).sort(compareGroups);
}

/** Validates a timeseries step; throws RangeError. */
export function checkStep(stepMs: number): void {
  if (!Number.isInteger(stepMs) || stepMs <= 0 || stepMs % MINUTE_MS !== 0) {
    throw new RangeError(`step must be a positive multiple of ${MINUTE_MS} ms, got ${stepMs}`);
  }
}

/** Validates the arguments of `Store.timeseries` (the step as {@link checkStep}); throws RangeError. */
export function checkTimeseriesQuery(
  measure: TimeseriesMeasure,
  stepMs: number,
  groupBy: TimeseriesGroupBy | null,
): void {
  checkStep(stepMs);
  if (!['requests', 'errors', 'p95', 'tokens', 'cost'].includes(measure)) {
    throw new RangeError(`unknown measure "${String(measure)}"`);
  }
  if (groupBy !== null && !['agent', 'model', 'provider', 'tool'].includes(groupBy)) {
    throw new RangeError(`unknown groupBy "${String(groupBy)}"`);
  }
}

/** Validates the kind of `Store.stats`; throws RangeError. */
export function checkStatsKind(kind: StatsKind): void {
  if (!['overview', 'agents', 'tools', 'models'].includes(kind)) {
    throw new RangeError(`unknown stats kind "${String(kind)}"`);
  }
}

/** Which rows feed a timeseries, and under which key; null leaves the row out. */
function seriesKey(groupBy: TimeseriesGroupBy | null, row: RollupRow): string | null | undefined {
  if (groupBy === null) return null;
  if (groupBy === 'agent') return row.agent === '' ? undefined : row.agent;
  if (groupBy === 'model') return row.category === 'model' && row.model !== '' ? row.model : undefined;
  if (groupBy === 'provider') {
    return row.category === 'model' && row.provider !== '' ? row.provider : undefined;
  }
  return row.category === 'tool' && row.tool !== '' ? row.tool : undefined;
}

/** Whether a row's count, errors and latency belong to the requests population. */
function countsAsRequest(groupBy: TimeseriesGroupBy | null, row: RollupRow): boolean {
  if (groupBy === null || groupBy === 'agent') return row.category === 'agent';
  return true;
}

/** The timeseries of a window, from its rollup rows. */
export function timeseriesFromRollups(
  measure: TimeseriesMeasure,
  stepMs: number,
  groupBy: TimeseriesGroupBy | null,
  window: TimeWindow,
  rows: Iterable<RollupRow>,
): TimeseriesSet {
  const { startMs: firstStep, stepCount } = seriesGrid(stepMs, window);
  const perKey = new Map<string | null, { values: number[]; latency: ((string | null)[] | undefined)[] }>();
  const slotsOf = (key: string | null) => {
    let slots = perKey.get(key);
    if (slots === undefined) {
      slots = { values: new Array<number>(stepCount).fill(0), latency: new Array(stepCount) };
      perKey.set(key, slots);
    }
    return slots;
  };
  if (groupBy === null) slotsOf(null);
  for (const row of rows) {
    const key = seriesKey(groupBy, row);
    if (key === undefined) continue;
    const index = Math.floor((row.minute * MINUTE_MS - firstStep) / stepMs);
    if (index < 0 || index >= stepCount) continue;
    const slots = slotsOf(key);
    const request = countsAsRequest(groupBy, row);
    switch (measure) {
      case 'requests':
        if (request) slots.values[index] = (slots.values[index] as number) + row.count;
        break;
      case 'errors':
        if (request) slots.values[index] = (slots.values[index] as number) + row.errors;
        break;
      case 'p95':
        if (request) {
          const list = slots.latency[index] ?? [];
          list.push(row.latencyJson);
          slots.latency[index] = list;
        }
        break;
      case 'tokens':
        slots.values[index] = (slots.values[index] as number) + row.inputTokens + row.outputTokens;
        break;
      case 'cost':
        slots.values[index] = (slots.values[index] as number) + row.costUsd;
        break;
    }
  }
  const series: Timeseries[] = [];
  for (const [key, slots] of perKey) {
    if (measure === 'p95') {
      slots.latency.forEach((latency, i) => {
        const texts = (latency ?? []).filter((json): json is string => json !== null);
        slots.values[i] =
          texts.length === 1
            ? // Most per-minute points hold one histogram: read its quantile without building one.
              LatencyHistogram.quantileOf(
                JSON.parse(texts[0] as string) as LatencyHistogramData,
                SERIES_QUANTILE,
              )
            : latencyQuantile(texts, SERIES_QUANTILE);
      });
    }
    series.push({ key, values: slots.values });
  }
  return { measure, stepMs, startMs: firstStep, series: series.sort(byKey) };
}

/** Where the steps of a series over `window` start, and how many there are. */
function seriesGrid(stepMs: number, window: TimeWindow): { startMs: number; stepCount: number } {
  const startMs = Math.floor(window.fromMs / stepMs) * stepMs;
  return { startMs, stepCount: window.toMs <= startMs ? 0 : Math.ceil((window.toMs - startMs) / stepMs) };
}

/** Orders series by key. */
function byKey(a: Timeseries, b: Timeseries): number {
  return a.key === b.key ? 0 : (a.key ?? '') < (b.key ?? '') ? -1 : 1;
}

/** One point of a series as a backend computed it: the step's first minute, the key, the value. */
export interface SeriesPoint {
  readonly minute: number;
  /** The agent, model or tool; `''` for the ungrouped series. */
  readonly key: string;
  readonly value: number;
}

/**
 * The dense series of a window from points a backend computed itself, one per (step, key) with
 * data (see {@link timeseriesFromRollups} for the grid and the ordering).
 */
export function timeseriesFromPoints(
  measure: TimeseriesMeasure,
  stepMs: number,
  groupBy: TimeseriesGroupBy | null,
  window: TimeWindow,
  points: Iterable<SeriesPoint>,
): TimeseriesSet {
  const { startMs: firstStep, stepCount } = seriesGrid(stepMs, window);
  const perKey = new Map<string | null, number[]>();
  const valuesOf = (key: string | null) => {
    let values = perKey.get(key);
    if (values === undefined) {
      values = new Array<number>(stepCount).fill(0);
      perKey.set(key, values);
    }
    return values;
  };
  if (groupBy === null) valuesOf(null);
  for (const point of points) {
    const index = Math.floor((point.minute * MINUTE_MS - firstStep) / stepMs);
    if (index < 0 || index >= stepCount) continue;
    const values = valuesOf(groupBy === null ? null : point.key);
    values[index] = (values[index] as number) + point.value;
  }
  const series = [...perKey].map(([key, values]): Timeseries => ({ key, values }));
  return { measure, stepMs, startMs: firstStep, series: series.sort(byKey) };
}

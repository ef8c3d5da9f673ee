import { type MetricDefinition, type MetricType, OVERFLOW_LABEL_VALUE } from '@agentlens/core';
import { ByteWriter } from './byte-writer.js';
import { HistogramSeries, type Series, ValueSeries } from './series.js';

type Node = Map<string, Node | Series>;

/** The byte strings every line of a family is assembled from. */
interface EncodedParts {
  readonly name: Buffer;
  readonly bucket: Buffer;
  readonly sum: Buffer;
  readonly count: Buffer;
  /** `,le="0.1"} ` per bucket, `+Inf` last: after a series' labels. */
  readonly leAfterLabels: readonly Buffer[];
  /** `{le="0.1"} ` per bucket: for a series without labels. */
  readonly leAlone: readonly Buffer[];
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const CLOSE_BRACE_SPACE = Buffer.from('} ');

/** What a family needs to know besides its catalog entry. */
export interface MetricFamilyOptions {
  /** Prefix put in front of the catalog name (`""` by default). */
  readonly prefix: string;
  /** Most label-value combinations this family holds; later ones fold into the overflow series. */
  readonly seriesCap: number;
  /** Called every time a recording lands in the overflow series (the SDK counts and warns once). */
  readonly onOverflow: (family: MetricFamily) => void;
}

/** The shape prom-client's `Registry` reads from a registered metric (`get()`, `reset()`). */
interface PromClientValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : value;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Prometheus text form of a sample value (prom-client writes these the same way). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return `${value}`;
}

/**
 * One Prometheus metric family (a catalog entry) whose series are resolved once and then written
 * to directly. It registers in a prom-client `Registry` like any prom-client metric, so
 * `registry.metrics()` and users' merged registries include it; the agentlens `/metrics` handler
 * renders it through {@link MetricFamily.render}, which is much faster than prom-client's
 * generic path because every series' label text is built once, when the series is created.
 */
export class MetricFamily<S extends Series = Series> {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[] | undefined;
  /** How prom-client's cluster aggregation combines this metric across workers. */
  readonly aggregator = 'sum';
  readonly #cap: number;
  readonly #onOverflow: (family: MetricFamily) => void;
  readonly #root: Node = new Map();
  readonly #all: S[] = [];
  readonly #leTexts: readonly string[];
  readonly #bytes: EncodedParts;
  #overflow: S | undefined;
  #single: S | undefined;

  constructor(definition: MetricDefinition, options: MetricFamilyOptions) {
    this.name = `${options.prefix}${definition.name}`;
    this.help = definition.help;
    this.type = definition.type;
    this.labelNames = definition.labelNames;
    this.buckets = definition.buckets;
    this.#cap = options.seriesCap;
    this.#onOverflow = options.onOverflow;
    this.#leTexts = (definition.buckets ?? []).map((b) => `le="${formatValue(b)}"`);
    const le = [...this.#leTexts, 'le="+Inf"'];
    this.#bytes = {
      name: Buffer.from(this.name),
      bucket: Buffer.from(`${this.name}_bucket`),
      sum: Buffer.from(`${this.name}_sum`),
      count: Buffer.from(`${this.name}_count`),
      leAfterLabels: le.map((t) => Buffer.from(`,${t}} `)),
      leAlone: le.map((t) => Buffer.from(`{${t}} `)),
    };
    // A family without labels has exactly one series, present (at zero) from the start.
    if (this.labelNames.length === 0) this.#single = this.#create([]);
  }

  /** Number of series, the overflow series included. */
  get size(): number {
    return this.#all.length;
  }

  /**
   * The series for these label values (in `labelNames` order), created on first use. Past the cap,
   * a new combination returns the overflow series, whose every label is `__overflow__`.
   */
  series(values: readonly string[]): S {
    const single = this.#single;
    if (single !== undefined) return single;
    let node = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const next = node.get(values[i] as string) as Node | undefined;
      if (next === undefined) return this.#add(values);
      node = next;
    }
    return (node.get(values[last] as string) as S | undefined) ?? this.#add(values);
  }

  /** Every series, in creation order (the overflow series included). */
  allSeries(): readonly S[] {
    return this.#all;
  }

  /** Whether `series` is the overflow series (so callers do not cache it under a real key). */
  isOverflow(series: Series): boolean {
    return series === this.#overflow;
  }

  #add(values: readonly string[]): S {
    if (values.length !== this.labelNames.length) {
      throw new TypeError(
        `${this.name} takes labels ${this.labelNames.join(', ')}; got ${values.length} values`,
      );
    }
    if (this.#all.length >= this.#cap) {
      this.#onOverflow(this as MetricFamily);
      if (this.#overflow === undefined) {
        this.#overflow = this.#create(this.labelNames.map(() => OVERFLOW_LABEL_VALUE));
      }
      return this.#overflow;
    }
    const series = this.#create(values);
    let node = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const key = values[i] as string;
      let next = node.get(key) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
    }
    node.set(values[last] as string, series);
    return series;
  }

  #create(values: readonly string[]): S {
    const labelValues = values.map(String);
    const labelText = labelValues.map((v, i) => `${this.labelNames[i]}="${escapeLabelValue(v)}"`).join(',');
    const series = (
      this.type === 'histogram'
        ? new HistogramSeries(labelValues, labelText, this.buckets ?? [])
        : new ValueSeries(labelValues, labelText)
    ) as S;
    this.#all.push(series);
    return series;
  }

  /**
   * The family in the Prometheus text format (version 0.0.4), or in OpenMetrics 1.0 when
   * `openMetrics` is set (the caller appends `# EOF`). `defaultLabels` are the registry's default
   * labels; a series' own label of the same name wins, as in prom-client.
   */
  render(openMetrics: boolean, defaultLabels: Readonly<Record<string, string>>): string {
    const writer = new ByteWriter(4096);
    this.renderTo(writer, openMetrics, defaultLabels);
    return writer.result().toString('utf8');
  }

  /**
   * {@link render} into bytes. Each line is copied from parts encoded once (the family's names and
   * `le` labels, each series' label text) plus the value, so a scrape allocates almost nothing.
   */
  renderTo(writer: ByteWriter, openMetrics: boolean, defaultLabels: Readonly<Record<string, string>>): void {
    const familyName = openMetrics && this.type === 'counter' ? this.name.replace(/_total$/, '') : this.name;
    writer.string(`# HELP ${familyName} ${escapeHelp(this.help)}\n# TYPE ${familyName} ${this.type}\n`);
    let extra = '';
    for (const [key, value] of Object.entries(defaultLabels)) {
      if (!this.labelNames.includes(key))
        extra += `${extra ? ',' : ''}${key}="${escapeLabelValue(String(value))}"`;
    }
    const parts = this.#bytes;
    if (this.type !== 'histogram') {
      for (const series of this.#all as ValueSeries[]) {
        writer.bytes(parts.name);
        const labels = this.#labelBytes(series, extra);
        if (labels === undefined) writer.byte(SPACE);
        else {
          writer.bytes(labels);
          writer.bytes(CLOSE_BRACE_SPACE);
        }
        writer.number(series.value, formatValue);
        writer.byte(NEWLINE);
      }
      return;
    }
    const bucketCount = parts.leAlone.length;
    for (const series of this.#all as HistogramSeries[]) {
      const labels = this.#labelBytes(series, extra);
      const le = labels === undefined ? parts.leAlone : parts.leAfterLabels;
      const counts = series.counts;
      let cumulative = 0;
      for (let i = 0; i < bucketCount; i++) {
        cumulative += counts[i] as number;
        writer.bytes(parts.bucket);
        if (labels !== undefined) writer.bytes(labels);
        writer.bytes(le[i] as Buffer);
        writer.number(cumulative, formatValue);
        writer.byte(NEWLINE);
      }
      for (const [name, value] of [
        [parts.sum, series.sum],
        [parts.count, series.count],
      ] as const) {
        writer.bytes(name);
        if (labels === undefined) writer.byte(SPACE);
        else {
          writer.bytes(labels);
          writer.bytes(CLOSE_BRACE_SPACE);
        }
        writer.number(value, formatValue);
        writer.byte(NEWLINE);
      }
    }
  }

  /** `{labels` of a series with `extra` default labels, encoded once; undefined when it has none. */
  #labelBytes(series: Series, extra: string): Buffer | undefined {
    if (series.encodedLabels !== undefined && series.encodedWith === extra) return series.encodedLabels;
    const text = series.labelText ? (extra ? `${series.labelText},${extra}` : series.labelText) : extra;
    if (text === '') return undefined;
    series.encodedLabels = Buffer.from(`{${text}`);
    series.encodedWith = extra;
    return series.encodedLabels;
  }

  /** prom-client's metric interface, so `registry.metrics()` and `getMetricsAsJSON()` include this. */
  async get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    values: PromClientValue[];
    aggregator: string;
  }> {
    const values: PromClientValue[] = [];
    for (const series of this.#all) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((label, i) => {
        labels[label] = series.labelValues[i] as string;
      });
      if (series instanceof ValueSeries) {
        values.push({ value: series.value, labels });
        continue;
      }
      let cumulative = 0;
      const bounds = this.buckets ?? [];
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += series.counts[i] as number;
        values.push({
          value: cumulative,
          labels: { ...labels, le: i < bounds.length ? (bounds[i] as number) : '+Inf' },
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ value: series.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: series.count, labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zeroes every series (prom-client's `registry.resetMetrics()` calls this). */
  reset(): void {
    for (const series of this.#all) {
      if (series instanceof ValueSeries) series.value = 0;
      else {
        series.counts.fill(0);
        series.sum = 0;
        series.count = 0;
      }
    }
  }
}

/**
 * The slots the hot path writes into. A series is resolved once per label set (see
 * `MetricFamily.series`); after that, recording is a field update on one of these objects, with
 * no label hashing, which is what makes the SDK cheaper than calling prom-client per record.
 */

/** A counter or gauge series: one number. */
export class ValueSeries {
  value = 0;
  /** `{labels` (default labels included) encoded for the exposition, and the default labels it was built with. */
  encodedLabels: Buffer | undefined;
  encodedWith = '';
  /** `name{labels}` without the value, built once when the series is created. */
  readonly labelText: string;
  readonly labelValues: readonly string[];

  constructor(labelValues: readonly string[], labelText: string) {
    this.labelValues = labelValues;
    this.labelText = labelText;
  }
}

/** A histogram series: per-bucket counts (not cumulative; `+Inf` last), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  /** As on {@link ValueSeries}. */
  encodedLabels: Buffer | undefined;
  encodedWith = '';
  sum = 0;
  count = 0;
  readonly labelText: string;
  readonly labelValues: readonly string[];
  readonly #bounds: readonly number[];

  constructor(labelValues: readonly string[], labelText: string, bounds: readonly number[]) {
    this.labelValues = labelValues;
    this.labelText = labelText;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value; the caller has validated it (finite, and non-negative where it must be). */
  observe(value: number): void {
    const bounds = this.#bounds;
    // A linear scan beats a binary search for the 10-15 buckets of the catalog.
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    const counts = this.counts;
    counts[i] = (counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

export type Series = ValueSeries | HistogramSeries;

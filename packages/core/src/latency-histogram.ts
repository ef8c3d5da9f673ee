/**
 * A log-scale latency histogram (the DDSketch bucketing) with a stated relative error: every
 * quantile it returns lies within {@link LATENCY_RELATIVE_ACCURACY} (1 %) of the true value of the
 * recorded sample at that rank, for values between {@link LATENCY_MIN_VALUE} and
 * {@link LATENCY_MAX_VALUE}. Memory is fixed (one `Float64Array` of {@link LATENCY_BUCKET_COUNT}
 * counts, allocated on the first record), recording is a logarithm and an array increment, and two
 * histograms merge by adding their counts, so per-minute rollups can be summed into any window.
 *
 * The SDK collector's percentiles, the hub's rollups and the alert evaluator all use this one type.
 */

/** Relative accuracy of every quantile: |estimate - true| <= 0.01 * true. */
export const LATENCY_RELATIVE_ACCURACY = 0.01;
/** Smallest value tracked with the stated accuracy (1 microsecond when recording seconds). */
export const LATENCY_MIN_VALUE = 1e-6;
/** Largest value tracked with the stated accuracy (about 11.5 days in seconds). */
export const LATENCY_MAX_VALUE = 1e6;

const GAMMA = (1 + LATENCY_RELATIVE_ACCURACY) / (1 - LATENCY_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
const MIN_INDEX = Math.ceil(Math.log(LATENCY_MIN_VALUE) / LOG_GAMMA);
const MAX_INDEX = Math.ceil(Math.log(LATENCY_MAX_VALUE) / LOG_GAMMA);
/** Number of log-scale buckets (values below the minimum share one extra "zero" bucket). */
export const LATENCY_BUCKET_COUNT = MAX_INDEX - MIN_INDEX + 1;

/** The serialised form: only non-empty buckets, so a rollup row stays small. */
export interface LatencyHistogramData {
  /** Relative accuracy the buckets were made with; merging requires the same value. */
  readonly accuracy: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Values below {@link LATENCY_MIN_VALUE} (zero included). */
  readonly zeroCount: number;
  /** Pairs of [bucket index, count], bucket index as returned by the log mapping. */
  readonly buckets: readonly (readonly [number, number])[];
}

export class LatencyHistogram {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  zeroCount = 0;
  #counts: Float64Array | undefined;

  /**
   * Records one value. Negative and non-finite values are ignored (callers validate first; the
   * histogram must never be corrupted by one bad input).
   */
  record(value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value < LATENCY_MIN_VALUE) {
      this.zeroCount++;
      return;
    }
    let index = Math.ceil(Math.log(value) / LOG_GAMMA);
    if (index > MAX_INDEX) index = MAX_INDEX;
    if (this.#counts === undefined) this.#counts = new Float64Array(LATENCY_BUCKET_COUNT);
    const counts = this.#counts;
    const slot = index - MIN_INDEX;
    counts[slot] = (counts[slot] as number) + 1;
  }

  /** Mean of the recorded values, or 0 when empty. */
  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /**
   * The value at quantile `q` (0..1) with the stated relative error, clamped to the exact recorded
   * minimum and maximum; `0` when the histogram is empty. The rank is `floor(q * (count - 1))`, the
   * lower nearest rank, so `quantile(0)` is the minimum and `quantile(1)` the maximum.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.floor(q * (this.count - 1));
    let seen = this.zeroCount;
    if (rank < seen) return this.min;
    const counts = this.#counts;
    if (counts === undefined) return this.max;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (seen > rank) {
        const estimate = (2 * GAMMA ** (i + MIN_INDEX)) / (GAMMA + 1);
        return Math.min(Math.max(estimate, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Adds every value of `other` into this histogram. */
  merge(other: LatencyHistogram | LatencyHistogramData): void {
    const data = other instanceof LatencyHistogram ? other.toJSON() : other;
    if (data.accuracy !== LATENCY_RELATIVE_ACCURACY) {
      throw new RangeError(
        `cannot merge a histogram of accuracy ${data.accuracy} into ${LATENCY_RELATIVE_ACCURACY}`,
      );
    }
    if (data.count === 0) return;
    this.count += data.count;
    this.sum += data.sum;
    this.zeroCount += data.zeroCount;
    if (data.min < this.min) this.min = data.min;
    if (data.max > this.max) this.max = data.max;
    if (data.buckets.length === 0) return;
    if (this.#counts === undefined) this.#counts = new Float64Array(LATENCY_BUCKET_COUNT);
    for (const [index, n] of data.buckets) {
      const slot = Math.min(Math.max(index, MIN_INDEX), MAX_INDEX) - MIN_INDEX;
      this.#counts[slot] = (this.#counts[slot] as number) + n;
    }
  }

  /** Forgets everything recorded. */
  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.zeroCount = 0;
    this.#counts?.fill(0);
  }

  toJSON(): LatencyHistogramData {
    const buckets: [number, number][] = [];
    const counts = this.#counts;
    if (counts !== undefined) {
      for (let i = 0; i < counts.length; i++) {
        const n = counts[i] as number;
        if (n !== 0) buckets.push([i + MIN_INDEX, n]);
      }
    }
    return {
      accuracy: LATENCY_RELATIVE_ACCURACY,
      count: this.count,
      sum: this.sum,
      min: this.count === 0 ? 0 : this.min,
      max: this.count === 0 ? 0 : this.max,
      zeroCount: this.zeroCount,
      buckets,
    };
  }

  /**
   * {@link LatencyHistogram.quantile} of a serialised histogram, without building one: for the
   * many single-histogram points of a per-minute series.
   */
  static quantileOf(data: LatencyHistogramData, q: number): number {
    if (data.accuracy !== LATENCY_RELATIVE_ACCURACY) return LatencyHistogram.fromJSON(data).quantile(q);
    if (data.count === 0) return 0;
    if (q <= 0) return data.min;
    if (q >= 1) return data.max;
    const rank = Math.floor(q * (data.count - 1));
    let seen = data.zeroCount;
    if (rank < seen) return data.min;
    const buckets = data.buckets;
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i] as readonly [number, number])[0] <= (buckets[i - 1] as readonly [number, number])[0]) {
        // Not in the ascending order toJSON writes: merge properly instead.
        return LatencyHistogram.fromJSON(data).quantile(q);
      }
    }
    for (const [index, n] of buckets) {
      seen += n;
      if (seen > rank) {
        const bucket = Math.min(Math.max(index, MIN_INDEX), MAX_INDEX);
        const estimate = (2 * GAMMA ** bucket) / (GAMMA + 1);
        return Math.min(Math.max(estimate, data.min), data.max);
      }
    }
    return data.max;
  }

  static fromJSON(data: LatencyHistogramData): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.merge(data);
    return histogram;
  }
}

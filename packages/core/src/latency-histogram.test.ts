import { describe, expect, it } from 'vitest';
import { LATENCY_RELATIVE_ACCURACY, LatencyHistogram } from './latency-histogram.js';
import { seededRandom } from './seeded-random.js';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

const distributions: [string, (r: () => number) => number][] = [
  ['uniform 0-10 s', (r) => r() * 10],
  ['log-normal around 1 s', (r) => Math.exp((r() + r() + r() - 1.5) * 2)],
  ['bimodal 5 ms / 30 s', (r) => (r() < 0.9 ? 0.005 + r() * 0.001 : 30 + r())],
  ['exponential tail', (r) => -Math.log(1 - r()) * 0.2],
];

describe('LatencyHistogram', () => {
  it.each(distributions)('quantiles of %s are within the stated relative error', (_, draw) => {
    const random = seededRandom(42);
    const histogram = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = draw(random);
      values.push(v);
      histogram.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(values, q);
      const estimate = histogram.quantile(q);
      expect(Math.abs(estimate - exact), `q=${q} exact=${exact} estimate=${estimate}`).toBeLessThanOrEqual(
        exact * LATENCY_RELATIVE_ACCURACY + 1e-12,
      );
    }
    expect(histogram.count).toBe(values.length);
    expect(histogram.sum).toBeCloseTo(
      values.reduce((s, v) => s + v, 0),
      6,
    );
    expect(histogram.quantile(0)).toBe(values[0]);
    expect(histogram.quantile(1)).toBe(values[values.length - 1]);
  });

  it('ignores values that would corrupt it', () => {
    const histogram = new LatencyHistogram();
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      histogram.record(bad);
    expect(histogram.count).toBe(0);
    expect(histogram.quantile(0.5)).toBe(0);
    histogram.record(0);
    histogram.record(2);
    expect(histogram.count).toBe(2);
    expect(histogram.quantile(0)).toBe(0);
    expect(histogram.mean()).toBe(1);
  });

  it('merges: two halves give the quantiles of the whole', () => {
    const random = seededRandom(7);
    const whole = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 5000; i++) {
      const v = random() * 3;
      whole.record(v);
      (i % 2 ? a : b).record(v);
    }
    a.merge(b);
    for (const q of [0.5, 0.95, 0.99]) expect(a.quantile(q)).toBe(whole.quantile(q));
    expect(a.count).toBe(whole.count);
  });

  it('round-trips through JSON with only the non-empty buckets', () => {
    const histogram = new LatencyHistogram();
    for (const v of [0.001, 0.001, 0.5, 12]) histogram.record(v);
    const data = JSON.parse(JSON.stringify(histogram.toJSON()));
    expect(data.buckets).toHaveLength(3);
    const copy = LatencyHistogram.fromJSON(data);
    expect(copy.quantile(0.5)).toBe(histogram.quantile(0.5));
    expect(copy.max).toBe(12);
    expect(() => copy.merge({ ...data, accuracy: 0.02 })).toThrow(/accuracy/);
  });
});

describe('LatencyHistogram.quantileOf', () => {
  it('gives the quantiles of the histogram it was serialised from', () => {
    const random = seededRandom(11);
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 5000; i++) histogram.record(random() < 0.01 ? 0 : 10 ** (random() * 6 - 3));
    const data = histogram.toJSON();
    for (const q of [0, 0.01, 0.5, 0.9, 0.95, 0.99, 1]) {
      expect(LatencyHistogram.quantileOf(data, q)).toBe(histogram.quantile(q));
    }
    const shuffled = { ...data, buckets: [...data.buckets].reverse() };
    expect(LatencyHistogram.quantileOf(shuffled, 0.95)).toBe(histogram.quantile(0.95));
    expect(LatencyHistogram.quantileOf(new LatencyHistogram().toJSON(), 0.95)).toBe(0);
  });
});

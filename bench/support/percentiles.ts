/**
 * p50, p95 and p99 of `values` by nearest rank (the smallest value with at least `q * n` of the
 * values at or below it); NaN when empty. Sorts a copy.
 */
export function percentiles(values: readonly number[]): { p50: number; p95: number; p99: number } {
  if (values.length === 0) return { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1] as number;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

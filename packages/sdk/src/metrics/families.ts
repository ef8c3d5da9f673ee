import { METRIC_CATALOG, type MetricKey } from '@agentlens/core';
import { MetricFamily } from './metric-family.js';
import type { HistogramSeries, ValueSeries } from './series.js';

/** One family per catalog entry, typed by the entry's metric type. */
export type Families = {
  [K in MetricKey]: MetricFamily<
    (typeof METRIC_CATALOG)[K]['type'] extends 'histogram' ? HistogramSeries : ValueSeries
  >;
};

/** Creates a family for every catalog entry, in catalog order. */
export function createFamilies(
  prefix: string,
  seriesCap: number,
  onOverflow: (family: MetricFamily) => void,
): Families {
  const families: Record<string, MetricFamily> = {};
  for (const [key, definition] of Object.entries(METRIC_CATALOG)) {
    families[key] = new MetricFamily(definition, { prefix, seriesCap, onOverflow });
  }
  return families as Families;
}

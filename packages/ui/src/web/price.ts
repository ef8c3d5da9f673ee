import {
  ATTR_AGENTLENS_COST_DATASET,
  ATTR_AGENTLENS_COST_DATASET_DATE,
  ATTR_AGENTLENS_COST_PRICE_ENTRY,
  ATTR_AGENTLENS_COST_SOURCE,
} from '@agentlens/core';
import type { ModelPrice, TraceDetail } from '@agentlens/hub/client';

type SpanRecord = TraceDetail['spans'][number];

/** What the UI shows of the price behind a cost: the entry, its dataset and the dataset's date. */
export interface PriceLabel {
  /** `provider/model` of the price entry; null when unknown. */
  readonly entry: string | null;
  readonly dataset: string | null;
  readonly datasetDate: string | null;
  /** A user-supplied price rather than the dataset's. */
  readonly override: boolean;
  /** Why there is no price, or where the cost came from when no entry is known. */
  readonly note: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** The hub's entry for a model as spans report it. */
export function findModelPrice(
  prices: readonly ModelPrice[] | undefined,
  provider: string | null,
  model: string | null,
): ModelPrice | undefined {
  if (model === null) return undefined;
  return prices?.find((p) => p.model === model && p.provider === provider);
}

/** The label of a hub catalog entry, or of its absence. */
export function labelOfModelPrice(price: ModelPrice): PriceLabel {
  const { entry } = price;
  if (entry === null) {
    return { entry: null, dataset: null, datasetDate: null, override: false, note: price.unpricedReason };
  }
  return {
    entry: `${entry.provider}/${entry.model}`,
    dataset: entry.dataset,
    datasetDate: entry.datasetDate,
    override: entry.source === 'override',
    note: null,
  };
}

/**
 * The price behind one span's cost. A span priced by the agentlens SDK names its entry in its
 * `agentlens.cost.*` attributes; a span the hub priced names the dataset in `costSource`, and the
 * hub's catalog gives the entry when it still holds that dataset. Null for a span without cost.
 */
export function spanPriceLabel(
  span: SpanRecord,
  prices: readonly ModelPrice[] | undefined,
): PriceLabel | null {
  const model = span.responseModel ?? span.requestModel;
  const hub = findModelPrice(prices, span.provider, model);
  if (span.unpriced) {
    return {
      entry: null,
      dataset: null,
      datasetDate: null,
      override: false,
      note: hub?.unpricedReason ?? 'no price known for this model',
    };
  }
  if (span.costSource === null || span.costUsd === null) return null;
  if (span.costSource === 'span') {
    const entry = text(span.attributes[ATTR_AGENTLENS_COST_PRICE_ENTRY]);
    return {
      entry,
      dataset: text(span.attributes[ATTR_AGENTLENS_COST_DATASET]),
      datasetDate: text(span.attributes[ATTR_AGENTLENS_COST_DATASET_DATE]),
      override: span.attributes[ATTR_AGENTLENS_COST_SOURCE] === 'override',
      note: entry === null ? 'cost reported by the span itself' : null,
    };
  }
  if (hub?.entry && hub.entry.dataset === span.costSource) return labelOfModelPrice(hub);
  return {
    entry: null,
    dataset: span.costSource,
    datasetDate: null,
    override: false,
    note: 'priced at ingest; the hub now holds another dataset',
  };
}

/** One line: `openai/gpt-4o · genai-prices 0.1.8 · data of 2026-09-23`. */
export function priceLabelText(label: PriceLabel): string {
  const parts = [
    label.entry ?? '',
    label.override ? 'override' : '',
    label.dataset ?? '',
    label.datasetDate === null ? '' : `data of ${label.datasetDate}`,
    label.note ?? '',
  ];
  return parts.filter((part) => part !== '').join(' · ');
}

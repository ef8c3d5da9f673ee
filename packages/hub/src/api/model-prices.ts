import type { PriceCatalog, SpanRecord } from '@agentlens/core';
import type { ModelPrice } from './api-types.js';

/** A model as spans report it: the provider (may be absent) and the model id. */
export interface ReportedModel {
  readonly provider: string | null;
  readonly model: string;
}

/**
 * The price entry the hub's catalog holds for each distinct reported model, looked up at `atMs`
 * (the few dated prices change over time), in first-seen order. This is the entry the hub prices
 * spans with that carry no cost of their own; a span priced by its SDK names its own entry in its
 * `agentlens.cost.*` attributes.
 */
export function modelPrices(
  catalog: PriceCatalog,
  models: Iterable<ReportedModel>,
  atMs: number,
): ModelPrice[] {
  const at = new Date(atMs);
  const seen = new Map<string, ModelPrice>();
  for (const { provider, model } of models) {
    const key = `${provider ?? ''}\u0000${model}`;
    if (seen.has(key)) continue;
    const cost = catalog.price(provider ?? '', model, {}, at);
    seen.set(
      key,
      cost.priced
        ? { provider, model, entry: cost.provenance, unpricedReason: null }
        : { provider, model, entry: null, unpricedReason: cost.reason },
    );
  }
  return [...seen.values()];
}

/** The models of a trace's spans that the hub would price: those with tokens and a model id. */
export function modelsOfSpans(spans: readonly SpanRecord[]): ReportedModel[] {
  const models: ReportedModel[] = [];
  for (const span of spans) {
    const model = span.responseModel ?? span.requestModel;
    if (model === null || (span.inputTokens === null && span.outputTokens === null)) continue;
    models.push({ provider: span.provider, model });
  }
  return models;
}

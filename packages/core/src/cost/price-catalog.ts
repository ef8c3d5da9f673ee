import { calcPrice, findProvider, type ModelInfo, type Provider } from '@pydantic/genai-prices';
import { z } from 'zod';
import type { CostBreakdown, CostResult, PriceProvenance, TokenUsage } from './cost-result.js';
import { GENAI_PRICES_DATASET, GENAI_PRICES_DATE } from './dataset.js';
import { OverrideMatcher, type PriceOverride, validatePriceOverrides } from './price-override.js';
import { datasetProviderId } from './provider-aliases.js';
import { billUsage, type CheckedUsage, ratesFromModelPrice, type TokenRates } from './token-rates.js';

/** Options of {@link PriceCatalog}. */
export interface PriceCatalogOptions {
  /** Prices that win over the dataset; validated at construction. */
  overrides?: readonly PriceOverride[];
  /** Name of the override set, shown as `provenance.dataset` of overridden costs. Default `overrides`. */
  overridesName?: string;
}

/**
 * Upper bound on cached (provider, model) lookups. Model names come from telemetry, so an
 * unbounded cache could be grown without limit by a misbehaving client; past the cap, new names
 * are still priced, just not remembered.
 */
export const PRICE_CACHE_MAX_ENTRIES = 10_000;

type Entry =
  | { readonly kind: 'fixed'; readonly rates: TokenRates; readonly provenance: PriceProvenance }
  | {
      // The entry's price changed on known dates (price cuts): variants sorted by start, read once.
      readonly kind: 'scheduled';
      readonly variants: readonly { readonly fromMs: number; readonly rates: TokenRates }[];
      readonly provenance: PriceProvenance;
    }
  | {
      // The entry's price changes with the time of day (price cuts, off-peak discounts):
      // the library picks the variant for each call, matching only against this one model.
      readonly kind: 'dated';
      readonly provider: Provider;
      readonly modelId: string;
      readonly provenance: PriceProvenance;
    }
  | { readonly kind: 'unpriced'; readonly result: CostResult };

const OptionsSchema = z
  .strictObject({
    overrides: z.unknown().optional(),
    overridesName: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  })
  .optional();

/**
 * Prices model calls from the genai-prices dataset, with user overrides on top, and says where
 * every price came from. Pure and synchronous: no I/O, no clock unless `at` is omitted for one of
 * the few models whose price depends on the date or time of day.
 *
 * `price()` never throws: an unknown provider or model, or usage that breaks the
 * {@link TokenUsage} contract, gives `priced: false` with the reason. The constructor throws on
 * invalid options.
 *
 * @example
 * const catalog = new PriceCatalog({ overrides: [{ provider: 'openai', model: 'ft:*', inputPerMillion: 3, outputPerMillion: 12 }] });
 * const cost = catalog.price('openai', 'gpt-4o-2024-08-06', { inputTokens: 1200, cacheReadTokens: 1000, outputTokens: 300 });
 * if (cost.priced) span.setAttribute('agentlens.cost.usd', cost.usd);
 */
export class PriceCatalog {
  /** Label of the dataset, e.g. `genai-prices 0.1.8`. */
  readonly dataset: string = GENAI_PRICES_DATASET;
  /** ISO date of the dataset's price snapshot. */
  readonly datasetDate: string | null = GENAI_PRICES_DATE;

  readonly #overrides: OverrideMatcher;
  readonly #overridesName: string;
  // provider -> model -> entry. Nested maps keep the hot path free of key concatenation.
  readonly #cache = new Map<string, Map<string, Entry>>();
  #cached = 0;

  constructor(options?: PriceCatalogOptions) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `invalid PriceCatalog options: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      );
    }
    this.#overrides = new OverrideMatcher(validatePriceOverrides(options?.overrides ?? [], 'overrides'));
    this.#overridesName = parsed.data?.overridesName ?? 'overrides';
  }

  /**
   * The cost of one model call.
   *
   * @param provider `gen_ai.provider.name` (`openai`, `aws.bedrock`, `gcp.vertex_ai`, ...) or a
   *   genai-prices provider id; empty to let the dataset guess the provider from the model id.
   * @param model the model id as reported (`gpt-4o-2024-08-06`); matched as genai-prices matches it.
   * @param at when the call happened, for the few prices that change with date or time of day
   *   (DeepSeek off-peak hours, announced price cuts). Defaults to now.
   */
  price(provider: string, model: string, usage: TokenUsage, at?: Date): CostResult {
    let byModel = this.#cache.get(provider);
    let entry = byModel?.get(model);
    if (entry === undefined) {
      entry = this.#resolve(provider, model);
      if (this.#cached < PRICE_CACHE_MAX_ENTRIES) {
        if (byModel === undefined) {
          byModel = new Map();
          this.#cache.set(provider, byModel);
        }
        byModel.set(model, entry);
        this.#cached++;
      }
    }
    if (entry.kind === 'unpriced') return entry.result;

    const checked = checkUsage(usage);
    if (typeof checked === 'string') return { priced: false, reason: `invalid usage: ${checked}` };

    let rates: TokenRates;
    if (entry.kind === 'fixed') {
      rates = entry.rates;
    } else if (entry.kind === 'scheduled') {
      rates = scheduledRates(entry.variants, at);
    } else {
      const dated = datedRates(entry.provider, entry.modelId, at ?? new Date());
      if (typeof dated === 'string') return { priced: false, reason: dated };
      rates = dated;
    }
    const breakdown = billUsage(rates, checked);
    if (typeof breakdown === 'string') {
      const { provider: p, model: m } = entry.provenance;
      return { priced: false, reason: `no token price for provider "${p}" model "${m}": ${breakdown}` };
    }
    return { priced: true, usd: sum(breakdown), breakdown, provenance: entry.provenance };
  }

  #resolve(provider: string, model: string): Entry {
    const providerId = datasetProviderId(provider);
    const override = this.#overrides.find(providerId, model);
    if (override !== undefined) {
      const provenance: PriceProvenance = Object.freeze({
        source: 'override',
        provider: override.override.provider === '*' ? providerId : override.override.provider,
        model: override.override.model,
        dataset: this.#overridesName,
        datasetDate: null,
      });
      return { kind: 'fixed', rates: override.rates, provenance };
    }
    const unpriced = (why: string): Entry => ({
      kind: 'unpriced',
      result: Object.freeze({
        priced: false,
        reason: `no price for provider "${provider}" model "${model}": ${why}`,
      }),
    });
    if (model.trim() === '') return unpriced('the model id is empty');
    if (providerId !== '' && findProvider({ providerId }) === undefined) {
      return unpriced(`provider not in ${GENAI_PRICES_DATASET} and no override matches`);
    }
    let found: ReturnType<typeof calcPrice>;
    try {
      // Empty usage: this call only runs the library's provider and model matching.
      found = calcPrice({}, model, providerId === '' ? {} : { providerId });
    } catch (error) {
      return unpriced(`genai-prices failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (found === null) return unpriced(`model not in ${GENAI_PRICES_DATASET} and no override matches`);
    return entryFor(found.provider, found.model, model);
  }
}

function entryFor(provider: Provider, model: ModelInfo, requestedModel: string): Entry {
  const provenance: PriceProvenance = Object.freeze({
    source: 'genai-prices',
    provider: provider.id,
    model: model.id,
    dataset: GENAI_PRICES_DATASET,
    datasetDate: GENAI_PRICES_DATE,
  });
  if (!Array.isArray(model.prices)) {
    try {
      return { kind: 'fixed', rates: ratesFromModelPrice(model.prices), provenance };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        kind: 'unpriced',
        result: { priced: false, reason: `price entry ${provider.id}/${model.id} is unusable: ${why}` },
      };
    }
  }
  const variants = model.prices;
  if (variants.every((v) => v.constraint === undefined || v.constraint.type === 'start_date')) {
    try {
      return {
        kind: 'scheduled',
        variants: variants.map((v) => ({
          fromMs:
            v.constraint?.type === 'start_date'
              ? Date.parse(v.constraint.start_date)
              : Number.NEGATIVE_INFINITY,
          rates: ratesFromModelPrice(v.prices),
        })),
        provenance,
      };
    } catch {
      // Fall through: the library decides, and reports what is wrong per call.
    }
  }
  const pinned: Provider = { ...provider, models: [model], fallback_model_providers: [] };
  return { kind: 'dated', provider: pinned, modelId: requestedModel, provenance };
}

/** The library's rule: the last variant whose start has passed, else the first. */
function scheduledRates(
  variants: readonly { fromMs: number; rates: TokenRates }[],
  at: Date | undefined,
): TokenRates {
  const ms = at === undefined ? Date.now() : at.getTime();
  for (let i = variants.length - 1; i >= 0; i--) {
    const variant = variants[i];
    if (variant !== undefined && ms >= variant.fromMs) return variant.rates;
  }
  // Never empty: the dataset's dated entries always carry at least one variant.
  return (variants[0] as { rates: TokenRates }).rates;
}

function datedRates(provider: Provider, modelId: string, at: Date): TokenRates | string {
  try {
    const result = calcPrice({}, modelId, { provider, timestamp: at });
    if (result === null) return `genai-prices found no price for "${modelId}" at ${at.toISOString()}`;
    return ratesFromModelPrice(result.model_price);
  } catch (error) {
    return `genai-prices failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function count(value: number | undefined, name: string): number | string {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return `${name} must be a finite number >= 0, got ${String(value)}`;
  }
  return value;
}

function checkUsage(usage: TokenUsage): CheckedUsage | string {
  const input = count(usage.inputTokens, 'inputTokens');
  if (typeof input === 'string') return input;
  const output = count(usage.outputTokens, 'outputTokens');
  if (typeof output === 'string') return output;
  const cacheRead = count(usage.cacheReadTokens, 'cacheReadTokens');
  if (typeof cacheRead === 'string') return cacheRead;
  const cacheWrite = count(usage.cacheWriteTokens, 'cacheWriteTokens');
  if (typeof cacheWrite === 'string') return cacheWrite;
  const reasoning = count(usage.reasoningTokens, 'reasoningTokens');
  if (typeof reasoning === 'string') return reasoning;
  if (cacheRead + cacheWrite > input) {
    return (
      `cacheReadTokens + cacheWriteTokens (${cacheRead + cacheWrite}) exceed inputTokens (${input}); ` +
      'inputTokens must count all input tokens, cached ones included'
    );
  }
  if (reasoning > output) {
    return `reasoningTokens (${reasoning}) exceed outputTokens (${output}); outputTokens must include reasoning`;
  }
  return { input, output, cacheRead, cacheWrite, reasoning };
}

function sum(breakdown: CostBreakdown): number {
  return breakdown.input + breakdown.output + breakdown.cacheRead + breakdown.cacheWrite + breakdown.request;
}

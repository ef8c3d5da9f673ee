import type { ModelPrice } from '@pydantic/genai-prices';
import type { CostBreakdown } from './cost-result.js';

/** A price per million tokens, flat or chosen by the call's total input tokens (long-context tiers). */
export type Rate = number | TieredRate;

export interface TieredRate {
  readonly base: number;
  /** Ascending by `start`; a tier applies when the call's total input tokens exceed its `start`. */
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

/**
 * The part of one dataset price entry (or override) that token usage can be billed against,
 * read once so that pricing a call is a handful of multiplications.
 */
export interface TokenRates {
  readonly input: Rate | undefined;
  readonly output: Rate | undefined;
  readonly cacheRead: Rate | undefined;
  readonly cacheWrite: Rate | undefined;
  /** A separate reasoning-token rate; absent for almost every model, whose reasoning bills as output. */
  readonly reasoning: Rate | undefined;
  /** Flat fee per 1,000 requests (`requests_kcount`); one call is one request. */
  readonly requestPerThousand: Rate | undefined;
  /** False for an entry with no price at all: the dataset's way of saying the model is free. */
  readonly pricesAnything: boolean;
}

/** Token counts already checked against the {@link TokenUsage} contract; missing counts are 0. */
export interface CheckedUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

const compiled = new WeakMap<ModelPrice, TokenRates>();

/**
 * Reads the rates out of a genai-prices `ModelPrice`. Price keys other than the six read here
 * bill usage this module never reports (audio, images, web searches, ...), so they cost 0 here as
 * they would in the library. Memoised by entry, since the dataset's objects live as long as the process.
 */
export function ratesFromModelPrice(price: ModelPrice): TokenRates {
  let rates = compiled.get(price);
  if (rates === undefined) {
    rates = {
      input: toRate(price.input_mtok, 'input_mtok'),
      output: toRate(price.output_mtok, 'output_mtok'),
      cacheRead: toRate(price.cache_read_mtok, 'cache_read_mtok'),
      cacheWrite: toRate(price.cache_write_mtok, 'cache_write_mtok'),
      reasoning: toRate(price.output_reasoning_mtok, 'output_reasoning_mtok'),
      requestPerThousand: toRate(price.requests_kcount, 'requests_kcount'),
      pricesAnything: Object.values(price).some((value) => value !== undefined),
    };
    compiled.set(price, rates);
  }
  return rates;
}

function toRate(value: ModelPrice[string], key: string): Rate | undefined {
  if (value === undefined || typeof value === 'number') return value;
  if (typeof value.base !== 'number' || !Array.isArray(value.tiers)) {
    throw new Error(`price ${key} is neither a number nor tiered prices`);
  }
  const tiers = value.tiers.map((tier) => ({ start: tier.start, price: tier.price }));
  tiers.sort((a, b) => a.start - b.start);
  return { base: value.base, tiers };
}

function cost(rate: Rate | undefined, count: number, totalInput: number): number {
  if (rate === undefined || count <= 0) return 0;
  if (typeof rate === 'number') return (rate * count) / 1e6;
  let perMillion = rate.base;
  for (const tier of rate.tiers) {
    if (totalInput > tier.start) perMillion = tier.price;
  }
  return (perMillion * count) / 1e6;
}

/**
 * Bills usage the way genai-prices does: cache reads and writes at their own rates where the entry
 * has them and at the input rate where it has not; reasoning at its own rate where there is one,
 * else as output; tiers chosen by the total input tokens. Returns the reason instead of a cost
 * when tokens would have to be billed at a rate the entry does not have (an audio-only model asked
 * to price text tokens, say), so a missing price never reads as $0.
 */
export function billUsage(rates: TokenRates, usage: CheckedUsage): CostBreakdown | string {
  if (!rates.pricesAnything) return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, request: 0 };
  const uncached = usage.input - usage.cacheRead - usage.cacheWrite;
  const cacheReadRate = rates.cacheRead ?? rates.input;
  const cacheWriteRate = rates.cacheWrite ?? rates.input;
  if (
    rates.input === undefined &&
    (uncached > 0 ||
      (usage.cacheRead > 0 && cacheReadRate === undefined) ||
      (usage.cacheWrite > 0 && cacheWriteRate === undefined))
  ) {
    return 'the price entry has no per-token input price';
  }
  const plainOutput = rates.reasoning === undefined ? usage.output : usage.output - usage.reasoning;
  if (rates.output === undefined && plainOutput > 0) {
    return 'the price entry has no per-token output price';
  }
  const total = usage.input;
  return {
    input: cost(rates.input, uncached, total),
    output: cost(rates.output, plainOutput, total) + cost(rates.reasoning, usage.reasoning, total),
    cacheRead: cost(cacheReadRate, usage.cacheRead, total),
    cacheWrite: cost(cacheWriteRate, usage.cacheWrite, total),
    request: cost(rates.requestPerThousand, 1000, total),
  };
}

/**
 * The shapes that go in and out of price lookup: token usage, the cost of one model call and the
 * provenance of its price. Plain data, so a result can be stored, sent over the wire or compared.
 */

/**
 * Tokens of one model call, counted the OpenTelemetry GenAI way.
 *
 * Contract: `inputTokens` counts ALL input tokens, cache reads and cache writes included
 * (`gen_ai.usage.input_tokens`); `cacheReadTokens` and `cacheWriteTokens` are subsets of it, so
 * their sum MUST NOT exceed `inputTokens`. `reasoningTokens` is a subset of `outputTokens` and
 * MUST NOT exceed it. A missing count means 0. Counts are finite and >= 0 (fractions allowed).
 */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** `gen_ai.usage.cache_read.input_tokens`: part of `inputTokens` served from the prompt cache. */
  cacheReadTokens?: number;
  /** `gen_ai.usage.cache_creation.input_tokens`: part of `inputTokens` written to the prompt cache. */
  cacheWriteTokens?: number;
  /** `gen_ai.usage.reasoning.output_tokens`: part of `outputTokens` spent on hidden reasoning. */
  reasoningTokens?: number;
}

/** Where the price behind a cost came from. */
export interface PriceProvenance {
  /** `genai-prices` for the bundled dataset, `override` for a user-supplied price. */
  readonly source: 'genai-prices' | 'override';
  /** Provider id of the price entry: the dataset's id (`openai`, `aws`, `google`, ...) or the override's. */
  readonly provider: string;
  /** Model id of the matched price entry (`gpt-4o` for `gpt-4o-2024-08-06`), or the override's pattern. */
  readonly model: string;
  /** The dataset, e.g. `genai-prices 0.1.8`, or the name of the override set. */
  readonly dataset: string;
  /** ISO date (YYYY-MM-DD) of the price data snapshot; null when unknown (overrides). */
  readonly datasetDate: string | null;
}

/** Cost of one model call in USD, split by token type. The parts add up to `usd`. */
export interface CostBreakdown {
  /** Input tokens that were neither read from nor written to the cache. */
  readonly input: number;
  /** Output tokens, reasoning tokens included. */
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  /** A flat per-request fee, for the few models the dataset prices that way (Perplexity Sonar); else 0. */
  readonly request: number;
}

/**
 * The cost of one model call. A model without a known price is `priced: false` with the reason,
 * never a cost of $0; a priced call with no tokens costs 0.
 */
export type CostResult =
  | {
      readonly priced: true;
      readonly usd: number;
      readonly breakdown: CostBreakdown;
      readonly provenance: PriceProvenance;
    }
  | { readonly priced: false; readonly reason: string };

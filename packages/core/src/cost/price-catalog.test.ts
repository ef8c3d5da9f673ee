import {
  calcPrice,
  findProvider,
  type ModelInfo,
  type ModelPrice,
  waitForUpdate,
} from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import type { CostResult } from './cost-result.js';
import { GENAI_PRICES_DATE, GENAI_PRICES_VERSION } from './dataset.js';
import { PriceCatalog } from './price-catalog.js';
import { billUsage, ratesFromModelPrice } from './token-rates.js';

/** The dataset's own entry, read straight from the library, so expectations follow the data. */
function entry(providerId: string, modelId: string): ModelInfo {
  const model = findProvider({ providerId })?.models.find((m) => m.id === modelId);
  if (model === undefined) throw new Error(`dataset has no ${providerId}/${modelId}`);
  return model;
}

function flatPrice(providerId: string, modelId: string): Record<string, number> {
  const prices = entry(providerId, modelId).prices;
  if (Array.isArray(prices)) throw new Error(`${providerId}/${modelId} has dated prices`);
  const flat: Record<string, number> = {};
  for (const [key, value] of Object.entries(prices)) {
    if (typeof value !== 'number') throw new Error(`${providerId}/${modelId} ${key} is tiered`);
    flat[key] = value;
  }
  return flat;
}

function priced(result: CostResult): Extract<CostResult, { priced: true }> {
  if (!result.priced) throw new Error(`expected a price, got: ${result.reason}`);
  return result;
}

const catalog = new PriceCatalog();

describe('PriceCatalog with the genai-prices dataset', () => {
  it('prices openai gpt-4o by its dated id, with provenance and maths checked by hand', () => {
    const p = flatPrice('openai', 'gpt-4o');
    const usage = { inputTokens: 12_000, cacheReadTokens: 10_000, outputTokens: 800, reasoningTokens: 0 };
    const cost = priced(catalog.price('openai', 'gpt-4o-2024-08-06', usage));

    const input = p.input_mtok ?? Number.NaN;
    const cacheRead = p.cache_read_mtok ?? Number.NaN;
    const output = p.output_mtok ?? Number.NaN;
    expect(cost.breakdown.input).toBeCloseTo((2_000 * input) / 1e6, 12);
    expect(cost.breakdown.cacheRead).toBeCloseTo((10_000 * cacheRead) / 1e6, 12);
    expect(cost.breakdown.output).toBeCloseTo((800 * output) / 1e6, 12);
    expect(cost.breakdown.cacheWrite).toBe(0);
    expect(cost.usd).toBeCloseTo((2_000 * input + 10_000 * cacheRead + 800 * output) / 1e6, 12);
    expect(cost.provenance).toEqual({
      source: 'genai-prices',
      provider: 'openai',
      model: 'gpt-4o',
      dataset: `genai-prices ${GENAI_PRICES_VERSION}`,
      datasetDate: GENAI_PRICES_DATE,
    });
    expect(catalog.dataset).toBe(`genai-prices ${GENAI_PRICES_VERSION}`);
    expect(catalog.datasetDate).toBe(GENAI_PRICES_DATE);
  });

  it('agrees with the library total for the same call', () => {
    const cost = priced(
      catalog.price('openai', 'gpt-4o', { inputTokens: 5_000, cacheReadTokens: 3_000, outputTokens: 400 }),
    );
    const library = calcPrice(
      { input_tokens: 5_000, cache_read_tokens: 3_000, output_tokens: 400 },
      'gpt-4o',
      {
        providerId: 'openai',
      },
    );
    expect(cost.usd).toBeCloseTo(library?.total_price ?? Number.NaN, 12);
  });

  it('prices cache reads below input for a model with a cache-read price', () => {
    const p = flatPrice('openai', 'gpt-4o');
    expect(p.cache_read_mtok).toBeLessThan(p.input_mtok ?? 0);
    const cached = priced(
      catalog.price('openai', 'gpt-4o', { inputTokens: 10_000, cacheReadTokens: 10_000 }),
    );
    const uncached = priced(catalog.price('openai', 'gpt-4o', { inputTokens: 10_000 }));
    expect(cached.usd).toBeLessThan(uncached.usd);
    expect(cached.breakdown.input).toBe(0);
  });

  it('prices Anthropic cache writes at the dataset cache-write price (above input)', () => {
    const p = flatPrice('anthropic', 'claude-sonnet-4-0');
    const cacheWrite = p.cache_write_mtok ?? Number.NaN;
    expect(cacheWrite).toBeGreaterThan(p.input_mtok ?? 0);
    const cost = priced(
      catalog.price('anthropic', 'claude-sonnet-4-20250514', {
        inputTokens: 4_740,
        cacheWriteTokens: 4_735,
        outputTokens: 255,
      }),
    );
    expect(cost.provenance.model).toBe('claude-sonnet-4-0');
    expect(cost.breakdown.cacheWrite).toBeCloseTo((4_735 * cacheWrite) / 1e6, 12);
    expect(cost.breakdown.input).toBeCloseTo((5 * (p.input_mtok ?? Number.NaN)) / 1e6, 12);
  });

  it('bills cache tokens at the input price when the entry has no cache price', () => {
    const p = flatPrice('cohere', 'command-r-plus');
    expect(p.cache_read_mtok).toBeUndefined();
    const cost = priced(
      catalog.price('cohere', 'command-r-plus', { inputTokens: 1_000, cacheReadTokens: 1_000 }),
    );
    expect(cost.breakdown.cacheRead).toBeCloseTo((1_000 * (p.input_mtok ?? Number.NaN)) / 1e6, 12);
  });

  it('bills reasoning tokens as output', () => {
    const withReasoning = priced(
      catalog.price('openai', 'o3', { outputTokens: 1_000, reasoningTokens: 900 }),
    );
    const plain = priced(catalog.price('openai', 'o3', { outputTokens: 1_000 }));
    expect(withReasoning.usd).toBe(plain.usd);
    expect(withReasoning.breakdown.output).toBeGreaterThan(0);
  });

  it('leaves an unknown model unpriced with the reason, never $0', () => {
    const cost = catalog.price('openai', 'foo-1', { inputTokens: 100, outputTokens: 10 });
    expect(cost.priced).toBe(false);
    expect(cost).toMatchObject({
      reason: expect.stringContaining('no price for provider "openai" model "foo-1"'),
    });
  });

  it('leaves an unknown provider unpriced with the reason', () => {
    const cost = catalog.price('acme', 'gpt-4o', { inputTokens: 100 });
    expect(cost).toEqual({
      priced: false,
      reason: expect.stringMatching(
        /^no price for provider "acme" model "gpt-4o": provider not in genai-prices/,
      ),
    });
  });

  it('prices a known model with no tokens at $0, as priced', () => {
    const cost = priced(catalog.price('openai', 'gpt-4o', {}));
    expect(cost.usd).toBe(0);
    expect(cost.provenance.model).toBe('gpt-4o');
  });

  it('refuses usage that breaks the contract instead of guessing', () => {
    expect(catalog.price('openai', 'gpt-4o', { inputTokens: 10, cacheReadTokens: 20 })).toEqual({
      priced: false,
      reason: expect.stringContaining('exceed inputTokens'),
    });
    expect(catalog.price('openai', 'gpt-4o', { inputTokens: -1 })).toEqual({
      priced: false,
      reason: expect.stringContaining('inputTokens must be a finite number >= 0'),
    });
    expect(catalog.price('openai', 'gpt-4o', { outputTokens: 1, reasoningTokens: 2 }).priced).toBe(false);
  });

  it('matches model ids case- and whitespace-insensitively, as the library does', () => {
    const cost = priced(catalog.price('openai', ' GPT-4o ', { inputTokens: 1 }));
    expect(cost.provenance.model).toBe('gpt-4o');
  });

  it('reuses the cached lookup for repeated calls', () => {
    const first = priced(catalog.price('openai', 'gpt-4o-mini', { inputTokens: 1 }));
    const second = priced(catalog.price('openai', 'gpt-4o-mini', { inputTokens: 2 }));
    expect(second.provenance).toBe(first.provenance);
    expect(second.usd).toBeCloseTo(first.usd * 2, 15);
  });

  it('picks the price in force at the time of the call for time-of-day prices', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    const times = [new Date('2026-06-01T02:00:00Z'), new Date('2026-06-01T20:00:00Z')];
    const costs = times.map((at) => priced(catalog.price('deepseek', 'deepseek-chat', usage, at)).usd);
    for (const [index, at] of times.entries()) {
      const library = calcPrice({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, 'deepseek-chat', {
        providerId: 'deepseek',
        timestamp: at,
      });
      expect(costs[index]).toBeCloseTo(library?.total_price ?? Number.NaN, 12);
    }
    expect(costs[0]).not.toBe(costs[1]);
  });
});

describe('prices that change on a date', () => {
  it.each([
    ['anthropic', 'claude-sonnet-4-6'],
    ['openai', 'o3'],
    ['openai', 'gpt-5.6-luna'],
  ])('%s %s costs what the library says before and after the change', (provider, model) => {
    const usage = {
      inputTokens: 300_000,
      cacheReadTokens: 100_000,
      cacheWriteTokens: 10_000,
      outputTokens: 5_000,
    };
    for (const at of [
      '2024-01-01T00:00:00Z',
      '2025-06-10T00:00:00Z',
      '2026-03-13T00:00:00Z',
      '2026-12-01T00:00:00Z',
    ]) {
      const ours = priced(catalog.price(provider, model, usage, new Date(at))).usd;
      const library = calcPrice(
        {
          input_tokens: 300_000,
          cache_read_tokens: 100_000,
          cache_write_tokens: 10_000,
          output_tokens: 5_000,
        },
        model,
        { providerId: provider, timestamp: new Date(at) },
      );
      expect(ours, at).toBeCloseTo(library?.total_price ?? Number.NaN, 12);
    }
  });
});

describe.each([
  { provider: 'gcp.gemini', model: 'gemini-2.5-flash', dataset: 'google' },
  { provider: 'gcp.vertex_ai', model: 'gemini-2.5-pro', dataset: 'google' },
  { provider: 'aws.bedrock', model: 'us.anthropic.claude-sonnet-4-20250514-v1:0', dataset: 'aws' },
  { provider: 'azure.ai.openai', model: 'gpt-4o', dataset: 'azure' },
  { provider: 'mistral_ai', model: 'mistral-large-latest', dataset: 'mistral' },
  { provider: 'x_ai', model: 'grok-4', dataset: 'x-ai' },
  { provider: 'groq', model: 'llama-3.3-70b-versatile', dataset: 'groq' },
  { provider: 'deepseek', model: 'deepseek-reasoner', dataset: 'deepseek' },
  { provider: 'cohere', model: 'command-r-plus', dataset: 'cohere' },
  { provider: 'google', model: 'gemini-2.5-flash', dataset: 'google' },
  { provider: 'x-ai', model: 'grok-4', dataset: 'x-ai' },
])('provider name $provider', ({ provider, model, dataset }) => {
  it(`prices ${model} from the dataset's "${dataset}" entries`, () => {
    const cost = priced(
      catalog.price(provider, model, { inputTokens: 1_000, outputTokens: 100 }, new Date()),
    );
    expect(cost.provenance.provider).toBe(dataset);
    expect(cost.usd).toBeGreaterThan(0);
  });
});

describe('every dataset entry', () => {
  const usages = [
    { input: 1_000, output: 200, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    { input: 50_000, output: 2_000, cacheRead: 30_000, cacheWrite: 5_000, reasoning: 1_500 },
    // Past the long-context tier boundaries (200k for Anthropic and Gemini, 272k for GPT-5.x).
    { input: 400_000, output: 10_000, cacheRead: 100_000, cacheWrite: 50_000, reasoning: 4_000 },
  ];

  it('costs what the library says it costs, part by part adding up to the total', async () => {
    const providers = (await waitForUpdate()) ?? [];
    let compared = 0;
    for (const provider of providers) {
      for (const model of provider.models) {
        const variants: ModelPrice[] = Array.isArray(model.prices)
          ? model.prices.map((v) => v.prices)
          : [model.prices];
        for (const prices of variants) {
          const rates = ratesFromModelPrice(prices);
          // Pinned to this one entry, so the library prices exactly what we price.
          const pinned = {
            ...provider,
            fallback_model_providers: [],
            models: [{ ...model, match: { equals: 'probe' }, prices }],
          };
          for (const usage of usages) {
            const ours = billUsage(rates, usage);
            if (typeof ours === 'string') continue; // no token price: we decline where the library says $0
            const library = calcPrice(
              {
                input_tokens: usage.input,
                output_tokens: usage.output,
                cache_read_tokens: usage.cacheRead,
                cache_write_tokens: usage.cacheWrite,
                output_reasoning_tokens: usage.reasoning,
              },
              'probe',
              { provider: pinned },
            );
            const total = ours.input + ours.output + ours.cacheRead + ours.cacheWrite + ours.request;
            const expected = library?.total_price ?? Number.NaN;
            expect(Math.abs(total - expected), `${provider.id}/${model.id}`).toBeLessThanOrEqual(
              1e-12 * Math.max(1, expected),
            );
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  });
});

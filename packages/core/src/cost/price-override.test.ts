import { describe, expect, it } from 'vitest';
import type { CostResult } from './cost-result.js';
import { PriceCatalog } from './price-catalog.js';
import { type PriceOverride, parsePriceOverrides } from './price-override.js';

function priced(result: CostResult): Extract<CostResult, { priced: true }> {
  if (!result.priced) throw new Error(`expected a price, got: ${result.reason}`);
  return result;
}

const overrides: PriceOverride[] = [
  { provider: 'openai', model: 'gpt-4o', inputPerMillion: 1, outputPerMillion: 2, cacheReadPerMillion: 0.5 },
  { provider: 'openai', model: 'my-ft-*', inputPerMillion: 3, outputPerMillion: 4 },
  { provider: 'openai', model: 'my-ft-special', inputPerMillion: 5, outputPerMillion: 6 },
  {
    provider: 'gcp.gemini',
    model: 'tuned-*',
    inputPerMillion: 7,
    outputPerMillion: 8,
    cacheWritePerMillion: 9,
  },
];
const catalog = new PriceCatalog({ overrides, overridesName: 'acme-contract-2026' });

describe('price overrides', () => {
  it('win over the dataset, with their own provenance', () => {
    const cost = priced(
      catalog.price('openai', 'gpt-4o', {
        inputTokens: 2_000_000,
        cacheReadTokens: 1_000_000,
        outputTokens: 1e6,
      }),
    );
    expect(cost.breakdown).toEqual({ input: 1, cacheRead: 0.5, cacheWrite: 0, output: 2, request: 0 });
    expect(cost.usd).toBe(3.5);
    expect(cost.provenance).toEqual({
      source: 'override',
      provider: 'openai',
      model: 'gpt-4o',
      dataset: 'acme-contract-2026',
      datasetDate: null,
    });
  });

  it('leave other models to the dataset', () => {
    expect(priced(catalog.price('openai', 'gpt-4o-mini', { inputTokens: 1 })).provenance.source).toBe(
      'genai-prices',
    );
  });

  it('match patterns, exact ids first, and bill cache tokens as input when the override has no cache price', () => {
    const pattern = priced(
      catalog.price('openai', 'my-ft-2026-01', { inputTokens: 1e6, cacheReadTokens: 1e6 }),
    );
    expect(pattern.provenance.model).toBe('my-ft-*');
    expect(pattern.breakdown.cacheRead).toBe(3);
    expect(priced(catalog.price('openai', 'my-ft-special', { inputTokens: 1e6 })).usd).toBe(5);
    expect(catalog.price('openai', 'not-my-ft-1', { inputTokens: 1 }).priced).toBe(false);
    expect(catalog.price('anthropic', 'my-ft-1', { inputTokens: 1 }).priced).toBe(false);
  });

  it('map provider names the same way lookups do', () => {
    const cost = priced(
      catalog.price('gcp.vertex_ai', 'tuned-support', { inputTokens: 1e6, cacheWriteTokens: 1e6 }),
    );
    expect(cost.breakdown.cacheWrite).toBe(9);
  });

  it.each([
    [
      [{ provider: 'openai', model: 'x', inputPerMillion: -1, outputPerMillion: 1 }],
      'overrides[0].inputPerMillion',
    ],
    [[{ provider: 'openai', model: 'x', inputPerMillion: 1 }], 'overrides[0].outputPerMillion'],
    [[{ provider: '', model: 'x', inputPerMillion: 1, outputPerMillion: 1 }], 'overrides[0].provider'],
    [
      [{ provider: 'openai', model: 'x', inputPerMilion: 1, inputPerMillion: 1, outputPerMillion: 1 }],
      'inputPerMilion',
    ],
    [
      [{ provider: 'openai', model: 'x', inputPerMillion: Number.NaN, outputPerMillion: 1 }],
      'inputPerMillion',
    ],
    [
      [
        { provider: 'openai', model: 'X', inputPerMillion: 1, outputPerMillion: 1 },
        { provider: 'OpenAI', model: 'x', inputPerMillion: 2, outputPerMillion: 2 },
      ],
      'overrides[1] repeats provider',
    ],
    ['not a list', 'expected an array'],
  ])('reject bad overrides clearly (%#)', (bad, message) => {
    expect(() => new PriceCatalog({ overrides: bad as PriceOverride[] })).toThrow(message);
  });

  it('reject an empty override set name', () => {
    expect(() => new PriceCatalog({ overridesName: ' ' })).toThrow('overridesName');
  });
});

describe('parsePriceOverrides', () => {
  const one = { provider: 'openai', model: 'ft:*', inputPerMillion: 0.3, outputPerMillion: 1.2 };

  it('reads a bare array or an { overrides } document', () => {
    expect(parsePriceOverrides([one])).toEqual([one]);
    expect(parsePriceOverrides({ $schema: './prices.schema.json', overrides: [one] })).toEqual([one]);
  });

  it('names the bad field', () => {
    expect(() => parsePriceOverrides({ overrides: [{ ...one, outputPerMillion: '1.2' }] })).toThrow(
      /overrides\[0\]\.outputPerMillion: expected a number/,
    );
  });

  it('rejects an unknown document shape', () => {
    expect(() => parsePriceOverrides({ prices: [one] })).toThrow(
      'expected an array of overrides or an object',
    );
    expect(() => parsePriceOverrides({ overrides: [one], name: 'x' })).toThrow(
      'unknown top-level key(s) "name"',
    );
    expect(() => parsePriceOverrides(null)).toThrow('invalid price overrides');
  });
});

import { z } from 'zod';
import { datasetProviderId } from './provider-aliases.js';
import type { TokenRates } from './token-rates.js';

/**
 * A user-supplied price that wins over the dataset: for a fine-tune, a negotiated rate or a
 * model the dataset does not know yet. Prices are USD per million tokens.
 *
 * Contract: `provider` is a telemetry provider name or a dataset id (compared after the same
 * alias mapping as lookups), or `*` for any provider. `model` is an exact model id (case-insensitive)
 * or a pattern in which `*` matches any run of characters (`my-ft-*`). Cache rates, when absent,
 * fall back to `inputPerMillion`, as the dataset does for a model without cache prices.
 *
 * @example
 * { provider: 'openai', model: 'ft:gpt-4o-mini:acme:*', inputPerMillion: 0.3, outputPerMillion: 1.2 }
 */
export interface PriceOverride {
  provider: string;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  cacheReadPerMillion?: number;
  cacheWritePerMillion?: number;
}

const perMillion = z.number({ error: 'expected a number (USD per million tokens)' }).finite().min(0, {
  error: 'expected a price >= 0',
});
const name = z.string({ error: 'expected a non-empty string' }).trim().min(1, { error: 'must not be empty' });

const PriceOverrideSchema = z.strictObject({
  provider: name,
  model: name,
  inputPerMillion: perMillion,
  outputPerMillion: perMillion,
  cacheReadPerMillion: perMillion.optional(),
  cacheWritePerMillion: perMillion.optional(),
});

const PriceOverrideListSchema = z.array(PriceOverrideSchema, {
  error: 'expected an array of price overrides',
});

function formatIssues(error: z.ZodError, root: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
      return `${root}${path.join('')}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates overrides and returns normalised copies (names trimmed); throws an `Error` naming every
 * bad field (`overrides[1].inputPerMillion: expected a price >= 0`) and any duplicate
 * provider/model pair, which would otherwise make the winner depend on list order.
 */
export function validatePriceOverrides(overrides: unknown, root = 'overrides'): PriceOverride[] {
  const parsed = PriceOverrideListSchema.safeParse(overrides);
  if (!parsed.success) {
    throw new Error(`invalid price overrides: ${formatIssues(parsed.error, root)}`);
  }
  const seen = new Set<string>();
  parsed.data.forEach((override, index) => {
    const key = `${overrideProvider(override.provider)}\u0000${override.model.toLowerCase()}`;
    if (seen.has(key)) {
      throw new Error(
        `invalid price overrides: ${root}[${index}] repeats provider "${override.provider}" model "${override.model}"`,
      );
    }
    seen.add(key);
  });
  return parsed.data.map((override) => {
    const copy: PriceOverride = { ...override };
    // Absent stays absent, so a parsed override deep-equals the one written in the file.
    if (copy.cacheReadPerMillion === undefined) delete copy.cacheReadPerMillion;
    if (copy.cacheWritePerMillion === undefined) delete copy.cacheWritePerMillion;
    return copy;
  });
}

/**
 * Reads a price-overrides JSON document (already `JSON.parse`d): either an array of
 * {@link PriceOverride} objects or `{ "overrides": [...] }` (a `$schema` key is allowed beside it).
 * Throws an `Error` that names each bad field.
 *
 * @example
 * parsePriceOverrides(JSON.parse(readFileSync('prices.json', 'utf8')));
 */
export function parsePriceOverrides(json: unknown): PriceOverride[] {
  if (Array.isArray(json)) return validatePriceOverrides(json, 'overrides');
  if (typeof json === 'object' && json !== null && 'overrides' in json) {
    const extra = Object.keys(json).filter((key) => key !== 'overrides' && key !== '$schema');
    if (extra.length > 0) {
      throw new Error(
        `invalid price overrides: unknown top-level key(s) ${extra.map((k) => `"${k}"`).join(', ')}`,
      );
    }
    return validatePriceOverrides((json as { overrides: unknown }).overrides, 'overrides');
  }
  throw new Error(
    'invalid price overrides: expected an array of overrides or an object { "overrides": [...] }',
  );
}

function overrideProvider(provider: string): string {
  return provider === '*' ? '*' : datasetProviderId(provider);
}

/** An override ready to match: provider canonicalised, pattern compiled, rates read once. */
export interface CompiledOverride {
  readonly override: PriceOverride;
  readonly rates: TokenRates;
}

/**
 * Finds the override for a call. Exact model ids win over patterns; among patterns, the first in
 * list order wins.
 */
export class OverrideMatcher {
  readonly #exact = new Map<string, CompiledOverride>();
  readonly #patterns: { provider: string; pattern: RegExp; compiled: CompiledOverride }[] = [];

  constructor(overrides: readonly PriceOverride[]) {
    for (const override of overrides) {
      const compiled: CompiledOverride = {
        override,
        rates: {
          input: override.inputPerMillion,
          output: override.outputPerMillion,
          cacheRead: override.cacheReadPerMillion,
          cacheWrite: override.cacheWritePerMillion,
          reasoning: undefined,
          requestPerThousand: undefined,
          pricesAnything: true,
        },
      };
      const provider = overrideProvider(override.provider);
      const model = override.model.toLowerCase();
      if (model.includes('*')) {
        const source = model
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*');
        this.#patterns.push({ provider, pattern: new RegExp(`^${source}$`), compiled });
      } else {
        this.#exact.set(`${provider}\u0000${model}`, compiled);
      }
    }
  }

  /** `providerId` as returned by `datasetProviderId`; `model` as the caller gave it. */
  find(providerId: string, model: string): CompiledOverride | undefined {
    const id = model.trim().toLowerCase();
    const exact = this.#exact.get(`${providerId}\u0000${id}`) ?? this.#exact.get(`*\u0000${id}`);
    if (exact !== undefined) return exact;
    for (const candidate of this.#patterns) {
      if ((candidate.provider === providerId || candidate.provider === '*') && candidate.pattern.test(id)) {
        return candidate.compiled;
      }
    }
    return undefined;
  }
}

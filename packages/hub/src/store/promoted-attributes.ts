import type { TelemetryAttributes as Attributes, SpanRecord } from '@agentlens/core';
import { PROMOTED_ATTRIBUTES } from '@agentlens/core';

/** A span's attributes as a store keeps them: JSON without the promoted ones, and which those were. */
export interface EncodedAttributes {
  readonly json: string;
  /** Bit i set: `PROMOTED_ATTRIBUTES[i]` was elided and is the span's column of that name. */
  readonly elided: number;
}

/**
 * Leaves out of the attributes' JSON each promoted attribute whose value is exactly its column's
 * (same value, same type), recording which. Anything else (a deprecated alias, a value the
 * normalizer changed, a string where the column holds a number) stays in the JSON as sent.
 */
export function encodeAttributes(span: SpanRecord): EncodedAttributes {
  const attributes = span.attributes;
  const keys = Object.keys(attributes);
  let elided = 0;
  // The attributes kept, copied only once one is elided; JSON.stringify of a plain object is
  // faster than writing the JSON key by key (measured: 1.17 against 1.49 µs a span).
  let kept: Attributes | undefined;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const index = PROMOTED_INDEX.get(key);
    if (index !== undefined) {
      const value = span[(PROMOTED_ATTRIBUTES[index] as (typeof PROMOTED_ATTRIBUTES)[number])[1]];
      if (value !== null && attributes[key] === value) {
        elided |= 1 << index;
        if (kept === undefined) {
          kept = {};
          for (let j = 0; j < k; j++) keep(kept, keys[j] as string, attributes);
        }
        continue;
      }
    }
    if (kept !== undefined) keep(kept, key, attributes);
  }
  return { json: JSON.stringify(kept ?? attributes), elided };
}

/** Copies one attribute; `__proto__` is an ordinary key, defined rather than assigned. */
function keep(target: Attributes, key: string, from: Attributes): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value: from[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = from[key] as Attributes[string];
}

/** The attributes as they were sent: the JSON plus the elided attributes from their columns. */
export function decodeAttributes(
  json: string,
  elided: number | null,
  columns: Pick<SpanRecord, (typeof PROMOTED_ATTRIBUTES)[number][1]>,
): Attributes {
  const attributes = JSON.parse(json) as Attributes;
  if (elided === null || elided === 0) return attributes;
  for (let i = 0; i < PROMOTED_ATTRIBUTES.length; i++) {
    if ((elided & (1 << i)) === 0) continue;
    const [key, column] = PROMOTED_ATTRIBUTES[i] as (typeof PROMOTED_ATTRIBUTES)[number];
    attributes[key] = columns[column] as string | number;
  }
  return attributes;
}

const PROMOTED_INDEX = new Map<string, number>(PROMOTED_ATTRIBUTES.map(([key], i) => [key, i]));

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
  let elided = 0;
  for (let i = 0; i < PROMOTED_ATTRIBUTES.length; i++) {
    const [key, column] = PROMOTED_ATTRIBUTES[i] as (typeof PROMOTED_ATTRIBUTES)[number];
    const value = span[column];
    if (value !== null && Object.hasOwn(attributes, key) && attributes[key] === value) elided |= 1 << i;
  }
  if (elided === 0) return { json: JSON.stringify(attributes), elided };
  // Written by hand rather than through a copy of the object: a copy would have to guard every
  // key against `__proto__`, and a replacer function slows JSON.stringify down.
  let json = '{';
  for (const key of Object.keys(attributes)) {
    const index = PROMOTED_INDEX.get(key);
    if (index !== undefined && (elided & (1 << index)) !== 0) continue;
    if (json.length > 1) json += ',';
    json += `${JSON.stringify(key)}:${JSON.stringify(attributes[key])}`;
  }
  return { json: `${json}}`, elided };
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

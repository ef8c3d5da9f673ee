import type { Attributes, AttributeValue } from '../telemetry-records.js';

/** A non-empty trimmed string, or null for anything else (numbers, arrays, blanks). */
export function readString(attributes: Attributes, key: string): string | null {
  const value = attributes[key];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * A token count: a finite number >= 0, or a decimal string of one (OTLP/JSON sends int64 as
 * strings). Null for anything else, so garbage never becomes NaN or a negative count.
 */
export function readCount(attributes: Attributes, key: string): number | null {
  return toCount(attributes[key]);
}

/** {@link readCount} for a value already read. */
export function toCount(value: AttributeValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 ? n : null;
  }
  return null;
}

/** The first of several keys that holds a count (a dialect's current name before its older ones). */
export function firstCount(attributes: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = toCount(attributes[key]);
    if (n !== null) return n;
  }
  return null;
}

/** The first of several keys that holds a non-empty string. */
export function firstString(attributes: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const s = readString(attributes, key);
    if (s !== null) return s;
  }
  return null;
}

/**
 * A string field of a JSON object held in a string attribute (LangChain's `metadata`,
 * OpenInference's `llm.invocation_parameters`). Parses only when the field name occurs in the
 * text, so spans without it pay one `includes`; malformed JSON gives null.
 */
export function readJsonField(attributes: Attributes, key: string, field: string): string | null {
  const value = attributes[key];
  let object: unknown = value;
  if (typeof value === 'string') {
    if (!value.includes(`"${field}"`)) return null;
    try {
      object = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return null;
  const found = (object as Record<string, unknown>)[field];
  if (typeof found !== 'string') return null;
  const trimmed = found.trim();
  return trimmed === '' ? null : trimmed;
}

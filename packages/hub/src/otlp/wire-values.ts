import { Buffer } from 'node:buffer';
import type {
  TelemetryAttributes as Attributes,
  TelemetryAttributeValue as AttributeValue,
} from '@agentlens/core';

/** A 64-bit integer as protobufjs hands it over (a `long` instance), or a plain number. */
export interface LongLike {
  readonly low: number;
  readonly high: number;
}

const TWO_32 = 4294967296;
/** Largest `high` word for which `high * 2^32 + low` is still an exact JS number. */
const SAFE_HIGH = 0x1fffff;

/** An unsigned 64-bit value (fixed64 times, counts) as a decimal string. */
export function u64ToString(v: LongLike | number): string {
  if (typeof v === 'number') return String(v);
  const high = v.high >>> 0;
  const low = v.low >>> 0;
  if (high <= SAFE_HIGH) return String(high * TWO_32 + low);
  return ((BigInt(high) << 32n) | BigInt(low)).toString();
}

/**
 * Whether a fixed64 time fits a signed 64-bit integer, as the stores keep times (SQLite INTEGER,
 * PostgreSQL bigint: Unix nanoseconds up to 2262-04-11). OTLP allows later ones; no store can hold them.
 */
export function isStorableTime(v: LongLike | number): boolean {
  return typeof v === 'number' ? v <= Number.MAX_SAFE_INTEGER : v.high >>> 0 <= 0x7fffffff;
}

/** The latest storable time (2^63 - 1 ns), as a decimal string. */
export const MAX_TIME_UNIX_NANO = '9223372036854775807';

/** An unsigned 64-bit count as a number (counts beyond 2^53 lose precision, as in every consumer). */
export function u64ToNumber(v: LongLike | number): number {
  if (typeof v === 'number') return v;
  return (v.high >>> 0) * TWO_32 + (v.low >>> 0);
}

/** A signed 64-bit value as a number. */
export function i64ToNumber(v: LongLike | number): number {
  if (typeof v === 'number') return v;
  return v.high * TWO_32 + (v.low >>> 0);
}

/** A signed 64-bit attribute value: a number when exact, else its decimal string. */
export function i64ToJson(v: LongLike | number): number | string {
  if (typeof v === 'number') return v;
  const n = v.high * TWO_32 + (v.low >>> 0);
  if (Number.isSafeInteger(n)) return n;
  return ((BigInt(v.high) << 32n) + BigInt(v.low >>> 0)).toString();
}

/** Bytes as lower-case hex; `bytes` is a Buffer whenever the request body was one. */
export function bytesToHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

export function bytesToBase64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64');
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * Sets `key` on an attribute map. `__proto__` is an ordinary OTLP key, so it is defined as an own
 * property instead of assigned (assignment would replace the object's prototype).
 */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** AnyValue nesting deeper than this is refused: no real sender nests so deep, and it bounds recursion. */
export const MAX_ANY_VALUE_DEPTH = 64;

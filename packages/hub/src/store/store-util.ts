import { SPAN_CATEGORIES } from '@agentlens/core';
import type { ErrorSpanQuery, OpenRunsQuery } from './store.js';

/** Helpers every backend shares: cursors, LIKE patterns, time conversions, argument checks. */

/** A position in the trace list: the last trace of a page. */
export interface TraceCursorPosition {
  /** Listed start, Unix nanoseconds as a decimal string. */
  readonly listedNs: string;
  readonly traceId: string;
}

/** Encodes a trace-list position as an opaque, URL-safe cursor. */
export function encodeTraceCursor(position: TraceCursorPosition): string {
  return Buffer.from(`${position.listedNs}:${position.traceId}`, 'utf8').toString('base64url');
}

/** Decodes a cursor from {@link encodeTraceCursor}; throws RangeError when it is not one. */
export function decodeTraceCursor(cursor: string): TraceCursorPosition & { listedNsValue: bigint } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,20}):([0-9a-f]{32})$/.exec(text);
  if (match === null) throw new RangeError('invalid cursor');
  const listedNs = match[1] as string;
  return { listedNs, listedNsValue: BigInt(listedNs), traceId: match[2] as string };
}

/**
 * A LIKE pattern matching `text` as a substring, with `\` as the escape character so that `%`,
 * `_` and `\` in the text are literal. Use with `LIKE ? ESCAPE '\'`.
 */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Unix milliseconds (possibly fractional) to Unix nanoseconds, exactly for whole milliseconds. */
export function msToNanos(ms: number): bigint {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time ${ms}`);
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/** Validates the arguments of `Store.openAgentRuns`; throws RangeError. */
export function checkOpenRunsQuery(query: OpenRunsQuery): void {
  if (!Number.isFinite(query.sinceMs) || !Number.isFinite(query.nowMs) || query.nowMs < query.sinceMs) {
    throw new RangeError(`invalid horizon [${query.sinceMs}, ${query.nowMs})`);
  }
}

/** Most spans `Store.listErrorSpans` returns at once. */
export const MAX_ERROR_SPANS = 1000;

/** Validates the arguments of `Store.listErrorSpans`; throws RangeError. */
export function checkErrorSpanQuery(query: ErrorSpanQuery): void {
  if (!Number.isFinite(query.fromMs) || !Number.isFinite(query.toMs) || query.toMs < query.fromMs) {
    throw new RangeError(`invalid window [${query.fromMs}, ${query.toMs})`);
  }
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ERROR_SPANS) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_ERROR_SPANS}, got ${query.limit}`);
  }
  if (query.category !== undefined && !SPAN_CATEGORIES.includes(query.category)) {
    throw new RangeError(`unknown category "${String(query.category)}"`);
  }
}

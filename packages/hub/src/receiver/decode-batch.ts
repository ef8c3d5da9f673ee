import type { LogRecord, PriceCatalog, SpanRecord } from '@agentlens/core';
import { normalizeSpan } from '@agentlens/core';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/index.js';
import { type EncodedSpanBatch, encodeSpans } from '../store/encoded-spans.js';
import { toLogRecord } from './log-record.js';

/** One export request decoded and normalized: what the ingest queue takes. */
export interface DecodedBatch {
  /** Traces: the normalized spans (unless decoded with `encode`). */
  readonly spans?: SpanRecord[];
  /** Traces decoded with `encode`: the normalized spans, encoded for the store. */
  readonly encodedSpans?: EncodedSpanBatch;
  /** Logs: the records as the store keeps them. */
  readonly logs?: LogRecord[];
  /** Metrics: data points accepted. */
  readonly points: number;
  /** Items refused (partial success), with the first reason. */
  readonly rejected: number;
  readonly reason?: string;
}

/**
 * Decodes and normalizes one OTLP export request. Throws `OtlpDecodeError` when the body cannot be
 * decoded at all, `OtlpTooManyItemsError` when it carries more than `maxItems` items; nothing
 * else. Pure: the same on the main thread and in a decode worker. With `encode`, spans come back
 * as {@link DecodedBatch.encodedSpans} instead of records (for a store with `writeEncodedSpans`).
 */
export function decodeBatch(
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  prices: PriceCatalog,
  encode = false,
  maxItems = Number.POSITIVE_INFINITY,
): DecodedBatch {
  if (signal === 'traces') {
    const result = decodeTraces(body, encoding, maxItems);
    const spans: SpanRecord[] = [];
    let rejected = result.rejected;
    let reason = result.rejectReason;
    for (const span of result.spans) {
      try {
        spans.push(normalizeSpan(span, { prices }));
      } catch (error) {
        // The normalizer takes any decoded span; should it ever throw, only that span is lost.
        rejected++;
        reason ??= `span ${span.spanId}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return {
      ...(encode ? { encodedSpans: encodeSpans(spans) } : { spans }),
      points: 0,
      rejected,
      ...(reason === undefined ? {} : { reason }),
    };
  }
  if (signal === 'logs') {
    const result = decodeLogs(body, encoding, maxItems);
    return {
      logs: result.logs.map(toLogRecord),
      points: 0,
      rejected: result.rejected,
      ...(result.rejectReason === undefined ? {} : { reason: result.rejectReason }),
    };
  }
  const result = decodeMetrics(body, encoding, maxItems);
  return {
    points: result.points.length,
    rejected: result.rejected,
    ...(result.rejectReason === undefined ? {} : { reason: result.rejectReason }),
  };
}

import type {
  LogsDecodeResult,
  MetricsDecodeResult,
  OtlpEncoding,
  TracesDecodeResult,
} from './decode-result.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './json-decode.js';
import { decodeLogsProtobuf, decodeMetricsProtobuf, decodeTracesProtobuf } from './protobuf-decode.js';

// Contract shared by the three decoders:
// - `body` is the raw (already decompressed) request body; a Buffer avoids one view allocation.
// - They return every valid item, with its resource attributes (including `service.name`) and
//   instrumentation scope attached. Invalid items are counted in `rejected`, the first reason in
//   `rejectReason`; the rest of the batch is kept (OTLP partial success).
// - An empty body, `{}` or a request with no items decodes to zero items.
// - A body that cannot be decoded at all throws OtlpDecodeError. A request of more than `maxItems`
//   items (spans, log records, data points; default no limit) throws OtlpTooManyItemsError,
//   counted before any item is decoded. Nothing else is ever thrown.

/**
 * Decodes an OTLP `ExportTraceServiceRequest` into spans.
 *
 * @example
 * const { spans, rejected, rejectReason } = decodeTraces(body, 'protobuf');
 */
export function decodeTraces(
  body: Uint8Array,
  encoding: OtlpEncoding,
  maxItems = Number.POSITIVE_INFINITY,
): TracesDecodeResult {
  return encoding === 'json' ? decodeTracesJson(body, maxItems) : decodeTracesProtobuf(body, maxItems);
}

/** Decodes an OTLP `ExportLogsServiceRequest` into log records (see {@link decodeTraces}). */
export function decodeLogs(
  body: Uint8Array,
  encoding: OtlpEncoding,
  maxItems = Number.POSITIVE_INFINITY,
): LogsDecodeResult {
  return encoding === 'json' ? decodeLogsJson(body, maxItems) : decodeLogsProtobuf(body, maxItems);
}

/**
 * Decodes an OTLP `ExportMetricsServiceRequest` into flattened data points, one per point of each
 * gauge, sum, histogram, exponential histogram or summary (the last two with count and sum only).
 * The points of a metric without a name are rejected.
 */
export function decodeMetrics(
  body: Uint8Array,
  encoding: OtlpEncoding,
  maxItems = Number.POSITIVE_INFINITY,
): MetricsDecodeResult {
  return encoding === 'json' ? decodeMetricsJson(body, maxItems) : decodeMetricsProtobuf(body, maxItems);
}

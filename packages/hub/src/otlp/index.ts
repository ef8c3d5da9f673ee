export { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
export type {
  LogsDecodeResult,
  MetricsDecodeResult,
  OtlpEncoding,
  OtlpSignal,
  TracesDecodeResult,
} from './decode-result.js';
export type { PartialSuccess } from './export-response.js';
export { encodeExportResponse } from './export-response.js';
export { OtlpTooManyItemsError } from './item-count.js';
export { OtlpDecodeError } from './otlp-decode-error.js';

import { Buffer } from 'node:buffer';
import type { OtlpEncoding, OtlpSignal } from './decode-result.js';
import { LogsResponse, MetricsResponse, TraceResponse } from './schema.js';

/** What was refused of an otherwise accepted request (OTLP partial success). */
export interface PartialSuccess {
  /** Items rejected: spans, log records or data points. */
  readonly rejected: number;
  /** Why, for the sender's logs. */
  readonly errorMessage: string;
}

const RESPONSES = {
  traces: { type: TraceResponse, rejectedField: 'rejectedSpans' },
  logs: { type: LogsResponse, rejectedField: 'rejectedLogRecords' },
  metrics: { type: MetricsResponse, rejectedField: 'rejectedDataPoints' },
} as const;

const EMPTY_PROTOBUF = new Uint8Array(0);
const EMPTY_JSON = Buffer.from('{}');

/**
 * The body of a successful OTLP/HTTP answer: an `Export{Trace,Logs,Metrics}ServiceResponse`, in
 * protobuf or JSON to match the request. `partial_success` is set when something was rejected (or
 * when there is a message to pass on with nothing rejected, which OTLP calls a warning); otherwise
 * the response is empty, as the spec asks. In JSON the rejected count is a decimal string, as the
 * proto3 JSON mapping writes int64.
 *
 * @example
 * const { spans, rejected, rejectReason } = decodeTraces(body, 'json');
 * reply.send(encodeExportResponse('traces', 'json', rejected > 0 ? { rejected, errorMessage: rejectReason ?? '' } : undefined));
 */
export function encodeExportResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  partial?: PartialSuccess,
): Uint8Array {
  const hasPartial = partial !== undefined && (partial.rejected > 0 || partial.errorMessage !== '');
  const { type, rejectedField } = RESPONSES[signal];
  if (!hasPartial) return encoding === 'json' ? EMPTY_JSON : EMPTY_PROTOBUF;
  const rejected = Math.max(0, Math.trunc(partial.rejected));
  if (encoding === 'json') {
    return Buffer.from(
      JSON.stringify({
        partialSuccess: { [rejectedField]: String(rejected), errorMessage: partial.errorMessage },
      }),
    );
  }
  const message = type.fromObject({
    partialSuccess: { [rejectedField]: rejected, errorMessage: partial.errorMessage },
  });
  return type.encode(message).finish();
}

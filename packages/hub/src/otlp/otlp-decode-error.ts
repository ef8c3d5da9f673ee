/**
 * Thrown when an OTLP request body cannot be decoded at all: not protobuf, not JSON, or JSON of
 * the wrong shape. The message says what is wrong and where, e.g.
 * `invalid protobuf: index out of range: 12 + 10 > 14` or
 * `resourceSpans[0].scopeSpans[0].spans[2].name: must be a string`. The HTTP layer answers it
 * with 400 and this message. Items that are merely invalid (a span without a trace id) do not
 * throw: they are counted as rejected and the rest of the batch is kept.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

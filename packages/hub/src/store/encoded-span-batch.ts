/**
 * The form spans take between the thread that decodes them and the store that writes them; made
 * by `encodeSpans` and read by `EncodedSpanReader` (encoded-spans.ts). Types and layout only, so
 * that code for any platform may name it.
 */

/** Bytes of a trace id, of a span id. */
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;
/** Bytes of {@link EncodedSpanBatch.ids} a span: its trace id, span id and parent span id. */
export const ID_STRIDE = TRACE_ID_BYTES + 2 * SPAN_ID_BYTES;

/** The numeric fields, in their order within a span's slots of {@link EncodedSpanBatch.numbers}. */
export const NUMBER_FIELDS = [
  'kind',
  'durationMs',
  'statusCode',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
  'unpriced',
  'aggregatesChildren',
  'elided',
  'resource',
  'scope',
] as const;
export const NUMBER_STRIDE = NUMBER_FIELDS.length;
export const NUMBER_SLOT = slots(NUMBER_FIELDS);

/**
 * The fields whose values repeat across a batch (names of services, agents, models, tools, ...),
 * in their order within a span's slots of {@link EncodedSpanBatch.codes}: each distinct value is
 * sent once, in {@link EncodedSpanBatch.strings}.
 */
export const DICTIONARY_FIELDS = [
  'service',
  'name',
  'category',
  'operation',
  'agentName',
  'provider',
  'requestModel',
  'responseModel',
  'toolName',
  'workflowName',
  'costSource',
  'errorType',
  'statusMessage',
] as const;
export const DICTIONARY_STRIDE = DICTIONARY_FIELDS.length;
export const DICTIONARY_SLOT = slots(DICTIONARY_FIELDS);

/** Each field's slot within a span's stretch of its column: its index in `fields`. */
function slots<const F extends readonly string[]>(fields: F): { readonly [K in F[number]]: number } {
  return Object.freeze(Object.fromEntries(fields.map((field, i) => [field, i]))) as {
    readonly [K in F[number]]: number;
  };
}

/**
 * Spans encoded for a store: every column of its `spans` rows, laid out so that a batch crosses
 * between threads as a handful of buffers and string arrays.
 *
 * Made where the spans are normalized (a decode worker), so that the thread that runs the store's
 * transactions receives bytes and strings instead of nested attribute objects, and neither
 * serializes attributes nor parses ids and times itself. The binary layout is what makes the
 * hand-over cheap: the same spans as arrays of hex strings, decimal time strings and numbers took
 * 2.0 µs a span to deserialize on the receiving thread, and 0.5 to 0.7 µs laid out like this (measured
 * with `v8.deserialize`, 512 realistic agent spans a batch); ids arrive as the bytes the store
 * binds and times as the `bigint`s it binds.
 */
export interface EncodedSpanBatch {
  /** Spans in the batch. */
  readonly count: number;
  /** Per span, 32 bytes: trace id, span id, parent span id (all zeros: none). */
  readonly ids: Uint8Array;
  /** Per span: start and end time, Unix nanoseconds. */
  readonly times: BigInt64Array;
  /** Per span, the {@link NUMBER_FIELDS} (booleans as 0 / 1); NaN for null. */
  readonly numbers: Float64Array;
  /** Per span, the {@link DICTIONARY_FIELDS} as indexes into {@link strings}; -1 for null. */
  readonly codes: Int32Array;
  /** Distinct values of the dictionary fields. */
  readonly strings: readonly string[];
  /** Distinct resource and scope JSON texts; the `resource` and `scope` numbers index it. */
  readonly texts: readonly string[];
  /** The attributes' JSON without the elided promoted attributes (see `encodeAttributes`). */
  readonly attributesJson: readonly string[];
  /** The events' JSON; null when there are none. */
  readonly eventsJson: readonly (string | null)[];
  /** The links' JSON; null when there are none. */
  readonly linksJson: readonly (string | null)[];
  /** Null when the span had no (or an empty) `tracestate`. */
  readonly traceState: readonly (string | null)[];
  readonly agentId: readonly (string | null)[];
  readonly conversationId: readonly (string | null)[];
  readonly toolCallId: readonly (string | null)[];
}

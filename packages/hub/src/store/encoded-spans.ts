import type { SpanCategory, SpanRecord } from '@agentlens/core';
import {
  DICTIONARY_SLOT as D,
  DICTIONARY_STRIDE,
  type EncodedSpanBatch,
  ID_STRIDE,
  NUMBER_SLOT as N,
  NUMBER_STRIDE,
  SPAN_ID_BYTES,
  TRACE_ID_BYTES,
} from './encoded-span-batch.js';
import { encodeAttributes } from './promoted-attributes.js';

export type { EncodedSpanBatch } from './encoded-span-batch.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function time(nanos: string, what: string, spanId: string): bigint {
  let value: bigint;
  try {
    value = BigInt(nanos);
  } catch {
    throw new RangeError(`invalid ${what} "${nanos}" of span ${spanId}`);
  }
  // A BigInt64Array would wrap a larger value round silently.
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`${what} of span ${spanId} out of range`);
  return value;
}

/** Writes a hex id at `offset`; throws unless it is exactly `bytes` bytes of hex. */
export function writeId(ids: Buffer, hex: string, offset: number, bytes: number, what: string): void {
  // Buffer.write stops silently at the first non-hex character; fewer bytes written mean a bad id.
  if (hex.length !== bytes * 2 || ids.write(hex, offset, bytes, 'hex') !== bytes) {
    throw new RangeError(`invalid ${what} "${hex}"`);
  }
}

const orNaN = (value: number | null): number => (value === null ? Number.NaN : value);
const jsonOrNull = (list: readonly unknown[]): string | null =>
  list.length === 0 ? null : JSON.stringify(list);

/**
 * Encodes spans for a store. Pure; a store that writes an {@link EncodedSpanBatch} stores exactly
 * the rows it stores for the spans it was made from. Throws `RangeError` on a span whose ids or
 * times a store could not keep (not hex of the right length, not an int64 of nanoseconds).
 */
export function encodeSpans(spans: readonly SpanRecord[]): EncodedSpanBatch {
  const count = spans.length;
  const ids = new Uint8Array(count * ID_STRIDE);
  const idBytes = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
  const times = new BigInt64Array(count * 2);
  const numbers = new Float64Array(count * NUMBER_STRIDE);
  const codes = new Int32Array(count * DICTIONARY_STRIDE);
  const strings: string[] = [];
  const stringCodes = new Map<string, number>();
  const code = (value: string | null): number => {
    if (value === null) return -1;
    let index = stringCodes.get(value);
    if (index === undefined) {
      index = strings.length;
      strings.push(value);
      stringCodes.set(value, index);
    }
    return index;
  };
  const texts: string[] = [];
  const byText = new Map<string, number>();
  // Decoders share one resource (and scope) object across its spans: serialize each object once.
  const byObject = new Map<object, number>();
  const textIndex = (value: object): number => {
    let index = byObject.get(value);
    if (index !== undefined) return index;
    const json = JSON.stringify(value);
    index = byText.get(json);
    if (index === undefined) {
      index = texts.length;
      texts.push(json);
      byText.set(json, index);
    }
    byObject.set(value, index);
    return index;
  };
  const attributesJson: string[] = new Array(count);
  const eventsJson: (string | null)[] = new Array(count);
  const linksJson: (string | null)[] = new Array(count);
  const traceState: (string | null)[] = new Array(count);
  const agentId: (string | null)[] = new Array(count);
  const conversationId: (string | null)[] = new Array(count);
  const toolCallId: (string | null)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const span = spans[i] as SpanRecord;
    const at = i * ID_STRIDE;
    writeId(idBytes, span.traceId, at, TRACE_ID_BYTES, 'trace id');
    writeId(idBytes, span.spanId, at + TRACE_ID_BYTES, SPAN_ID_BYTES, 'span id');
    const parent = span.parentSpanId;
    if (parent !== null && parent !== '') {
      writeId(idBytes, parent, at + TRACE_ID_BYTES + SPAN_ID_BYTES, SPAN_ID_BYTES, 'parent span id');
    }
    times[2 * i] = time(span.startTimeUnixNano, 'start time', span.spanId);
    times[2 * i + 1] = time(span.endTimeUnixNano, 'end time', span.spanId);
    const attributes = encodeAttributes(span);
    // Written out field by field: no loop over the fields, no lookup of a field by name.
    const n = i * NUMBER_STRIDE;
    numbers[n + N.kind] = span.kind;
    numbers[n + N.durationMs] = span.durationMs;
    numbers[n + N.statusCode] = span.statusCode;
    numbers[n + N.inputTokens] = orNaN(span.inputTokens);
    numbers[n + N.outputTokens] = orNaN(span.outputTokens);
    numbers[n + N.cacheReadTokens] = orNaN(span.cacheReadTokens);
    numbers[n + N.cacheWriteTokens] = orNaN(span.cacheWriteTokens);
    numbers[n + N.reasoningTokens] = orNaN(span.reasoningTokens);
    numbers[n + N.costUsd] = orNaN(span.costUsd);
    numbers[n + N.unpriced] = span.unpriced ? 1 : 0;
    numbers[n + N.aggregatesChildren] = span.aggregatesChildren ? 1 : 0;
    numbers[n + N.elided] = attributes.elided === 0 ? Number.NaN : attributes.elided;
    numbers[n + N.resource] = textIndex(span.resource);
    numbers[n + N.scope] = textIndex(span.scope);
    const d = i * DICTIONARY_STRIDE;
    codes[d + D.service] = code(span.service);
    codes[d + D.name] = code(span.name);
    codes[d + D.category] = code(span.category);
    codes[d + D.operation] = code(span.operation);
    codes[d + D.agentName] = code(span.agentName);
    codes[d + D.provider] = code(span.provider);
    codes[d + D.requestModel] = code(span.requestModel);
    codes[d + D.responseModel] = code(span.responseModel);
    codes[d + D.toolName] = code(span.toolName);
    codes[d + D.workflowName] = code(span.workflowName);
    codes[d + D.costSource] = code(span.costSource);
    codes[d + D.errorType] = code(span.errorType);
    codes[d + D.statusMessage] = code(span.statusMessage);
    attributesJson[i] = attributes.json;
    eventsJson[i] = jsonOrNull(span.events);
    linksJson[i] = jsonOrNull(span.links);
    traceState[i] = span.traceState === undefined || span.traceState === '' ? null : span.traceState;
    agentId[i] = span.agentId;
    conversationId[i] = span.conversationId;
    toolCallId[i] = span.toolCallId;
  }
  return {
    count,
    ids,
    times,
    numbers,
    codes,
    strings,
    texts,
    attributesJson,
    eventsJson,
    linksJson,
    traceState,
    agentId,
    conversationId,
    toolCallId,
  };
}

/**
 * One span of an {@link EncodedSpanBatch}, as a store binds it: ids as bytes (views into the
 * batch's {@link EncodedSpanBatch.ids}; the trace id also in hex), times as `bigint`, booleans as
 * 0 / 1, resource and scope as indexes into the batch's texts, attributes, events and links as
 * JSON. Its other scalar fields are those of the {@link SpanRecord} it was encoded from.
 */
export interface EncodedSpanRow
  extends Pick<
    SpanRecord,
    | 'traceId'
    | 'kind'
    | 'durationMs'
    | 'statusCode'
    | 'inputTokens'
    | 'outputTokens'
    | 'cacheReadTokens'
    | 'cacheWriteTokens'
    | 'reasoningTokens'
    | 'costUsd'
    | 'service'
    | 'name'
    | 'category'
    | 'operation'
    | 'agentName'
    | 'provider'
    | 'requestModel'
    | 'responseModel'
    | 'toolName'
    | 'workflowName'
    | 'costSource'
    | 'errorType'
    | 'statusMessage'
    | 'agentId'
    | 'conversationId'
    | 'toolCallId'
  > {
  readonly traceIdBytes: Uint8Array;
  readonly spanIdBytes: Uint8Array;
  /** Null for a root span. */
  readonly parentSpanIdBytes: Uint8Array | null;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly unpriced: 0 | 1;
  readonly aggregatesChildren: 0 | 1;
  readonly elided: number | null;
  readonly resource: number;
  readonly scope: number;
  readonly attributesJson: string;
  readonly eventsJson: string | null;
  readonly linksJson: string | null;
  readonly traceState: string | null;
}

const nullIfNaN = (value: number): number | null => (Number.isNaN(value) ? null : value);
const text = (strings: readonly string[], code: number): string | null =>
  code === -1 ? null : (strings[code] as string);

/** Whether `length` bytes at `a` and at `b` are equal (a loop: a native compare costs more here). */
function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

/** Views, not Buffers: a plain Uint8Array is made in a third of the time, and binds the same. */
function view(bytes: Uint8Array, at: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + at, length);
}

function isZero(bytes: Uint8Array, at: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (bytes[at + k] !== 0) return false;
  return true;
}

/**
 * Reads the rows of one batch (see {@link EncodedSpanRow}), without copying its ids; each row
 * is a new object, safe to keep.
 */
export class EncodedSpanReader {
  readonly #batch: EncodedSpanBatch;
  #traceAt = -1;
  #traceHex = '';

  /** Throws `RangeError` when the batch's columns do not hold `count` spans each. */
  constructor(batch: EncodedSpanBatch) {
    const { count } = batch;
    if (
      !Number.isSafeInteger(count) ||
      count < 0 ||
      batch.ids.length !== count * ID_STRIDE ||
      batch.times.length !== count * 2 ||
      batch.numbers.length !== count * NUMBER_STRIDE ||
      batch.codes.length !== count * DICTIONARY_STRIDE ||
      [
        batch.attributesJson,
        batch.eventsJson,
        batch.linksJson,
        batch.traceState,
        batch.agentId,
        batch.conversationId,
        batch.toolCallId,
      ].some((column) => column.length !== count)
    ) {
      throw new RangeError(`malformed encoded span batch: its columns do not hold ${count} spans each`);
    }
    this.#batch = batch;
  }

  /** Row `i` (0 ≤ i < `count`); fastest read in order. */
  row(i: number): EncodedSpanRow {
    const batch = this.#batch;
    const { ids, numbers, codes, strings } = batch;
    const at = i * ID_STRIDE;
    const traceEnd = at + TRACE_ID_BYTES;
    // The spans of a trace mostly come together: its id is turned into hex once.
    if (this.#traceAt === -1 || !sameBytes(ids, this.#traceAt, at, TRACE_ID_BYTES)) {
      this.#traceHex = Buffer.from(ids.buffer, ids.byteOffset + at, TRACE_ID_BYTES).toString('hex');
      this.#traceAt = at;
    }
    const parentAt = traceEnd + SPAN_ID_BYTES;
    const n = i * NUMBER_STRIDE;
    const d = i * DICTIONARY_STRIDE;
    // One object literal: every row gets the same shape.
    return {
      traceId: this.#traceHex,
      traceIdBytes: view(ids, at, TRACE_ID_BYTES),
      spanIdBytes: view(ids, traceEnd, SPAN_ID_BYTES),
      parentSpanIdBytes: isZero(ids, parentAt, SPAN_ID_BYTES) ? null : view(ids, parentAt, SPAN_ID_BYTES),
      startNs: batch.times[2 * i] as bigint,
      endNs: batch.times[2 * i + 1] as bigint,
      kind: numbers[n + N.kind] as number,
      durationMs: numbers[n + N.durationMs] as number,
      statusCode: numbers[n + N.statusCode] as number,
      inputTokens: nullIfNaN(numbers[n + N.inputTokens] as number),
      outputTokens: nullIfNaN(numbers[n + N.outputTokens] as number),
      cacheReadTokens: nullIfNaN(numbers[n + N.cacheReadTokens] as number),
      cacheWriteTokens: nullIfNaN(numbers[n + N.cacheWriteTokens] as number),
      reasoningTokens: nullIfNaN(numbers[n + N.reasoningTokens] as number),
      costUsd: nullIfNaN(numbers[n + N.costUsd] as number),
      unpriced: numbers[n + N.unpriced] === 1 ? 1 : 0,
      aggregatesChildren: numbers[n + N.aggregatesChildren] === 1 ? 1 : 0,
      elided: nullIfNaN(numbers[n + N.elided] as number),
      resource: numbers[n + N.resource] as number,
      scope: numbers[n + N.scope] as number,
      service: text(strings, codes[d + D.service] as number) as string,
      name: text(strings, codes[d + D.name] as number) as string,
      category: text(strings, codes[d + D.category] as number) as SpanCategory,
      operation: text(strings, codes[d + D.operation] as number),
      agentName: text(strings, codes[d + D.agentName] as number),
      provider: text(strings, codes[d + D.provider] as number),
      requestModel: text(strings, codes[d + D.requestModel] as number),
      responseModel: text(strings, codes[d + D.responseModel] as number),
      toolName: text(strings, codes[d + D.toolName] as number),
      workflowName: text(strings, codes[d + D.workflowName] as number),
      costSource: text(strings, codes[d + D.costSource] as number),
      errorType: text(strings, codes[d + D.errorType] as number),
      statusMessage: text(strings, codes[d + D.statusMessage] as number),
      attributesJson: batch.attributesJson[i] as string,
      eventsJson: batch.eventsJson[i] as string | null,
      linksJson: batch.linksJson[i] as string | null,
      traceState: batch.traceState[i] as string | null,
      agentId: batch.agentId[i] as string | null,
      conversationId: batch.conversationId[i] as string | null,
      toolCallId: batch.toolCallId[i] as string | null,
    };
  }
}

/**
 * How many items (spans, log records, data points) an export request carries, counted before the
 * request is decoded into objects, so that a request over the hub's per-request limit is refused
 * without first costing the memory of every item in it (a 20 MiB body of minimal spans holds
 * 300 000 of them, a few hundred megabytes once decoded).
 */
import protobuf from 'protobufjs/light.js';
import type { OtlpSignal } from './decode-result.js';

/**
 * Thrown when a request carries more items than the hub takes in one request. The HTTP layer
 * answers 413 (gRPC: RESOURCE_EXHAUSTED), which senders do not retry: the batch must be split.
 */
export class OtlpTooManyItemsError extends Error {
  override readonly name = 'OtlpTooManyItemsError';
  constructor(
    readonly items: number,
    readonly limit: number,
    readonly noun: string,
  ) {
    super(
      `the request carries ${items} ${noun}, more than the ${limit} the hub takes in one request; send smaller batches`,
    );
  }
}

/** What each signal's items are called in messages. */
const ITEM_NOUNS: Readonly<Record<OtlpSignal, string>> = {
  traces: 'spans',
  logs: 'log records',
  metrics: 'data points',
};

/**
 * The protobuf field numbers from the request down to its items, one set per level:
 * `Export*ServiceRequest.resource_*` (1), `Resource*.scope_*` (2), `Scope*.spans | log_records |
 * metrics` (2); for metrics, then `Metric.gauge | sum | histogram | exponential_histogram |
 * summary` (5, 7, 9, 10, 11) and their `data_points` (1).
 */
const ITEM_PATHS: Readonly<Record<OtlpSignal, readonly (readonly number[])[]>> = {
  traces: [[1], [2], [2]],
  logs: [[1], [2], [2]],
  metrics: [[1], [2], [2], [5, 7, 9, 10, 11], [1]],
};

const LENGTH_DELIMITED = 2;

/**
 * Counts the items of a protobuf export request by walking its length-delimited fields with
 * protobufjs's reader, without decoding any of them. A body that is not valid protobuf counts what
 * could be read; the decoder then says what is wrong with it.
 */
export function countItemsProtobuf(signal: OtlpSignal, body: Uint8Array): number {
  const path = ITEM_PATHS[signal];
  const reader = protobuf.Reader.create(body);
  let count = 0;
  const walk = (end: number, depth: number): void => {
    const wanted = path[depth] as readonly number[];
    const last = depth === path.length - 1;
    while (reader.pos < end) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      if (wireType === LENGTH_DELIMITED && wanted.includes(tag >>> 3)) {
        const length = reader.uint32();
        const fieldEnd = reader.pos + length;
        if (fieldEnd > end) throw new RangeError('truncated');
        if (last) {
          count++;
          reader.skip(length);
        } else walk(fieldEnd, depth + 1);
      } else reader.skipType(wireType);
    }
  };
  try {
    walk(body.byteLength, 0);
  } catch {
    // Not valid protobuf: the count so far stands, and the decoder reports the problem.
  }
  return count;
}

type Json = Readonly<Record<string, unknown>>;

function list(o: unknown, camel: string, snake: string): readonly unknown[] {
  if (typeof o !== 'object' || o === null) return [];
  const v = (o as Json)[camel] ?? (o as Json)[snake];
  return Array.isArray(v) ? v : [];
}

const METRIC_DATA = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
const JSON_NAMES: Readonly<Record<OtlpSignal, readonly [string, string][]>> = {
  traces: [
    ['resourceSpans', 'resource_spans'],
    ['scopeSpans', 'scope_spans'],
    ['spans', 'spans'],
  ],
  logs: [
    ['resourceLogs', 'resource_logs'],
    ['scopeLogs', 'scope_logs'],
    ['logRecords', 'log_records'],
  ],
  metrics: [
    ['resourceMetrics', 'resource_metrics'],
    ['scopeMetrics', 'scope_metrics'],
    ['metrics', 'metrics'],
  ],
};

/** Counts the items of a parsed OTLP/JSON export request (camelCase or snake_case keys). */
export function countItemsJson(signal: OtlpSignal, request: unknown): number {
  const [resources, scopes, items] = JSON_NAMES[signal] as [
    [string, string],
    [string, string],
    [string, string],
  ];
  let count = 0;
  for (const r of list(request, ...resources)) {
    for (const s of list(r, ...scopes)) {
      const found = list(s, ...items);
      if (signal !== 'metrics') {
        count += found.length;
        continue;
      }
      for (const metric of found) {
        if (typeof metric !== 'object' || metric === null) continue;
        for (const kind of METRIC_DATA) {
          const data =
            (metric as Json)[kind] ??
            (kind === 'exponentialHistogram' ? (metric as Json).exponential_histogram : undefined);
          count += list(data, 'dataPoints', 'data_points').length;
        }
      }
    }
  }
  return count;
}

/** Throws {@link OtlpTooManyItemsError} when `items` is over `limit`. */
export function checkItemCount(signal: OtlpSignal, items: number, limit: number): void {
  if (items > limit) throw new OtlpTooManyItemsError(items, limit, ITEM_NOUNS[signal]);
}

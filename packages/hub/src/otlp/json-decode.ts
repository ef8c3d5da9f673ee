import { Buffer } from 'node:buffer';
import type {
  TelemetryAttributes as Attributes,
  TelemetryAttributeValue as AttributeValue,
  OtlpLog,
  OtlpMetricPoint,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
} from '@agentlens/core';
import type {
  LogsDecodeResult,
  MetricsDecodeResult,
  OtlpSignal,
  TracesDecodeResult,
} from './decode-result.js';
import { Rejections } from './decode-result.js';
import { checkItemCount, countItemsJson } from './item-count.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import {
  asBuffer,
  MAX_ANY_VALUE_DEPTH,
  MAX_TIME_UNIX_NANO,
  setAttribute,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
} from './wire-values.js';

// OTLP/HTTP JSON is the proto3 JSON mapping with two OTLP rules: trace and span ids are hex
// strings (not base64), and enums may be integers or names. Field names are lowerCamelCase; the
// proto snake_case names are accepted too (a second property read, only when the first misses).
// Unknown fields are ignored. A value of the wrong type makes the whole request invalid (as in
// the Collector); an invalid id rejects only the item that carries it.

type Json = Record<string, unknown>;

/** A type error at `path` (relative while it travels up, absolute when it reaches the top). */
class ShapeError extends Error {
  constructor(
    public path: string,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** Prefixes the path of a ShapeError passing through `segment`; other errors pass unchanged. */
function within(err: unknown, segment: string): unknown {
  if (err instanceof ShapeError && segment !== '') {
    err.path =
      err.path === '' ? segment : err.path.startsWith('[') ? segment + err.path : `${segment}.${err.path}`;
  }
  return err;
}

function get(o: Json, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function object(v: unknown, name: string): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(name, 'must be an object');
  return v as Json;
}

function array(v: unknown, name: string): unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (!Array.isArray(v)) throw new ShapeError(name, 'must be an array');
  return v;
}
const EMPTY: unknown[] = [];

function string(v: unknown, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ShapeError(name, 'must be a string');
  return v;
}

const UINT = /^\d{1,20}$/;
const INT = /^-?\d{1,19}$/;
const MAX_U64 = '18446744073709551615';
const TIME_PROBLEM = `must be at most ${MAX_TIME_UNIX_NANO} (2262-04-11)`;

/** Whether a time from {@link u64} (no leading zeros) fits int64, as the stores keep times. */
function storable(time: string): boolean {
  const max = MAX_TIME_UNIX_NANO;
  return time.length < max.length || (time.length === max.length && time <= max);
}

/** An unsigned 64-bit field (times) as a decimal string: from a digit string or an integer. */
function u64(v: unknown, name: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string') {
    if (!UINT.test(v) || (v.length === 20 && v > MAX_U64)) {
      throw new ShapeError(name, 'must be an unsigned 64-bit integer (number or decimal string)');
    }
    return v.length > 1 && v.charCodeAt(0) === 48 ? v.replace(/^0+(?=\d)/, '') : v;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 64) {
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  throw new ShapeError(name, 'must be an unsigned 64-bit integer (number or decimal string)');
}

/** An unsigned 64-bit count as a number. */
function u64Number(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return Number(u64(v, name));
}

/** A signed 64-bit integer: a number when exact, else its decimal string. */
function i64(v: unknown, name: string): number | string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
  } else if (typeof v === 'string' && INT.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : BigInt(v).toString();
  }
  throw new ShapeError(name, 'must be a 64-bit integer (number or decimal string)');
}

/** A double: a number, or a string the proto3 JSON mapping allows ("NaN", "Infinity", "1.5"). */
function double(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new ShapeError(name, 'must be a number');
}

function enumValue(v: unknown, name: string, names: ReadonlyMap<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const n = names.get(v);
    if (n !== undefined) return n;
  }
  throw new ShapeError(name, `must be an enum number or one of ${[...names.keys()].join(', ')}`);
}

const SPAN_KINDS = new Map(
  ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map((n, i) => [
    `SPAN_KIND_${n}`,
    i,
  ]),
);
const STATUS_CODES = new Map(['UNSET', 'OK', 'ERROR'].map((n, i) => [`STATUS_CODE_${n}`, i]));
const SEVERITIES = new Map<string, number>([['SEVERITY_NUMBER_UNSPECIFIED', 0]]);
for (const [i, level] of ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].entries()) {
  for (let k = 0; k < 4; k++)
    SEVERITIES.set(`SEVERITY_NUMBER_${level}${k === 0 ? '' : k + 1}`, i * 4 + k + 1);
}

const HEX_16 = /^[0-9a-fA-F]{32}$/;
const HEX_8 = /^[0-9a-fA-F]{16}$/;
// The generic proto3 JSON mapping writes bytes as base64; some encoders do so for ids too.
const B64_16 = /^[A-Za-z0-9+/_-]{22}==$/;
const B64_8 = /^[A-Za-z0-9+/_-]{11}=$/;

/** An id as lower-case hex: '' when absent, undefined when malformed. All zeros stay zeros here. */
function id(v: unknown, bytes: 16 | 8): string | undefined {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') return undefined;
  if (bytes === 16 ? HEX_16.test(v) : HEX_8.test(v)) return v.toLowerCase();
  if (bytes === 16 ? B64_16.test(v) : B64_8.test(v)) return Buffer.from(v, 'base64').toString('hex');
  return undefined;
}

function idProblem(v: unknown, bytes: 16 | 8): string {
  return v === undefined || v === null || v === ''
    ? 'is required'
    : `must be ${bytes} bytes (${bytes * 2} hex characters)`;
}

function anyValue(v: unknown, name: string, depth: number): AttributeValue {
  const o = object(v, name);
  if (o === undefined) return null;
  try {
    let x: unknown = get(o, 'stringValue', 'string_value');
    if (x !== undefined && x !== null) return string(x, 'stringValue');
    x = get(o, 'intValue', 'int_value');
    if (x !== undefined && x !== null) return i64(x, 'intValue');
    x = get(o, 'doubleValue', 'double_value');
    if (x !== undefined && x !== null) return double(x, 'doubleValue');
    x = get(o, 'boolValue', 'bool_value');
    if (x !== undefined && x !== null) {
      if (typeof x !== 'boolean') throw new ShapeError('boolValue', 'must be a boolean');
      return x;
    }
    x = get(o, 'arrayValue', 'array_value');
    if (x !== undefined && x !== null) {
      if (depth >= MAX_ANY_VALUE_DEPTH) throw new ShapeError('arrayValue', 'nested too deep');
      const values = array(object(x, 'arrayValue')?.values, 'arrayValue.values');
      const out: AttributeValue[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        try {
          out[i] = anyValue(values[i], '', depth + 1);
        } catch (err) {
          throw within(err, `arrayValue.values[${i}]`);
        }
      }
      return out;
    }
    x = get(o, 'kvlistValue', 'kvlist_value');
    if (x !== undefined && x !== null) {
      if (depth >= MAX_ANY_VALUE_DEPTH) throw new ShapeError('kvlistValue', 'nested too deep');
      try {
        return attributes(object(x, '')?.values, depth + 1);
      } catch (err) {
        throw within(err, 'kvlistValue.values');
      }
    }
    x = get(o, 'bytesValue', 'bytes_value');
    if (x !== undefined && x !== null) return string(x, 'bytesValue');
    return null;
  } catch (err) {
    throw within(err, name);
  }
}

/** A KeyValue list (as found under `attributes` or a kvlist's `values`) as an attribute map. */
function attributes(v: unknown, depth = 0): Attributes {
  const kvs = array(v, '');
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    try {
      const kv = object(kvs[i], '');
      if (kv === undefined) continue;
      setAttribute(out, string(kv.key, 'key'), anyValue(kv.value, 'value', depth));
    } catch (err) {
      throw within(err, `[${i}]`);
    }
  }
  return out;
}

function attributesAt(o: Json, name: string): Attributes {
  try {
    return attributes(o[name]);
  } catch (err) {
    throw within(err, name);
  }
}

function scope(v: unknown): OtlpScope {
  const s = object(v, 'scope');
  if (s === undefined) return { name: '', version: '' };
  try {
    const name = string(s.name, 'name');
    const version = string(s.version, 'version');
    const attrs = attributesAt(s, 'attributes');
    return Object.keys(attrs).length === 0 ? { name, version } : { name, version, attributes: attrs };
  } catch (err) {
    throw within(err, 'scope');
  }
}

function resource(v: unknown): Attributes {
  const r = object(v, 'resource');
  if (r === undefined) return {};
  try {
    return attributes(r.attributes);
  } catch (err) {
    throw within(err, 'resource.attributes');
  }
}

/**
 * Parses the body; '' and whitespace-only bodies are an empty request. A request of more than
 * `maxItems` items throws OtlpTooManyItemsError before any of them is converted.
 */
function parse(body: Uint8Array, signal: OtlpSignal, maxItems: number): Json {
  const text = asBuffer(body).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError('invalid JSON: the request must be an object');
  }
  checkItemCount(signal, countItemsJson(signal, value), maxItems);
  return value as Json;
}

function fail(err: unknown): never {
  if (err instanceof ShapeError) throw new OtlpDecodeError(`${err.path}: ${err.problem}`);
  // Our own code throws nothing else; anything else (a stack overflow) still must not escape raw.
  if (err instanceof OtlpDecodeError) throw err;
  throw new OtlpDecodeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Walks resource → scope → items, calling `item` for each, with the ShapeError path kept right.
 * `item` returns a problem string (`field: problem`) to reject the item, or undefined.
 */
function walk(
  req: Json,
  names: { resources: [string, string]; scopes: [string, string]; items: [string, string] },
  item: (v: unknown, resource: Attributes, scope: OtlpScope) => string | undefined,
  rejections: Rejections,
): void {
  try {
    const resources = array(get(req, ...names.resources), names.resources[0]);
    for (let i = 0; i < resources.length; i++) {
      const rPath = `${names.resources[0]}[${i}]`;
      try {
        const r = object(resources[i], '');
        if (r === undefined) continue;
        const res = resource(r.resource);
        const scopes = array(get(r, ...names.scopes), names.scopes[0]);
        for (let j = 0; j < scopes.length; j++) {
          try {
            const s = object(scopes[j], '');
            if (s === undefined) continue;
            const sc = scope(s.scope);
            const items = array(get(s, ...names.items), names.items[0]);
            for (let k = 0; k < items.length; k++) {
              try {
                const problem = item(items[k], res, sc);
                if (problem !== undefined) {
                  const at = problem.indexOf(': ');
                  rejections.add(
                    `${rPath}.${names.scopes[0]}[${j}].${names.items[0]}[${k}].${problem.slice(0, at)}`,
                    problem.slice(at + 2),
                  );
                }
              } catch (err) {
                throw within(err, `${names.items[0]}[${k}]`);
              }
            }
          } catch (err) {
            throw within(err, `${names.scopes[0]}[${j}]`);
          }
        }
      } catch (err) {
        throw within(err, rPath);
      }
    }
  } catch (err) {
    fail(err);
  }
}

function span(v: unknown, res: Attributes, sc: OtlpScope, out: OtlpSpan[]): string | undefined {
  const s = object(v, '');
  if (s === undefined) return undefined;
  const rawTraceId = get(s, 'traceId', 'trace_id');
  const traceId = id(rawTraceId, 16);
  if (traceId === undefined || traceId === '') return `traceId: ${idProblem(rawTraceId, 16)}`;
  if (traceId === ZERO_TRACE_ID) return 'traceId: must not be all zeros';
  const rawSpanId = get(s, 'spanId', 'span_id');
  const spanId = id(rawSpanId, 8);
  if (spanId === undefined || spanId === '') return `spanId: ${idProblem(rawSpanId, 8)}`;
  if (spanId === ZERO_SPAN_ID) return 'spanId: must not be all zeros';
  let parentSpanId = id(get(s, 'parentSpanId', 'parent_span_id'), 8);
  if (parentSpanId === undefined) return 'parentSpanId: must be empty or 8 bytes (16 hex characters)';
  if (parentSpanId === ZERO_SPAN_ID) parentSpanId = '';

  const startTimeUnixNano = u64(get(s, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  if (!storable(startTimeUnixNano)) return `startTimeUnixNano: ${TIME_PROBLEM}`;
  const endTimeUnixNano = u64(get(s, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  if (!storable(endTimeUnixNano)) return `endTimeUnixNano: ${TIME_PROBLEM}`;

  const rawEvents = array(s.events, 'events');
  const events: OtlpSpanEvent[] = [];
  for (let i = 0; i < rawEvents.length; i++) {
    try {
      const e = object(rawEvents[i], '');
      if (e === undefined) continue;
      events.push({
        timeUnixNano: u64(get(e, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
        name: string(e.name, 'name'),
        attributes: attributesAt(e, 'attributes'),
      });
    } catch (err) {
      throw within(err, `events[${i}]`);
    }
  }
  const rawLinks = array(s.links, 'links');
  const links: OtlpSpanLink[] = [];
  for (let i = 0; i < rawLinks.length; i++) {
    let l: Json | undefined;
    try {
      l = object(rawLinks[i], '');
    } catch (err) {
      throw within(err, `links[${i}]`);
    }
    if (l === undefined) continue;
    const rawLinkTraceId = get(l, 'traceId', 'trace_id');
    const linkTraceId = id(rawLinkTraceId, 16);
    if (linkTraceId === undefined || linkTraceId === '' || linkTraceId === ZERO_TRACE_ID) {
      return `links[${i}].traceId: ${linkTraceId === ZERO_TRACE_ID ? 'must not be all zeros' : idProblem(rawLinkTraceId, 16)}`;
    }
    const rawLinkSpanId = get(l, 'spanId', 'span_id');
    const linkSpanId = id(rawLinkSpanId, 8);
    if (linkSpanId === undefined || linkSpanId === '' || linkSpanId === ZERO_SPAN_ID) {
      return `links[${i}].spanId: ${linkSpanId === ZERO_SPAN_ID ? 'must not be all zeros' : idProblem(rawLinkSpanId, 8)}`;
    }
    try {
      links.push({
        traceId: linkTraceId,
        spanId: linkSpanId,
        traceState: string(get(l, 'traceState', 'trace_state'), 'traceState'),
        attributes: attributesAt(l, 'attributes'),
      });
    } catch (err) {
      throw within(err, `links[${i}]`);
    }
  }
  const status = object(s.status, 'status');
  let statusCode = 0;
  let statusMessage = '';
  if (status !== undefined) {
    try {
      statusCode = enumValue(status.code, 'code', STATUS_CODES);
      statusMessage = string(status.message, 'message');
    } catch (err) {
      throw within(err, 'status');
    }
  }
  out.push({
    traceId,
    spanId,
    parentSpanId,
    traceState: string(get(s, 'traceState', 'trace_state'), 'traceState'),
    name: string(s.name, 'name'),
    kind: enumValue(s.kind, 'kind', SPAN_KINDS),
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: attributesAt(s, 'attributes'),
    events,
    links,
    statusCode,
    statusMessage,
    resource: res,
    scope: sc,
  });
  return undefined;
}

/** Decodes an `ExportTraceServiceRequest` in OTLP/HTTP JSON. */
export function decodeTracesJson(body: Uint8Array, maxItems = Number.POSITIVE_INFINITY): TracesDecodeResult {
  const req = parse(body, 'traces', maxItems);
  const spans: OtlpSpan[] = [];
  const rejections = new Rejections();
  walk(
    req,
    {
      resources: ['resourceSpans', 'resource_spans'],
      scopes: ['scopeSpans', 'scope_spans'],
      items: ['spans', 'spans'],
    },
    (v, res, sc) => span(v, res, sc, spans),
    rejections,
  );
  return rejections.apply({ spans });
}

function logRecord(v: unknown, res: Attributes, sc: OtlpScope, out: OtlpLog[]): string | undefined {
  const r = object(v, '');
  if (r === undefined) return undefined;
  let traceId = id(get(r, 'traceId', 'trace_id'), 16);
  if (traceId === undefined) return 'traceId: must be empty or 16 bytes (32 hex characters)';
  if (traceId === ZERO_TRACE_ID) traceId = '';
  let spanId = id(get(r, 'spanId', 'span_id'), 8);
  if (spanId === undefined) return 'spanId: must be empty or 8 bytes (16 hex characters)';
  if (spanId === ZERO_SPAN_ID) spanId = '';
  const timeUnixNano = u64(get(r, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
  if (!storable(timeUnixNano)) return `timeUnixNano: ${TIME_PROBLEM}`;
  const observedTimeUnixNano = u64(
    get(r, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    'observedTimeUnixNano',
  );
  if (!storable(observedTimeUnixNano)) return `observedTimeUnixNano: ${TIME_PROBLEM}`;
  out.push({
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber: enumValue(get(r, 'severityNumber', 'severity_number'), 'severityNumber', SEVERITIES),
    severityText: string(get(r, 'severityText', 'severity_text'), 'severityText'),
    body: anyValue(r.body, 'body', 0),
    attributes: attributesAt(r, 'attributes'),
    traceId,
    spanId,
    resource: res,
    scope: sc,
  });
  return undefined;
}

/** Decodes an `ExportLogsServiceRequest` in OTLP/HTTP JSON. */
export function decodeLogsJson(body: Uint8Array, maxItems = Number.POSITIVE_INFINITY): LogsDecodeResult {
  const req = parse(body, 'logs', maxItems);
  const logs: OtlpLog[] = [];
  const rejections = new Rejections();
  walk(
    req,
    {
      resources: ['resourceLogs', 'resource_logs'],
      scopes: ['scopeLogs', 'scope_logs'],
      items: ['logRecords', 'log_records'],
    },
    (v, res, sc) => logRecord(v, res, sc, logs),
    rejections,
  );
  return rejections.apply({ logs });
}

const METRIC_KINDS = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
] as const;

type MutablePoint = { -readonly [K in keyof OtlpMetricPoint]: OtlpMetricPoint[K] };

function metric(v: unknown, res: Attributes, sc: OtlpScope, out: OtlpMetricPoint[], rejections: Rejections) {
  const m = object(v, '');
  if (m === undefined) return undefined;
  for (const [camel, snake, type] of METRIC_KINDS) {
    const data = object(get(m, camel, snake), camel);
    if (data === undefined) continue;
    const points = array(get(data, 'dataPoints', 'data_points'), `${camel}.dataPoints`);
    const name = string(m.name, 'name');
    if (name === '') {
      // All the points of a nameless metric are rejected together, as one reason.
      if (points.length === 0) return undefined;
      rejections.count += points.length - 1;
      return 'name: must not be empty';
    }
    const description = string(m.description, 'description');
    const unit = string(m.unit, 'unit');
    for (let i = 0; i < points.length; i++) {
      try {
        const p = object(points[i], '');
        if (p === undefined) continue;
        const point: MutablePoint = {
          metricName: name,
          description,
          unit,
          type,
          timeUnixNano: u64(get(p, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
          startTimeUnixNano: u64(get(p, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
          attributes: attributesAt(p, 'attributes'),
          resource: res,
          scope: sc,
        };
        if (type === 'gauge' || type === 'sum') {
          const asDouble = get(p, 'asDouble', 'as_double');
          const asInt = get(p, 'asInt', 'as_int');
          if (asDouble !== undefined && asDouble !== null) point.value = double(asDouble, 'asDouble');
          else if (asInt !== undefined && asInt !== null) point.value = Number(i64(asInt, 'asInt'));
        } else {
          point.count = u64Number(p.count, 'count');
          if (p.sum !== undefined && p.sum !== null) point.sum = double(p.sum, 'sum');
          else if (type === 'summary') point.sum = 0;
          if (type === 'histogram') {
            const counts = array(get(p, 'bucketCounts', 'bucket_counts'), 'bucketCounts');
            point.bucketCounts = counts.map((c, n) => u64Number(c, `bucketCounts[${n}]`));
            const bounds = array(get(p, 'explicitBounds', 'explicit_bounds'), 'explicitBounds');
            point.explicitBounds = bounds.map((b, n) => double(b, `explicitBounds[${n}]`));
          }
        }
        out.push(point);
      } catch (err) {
        throw within(err, `${camel}.dataPoints[${i}]`);
      }
    }
    return undefined;
  }
  return undefined;
}

/** Decodes an `ExportMetricsServiceRequest` in OTLP/HTTP JSON. */
export function decodeMetricsJson(
  body: Uint8Array,
  maxItems = Number.POSITIVE_INFINITY,
): MetricsDecodeResult {
  const req = parse(body, 'metrics', maxItems);
  const points: OtlpMetricPoint[] = [];
  const rejections = new Rejections();
  walk(
    req,
    {
      resources: ['resourceMetrics', 'resource_metrics'],
      scopes: ['scopeMetrics', 'scope_metrics'],
      items: ['metrics', 'metrics'],
    },
    (v, res, sc) => metric(v, res, sc, points, rejections),
    rejections,
  );
  return rejections.apply({ points });
}

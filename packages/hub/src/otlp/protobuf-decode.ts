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
import { checkItemCount, countItemsProtobuf } from './item-count.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { LogsRequest, MetricsRequest, TraceRequest } from './schema.js';
import {
  asBuffer,
  bytesToBase64,
  bytesToHex,
  i64ToJson,
  i64ToNumber,
  isStorableTime,
  type LongLike,
  MAX_ANY_VALUE_DEPTH,
  setAttribute,
  u64ToNumber,
  u64ToString,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
} from './wire-values.js';

// The shapes protobufjs decodes into (see schema.ts). Absent scalars read as their defaults,
// absent messages as null, absent repeated fields as empty arrays.
type U64 = LongLike | number;
interface PbAnyValue {
  value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: U64;
  doubleValue: number;
  arrayValue: { values: PbAnyValue[] } | null;
  kvlistValue: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}
interface PbScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
}
interface PbResource {
  attributes: PbKeyValue[];
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: U64;
  endTimeUnixNano: U64;
  attributes: PbKeyValue[];
  events: { timeUnixNano: U64; name: string; attributes: PbKeyValue[] }[];
  links: { traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PbKeyValue[] }[];
  status: { message: string; code: number } | null;
}
interface PbTraceRequest {
  resourceSpans: { resource: PbResource | null; scopeSpans: { scope: PbScope | null; spans: PbSpan[] }[] }[];
}
interface PbLogRecord {
  timeUnixNano: U64;
  observedTimeUnixNano: U64;
  severityNumber: number;
  severityText: string;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  traceId: Uint8Array;
  spanId: Uint8Array;
}
interface PbLogsRequest {
  resourceLogs: {
    resource: PbResource | null;
    scopeLogs: { scope: PbScope | null; logRecords: PbLogRecord[] }[];
  }[];
}
interface PbPoint {
  startTimeUnixNano: U64;
  timeUnixNano: U64;
  attributes: PbKeyValue[];
  value?: string;
  asDouble: number;
  asInt: U64;
  _sum?: string;
  sum: number;
  count: U64;
  bucketCounts: U64[];
  explicitBounds: number[];
}
interface PbMetric {
  name: string;
  description: string;
  unit: string;
  data?: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
  gauge: { dataPoints: PbPoint[] } | null;
  sum: { dataPoints: PbPoint[] } | null;
  histogram: { dataPoints: PbPoint[] } | null;
  exponentialHistogram: { dataPoints: PbPoint[] } | null;
  summary: { dataPoints: PbPoint[] } | null;
}
interface PbMetricsRequest {
  resourceMetrics: {
    resource: PbResource | null;
    scopeMetrics: { scope: PbScope | null; metrics: PbMetric[] }[];
  }[];
}

const TIME_PROBLEM = 'must be at most 9223372036854775807 (2262-04-11)';
const EMPTY_SCOPE: OtlpScope = Object.freeze({ name: '', version: '' });

/**
 * Runs the protobufjs decoder and converts whatever it throws (RangeError on truncation, Error on
 * a bad wire type, a stack overflow on absurd nesting) into OtlpDecodeError. A request of more
 * than `maxItems` items throws OtlpTooManyItemsError first, counted without decoding them.
 */
function parse<T>(type: typeof TraceRequest, body: Uint8Array, signal: OtlpSignal, maxItems: number): T {
  if (maxItems !== Number.POSITIVE_INFINITY)
    checkItemCount(signal, countItemsProtobuf(signal, body), maxItems);
  try {
    return type.decode(asBuffer(body)) as unknown as T;
  } catch (err) {
    throw new OtlpDecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function anyValue(v: PbAnyValue | null, depth: number): AttributeValue {
  if (v === null) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return i64ToJson(v.intValue);
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return bytesToBase64(v.bytesValue);
    case 'arrayValue': {
      if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep();
      const values = v.arrayValue?.values ?? [];
      const out: AttributeValue[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i] ?? null, depth + 1);
      return out;
    }
    case 'kvlistValue': {
      if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep();
      return attributes(v.kvlistValue?.values ?? [], depth + 1);
    }
    default:
      return null;
  }
}

function tooDeep(): OtlpDecodeError {
  return new OtlpDecodeError(`invalid OTLP: AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
}

function attributes(kvs: PbKeyValue[], depth = 0): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i] as PbKeyValue;
    setAttribute(out, kv.key, anyValue(kv.value, depth));
  }
  return out;
}

function scope(s: PbScope | null): OtlpScope {
  if (s === null) return EMPTY_SCOPE;
  return s.attributes.length === 0
    ? { name: s.name, version: s.version }
    : { name: s.name, version: s.version, attributes: attributes(s.attributes) };
}

/** A required id: its hex, or undefined when it has the wrong length or is all zeros. */
function requiredId(bytes: Uint8Array, length: number, zero: string): string | undefined {
  if (bytes.length !== length) return undefined;
  const hex = bytesToHex(bytes);
  return hex === zero ? undefined : hex;
}

/** An optional id: '' when absent or all zeros, undefined when it has the wrong length. */
function optionalId(bytes: Uint8Array, length: number, zero: string): string | undefined {
  if (bytes.length === 0) return '';
  if (bytes.length !== length) return undefined;
  const hex = bytesToHex(bytes);
  return hex === zero ? '' : hex;
}

function idProblem(bytes: Uint8Array, length: number): string {
  if (bytes.length === 0) return 'is required';
  return bytes.length === length ? 'must not be all zeros' : `must be ${length} bytes`;
}

/** Returns the span, or the problem (relative to the span) that rejects it. */
function span(s: PbSpan, resource: Attributes, sc: OtlpScope): OtlpSpan | string {
  const traceId = requiredId(s.traceId, 16, ZERO_TRACE_ID);
  if (traceId === undefined) return `traceId: ${idProblem(s.traceId, 16)}`;
  const spanId = requiredId(s.spanId, 8, ZERO_SPAN_ID);
  if (spanId === undefined) return `spanId: ${idProblem(s.spanId, 8)}`;
  const parentSpanId = optionalId(s.parentSpanId, 8, ZERO_SPAN_ID);
  if (parentSpanId === undefined) return 'parentSpanId: must be empty or 8 bytes';
  if (!isStorableTime(s.startTimeUnixNano)) return `startTimeUnixNano: ${TIME_PROBLEM}`;
  if (!isStorableTime(s.endTimeUnixNano)) return `endTimeUnixNano: ${TIME_PROBLEM}`;
  const events: OtlpSpanEvent[] = new Array(s.events.length);
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i] as PbSpan['events'][number];
    events[i] = {
      timeUnixNano: u64ToString(e.timeUnixNano),
      name: e.name,
      attributes: attributes(e.attributes),
    };
  }
  const links: OtlpSpanLink[] = new Array(s.links.length);
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i] as PbSpan['links'][number];
    const linkTraceId = requiredId(l.traceId, 16, ZERO_TRACE_ID);
    if (linkTraceId === undefined) return `links[${i}].traceId: ${idProblem(l.traceId, 16)}`;
    const linkSpanId = requiredId(l.spanId, 8, ZERO_SPAN_ID);
    if (linkSpanId === undefined) return `links[${i}].spanId: ${idProblem(l.spanId, 8)}`;
    links[i] = {
      traceId: linkTraceId,
      spanId: linkSpanId,
      traceState: l.traceState,
      attributes: attributes(l.attributes),
    };
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: s.traceState,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: u64ToString(s.startTimeUnixNano),
    endTimeUnixNano: u64ToString(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    events,
    links,
    statusCode: s.status === null ? 0 : s.status.code,
    statusMessage: s.status === null ? '' : s.status.message,
    resource,
    scope: sc,
  };
}

/** Decodes an `ExportTraceServiceRequest` in protobuf. */
export function decodeTracesProtobuf(
  body: Uint8Array,
  maxItems = Number.POSITIVE_INFINITY,
): TracesDecodeResult {
  const req = parse<PbTraceRequest>(TraceRequest, body, 'traces', maxItems);
  const spans: OtlpSpan[] = [];
  const rejections = new Rejections();
  for (let i = 0; i < req.resourceSpans.length; i++) {
    const rs = req.resourceSpans[i] as PbTraceRequest['resourceSpans'][number];
    const resource = attributes(rs.resource?.attributes ?? []);
    for (let j = 0; j < rs.scopeSpans.length; j++) {
      const ss = rs.scopeSpans[j] as PbTraceRequest['resourceSpans'][number]['scopeSpans'][number];
      const sc = scope(ss.scope);
      for (let k = 0; k < ss.spans.length; k++) {
        const out = span(ss.spans[k] as PbSpan, resource, sc);
        if (typeof out === 'string') {
          const [field, problem] = splitProblem(out);
          rejections.add(`resourceSpans[${i}].scopeSpans[${j}].spans[${k}].${field}`, problem);
        } else spans.push(out);
      }
    }
  }
  return rejections.apply({ spans });
}

function splitProblem(p: string): [string, string] {
  const at = p.indexOf(': ');
  return [p.slice(0, at), p.slice(at + 2)];
}

function logRecord(r: PbLogRecord, resource: Attributes, sc: OtlpScope): OtlpLog | string {
  const traceId = optionalId(r.traceId, 16, ZERO_TRACE_ID);
  if (traceId === undefined) return 'traceId: must be empty or 16 bytes';
  const spanId = optionalId(r.spanId, 8, ZERO_SPAN_ID);
  if (spanId === undefined) return 'spanId: must be empty or 8 bytes';
  if (!isStorableTime(r.timeUnixNano)) return `timeUnixNano: ${TIME_PROBLEM}`;
  if (!isStorableTime(r.observedTimeUnixNano)) return `observedTimeUnixNano: ${TIME_PROBLEM}`;
  return {
    timeUnixNano: u64ToString(r.timeUnixNano),
    observedTimeUnixNano: u64ToString(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: anyValue(r.body, 0),
    attributes: attributes(r.attributes),
    traceId,
    spanId,
    resource,
    scope: sc,
  };
}

/** Decodes an `ExportLogsServiceRequest` in protobuf. */
export function decodeLogsProtobuf(body: Uint8Array, maxItems = Number.POSITIVE_INFINITY): LogsDecodeResult {
  const req = parse<PbLogsRequest>(LogsRequest, body, 'logs', maxItems);
  const logs: OtlpLog[] = [];
  const rejections = new Rejections();
  for (let i = 0; i < req.resourceLogs.length; i++) {
    const rl = req.resourceLogs[i] as PbLogsRequest['resourceLogs'][number];
    const resource = attributes(rl.resource?.attributes ?? []);
    for (let j = 0; j < rl.scopeLogs.length; j++) {
      const sl = rl.scopeLogs[j] as PbLogsRequest['resourceLogs'][number]['scopeLogs'][number];
      const sc = scope(sl.scope);
      for (let k = 0; k < sl.logRecords.length; k++) {
        const out = logRecord(sl.logRecords[k] as PbLogRecord, resource, sc);
        if (typeof out === 'string') {
          const [field, problem] = splitProblem(out);
          rejections.add(`resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}].${field}`, problem);
        } else logs.push(out);
      }
    }
  }
  return rejections.apply({ logs });
}

function metricPoints(
  m: PbMetric,
  resource: Attributes,
  sc: OtlpScope,
  out: OtlpMetricPoint[],
  rejections: Rejections,
  where: () => string,
): void {
  const kind = m.data;
  if (kind === undefined) return;
  const points = m[kind]?.dataPoints ?? [];
  if (m.name === '') {
    rejections.addMany(points.length, `${where()}.name`, 'must not be empty');
    return;
  }
  const type = kind === 'exponentialHistogram' ? 'exponential_histogram' : kind;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as PbPoint;
    const base = {
      metricName: m.name,
      description: m.description,
      unit: m.unit,
      type,
      timeUnixNano: u64ToString(p.timeUnixNano),
      startTimeUnixNano: u64ToString(p.startTimeUnixNano),
      attributes: attributes(p.attributes),
      resource,
      scope: sc,
    } as const;
    if (kind === 'gauge' || kind === 'sum') {
      const value =
        p.value === 'asDouble' ? p.asDouble : p.value === 'asInt' ? i64ToNumber(p.asInt) : undefined;
      out.push(value === undefined ? base : { ...base, value });
    } else {
      const point: { -readonly [K in keyof OtlpMetricPoint]: OtlpMetricPoint[K] } = {
        ...base,
        count: u64ToNumber(p.count),
      };
      if (kind === 'summary' || p._sum === 'sum') point.sum = p.sum;
      if (kind === 'histogram') {
        point.bucketCounts = p.bucketCounts.map(u64ToNumber);
        point.explicitBounds = p.explicitBounds.slice();
      }
      out.push(point);
    }
  }
}

/** Decodes an `ExportMetricsServiceRequest` in protobuf. */
export function decodeMetricsProtobuf(
  body: Uint8Array,
  maxItems = Number.POSITIVE_INFINITY,
): MetricsDecodeResult {
  const req = parse<PbMetricsRequest>(MetricsRequest, body, 'metrics', maxItems);
  const points: OtlpMetricPoint[] = [];
  const rejections = new Rejections();
  for (let i = 0; i < req.resourceMetrics.length; i++) {
    const rm = req.resourceMetrics[i] as PbMetricsRequest['resourceMetrics'][number];
    const resource = attributes(rm.resource?.attributes ?? []);
    for (let j = 0; j < rm.scopeMetrics.length; j++) {
      const sm = rm.scopeMetrics[j] as PbMetricsRequest['resourceMetrics'][number]['scopeMetrics'][number];
      const sc = scope(sm.scope);
      for (let k = 0; k < sm.metrics.length; k++) {
        metricPoints(
          sm.metrics[k] as PbMetric,
          resource,
          sc,
          points,
          rejections,
          () => `resourceMetrics[${i}].scopeMetrics[${j}].metrics[${k}]`,
        );
      }
    }
  }
  return rejections.apply({ points });
}

/**
 * The OTLP messages the hub reads (opentelemetry-proto v1, `common`, `resource`, `trace`, `logs`,
 * `metrics` and the three collector services), described to protobufjs. Field numbers and wire
 * types are facts of the protocol, copied from the published `.proto` files; enums are read as
 * `int32` (same wire type), so unknown enum values survive as numbers. Fields the hub does not use
 * (dropped counts, flags, exemplars, schema URLs) are left out: protobufjs skips unknown fields.
 *
 * Why our own description rather than the generated decoders in `@opentelemetry/otlp-transformer`
 * 0.52: that package drags in the 1.x SDK packages; this file needs protobufjs alone, and
 * protobufjs generates the same specialised decode functions from it at first use.
 */

import Long from 'long';
import protobuf from 'protobufjs/light.js';

// protobufjs finds `long` with a dynamic require that bundlers and some loaders defeat; without it
// 64-bit fields would decode to lossy numbers, so wire it explicitly once.
if (!protobuf.util.Long) {
  protobuf.util.Long = Long;
  protobuf.configure();
}

type FieldDescriptor = { type: string; id: number; rule?: 'repeated' };
type TypeDescriptor = {
  fields: Record<string, FieldDescriptor>;
  oneofs?: Record<string, { oneof: string[] }>;
};

const f = (type: string, id: number): FieldDescriptor => ({ type, id });
const r = (type: string, id: number): FieldDescriptor => ({ type, id, rule: 'repeated' });

const dataPointCommon = {
  startTimeUnixNano: f('fixed64', 2),
  timeUnixNano: f('fixed64', 3),
};

const TYPES: Record<string, TypeDescriptor> = {
  // common.proto
  AnyValue: {
    oneofs: {
      value: {
        oneof: [
          'stringValue',
          'boolValue',
          'intValue',
          'doubleValue',
          'arrayValue',
          'kvlistValue',
          'bytesValue',
        ],
      },
    },
    fields: {
      stringValue: f('string', 1),
      boolValue: f('bool', 2),
      intValue: f('int64', 3),
      doubleValue: f('double', 4),
      arrayValue: f('ArrayValue', 5),
      kvlistValue: f('KeyValueList', 6),
      bytesValue: f('bytes', 7),
    },
  },
  ArrayValue: { fields: { values: r('AnyValue', 1) } },
  KeyValueList: { fields: { values: r('KeyValue', 1) } },
  KeyValue: { fields: { key: f('string', 1), value: f('AnyValue', 2) } },
  InstrumentationScope: {
    fields: { name: f('string', 1), version: f('string', 2), attributes: r('KeyValue', 3) },
  },
  // resource.proto
  Resource: { fields: { attributes: r('KeyValue', 1) } },
  // trace.proto
  ResourceSpans: { fields: { resource: f('Resource', 1), scopeSpans: r('ScopeSpans', 2) } },
  ScopeSpans: { fields: { scope: f('InstrumentationScope', 1), spans: r('Span', 2) } },
  Span: {
    fields: {
      traceId: f('bytes', 1),
      spanId: f('bytes', 2),
      traceState: f('string', 3),
      parentSpanId: f('bytes', 4),
      name: f('string', 5),
      kind: f('int32', 6),
      startTimeUnixNano: f('fixed64', 7),
      endTimeUnixNano: f('fixed64', 8),
      attributes: r('KeyValue', 9),
      events: r('SpanEvent', 11),
      links: r('SpanLink', 13),
      status: f('Status', 15),
    },
  },
  SpanEvent: {
    fields: { timeUnixNano: f('fixed64', 1), name: f('string', 2), attributes: r('KeyValue', 3) },
  },
  SpanLink: {
    fields: {
      traceId: f('bytes', 1),
      spanId: f('bytes', 2),
      traceState: f('string', 3),
      attributes: r('KeyValue', 4),
    },
  },
  Status: { fields: { message: f('string', 2), code: f('int32', 3) } },
  // logs.proto
  ResourceLogs: { fields: { resource: f('Resource', 1), scopeLogs: r('ScopeLogs', 2) } },
  ScopeLogs: { fields: { scope: f('InstrumentationScope', 1), logRecords: r('LogRecord', 2) } },
  LogRecord: {
    fields: {
      timeUnixNano: f('fixed64', 1),
      severityNumber: f('int32', 2),
      severityText: f('string', 3),
      body: f('AnyValue', 5),
      attributes: r('KeyValue', 6),
      traceId: f('bytes', 9),
      spanId: f('bytes', 10),
      observedTimeUnixNano: f('fixed64', 11),
    },
  },
  // metrics.proto
  ResourceMetrics: { fields: { resource: f('Resource', 1), scopeMetrics: r('ScopeMetrics', 2) } },
  ScopeMetrics: { fields: { scope: f('InstrumentationScope', 1), metrics: r('Metric', 2) } },
  Metric: {
    oneofs: { data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
    fields: {
      name: f('string', 1),
      description: f('string', 2),
      unit: f('string', 3),
      gauge: f('Gauge', 5),
      sum: f('Sum', 7),
      histogram: f('Histogram', 9),
      exponentialHistogram: f('ExponentialHistogram', 10),
      summary: f('Summary', 11),
    },
  },
  Gauge: { fields: { dataPoints: r('NumberDataPoint', 1) } },
  Sum: { fields: { dataPoints: r('NumberDataPoint', 1) } },
  Histogram: { fields: { dataPoints: r('HistogramDataPoint', 1) } },
  ExponentialHistogram: { fields: { dataPoints: r('ExponentialHistogramDataPoint', 1) } },
  Summary: { fields: { dataPoints: r('SummaryDataPoint', 1) } },
  NumberDataPoint: {
    oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
    fields: {
      ...dataPointCommon,
      asDouble: f('double', 4),
      asInt: f('sfixed64', 6),
      attributes: r('KeyValue', 7),
    },
  },
  HistogramDataPoint: {
    oneofs: { _sum: { oneof: ['sum'] } },
    fields: {
      ...dataPointCommon,
      count: f('fixed64', 4),
      sum: f('double', 5),
      bucketCounts: r('fixed64', 6),
      explicitBounds: r('double', 7),
      attributes: r('KeyValue', 9),
    },
  },
  ExponentialHistogramDataPoint: {
    oneofs: { _sum: { oneof: ['sum'] } },
    fields: {
      attributes: r('KeyValue', 1),
      ...dataPointCommon,
      count: f('fixed64', 4),
      sum: f('double', 5),
    },
  },
  SummaryDataPoint: {
    fields: { ...dataPointCommon, count: f('fixed64', 4), sum: f('double', 5), attributes: r('KeyValue', 7) },
  },
  // collector/{trace,logs,metrics}/v1/*_service.proto
  ExportTraceServiceRequest: { fields: { resourceSpans: r('ResourceSpans', 1) } },
  ExportLogsServiceRequest: { fields: { resourceLogs: r('ResourceLogs', 1) } },
  ExportMetricsServiceRequest: { fields: { resourceMetrics: r('ResourceMetrics', 1) } },
  ExportTraceServiceResponse: { fields: { partialSuccess: f('ExportTracePartialSuccess', 1) } },
  ExportTracePartialSuccess: { fields: { rejectedSpans: f('int64', 1), errorMessage: f('string', 2) } },
  ExportLogsServiceResponse: { fields: { partialSuccess: f('ExportLogsPartialSuccess', 1) } },
  ExportLogsPartialSuccess: { fields: { rejectedLogRecords: f('int64', 1), errorMessage: f('string', 2) } },
  ExportMetricsServiceResponse: { fields: { partialSuccess: f('ExportMetricsPartialSuccess', 1) } },
  ExportMetricsPartialSuccess: {
    fields: { rejectedDataPoints: f('int64', 1), errorMessage: f('string', 2) },
  },
};

const root = protobuf.Root.fromJSON({ nested: TYPES });

/** The protobufjs type of one OTLP message, by its name in this schema. */
export function otlpType(name: keyof typeof TYPES & string): protobuf.Type {
  return root.lookupType(name);
}

export const TraceRequest = otlpType('ExportTraceServiceRequest');
export const LogsRequest = otlpType('ExportLogsServiceRequest');
export const MetricsRequest = otlpType('ExportMetricsServiceRequest');
export const TraceResponse = otlpType('ExportTraceServiceResponse');
export const LogsResponse = otlpType('ExportLogsServiceResponse');
export const MetricsResponse = otlpType('ExportMetricsServiceResponse');

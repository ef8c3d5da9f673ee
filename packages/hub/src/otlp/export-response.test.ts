import {
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponse } from './export-response.js';
import { LogsResponse, MetricsResponse, TraceResponse } from './schema.js';

const cases = [
  { signal: 'traces', field: 'rejectedSpans', type: TraceResponse, serializer: ProtobufTraceSerializer },
  { signal: 'logs', field: 'rejectedLogRecords', type: LogsResponse, serializer: ProtobufLogsSerializer },
  {
    signal: 'metrics',
    field: 'rejectedDataPoints',
    type: MetricsResponse,
    serializer: ProtobufMetricsSerializer,
  },
] as const;

describe.each(cases)('encodeExportResponse($signal)', ({ signal, field, type, serializer }) => {
  const partial = {
    rejected: 3,
    errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1].traceId: is required',
  };

  it('round-trips partial success in protobuf, through our schema and the exporter’s own parser', () => {
    const bytes = encodeExportResponse(signal, 'protobuf', partial);
    const decoded = type.toObject(type.decode(bytes), { longs: Number });
    expect(decoded).toEqual({ partialSuccess: { [field]: 3, errorMessage: partial.errorMessage } });
    const parsed = serializer.deserializeResponse(bytes) as { partialSuccess?: Record<string, unknown> };
    expect(Number(parsed.partialSuccess?.[field])).toBe(3);
    expect(parsed.partialSuccess?.errorMessage).toBe(partial.errorMessage);
  });

  it('round-trips partial success in JSON', () => {
    const text = Buffer.from(encodeExportResponse(signal, 'json', partial)).toString();
    expect(JSON.parse(text)).toEqual({
      partialSuccess: { [field]: '3', errorMessage: partial.errorMessage },
    });
    const viaSchema = type.toObject(type.fromObject(JSON.parse(text)), { longs: Number });
    expect(viaSchema).toEqual({ partialSuccess: { [field]: 3, errorMessage: partial.errorMessage } });
  });

  it('is empty when nothing was rejected', () => {
    expect(encodeExportResponse(signal, 'protobuf')).toHaveLength(0);
    expect(encodeExportResponse(signal, 'protobuf', { rejected: 0, errorMessage: '' })).toHaveLength(0);
    expect(Buffer.from(encodeExportResponse(signal, 'json')).toString()).toBe('{}');
  });
});

it('is what the official JSON exporter parses', () => {
  const bytes = encodeExportResponse('traces', 'json', { rejected: 1, errorMessage: 'bad id' });
  const parsed = JsonTraceSerializer.deserializeResponse(bytes);
  expect(Number(parsed.partialSuccess?.rejectedSpans)).toBe(1);
  expect(parsed.partialSuccess?.errorMessage).toBe('bad id');
});

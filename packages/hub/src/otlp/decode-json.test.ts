import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { TraceRequest } from './schema.js';

const utf8 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

const TRACE = '5B8EFFF798038103D269B633813FC60C';
const SPAN = 'EEE19B7EC3C1B174';

function traces(spans: unknown[], extra: Record<string, unknown> = {}) {
  return utf8({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'py-agent' } }] },
        scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.openai', version: '0.1' }, spans }],
        ...extra,
      },
    ],
  });
}

describe('OTLP/HTTP JSON leniency', () => {
  it('lower-cases upper-case hex ids and reads int64 as strings or numbers', () => {
    const { spans, rejected } = decodeTraces(
      traces([
        {
          traceId: TRACE,
          spanId: SPAN,
          parentSpanId: '',
          name: 'chat',
          kind: 'SPAN_KIND_CLIENT',
          startTimeUnixNano: '1700000000123456789',
          endTimeUnixNano: 1700000001000000000,
          attributes: [
            { key: 'as.string', value: { intValue: '9007199254740993' } },
            { key: 'as.number', value: { intValue: 12 } },
            { key: 'small.string', value: { intValue: '-5' } },
            { key: 'nan', value: { doubleValue: 'NaN' } },
            { key: 'bytes', value: { bytesValue: 'AQID' } },
            { key: 'empty', value: {} },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } } },
          ],
          status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
        },
      ]),
      'json',
    );
    expect(rejected).toBe(0);
    expect(spans[0]).toMatchObject({
      traceId: TRACE.toLowerCase(),
      spanId: SPAN.toLowerCase(),
      parentSpanId: '',
      kind: 3,
      startTimeUnixNano: '1700000000123456789',
      endTimeUnixNano: '1700000001000000000',
      statusCode: 2,
      statusMessage: 'boom',
      resource: { 'service.name': 'py-agent' },
      scope: { name: 'opentelemetry.instrumentation.openai', version: '0.1' },
    });
    expect(spans[0]?.attributes).toEqual({
      'as.string': '9007199254740993',
      'as.number': 12,
      'small.string': -5,
      nan: Number.NaN,
      bytes: 'AQID',
      empty: null,
      kv: { a: true },
    });
  });

  it('ignores unknown fields and accepts proto snake_case names', () => {
    const body = utf8({
      resource_spans: [
        {
          someFutureField: { x: 1 },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE,
                  span_id: SPAN,
                  parent_span_id: 'eee19b7ec3c1b175',
                  start_time_unix_nano: 5,
                  name: 'x',
                  unknown: [1, 2],
                  flags: 257,
                },
              ],
            },
          ],
        },
      ],
    });
    const { spans } = decodeTraces(body, 'json');
    expect(spans[0]).toMatchObject({
      parentSpanId: 'eee19b7ec3c1b175',
      startTimeUnixNano: '5',
      endTimeUnixNano: '0',
    });
  });

  it('treats an empty body, {} and empty lists as zero items', () => {
    for (const text of [
      '',
      '  \n',
      '{}',
      '{"resourceSpans":[]}',
      '{"resourceSpans":[{"scopeSpans":[{}]}]}',
    ]) {
      expect(decodeTraces(utf8(text), 'json')).toEqual({ spans: [], rejected: 0 });
      expect(decodeLogs(utf8(text), 'json')).toEqual({ logs: [], rejected: 0 });
      expect(decodeMetrics(utf8(text), 'json')).toEqual({ points: [], rejected: 0 });
    }
    for (const encoding of ['protobuf', 'json'] as const) {
      expect(decodeTraces(new Uint8Array(0), encoding)).toEqual({ spans: [], rejected: 0 });
    }
  });

  it('rejects spans with bad ids, keeps the others and says where', () => {
    const good = { traceId: TRACE, spanId: SPAN, name: 'ok' };
    const { spans, rejected, rejectReason } = decodeTraces(
      traces([
        good,
        { ...good, traceId: 'abc' },
        { ...good, spanId: '0000000000000000' },
        { ...good, traceId: undefined },
        good,
      ]),
      'json',
    );
    expect(spans).toHaveLength(2);
    expect(rejected).toBe(3);
    expect(rejectReason).toBe(
      'resourceSpans[0].scopeSpans[0].spans[1].traceId: must be 16 bytes (32 hex characters)',
    );
  });

  it('throws OtlpDecodeError with the path for values of the wrong type', () => {
    const bad = traces([
      { traceId: TRACE, spanId: SPAN, name: 'x', attributes: [{ key: 'k', value: { intValue: 1.5 } }] },
    ]);
    expect(() => decodeTraces(bad, 'json')).toThrow(
      new OtlpDecodeError(
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: must be a 64-bit integer (number or decimal string)',
      ),
    );
    expect(() => decodeTraces(utf8('{"resourceSpans": 3}'), 'json')).toThrow(
      'resourceSpans: must be an array',
    );
    expect(() => decodeTraces(utf8('{"resourceSpans": ['), 'json')).toThrow(/^invalid JSON/);
    expect(() => decodeTraces(utf8('[]'), 'json')).toThrow(OtlpDecodeError);
    expect(() => decodeTraces(Buffer.from([0x0a, 0x05, 0x01]), 'protobuf')).toThrow(/^invalid protobuf: /);
  });

  it('decodes logs with severity names, snake_case and no trace context', () => {
    const body = utf8({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  time_unix_nano: '1700000000000000000',
                  severity_number: 'SEVERITY_NUMBER_WARN2',
                  body: { stringValue: 'disk almost full' },
                  traceId: '',
                  spanId: '',
                },
                { severityNumber: 21, traceId: TRACE, spanId: 'short' },
              ],
            },
          ],
        },
      ],
    });
    const { logs, rejected, rejectReason } = decodeLogs(body, 'json');
    expect(logs).toEqual([
      {
        timeUnixNano: '1700000000000000000',
        observedTimeUnixNano: '0',
        severityNumber: 14,
        severityText: '',
        body: 'disk almost full',
        attributes: {},
        traceId: '',
        spanId: '',
        resource: {},
        scope: { name: '', version: '' },
      },
    ]);
    expect(rejected).toBe(1);
    expect(rejectReason).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[1].spanId: must be empty or 8 bytes (16 hex characters)',
    );
  });

  it('decodes metric points with int values as strings and rejects nameless metrics', () => {
    const body = utf8({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'c', sum: { dataPoints: [{ asInt: '7', timeUnixNano: '10' }], isMonotonic: true } },
                { name: 'g', gauge: { data_points: [{ as_double: 0.5 }] } },
                {
                  name: 'h',
                  histogram: {
                    dataPoints: [{ count: '3', sum: 6, bucketCounts: ['1', 2], explicitBounds: [1] }],
                  },
                },
                { name: 's', summary: { dataPoints: [{ count: 2, sum: 3 }] } },
                { name: '', gauge: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] } },
              ],
            },
          ],
        },
      ],
    });
    const { points, rejected, rejectReason } = decodeMetrics(body, 'json');
    expect(points.map((p) => [p.metricName, p.type, p.value, p.count, p.sum, p.bucketCounts])).toEqual([
      ['c', 'sum', 7, undefined, undefined, undefined],
      ['g', 'gauge', 0.5, undefined, undefined, undefined],
      ['h', 'histogram', undefined, 3, 6, [1, 2]],
      ['s', 'summary', undefined, 2, 3, undefined],
    ]);
    expect(points[0]?.timeUnixNano).toBe('10');
    expect(rejected).toBe(2);
    expect(rejectReason).toBe('resourceMetrics[0].scopeMetrics[0].metrics[4].name: must not be empty');
  });

  it('keeps __proto__ as an ordinary attribute key', () => {
    const body = traces([
      { traceId: TRACE, spanId: SPAN, attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] },
    ]);
    const attrs = decodeTraces(body, 'json').spans[0]?.attributes;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(JSON.stringify(attrs)).toBe('{"__proto__":"x"}');
  });

  it('keeps the scope attributes and the span tracestate, in JSON and protobuf alike', () => {
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: {
                name: 'openinference.instrumentation',
                version: '2.0',
                attributes: [{ key: 'scope.owner', value: { stringValue: 'ml-team' } }],
              },
              spans: [{ traceId: TRACE, spanId: SPAN, traceState: 'vendor=abc,other=1', name: 's' }],
            },
          ],
        },
      ],
    };
    const protobuf = TraceRequest.encode(
      TraceRequest.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                scope: request.resourceSpans[0]?.scopeSpans[0]?.scope,
                spans: [
                  {
                    traceId: Buffer.from(TRACE, 'hex'),
                    spanId: Buffer.from(SPAN, 'hex'),
                    traceState: 'vendor=abc,other=1',
                    name: 's',
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    for (const [body, encoding] of [
      [utf8(request), 'json'],
      [protobuf, 'protobuf'],
    ] as const) {
      const span = decodeTraces(body, encoding).spans[0];
      expect(span?.scope).toEqual({
        name: 'openinference.instrumentation',
        version: '2.0',
        attributes: { 'scope.owner': 'ml-team' },
      });
      expect(span?.traceState).toBe('vendor=abc,other=1');
    }
  });

  it('refuses times past 2262-04-11, which no store can keep, as invalid items', () => {
    const late = '9223372036854775808';
    const result = decodeTraces(
      traces([
        { traceId: TRACE, spanId: SPAN, name: 'late', startTimeUnixNano: '1', endTimeUnixNano: late },
        {
          traceId: TRACE,
          spanId: 'eee19b7ec3c1b175',
          name: 'fine',
          startTimeUnixNano: '1',
          endTimeUnixNano: '2',
        },
      ]),
      'json',
    );
    expect(result.spans.map((s) => s.name)).toEqual(['fine']);
    expect(result.rejected).toBe(1);
    expect(result.rejectReason).toContain('endTimeUnixNano: must be at most 9223372036854775807');
    const logs = decodeLogs(
      utf8({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: late }] }] }] }),
      'json',
    );
    expect(logs.logs).toEqual([]);
    expect(logs.rejected).toBe(1);
  });
});

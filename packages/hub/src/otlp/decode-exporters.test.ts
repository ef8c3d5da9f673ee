import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import {
  type CapturedRequest,
  captureExporterRequests,
  LINKED,
  LOG_CONTEXT,
  RESOURCE,
  SCOPE,
  SPAN_ATTRIBUTES,
  spanBatch,
  T_EVENT_NANOS,
  T0_NANOS,
  T1_NANOS,
} from './exporter-capture.test-helpers.js';

let captured: CapturedRequest[] = [];
beforeAll(async () => {
  captured = await captureExporterRequests();
});

function body(signal: CapturedRequest['signal'], encoding: CapturedRequest['encoding']): Buffer {
  const found = captured.find((c) => c.signal === signal && c.encoding === encoding);
  if (found === undefined) throw new Error(`the ${encoding} ${signal} exporter sent nothing`);
  return found.body;
}

const NANOS = /^[1-9]\d{18}$/;

describe.each(['protobuf', 'json'] as const)('bytes from the official %s exporters', (encoding) => {
  it('sent the content type the decoder is chosen by', () => {
    const types = captured.filter((c) => c.encoding === encoding).map((c) => c.contentType);
    expect(new Set(types)).toEqual(
      new Set([encoding === 'json' ? 'application/json' : 'application/x-protobuf']),
    );
  });

  it('decodes spans with every field', () => {
    const { spans, rejected, rejectReason } = decodeTraces(body('traces', encoding), encoding);
    expect(rejected).toBe(0);
    expect(rejectReason).toBeUndefined();
    expect(spans).toHaveLength(2);
    const child = spans.find((s) => s.name === 'chat gpt-4o');
    const root = spans.find((s) => s.name === 'invoke_agent planner');
    if (child === undefined || root === undefined) throw new Error('spans missing');
    expect(child.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.traceId).toBe(root.traceId);
    expect(child.parentSpanId).toBe(root.spanId);
    expect(root.parentSpanId).toBe('');
    expect(child).toMatchObject({
      kind: 3,
      traceState: '',
      startTimeUnixNano: T0_NANOS,
      endTimeUnixNano: T1_NANOS,
      statusCode: 2,
      statusMessage: 'rate limited',
      resource: RESOURCE,
      scope: SCOPE,
    });
    expect(child.attributes).toEqual(SPAN_ATTRIBUTES);
    expect(child.events).toEqual([
      {
        timeUnixNano: T_EVENT_NANOS,
        name: 'gen_ai.content.prompt',
        attributes: { 'event.index': 3, 'event.text': 'hi' },
      },
    ]);
    expect(child.links).toEqual([
      {
        traceId: LINKED.traceId,
        spanId: LINKED.spanId,
        traceState: '',
        attributes: { 'link.reason': 'retry' },
      },
    ]);
    expect(root).toMatchObject({
      kind: 2,
      statusCode: 0,
      statusMessage: '',
      attributes: {},
      events: [],
      links: [],
    });
    expect(root.resource['service.name']).toBe('otlp-decode-test');
  });

  it('decodes log records with body, severity and trace context', () => {
    const { logs, rejected } = decodeLogs(body('logs', encoding), encoding);
    expect(rejected).toBe(0);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toEqual({
      timeUnixNano: T0_NANOS,
      observedTimeUnixNano: T1_NANOS,
      severityNumber: 17,
      severityText: 'ERROR',
      body: {
        message: 'tool call failed',
        nested: { depth: 2, list: [1, 'two', true] },
        bytes: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'),
      },
      attributes: { 'log.attr': 'x', 'log.count': 2, 'log.ratio': 0.25 },
      traceId: LOG_CONTEXT.traceId,
      spanId: LOG_CONTEXT.spanId,
      resource: RESOURCE,
      scope: SCOPE,
    });
    expect(logs[1]).toMatchObject({
      body: 'plain text',
      severityNumber: 9,
      severityText: 'INFO',
      traceId: '',
      spanId: '',
    });
    expect(logs[1]?.observedTimeUnixNano).toMatch(NANOS);
  });

  it('decodes a counter, a gauge and a histogram', () => {
    const { points, rejected } = decodeMetrics(body('metrics', encoding), encoding);
    expect(rejected).toBe(0);
    expect(points).toHaveLength(3);
    const byName = new Map(points.map((p) => [p.metricName, p]));
    const common = { resource: RESOURCE, scope: SCOPE };
    expect(byName.get('agent_requests')).toMatchObject({
      ...common,
      type: 'sum',
      description: 'Agent requests',
      unit: '{request}',
      value: 5,
      attributes: { agent: 'planner' },
    });
    expect(byName.get('queue_depth')).toMatchObject({
      ...common,
      type: 'gauge',
      description: 'Queue depth',
      unit: '{item}',
      value: 17.5,
      attributes: { queue: 'export' },
    });
    expect(byName.get('tool_duration')).toMatchObject({
      ...common,
      type: 'histogram',
      unit: 's',
      count: 5,
      sum: 56.25,
      bucketCounts: [1, 2, 1, 1],
      explicitBounds: [0.1, 1, 10],
      attributes: { tool: 'search' },
    });
    for (const p of points) {
      expect(p.timeUnixNano).toMatch(NANOS);
      expect(p.startTimeUnixNano).toMatch(NANOS);
    }
  });

  it('keeps the rest of a batch when one span has an all-zero span id', () => {
    const batch = spanBatch(5, 2)[encoding];
    const { spans, rejected, rejectReason } = decodeTraces(batch, encoding);
    expect(rejected).toBe(1);
    expect(spans).toHaveLength(4);
    expect(rejectReason).toBe('resourceSpans[0].scopeSpans[0].spans[2].spanId: must not be all zeros');
  });

  it('decodes the same 512-span batch the same way in both encodings', () => {
    const batch = spanBatch(512);
    const fromProtobuf = decodeTraces(batch.protobuf, 'protobuf');
    expect(fromProtobuf.spans).toHaveLength(512);
    expect(decodeTraces(batch.json, 'json')).toEqual(fromProtobuf);
  });
});

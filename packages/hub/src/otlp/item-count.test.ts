import { beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRequest, captureExporterRequests, spanBatch } from './exporter-capture.test-helpers.js';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from './index.js';
import { countItemsJson, countItemsProtobuf, OtlpTooManyItemsError } from './item-count.js';

const decoders = { traces: decodeTraces, logs: decodeLogs, metrics: decodeMetrics } as const;

/** Items as the decoder finds them: spans, log records, or data points. */
function decodedItems(request: CapturedRequest): number {
  const result = decoders[request.signal](request.body, request.encoding);
  const items = 'spans' in result ? result.spans : 'logs' in result ? result.logs : result.points;
  return items.length + result.rejected;
}

function count(request: CapturedRequest): number {
  return request.encoding === 'protobuf'
    ? countItemsProtobuf(request.signal, request.body)
    : countItemsJson(request.signal, JSON.parse(request.body.toString('utf8')));
}

describe('counting the items of a request before decoding it', () => {
  let captured: CapturedRequest[];
  beforeAll(async () => {
    captured = await captureExporterRequests();
  });

  it('finds as many items as the decoder, for every signal and encoding the official exporters send', () => {
    expect(new Set(captured.map((r) => `${r.signal}/${r.encoding}`)).size).toBe(6);
    for (const request of captured) {
      const items = decodedItems(request);
      expect(items, `${request.signal} ${request.encoding}`).toBeGreaterThan(0);
      expect(count(request), `${request.signal} ${request.encoding}`).toBe(items);
    }
  });

  it('counts large batches exactly, in both encodings', () => {
    const { protobuf, json } = spanBatch(1500);
    expect(countItemsProtobuf('traces', protobuf)).toBe(1500);
    expect(countItemsJson('traces', JSON.parse(Buffer.from(json).toString()))).toBe(1500);
  });

  it('refuses a request over the limit before decoding it, and takes one at the limit', () => {
    const { protobuf, json } = spanBatch(10);
    for (const [body, encoding] of [
      [protobuf, 'protobuf'],
      [json, 'json'],
    ] as const) {
      expect(decodeTraces(body, encoding, 10).spans).toHaveLength(10);
      const refused = (() => {
        try {
          decodeTraces(body, encoding, 9);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(OtlpTooManyItemsError);
      expect((refused as Error).message).toBe(
        'the request carries 10 spans, more than the 9 the hub takes in one request; send smaller batches',
      );
    }
  });

  it('leaves a truncated body to the decoder, which says what is wrong with it', () => {
    const { protobuf } = spanBatch(10);
    const truncated = protobuf.subarray(0, Math.floor(protobuf.byteLength / 2));
    expect(countItemsProtobuf('traces', truncated)).toBeLessThan(10);
    expect(() => decodeTraces(truncated, 'protobuf', 100)).toThrow(OtlpDecodeError);
    expect(countItemsProtobuf('traces', new Uint8Array([0xff, 0xff, 0xff]))).toBe(0);
  });
});

import protobuf from 'protobufjs/light.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import type { OtlpEncoding, OtlpSignal } from './decode-result.js';
import { type CapturedRequest, captureExporterRequests, spanBatch } from './exporter-capture.test-helpers.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { otlpType } from './schema.js';

/** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DECODERS = { traces: decodeTraces, logs: decodeLogs, metrics: decodeMetrics } as const;
const HEX_OR_EMPTY = /^([0-9a-f]{16}|[0-9a-f]{32})?$/;
const DIGITS = /^\d+$/;

/** Decodes and checks the invariants; returns whether it threw (only OtlpDecodeError is allowed). */
function decodeChecked(signal: OtlpSignal, body: Uint8Array, encoding: OtlpEncoding): boolean {
  let result: ReturnType<(typeof DECODERS)[OtlpSignal]>;
  try {
    result = DECODERS[signal](body, encoding);
  } catch (err) {
    if (!(err instanceof OtlpDecodeError)) throw err;
    return true;
  }
  expect(Number.isInteger(result.rejected)).toBe(true);
  expect(result.rejected > 0).toBe(result.rejectReason !== undefined);
  const items = 'spans' in result ? result.spans : 'logs' in result ? result.logs : result.points;
  for (const item of items) {
    if ('traceId' in item) {
      if (!HEX_OR_EMPTY.test(item.traceId) || !HEX_OR_EMPTY.test(item.spanId)) {
        throw new Error(`bad id in ${JSON.stringify(item)}`);
      }
    }
    for (const [key, value] of Object.entries(item)) {
      if (key.endsWith('UnixNano') && !DIGITS.test(String(value))) throw new Error(`bad ${key}: ${value}`);
    }
  }
  return false;
}

function mutateBytes(src: Uint8Array, rand: () => number): Uint8Array {
  const out = Buffer.from(src);
  const op = Math.floor(rand() * 6);
  const at = Math.floor(rand() * Math.max(1, out.length));
  switch (op) {
    case 0: // flip a few bits
      for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
        const p = Math.floor(rand() * out.length);
        out[p] = (out[p] ?? 0) ^ (1 << Math.floor(rand() * 8));
      }
      return out;
    case 1: // overwrite a byte with an edge value
      out[at] = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x22, 0x7b][Math.floor(rand() * 7)] ?? 0;
      return out;
    case 2: // truncate
      return out.subarray(0, at);
    case 3: // insert random bytes
      return Buffer.concat([
        out.subarray(0, at),
        randomBytes(1 + Math.floor(rand() * 8), rand),
        out.subarray(at),
      ]);
    case 4: // duplicate a slice
      return Buffer.concat([
        out.subarray(0, at),
        out.subarray(Math.floor(rand() * out.length)),
        out.subarray(at),
      ]);
    default: // delete a slice
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + Math.floor(rand() * 16))]);
  }
}

function randomBytes(n: number, rand: () => number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 64,
  '',
  'x',
  '-1',
  '18446744073709551616',
  'NaN',
  true,
  [],
  {},
  [{}],
  { stringValue: 3 },
  { intValue: 'abc' },
  { arrayValue: { values: 'no' } },
  { kvlistValue: { values: [{ key: 1 }] } },
  'SPAN_KIND_NOPE',
  'ABCDEF0123456789ABCDEF0123456789',
];

/** Replaces one random node of a parsed JSON tree with an odd value. */
function mutateTree(tree: unknown, rand: () => number): unknown {
  const copy = structuredClone(tree);
  const nodes: [Record<string, unknown> | unknown[], string | number][] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        nodes.push([v, i]);
        visit(c);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, c] of Object.entries(v)) {
        nodes.push([v as Record<string, unknown>, k]);
        visit(c);
      }
    }
  };
  visit(copy);
  const picked = nodes[Math.floor(rand() * nodes.length)];
  if (picked !== undefined) {
    const [parent, key] = picked;
    (parent as Record<string | number, unknown>)[key] = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)];
  }
  return copy;
}

let corpus: CapturedRequest[] = [];
beforeAll(async () => {
  corpus = await captureExporterRequests();
  const batch = spanBatch(20, 7);
  corpus.push({ signal: 'traces', encoding: 'protobuf', contentType: '', body: Buffer.from(batch.protobuf) });
  corpus.push({ signal: 'traces', encoding: 'json', contentType: '', body: Buffer.from(batch.json) });
});

const ROUNDS = 1500;

describe.each(['protobuf', 'json'] as const)('fuzzing the %s decoders', (encoding) => {
  it.each(['traces', 'logs', 'metrics'] as const)(
    '%s: mutated exporter bodies only decode or throw OtlpDecodeError',
    (signal) => {
      const rand = prng(0x5eed + signal.length * 31 + (encoding === 'json' ? 7 : 0));
      const seeds = corpus.filter((c) => c.encoding === encoding && c.signal === signal);
      expect(seeds.length).toBeGreaterThan(0);
      let threw = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const seed = seeds[i % seeds.length] as CapturedRequest;
        let body: Uint8Array = mutateBytes(seed.body, rand);
        if (rand() < 0.3) body = mutateBytes(body, rand);
        if (decodeChecked(signal, body, encoding)) threw++;
      }
      // Both outcomes must actually be exercised.
      expect(threw).toBeGreaterThan(0);
      expect(threw).toBeLessThan(ROUNDS);
    },
  );

  it.each(['traces', 'logs', 'metrics'] as const)(
    '%s: random bytes only decode or throw OtlpDecodeError',
    (signal) => {
      const rand = prng(42 + signal.length);
      for (let i = 0; i < ROUNDS; i++) {
        decodeChecked(signal, randomBytes(Math.floor(rand() * 200), rand), encoding);
      }
    },
  );
});

describe('fuzzing JSON structure', () => {
  it.each(['traces', 'logs', 'metrics'] as const)(
    '%s: values of the wrong type anywhere only decode or throw OtlpDecodeError',
    (signal) => {
      const rand = prng(7 + signal.length);
      const trees = corpus
        .filter((c) => c.encoding === 'json' && c.signal === signal)
        .map((c) => JSON.parse(c.body.toString()) as unknown);
      for (let i = 0; i < ROUNDS; i++) {
        let tree = trees[i % trees.length];
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) tree = mutateTree(tree, rand);
        decodeChecked(signal, Buffer.from(JSON.stringify(tree)), 'json');
      }
    },
  );
});

describe('absurd nesting', () => {
  it('refuses AnyValue nested thousands deep in both encodings with OtlpDecodeError', () => {
    // Built as text: JSON.stringify itself would overflow the stack on this value.
    const depth = 20_000;
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"leaf"}${']}}'.repeat(depth)}}]}]}]}`;
    expect(() => decodeLogs(Buffer.from(body), 'json')).toThrow(/nested too deep/);

    // 30 levels is within protobufjs' own message depth limit, so our AnyValue limit answers...
    const LogsRequest = otlpType('ExportLogsServiceRequest');
    const nested = (levels: number) => {
      let pb: unknown = { stringValue: 'leaf' };
      for (let i = 0; i < levels; i++) pb = { arrayValue: { values: [pb] } };
      return LogsRequest.encode(
        LogsRequest.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: pb }] }] }] }),
      ).finish();
    };
    expect(decodeLogs(nested(30), 'protobuf').logs).toHaveLength(1);
    // ...and far deeper bodies (built by wrapping bytes with protobufjs' Writer) hit its limit first.
    let any = otlpType('AnyValue').encode({ stringValue: 'leaf' }).finish();
    for (let i = 0; i < 5000; i++) {
      const array = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(any)
        .finish();
      any = protobuf.Writer.create()
        .uint32((5 << 3) | 2)
        .bytes(array)
        .finish();
    }
    const record = protobuf.Writer.create()
      .uint32((5 << 3) | 2)
      .bytes(any)
      .finish();
    const scopeLogs = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(record)
      .finish();
    const resourceLogs = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(scopeLogs)
      .finish();
    const request = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resourceLogs)
      .finish();
    expect(() => decodeLogs(request, 'protobuf')).toThrow(OtlpDecodeError);
  });
});

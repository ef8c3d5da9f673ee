/**
 * Malformed and mutated OTLP/HTTP requests for the hub's fuzz test, generated from valid seed
 * bodies (what the official exporters send) by a seeded PRNG, so that request `n` of seed `s` is
 * the same on every run and every machine.
 *
 * Each request says what the hub must answer: `any` (a mutation may well still be a valid export,
 * so anything below 500 is right) or the exact status of a deliberately broken request (400 for
 * bodies that cannot be decoded, 413 past the body limit, 415 for foreign media types or
 * encodings, 405 for other methods).
 */
import { gzipSync } from 'node:zlib';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';

/** A valid request body to mutate. */
export interface FuzzSeed {
  readonly signal: OtlpSignal;
  readonly encoding: OtlpEncoding;
  readonly body: Buffer;
}

/** What the hub must answer: any status below 500, or exactly this one. */
export type FuzzExpectation = 'any' | 400 | 405 | 413 | 415;

/** One generated request. */
export interface FuzzRequest {
  /** Position in the sequence: with the seed, enough to regenerate it. */
  readonly index: number;
  /** Which generator made it, e.g. `protobuf.length` or `json.deep-anyvalue`. */
  readonly kind: string;
  readonly method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Send the body in two writes (chunked transfer encoding) instead of with a content length. */
  readonly chunked: boolean;
  readonly expect: FuzzExpectation;
}

export interface FuzzBodyOptions {
  readonly seeds: readonly FuzzSeed[];
  /** The hub's body limit, so that oversize bodies can be made just past it. */
  readonly bodyLimitBytes: number;
  /** A seeded PRNG (`seededRandom` from `@agentlens/core`): the seed names the whole sequence. */
  readonly random: () => number;
}

/** A body and its expectation; the generator that made it adds the rest. */
interface Made {
  /** The seed it came from: its signal and encoding decide path and content type. */
  readonly seed: FuzzSeed;
  readonly body: Buffer;
  readonly expect: FuzzExpectation;
  readonly gzip?: boolean;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly method?: FuzzRequest['method'];
}

/** A weight, a kind name and the function that makes such requests. */
type RequestMaker = [number, string, () => Made];

/** Wire positions in a valid protobuf body, found once per seed. */
interface WireMap {
  /** [start, end) of every varint: tags, lengths and values. */
  readonly varints: [number, number][];
  /** Length-delimited fields: the length varint [start, end) and the payload end. */
  readonly lengths: { start: number; end: number; payloadEnd: number }[];
}

const PATHS: Readonly<Record<OtlpSignal, string>> = {
  traces: '/v1/traces',
  logs: '/v1/logs',
  metrics: '/v1/metrics',
};
const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** Replaced, quotes included, by raw text after JSON.stringify: numbers JSON.stringify cannot write. */
const RAW_MARK = '__fuzz_raw__';
const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '1E999',
  '123456789012345678901234567890',
  '-0',
  '1.0e-400',
  '18446744073709551616',
  '9223372036854775808',
  '-9223372036854775809',
  '0.000000000000000000000000001',
];

const ODD_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 53 + 1,
  2 ** 64,
  Number.MAX_VALUE,
  '',
  'x',
  '-1',
  '18446744073709551615',
  '18446744073709551616',
  '9223372036854775807',
  '-9223372036854775808',
  'NaN',
  'Infinity',
  true,
  false,
  [],
  {},
  [{}],
  [null],
  { stringValue: 3 },
  { intValue: 'abc' },
  { intValue: '99999999999999999999' },
  { doubleValue: 'not a number' },
  { boolValue: 'true' },
  { arrayValue: { values: 'no' } },
  { arrayValue: [] },
  { kvlistValue: { values: [{ key: 1 }] } },
  { kvlistValue: { values: [{ value: {} }] } },
  { bytesValue: 7 },
  'SPAN_KIND_NOPE',
  'SEVERITY_NUMBER_LOUD',
  'ABCDEF0123456789ABCDEF0123456789',
  '\u0000',
  '\ud800',
  '\u{1F680}'.repeat(50),
  'a'.repeat(5000),
  RAW_MARK,
];

const BAD_IDS: readonly unknown[] = [
  'zz'.repeat(16),
  'zz'.repeat(8),
  '0'.repeat(32),
  '0'.repeat(16),
  'a'.repeat(31),
  'a'.repeat(33),
  'a'.repeat(15),
  'a'.repeat(17),
  'AbCdEf0123456789AbCdEf0123456789',
  'AbCdEf0123456789',
  'CvdlGRbNQ92ESOshHIAxnA==',
  't61rcWkgMzE=',
  '+++++++++++++++++++++w==',
  ' 0af7651916cd43dd8448eb211c80319c',
  '0x0af7651916cd43dd8448eb211c8031',
  '',
  42,
  null,
  [],
  {},
  true,
];

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id', 'parent_span_id']);

function readVarint(buf: Buffer, at: number, end: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let p = at; p < end && p < at + 10; p++) {
    const byte = buf[p] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, p + 1];
  }
  return undefined;
}

function writeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0);
  return Buffer.from(bytes);
}

/** Records the wire positions of a message; false when `[start, end)` is not one. */
function scanMessage(buf: Buffer, start: number, end: number, depth: number, map: WireMap): boolean {
  let p = start;
  while (p < end) {
    const tag = readVarint(buf, p, end);
    if (tag === undefined || tag[0] >>> 3 === 0) return false;
    map.varints.push([p, tag[1]]);
    p = tag[1];
    switch (tag[0] & 7) {
      case 0: {
        const value = readVarint(buf, p, end);
        if (value === undefined) return false;
        map.varints.push([p, value[1]]);
        p = value[1];
        break;
      }
      case 1:
        p += 8;
        break;
      case 5:
        p += 4;
        break;
      case 2: {
        const length = readVarint(buf, p, end);
        if (length === undefined || length[1] + length[0] > end) return false;
        const payloadEnd = length[1] + length[0];
        map.lengths.push({ start: p, end: length[1], payloadEnd });
        map.varints.push([p, length[1]]);
        // A payload that parses as a message is probably one; strings that happen to parse are
        // harmless extra targets.
        if (depth < 32) {
          const inner: WireMap = { varints: [], lengths: [] };
          if (scanMessage(buf, length[1], payloadEnd, depth + 1, inner)) {
            map.varints.push(...inner.varints);
            map.lengths.push(...inner.lengths);
          }
        }
        p = payloadEnd;
        break;
      }
      default:
        return false;
    }
  }
  return p === end;
}

function wireMap(body: Buffer): WireMap {
  const map: WireMap = { varints: [], lengths: [] };
  scanMessage(body, 0, body.length, 0, map);
  return map;
}

/**
 * An AnyValue nested `levels` array levels deep around a string, in protobuf. Length prefixes come
 * first, so the lengths are worked out inside out and the bytes written outside in, in linear time.
 */
function nestedAnyValueProtobuf(levels: number): Buffer {
  const leaf = Buffer.from([0x0a, 0x04, ...Buffer.from('leaf')]); // AnyValue.string_value = 1
  const anyLengths = [leaf.length];
  const arrayLengths = [0];
  for (let i = 1; i <= levels; i++) {
    const inner = anyLengths[i - 1] as number;
    const array = 1 + writeVarint(inner).length + inner; // ArrayValue.values = 1
    arrayLengths.push(array);
    anyLengths.push(1 + writeVarint(array).length + array); // AnyValue.array_value = 5
  }
  const parts: Buffer[] = [];
  for (let i = levels; i >= 1; i--) {
    parts.push(Buffer.from([0x2a]), writeVarint(arrayLengths[i] as number));
    parts.push(Buffer.from([0x0a]), writeVarint(anyLengths[i - 1] as number));
  }
  parts.push(leaf);
  return Buffer.concat(parts);
}

/** Wraps bytes as field `field` (length-delimited) of a message. */
function field(fieldNumber: number, payload: Buffer): Buffer {
  return Buffer.concat([writeVarint((fieldNumber << 3) | 2), writeVarint(payload.length), payload]);
}

const TRACE_ID = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const SPAN_ID = Buffer.from('b7ad6b7169203331', 'hex');

/** A one-item export of `signal` whose only attribute (or log body) is `any`, in protobuf. */
function protobufWithValue(signal: OtlpSignal, any: Buffer): Buffer {
  const keyValue = Buffer.concat([field(1, Buffer.from('deep')), field(2, any)]);
  if (signal === 'traces') {
    const span = Buffer.concat([
      field(1, TRACE_ID),
      field(2, SPAN_ID),
      field(5, Buffer.from('s')),
      field(9, keyValue),
    ]);
    return field(1, field(2, field(2, span)));
  }
  if (signal === 'logs') return field(1, field(2, field(2, field(5, any))));
  // A gauge point: NumberDataPoint.attributes = 7, Gauge.data_points = 1, Metric.gauge = 5.
  const metric = Buffer.concat([field(1, Buffer.from('m')), field(5, field(1, field(7, keyValue)))]);
  return field(1, field(2, field(2, metric)));
}

function nestedAnyValueJson(levels: number): string {
  return `${'{"arrayValue":{"values":['.repeat(levels)}{"stringValue":"leaf"}${']}}'.repeat(levels)}`;
}

function jsonWithValue(signal: OtlpSignal, value: string): string {
  const kv = `{"key":"deep","value":${value}}`;
  if (signal === 'traces') {
    return `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"s","attributes":[${kv}]}]}]}]}`;
  }
  if (signal === 'logs') return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`;
  return `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1","attributes":[${kv}]}]}}]}]}]}`;
}

const ITEM_KEYS: Readonly<Record<OtlpSignal, [string, string, string]>> = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

/**
 * The request sequence of one fuzz run. `next()` is synchronous and deterministic: call it from
 * one place (concurrent senders share the generator; JavaScript hands it out in order).
 */
export class FuzzBodies {
  readonly #random: () => number;
  readonly #seeds: readonly FuzzSeed[];
  readonly #protobufSeeds: readonly FuzzSeed[];
  readonly #jsonSeeds: readonly FuzzSeed[];
  readonly #wire = new Map<FuzzSeed, WireMap>();
  readonly #trees = new Map<FuzzSeed, unknown>();
  readonly #bodyLimit: number;
  readonly #generators: RequestMaker[];
  readonly #totalWeight: number;
  #index = 0;
  #bombBody: Buffer | undefined;

  constructor(options: FuzzBodyOptions) {
    this.#random = options.random;
    this.#seeds = options.seeds;
    this.#protobufSeeds = options.seeds.filter((s) => s.encoding === 'protobuf');
    this.#jsonSeeds = options.seeds.filter((s) => s.encoding === 'json');
    if (this.#protobufSeeds.length === 0 || this.#jsonSeeds.length === 0) {
      throw new RangeError('fuzzing needs protobuf and JSON seeds');
    }
    for (const seed of this.#protobufSeeds) this.#wire.set(seed, wireMap(seed.body));
    for (const seed of this.#jsonSeeds) this.#trees.set(seed, JSON.parse(seed.body.toString('utf8')));
    this.#bodyLimit = options.bodyLimitBytes;
    this.#generators = this.#table();
    this.#totalWeight = this.#generators.reduce((sum, [w]) => sum + w, 0);
  }

  /** The next request of the sequence. */
  next(): FuzzRequest {
    const index = this.#index++;
    let pick = this.#random() * this.#totalWeight;
    let chosen = this.#generators[0] as RequestMaker;
    for (const entry of this.#generators) {
      pick -= entry[0];
      if (pick < 0) {
        chosen = entry;
        break;
      }
    }
    const [, kind, make] = chosen;
    const made = make();
    const { signal, encoding } = made.seed;
    // Some mutations go to another signal's path, whose decoder then reads them; a request built
    // for a status goes where it gets that status.
    const elsewhere = made.expect === 'any' && this.#random() < 0.1;
    const path = PATHS[elsewhere ? this.#pick(['traces', 'logs', 'metrics'] as const) : signal];
    const headers: Record<string, string> = {
      'content-type': made.contentType ?? this.#contentType(encoding),
    };
    if (made.contentType === '') delete headers['content-type'];
    let body = made.body;
    if (made.gzip) {
      headers['content-encoding'] = this.#pick(['gzip', 'gzip', 'x-gzip', 'GZIP']);
    } else if (made.contentEncoding !== undefined) {
      headers['content-encoding'] = made.contentEncoding;
    } else if (this.#random() < 0.02) {
      headers['content-encoding'] = 'identity';
    }
    if (made.method === 'GET') body = Buffer.alloc(0);
    return {
      index,
      kind,
      method: made.method ?? 'POST',
      path,
      headers,
      body,
      chunked: body.length > 1 && this.#random() < 0.05,
      expect: made.expect,
    };
  }

  #contentType(encoding: OtlpEncoding): string {
    const base = CONTENT_TYPES[encoding];
    const roll = this.#random();
    if (roll < 0.03) return `${base}; charset=utf-8`;
    if (roll < 0.05) return base.toUpperCase();
    if (roll < 0.06 && encoding === 'protobuf') return 'application/protobuf';
    return base;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length)] as T;
  }

  #int(below: number): number {
    return Math.floor(this.#random() * below);
  }

  /** An integer below `below`, mostly small: deep and large inputs are costly and rarely add much. */
  #skewed(below: number): number {
    return Math.floor(this.#random() ** 4 * below);
  }

  #bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.#int(256);
    return out;
  }

  /** The generators and their weights. */
  #table(): RequestMaker[] {
    const pb = () => this.#pick(this.#protobufSeeds);
    const js = () => this.#pick(this.#jsonSeeds);
    /** A mutation of a seed of `seeds`: 2xx when it still decodes, 400 when not. */
    const mutate =
      (seeds: () => FuzzSeed, fn: (seed: FuzzSeed) => Buffer, gzip = false) =>
      (): Made => {
        const seed = seeds();
        return { seed, body: fn(seed), expect: 'any', gzip };
      };
    const refuse =
      (seeds: () => FuzzSeed, fn: (seed: FuzzSeed) => Buffer, expect: FuzzExpectation, gzip = false) =>
      (): Made => {
        const seed = seeds();
        return { seed, body: fn(seed), expect, gzip };
      };
    const all = () => this.#pick(this.#seeds);
    return [
      // protobuf, byte level
      [8, 'protobuf.bitflip', mutate(pb, (s) => this.#bitflip(s.body))],
      [4, 'protobuf.edge-byte', mutate(pb, (s) => this.#edgeByte(s.body))],
      [5, 'protobuf.truncate', mutate(pb, (s) => this.#truncate(s.body))],
      [4, 'protobuf.insert', mutate(pb, (s) => this.#insert(s.body))],
      [4, 'protobuf.duplicate', mutate(pb, (s) => this.#duplicate(s.body))],
      [4, 'protobuf.delete', mutate(pb, (s) => this.#delete(s.body))],
      [4, 'protobuf.splice', mutate(pb, (s) => this.#splice(s.body, all().body))],
      [4, 'protobuf.stacked', mutate(pb, (s) => this.#stacked(s.body))],
      // protobuf, wire level
      [8, 'protobuf.varint', mutate(pb, (s) => this.#varint(s))],
      [8, 'protobuf.length', mutate(pb, (s) => this.#length(s))],
      [3, 'protobuf.invalid-utf8', mutate(pb, (s) => this.#protobufUtf8(s))],
      [3, 'protobuf.random', mutate(pb, () => this.#bytes(this.#int(600)))],
      [5, 'protobuf.undecodable', refuse(pb, () => this.#undecodableProtobuf(), 400)],
      [2, 'protobuf.deep-anyvalue', () => this.#deepProtobuf()],
      [1, 'protobuf.deep-groups', () => this.#deepGroups()],
      // JSON, byte level
      [4, 'json.bitflip', mutate(js, (s) => this.#bitflip(s.body))],
      [3, 'json.insert', mutate(js, (s) => this.#insert(s.body))],
      [3, 'json.delete', mutate(js, (s) => this.#delete(s.body))],
      [3, 'json.duplicate', mutate(js, (s) => this.#duplicate(s.body))],
      [4, 'json.truncated', refuse(js, (s) => this.#strictPrefix(s.body), 400)],
      [2, 'json.random', mutate(js, () => this.#bytes(this.#int(300)))],
      // JSON, structure
      [10, 'json.wrong-type', mutate(js, (s) => this.#treeMutation(s, ODD_VALUES, 3))],
      [6, 'json.bad-id', mutate(js, (s) => this.#badIds(s))],
      [3, 'json.huge-number', mutate(js, (s) => this.#hugeNumbers(s))],
      [3, 'json.invalid-utf8', mutate(js, (s) => this.#jsonUtf8(s.body))],
      [3, 'json.undecodable', refuse(js, (s) => this.#undecodableJson(s.body), 400)],
      [2, 'json.deep-anyvalue', () => this.#deepJson()],
      [2, 'json.deep-array', () => this.#deepArray()],
      // gzip
      [4, 'gzip.mutated', mutate(all, (s) => this.#gzipMutated(s), true)],
      [2, 'gzip.undecodable', refuse(pb, () => gzipSync(this.#undecodableProtobuf()), 400, true)],
      [2, 'gzip.garbage', refuse(all, () => this.#notGzip(), 400, true)],
      [2, 'gzip.truncated', refuse(all, (s) => this.#gzipTruncated(s), 400, true)],
      [1, 'gzip.bitflip', mutate(all, (s) => this.#bitflip(gzipSync(s.body)), true)],
      [0.1, 'gzip.bomb', refuse(pb, () => this.#bomb(), 413, true)],
      // the request around the body
      [1, 'http.content-type', () => this.#wrongContentType()],
      [0.5, 'http.content-encoding', () => this.#wrongContentEncoding()],
      [
        0.5,
        'http.method',
        () => ({
          seed: pb(),
          body: Buffer.alloc(0),
          expect: 405,
          method: this.#pick(['GET', 'PUT', 'DELETE'] as const),
        }),
      ],
      [0.05, 'http.oversize', refuse(pb, () => this.#bytes(this.#bodyLimit + 1 + this.#int(1000)), 413)],
    ];
  }

  #bitflip(src: Buffer): Buffer {
    const out = Buffer.from(src);
    if (out.length === 0) return out;
    for (let i = 0, n = 1 + this.#int(4); i < n; i++) {
      const p = this.#int(out.length);
      out[p] = (out[p] as number) ^ (1 << this.#int(8));
    }
    return out;
  }

  #edgeByte(src: Buffer): Buffer {
    const out = Buffer.from(src);
    if (out.length > 0)
      out[this.#int(out.length)] = this.#pick([0x00, 0xff, 0x7f, 0x80, 0x0a, 0x12, 0x22, 0x7b, 0x08, 0x09]);
    return out;
  }

  #truncate(src: Buffer): Buffer {
    return src.subarray(0, this.#int(src.length + 1));
  }

  #insert(src: Buffer): Buffer {
    const at = this.#int(src.length + 1);
    return Buffer.concat([src.subarray(0, at), this.#bytes(1 + this.#int(8)), src.subarray(at)]);
  }

  #duplicate(src: Buffer): Buffer {
    const from = this.#int(src.length + 1);
    const to = from + this.#int(src.length - from + 1);
    const at = this.#int(src.length + 1);
    return Buffer.concat([src.subarray(0, at), src.subarray(from, to), src.subarray(at)]);
  }

  #delete(src: Buffer): Buffer {
    const at = this.#int(src.length + 1);
    return Buffer.concat([src.subarray(0, at), src.subarray(at + 1 + this.#int(32))]);
  }

  #splice(a: Buffer, b: Buffer): Buffer {
    return Buffer.concat([a.subarray(0, this.#int(a.length + 1)), b.subarray(this.#int(b.length + 1))]);
  }

  #stacked(src: Buffer): Buffer {
    let out = src;
    const ops = [
      (b: Buffer) => this.#bitflip(b),
      (b: Buffer) => this.#insert(b),
      (b: Buffer) => this.#delete(b),
      (b: Buffer) => this.#duplicate(b),
    ];
    for (let i = 0, n = 2 + this.#int(4); i < n; i++) out = this.#pick(ops)(out);
    return out;
  }

  /** Rewrites one varint (tag, length or value): unterminated, overlong, huge, zero or bumped. */
  #varint(seed: FuzzSeed): Buffer {
    const map = this.#wire.get(seed) as WireMap;
    const src = seed.body;
    const target = map.varints.length === 0 ? undefined : this.#pick(map.varints);
    if (target === undefined) return this.#bitflip(src);
    const [start, end] = target;
    const old = readVarint(src, start, end)?.[0] ?? 0;
    const replacement = this.#pick([
      () => Buffer.alloc(10, 0xff), // never terminates within 10 bytes
      () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 2^64 - 1
      () => Buffer.concat([Buffer.from(writeVarint(old).map((b) => b | 0x80)), Buffer.from([0x80, 0x00])]), // overlong
      () => writeVarint(2 ** 35 + this.#int(1000)),
      () => writeVarint(0),
      () => writeVarint(old + 1),
      () => writeVarint(Math.max(0, old - 1)),
      () => Buffer.from(writeVarint(old).map((b, i, all) => (i === all.length - 1 ? b | 0x80 : b))), // drop the end
      () => writeVarint(this.#int(2 ** 31)),
    ])();
    return Buffer.concat([src.subarray(0, start), replacement, src.subarray(end)]);
  }

  /** Changes one length prefix so it disagrees with its payload, by a little or by a lot. */
  #length(seed: FuzzSeed): Buffer {
    const map = this.#wire.get(seed) as WireMap;
    const src = seed.body;
    const target = map.lengths.length === 0 ? undefined : this.#pick(map.lengths);
    if (target === undefined) return this.#bitflip(src);
    const old = target.payloadEnd - target.end;
    const remaining = src.length - target.end;
    const length = this.#pick([
      0,
      old + 1,
      Math.max(0, old - 1),
      old + 1 + this.#int(16),
      Math.max(0, old - 1 - this.#int(16)),
      old * 2,
      remaining,
      remaining + 1,
      2 ** 31 - 1,
      2 ** 32 + 5,
      this.#int(remaining + 1),
    ]);
    return Buffer.concat([src.subarray(0, target.start), writeVarint(length), src.subarray(target.end)]);
  }

  /** Overwrites bytes inside a length-delimited payload (strings among them) with invalid UTF-8. */
  #protobufUtf8(seed: FuzzSeed): Buffer {
    const map = this.#wire.get(seed) as WireMap;
    const candidates = map.lengths.filter((l) => l.payloadEnd > l.end);
    const target = candidates.length === 0 ? undefined : this.#pick(candidates);
    if (target === undefined) return this.#bitflip(seed.body);
    const out = Buffer.from(seed.body);
    const bad = this.#pick([
      [0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf8, 0x88, 0x80, 0x80],
      [0x80],
    ]);
    const at = target.end + this.#int(target.payloadEnd - target.end);
    for (let i = 0; i < bad.length && at + i < target.payloadEnd; i++) out[at + i] = bad[i] as number;
    return out;
  }

  /**
   * A body no protobuf decoder accepts: it starts with a tag of an unknown field number with an
   * invalid wire type (4, 6, 7), or with field 1 claiming more bytes than there are, or with a
   * varint that never ends.
   */
  #undecodableProtobuf(): Buffer {
    const form = this.#int(3);
    if (form === 0) {
      const fieldNumber = 16 + this.#int(1000);
      const tag = writeVarint(fieldNumber * 8 + this.#pick([4, 6, 7]));
      return Buffer.concat([tag, this.#bytes(this.#int(200))]);
    }
    if (form === 1) {
      const rest = this.#bytes(this.#int(200));
      return Buffer.concat([Buffer.from([0x0a]), writeVarint(rest.length + 1 + this.#int(10_000)), rest]);
    }
    return Buffer.concat([Buffer.from([0x0a]), Buffer.alloc(1 + this.#int(9), 0xff)]);
  }

  /** AnyValue arrays nested 1 to 3000 deep: past 64 levels the hub must refuse the request. */
  #deepProtobuf(): Made {
    const levels = this.#skewed(3000) + 1;
    const signal = this.#pick(['traces', 'logs', 'metrics'] as const);
    const body = protobufWithValue(signal, nestedAnyValueProtobuf(levels));
    return {
      seed: { signal, encoding: 'protobuf', body },
      body,
      // Between 50 and 100 the exact limit is the decoder's business; far past it is a 400.
      expect: levels > 100 ? 400 : 'any',
    };
  }

  /** Start-group tags, unterminated (400) or closed again around nothing (an unknown field, 2xx). */
  #deepGroups(): Made {
    const levels = 1 + this.#skewed(50_000);
    const start = writeVarint(99 * 8 + 3);
    const end = writeVarint(99 * 8 + 4);
    const closed = this.#random() < 0.3 && levels < 50;
    const parts: Buffer[] = new Array(levels).fill(start);
    if (closed) for (let i = 0; i < levels; i++) parts.push(end);
    return {
      seed: this.#pick(this.#protobufSeeds),
      body: Buffer.concat(parts),
      expect: closed ? 'any' : 400,
    };
  }

  /** A prefix of a JSON object that stops before its closing brace: never valid JSON. */
  #strictPrefix(src: Buffer): Buffer {
    const text = src.toString('utf8').trimEnd();
    const cut = 1 + this.#int(Math.max(1, text.length - 1));
    return Buffer.from(text.slice(0, cut));
  }

  /** Replaces `count` random nodes of the seed's tree with values of the wrong type. */
  #treeMutation(seed: FuzzSeed, values: readonly unknown[], count: number): Buffer {
    const copy = structuredClone(this.#trees.get(seed));
    const nodes: [Record<string | number, unknown>, string | number][] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          nodes.push([v as unknown as Record<number, unknown>, i]);
          visit(v[i]);
        }
      } else if (typeof v === 'object' && v !== null) {
        for (const [k, c] of Object.entries(v)) {
          nodes.push([v as Record<string, unknown>, k]);
          visit(c);
        }
      }
    };
    visit(copy);
    for (let n = 1 + this.#int(count); n > 0 && nodes.length > 0; n--) {
      const [parent, key] = this.#pick(nodes);
      const roll = this.#random();
      if (roll < 0.1) delete parent[key];
      else parent[key] = structuredClone(this.#pick(values));
    }
    return this.#stringify(copy);
  }

  #badIds(seed: FuzzSeed): Buffer {
    const copy = structuredClone(this.#trees.get(seed));
    const slots: [Record<string, unknown>, string][] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) for (const c of v) visit(c);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, c] of Object.entries(v)) {
          if (ID_KEYS.has(k)) slots.push([v as Record<string, unknown>, k]);
          visit(c);
        }
      }
    };
    visit(copy);
    if (slots.length === 0) return this.#treeMutation(seed, BAD_IDS, 2);
    for (let n = 1 + this.#int(3); n > 0; n--) {
      const [parent, key] = this.#pick(slots);
      parent[key] = structuredClone(this.#pick(BAD_IDS));
    }
    return this.#stringify(copy);
  }

  /** Numbers too big, too small or too precise for their fields, written as raw JSON number text. */
  #hugeNumbers(seed: FuzzSeed): Buffer {
    const copy = structuredClone(this.#trees.get(seed));
    const slots: [Record<string | number, unknown>, string | number][] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== 'object') slots.push([v as unknown as Record<number, unknown>, i]);
          visit(v[i]);
        }
      } else if (typeof v === 'object' && v !== null) {
        for (const [k, c] of Object.entries(v)) {
          if (typeof c !== 'object' || c === null) slots.push([v as Record<string, unknown>, k]);
          visit(c);
        }
      }
    };
    visit(copy);
    for (let n = 1 + this.#int(3); n > 0 && slots.length > 0; n--) {
      const [parent, key] = this.#pick(slots);
      parent[key] = this.#random() < 0.5 ? RAW_MARK : this.#pick(RAW_NUMBERS);
    }
    return this.#stringify(copy);
  }

  #stringify(tree: unknown): Buffer {
    const text = JSON.stringify(tree) ?? 'null';
    return Buffer.from(text.replaceAll(`"${RAW_MARK}"`, () => this.#pick(RAW_NUMBERS)));
  }

  /** Invalid UTF-8 right after a random quote: inside a string or just outside one. */
  #jsonUtf8(src: Buffer): Buffer {
    const quotes: number[] = [];
    for (let i = 0; i < src.length; i++) if (src[i] === 0x22) quotes.push(i);
    const at = quotes.length === 0 ? 0 : this.#pick(quotes) + 1;
    const bad = Buffer.from(
      this.#pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0x80]]),
    );
    return Buffer.concat([src.subarray(0, at), bad, src.subarray(at)]);
  }

  /** Bodies that are not JSON objects at all. */
  #undecodableJson(src: Buffer): Buffer {
    const text = src.toString('utf8');
    return Buffer.from(
      this.#pick([
        () => `x${text}`,
        () => `${text}}`,
        () => `${text},`,
        () => `\uFFFD${text}`,
        () => `${text.slice(0, -1)},}`,
        () => text.replaceAll('"', "'"),
        () => '[]',
        () => '[{}]',
        () => '"resourceSpans"',
        () => '42',
        () => 'null',
        () => 'true',
        () => 'NaN',
        () => '{"resourceSpans":[{]}',
        () => '{"a":1,,"b":2}',
        () => `{"resourceLogs": ${'['.repeat(2 + this.#int(100_000))}`,
      ])(),
    );
  }

  /** AnyValue nested 1 to 3000 deep in JSON (past 64 levels the request is refused). */
  #deepJson(): Made {
    const levels = this.#skewed(3000) + 1;
    const signal = this.#pick(['traces', 'logs', 'metrics'] as const);
    const body = Buffer.from(jsonWithValue(signal, nestedAnyValueJson(levels)));
    return { seed: { signal, encoding: 'json', body }, body, expect: levels > 100 ? 400 : 'any' };
  }

  /** Bare arrays nested up to 100 000 deep where an object is needed (400) or under an unknown key. */
  #deepArray(): Made {
    const levels = 2 + this.#skewed(100_000);
    const signal = this.#pick(['traces', 'logs', 'metrics'] as const);
    const nested = `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const [resources] = ITEM_KEYS[signal];
    const form = this.#int(3);
    const text =
      form === 0
        ? nested
        : form === 1
          ? `{"${resources}":${nested}}`
          : `{"unknownField":${nested},"${resources}":[]}`;
    const body = Buffer.from(text);
    return { seed: { signal, encoding: 'json', body }, body, expect: form === 2 ? 'any' : 400 };
  }

  #gzipMutated(seed: FuzzSeed): Buffer {
    const body = this.#pick([
      () => this.#bitflip(seed.body),
      () => this.#truncate(seed.body),
      () => this.#stacked(seed.body),
      () => seed.body,
    ])();
    return gzipSync(body, { level: 1 + this.#int(9) });
  }

  /** A few kilobytes that inflate past the body limit. */
  #bomb(): Buffer {
    this.#bombBody ??= gzipSync(Buffer.alloc(this.#bodyLimit + 4096));
    return this.#bombBody;
  }

  /** Random bytes that do not start with the gzip magic number. */
  #notGzip(): Buffer {
    const body = this.#bytes(1 + this.#int(400));
    if (body[0] === 0x1f) body[0] = 0x20;
    return body;
  }

  /** A valid gzip stream cut short: the inflater must report the missing end. */
  #gzipTruncated(seed: FuzzSeed): Buffer {
    const full = gzipSync(seed.body);
    return full.subarray(0, 1 + this.#int(full.length - 1));
  }

  #wrongContentType(): Made {
    const seed = this.#pick(this.#seeds);
    return {
      seed,
      body: seed.body,
      expect: 415,
      contentType: this.#pick([
        '',
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'application/grpc',
        'multipart/form-data; boundary=x',
        'application/json-seq',
        'application/x-protobufx',
        '*/*',
      ]),
    };
  }

  #wrongContentEncoding(): Made {
    const seed = this.#pick(this.#seeds);
    return {
      seed,
      body: seed.body,
      expect: 415,
      contentEncoding: this.#pick(['br', 'deflate', 'zstd', 'compress', 'gzip, gzip', 'lz4']),
    };
  }
}

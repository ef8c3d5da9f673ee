import type { OtlpSpan } from '@agentlens/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { AGENTS, agentTrace, mix32, toReadableSpans } from './agent-spans.js';

/** OTLP/HTTP body encodings, as the hub names them. */
export type BodyEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Readonly<Record<BodyEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * The first 8 bytes of every trace id in a template body. It is overwritten for each request, so
 * the hub never sees it; it only has to be unlikely to occur anywhere else in a body (checked).
 */
const MARKER = Buffer.from('a951c37e1d884fb2', 'hex');
const MARKER_HEX = Buffer.from(MARKER.toString('hex'), 'latin1');

/** Template trace ids: the marker, then a tail unique across the templates of a batch size. */
function templateTraceId(tail: number): string {
  return `${MARKER.toString('hex')}${tail.toString(16).padStart(16, '0')}`;
}

/** One template body and where, in its bytes, each of its traces' ids begins. */
interface Template {
  readonly bytes: Buffer;
  /** Per trace, the byte offsets of its id's marker (one per span of the trace). */
  readonly traces: readonly (readonly number[])[];
}

/** The spans of a set of template bodies, before encoding. */
export interface TemplateSpans {
  /** Exactly `batchSize` spans per template. */
  readonly templates: readonly OtlpSpan[][];
  readonly batchSize: number;
}

/**
 * `count` bodies' worth of agent spans, `batchSize` spans each. A body holds the traces of one
 * service (one exporter of one process, as a real app sends), cut at `batchSize` spans the way a
 * batch span processor cuts them, so the last trace of a body may be partial.
 */
export function templateSpans(batchSize: number, count: number, startMs: number): TemplateSpans {
  const templates: OtlpSpan[][] = [];
  let serial = 0;
  for (let t = 0; t < count; t++) {
    const spans: OtlpSpan[] = [];
    for (let round = 0; spans.length < batchSize; round++) {
      // Trace indexes congruent to t modulo the agent count all belong to one agent.
      const index = (t % AGENTS.length) + AGENTS.length * (t * batchSize + round);
      serial++;
      const trace = agentTrace(index, {
        traceId: templateTraceId(serial),
        startUs: (startMs + serial * 40) * 1000,
      });
      spans.push(...trace.slice(0, batchSize - spans.length));
    }
    templates.push(spans);
  }
  return { templates, batchSize };
}

/** The spans as the official OTLP serializer encodes an export request of them. */
export function encodeSpans(spans: readonly OtlpSpan[], encoding: BodyEncoding): Buffer {
  const readable = toReadableSpans(spans);
  const bytes =
    encoding === 'protobuf'
      ? ProtobufTraceSerializer.serializeRequest(readable)
      : JsonTraceSerializer.serializeRequest(readable);
  if (bytes === undefined) throw new Error(`the ${encoding} serializer returned nothing`);
  return Buffer.from(bytes);
}

function locateTraces(bytes: Buffer, encoding: BodyEncoding, spans: readonly OtlpSpan[]): number[][] {
  const needle = encoding === 'protobuf' ? MARKER : MARKER_HEX;
  const tailLength = encoding === 'protobuf' ? 8 : 16;
  const byTail = new Map<string, number[]>();
  let found = 0;
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
    const start = at + needle.length;
    const tail = bytes.toString('latin1', start, start + tailLength);
    let offsets = byTail.get(tail);
    if (offsets === undefined) {
      offsets = [];
      byTail.set(tail, offsets);
    }
    offsets.push(at);
    found++;
  }
  const traceCount = new Set(spans.map((span) => span.traceId)).size;
  if (found !== spans.length || byTail.size !== traceCount) {
    throw new Error(
      `${encoding} template: found ${found} trace ids of ${byTail.size} traces, expected ${spans.length} of ${traceCount}`,
    );
  }
  return [...byTail.values()];
}

/**
 * Pre-encoded OTLP request bodies that never repeat a trace: each call of {@link BodyPool.next}
 * takes the next template (round robin) and gives each of its traces a fresh id, by overwriting
 * the first 8 bytes of the id in place (protobuf: the raw bytes; JSON: the hex digits). Encoding
 * happens once, up front, so the load generator spends its time sending, not serializing.
 *
 * Ids: 4 scattered bytes then 4 bytes of a serial number, so every id is new (the hub ignores a
 * span it already has) and ids spread over the key space as random ones do.
 */
export class BodyPool {
  readonly encoding: BodyEncoding;
  readonly batchSize: number;
  readonly contentType: string;
  /** Bytes of the template bodies, for the report. */
  readonly meanBodyBytes: number;
  readonly #templates: Template[];
  #nextTemplate = 0;
  #serial = 0;

  constructor(spans: TemplateSpans, encoding: BodyEncoding) {
    this.encoding = encoding;
    this.batchSize = spans.batchSize;
    this.contentType = CONTENT_TYPES[encoding];
    this.#templates = spans.templates.map((templateSpans) => {
      const bytes = encodeSpans(templateSpans, encoding);
      return { bytes, traces: locateTraces(bytes, encoding, templateSpans) };
    });
    this.meanBodyBytes =
      this.#templates.reduce((sum, t) => sum + t.bytes.length, 0) / Math.max(1, this.#templates.length);
  }

  /** Trace ids handed out so far. */
  get tracesIssued(): number {
    return this.#serial;
  }

  /**
   * The next body. The buffer is a template patched in place: it is valid until the next call,
   * so the caller must copy it (autocannon does, when it builds the request) before calling again.
   */
  next(): Buffer {
    const template = this.#templates[this.#nextTemplate] as Template;
    this.#nextTemplate = (this.#nextTemplate + 1) % this.#templates.length;
    const { bytes } = template;
    for (const offsets of template.traces) {
      const serial = ++this.#serial;
      const scattered = mix32(serial);
      if (this.encoding === 'protobuf') {
        for (const at of offsets) {
          bytes.writeUInt32BE(scattered, at);
          bytes.writeUInt32BE(serial, at + 4);
        }
      } else {
        const head = `${scattered.toString(16).padStart(8, '0')}${serial.toString(16).padStart(8, '0')}`;
        for (const at of offsets) bytes.write(head, at, 'latin1');
      }
    }
    return bytes;
  }
}

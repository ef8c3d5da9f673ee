/**
 * OTLP protobuf trace export bodies with known, unique ids, serialized by the official exporters'
 * own serializer (`ProtobufTraceSerializer` from `@opentelemetry/otlp-transformer`), so a test can
 * check afterwards exactly which spans the hub stored.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** One export request: a single trace of `spanIds.length` spans. */
export interface TraceBatch {
  readonly traceId: string;
  readonly spanIds: readonly string[];
  readonly body: Uint8Array;
}

function hex(random: () => number, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}

/**
 * Makes trace batches: each call of {@link TraceBatches.next} returns a new trace (an agent run,
 * its model and tool calls) whose trace and span ids no other batch of this generator uses. Ids
 * come from `random` (a seeded PRNG makes them repeatable); `prefix` (two hex digits) keeps the
 * ids of generators in the same test apart.
 */
export class TraceBatches {
  readonly #random: () => number;
  readonly #prefix: string;
  readonly #memory = new InMemorySpanExporter();
  readonly #provider: BasicTracerProvider;
  readonly #ids: { trace: string; spans: string[] } = { trace: '', spans: [] };
  #count = 0;

  constructor(random: () => number, prefix = '00', service = 'durability-test') {
    if (!/^[0-9a-f]{2}$/.test(prefix)) throw new RangeError(`prefix must be two hex digits, got "${prefix}"`);
    this.#random = random;
    this.#prefix = prefix;
    const ids = this.#ids;
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      idGenerator: {
        generateTraceId: () => ids.trace,
        generateSpanId: () => {
          const id = `${hex(this.#random, 7)}${(ids.spans.length % 256).toString(16).padStart(2, '0')}`;
          ids.spans.push(id);
          return id;
        },
      },
      spanProcessors: [new SimpleSpanProcessor(this.#memory)],
    });
  }

  /** A new trace of `spans` spans (at least 1): a root agent span and alternating model / tool calls. */
  next(spans: number): TraceBatch {
    if (!Number.isInteger(spans) || spans < 1 || spans > 256) {
      throw new RangeError(`spans must be an integer from 1 to 256, got ${String(spans)}`);
    }
    // The batch number in the trace id makes it unique however the PRNG falls.
    this.#ids.trace = `${this.#prefix}${this.#count.toString(16).padStart(8, '0')}${hex(this.#random, 11)}`;
    this.#ids.spans = [];
    this.#count++;
    const tracer = this.#provider.getTracer('agentlens-durability-test');
    const now = Date.now();
    const root = tracer.startSpan('invoke_agent planner', {
      kind: SpanKind.INTERNAL,
      startTime: now,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    });
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    for (let i = 1; i < spans; i++) {
      const isModel = i % 2 === 1;
      const child = tracer.startSpan(
        isModel ? 'chat gpt-4o' : 'execute_tool search',
        {
          kind: isModel ? SpanKind.CLIENT : SpanKind.INTERNAL,
          startTime: now + i,
          attributes: isModel
            ? {
                'gen_ai.operation.name': 'chat',
                'gen_ai.provider.name': 'openai',
                'gen_ai.request.model': 'gpt-4o',
                'gen_ai.usage.input_tokens': 100 + i,
                'gen_ai.usage.output_tokens': 20,
              }
            : { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
        },
        parent,
      );
      if (i % 5 === 4) child.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
      child.end(now + i + 1);
    }
    root.end(now + spans + 1);
    const finished: ReadableSpan[] = this.#memory.getFinishedSpans();
    this.#memory.reset();
    const body = ProtobufTraceSerializer.serializeRequest(finished);
    if (body === undefined) throw new Error('the serializer returned nothing');
    return { traceId: this.#ids.trace, spanIds: [...this.#ids.spans], body };
  }
}

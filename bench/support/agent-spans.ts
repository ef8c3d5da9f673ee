/**
 * Realistic agent traces for the hub benchmarks, in the decoded OTLP form (`OtlpSpan`), with an
 * adapter to the OpenTelemetry SDK's `ReadableSpan` so the official serializers can encode them.
 *
 * A trace is what an instrumented agent app sends for one agent run: an `invoke_agent` root, then
 * turns of `chat` model calls and `execute_tool` tool calls (4 to 6 model calls, 8 to 12 spans,
 * 10 on average), GenAI attributes on every span (provider, request and response model, tokens
 * with cache reads, finish reasons, tool call ids), one resource per service, a final-choice event
 * and, in about 6 % of the traces, an error: a tool that times out (with an `exception` event) or
 * a rate-limited model call, which fails the root as well. The content of trace `n` depends only
 * on `n`, so the same index always gives the same trace.
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  genAiSpanName,
  type OtlpScope,
  type OtlpSpan,
  type OtlpSpanEvent,
  seededRandom,
  type TelemetryAttributes,
} from '@agentlens/core';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** The agents of the workload; each runs as its own service (`<agent>-service`). */
export const AGENTS = ['planner', 'researcher', 'support', 'coder', 'reviewer', 'router'] as const;

/** [provider, request model, response model]; every one is in the hub's price data. */
const MODELS = [
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'gpt-4o', 'gpt-4o-2024-08-06'],
  ['anthropic', 'claude-sonnet-4', 'claude-sonnet-4-20250514'],
  ['anthropic', 'claude-3-5-haiku', 'claude-3-5-haiku-20241022'],
  ['gcp.gemini', 'gemini-2.5-flash', 'gemini-2.5-flash'],
  ['openai', 'o4-mini', 'o4-mini-2025-04-16'],
] as const;

const TOOLS = [
  'search_web',
  'lookup_order',
  'send_email',
  'query_db',
  'read_file',
  'run_code',
  'fetch_url',
  'calculator',
] as const;

const SERVER_ADDRESS: Readonly<Record<string, string>> = {
  openai: 'api.openai.com',
  anthropic: 'api.anthropic.com',
  'gcp.gemini': 'generativelanguage.googleapis.com',
};

/** OTLP span kinds (the wire numbering, as in `OtlpSpan.kind`). */
const KIND_INTERNAL = 1;
const KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

export const SPAN_SCOPE: OtlpScope = { name: '@agentlens/sdk', version: '0.1.0' };

const resources = new Map<string, TelemetryAttributes>();

/** The resource of an agent's service; one shared object per service, as a decoder produces. */
function resourceOf(agent: string, agentIndex: number): TelemetryAttributes {
  let resource = resources.get(agent);
  if (resource === undefined) {
    resource = {
      'service.name': `${agent}-service`,
      'service.version': '1.4.2',
      'service.instance.id': `${agent}-7f9c4d-${agentIndex}`,
      'deployment.environment.name': 'production',
      'host.name': `worker-${agentIndex + 1}`,
      'process.pid': 4242 + agentIndex,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '20.20.2',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.12.0',
    };
    resources.set(agent, resource);
  }
  return resource;
}

/** Unix microseconds to the OTLP decimal nanosecond string. */
function nanos(us: number): string {
  return `${us}000`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** A 32-bit avalanche mix (the murmur3 finalizer): distinct inputs give distinct, scattered outputs. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The trace id of serial number `serial` (1 to 2^32 - 1): random-looking throughout, as real ids
 * are (so inserts land all over the primary-key index), and unique per serial.
 */
export function traceIdOf(serial: number): string {
  return `${hex(mix32(serial), 8)}${hex(serial, 8)}${hex(mix32(serial ^ 0x5bd1e995), 8)}${hex(mix32(serial + 0x9e3779b9), 8)}`;
}

/** What {@link agentTrace} needs besides the trace index. */
export interface TraceOptions {
  /** The 32 lower-case hex characters of the trace id. */
  readonly traceId: string;
  /** Start of the root span, Unix microseconds. */
  readonly startUs: number;
}

/**
 * The spans of agent trace number `index` (0 or more), root first, then in start order.
 * Deterministic in `index`: only ids and times come from `options`.
 */
export function agentTrace(index: number, options: TraceOptions): OtlpSpan[] {
  const random = seededRandom(mix32(index * 2 + 1));
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const agentIndex = index % AGENTS.length;
  const agent = AGENTS[agentIndex] as string;
  const resource = resourceOf(agent, agentIndex);
  // Each agent mostly calls its own model; one call in five goes to another.
  const primary = MODELS[agentIndex % MODELS.length] as (typeof MODELS)[number];
  const turns = int(4, 6);
  const roll = random();
  const failingTool = roll < 0.04 ? int(1, turns - 1) : -1;
  const failingChat = roll >= 0.04 && roll < 0.06 ? int(1, turns) : -1;
  const { traceId } = options;
  const spanId = (n: number) => `${hex(mix32((index + 1) ^ (n << 24)), 8)}${hex(n + 1, 8)}`;
  const rootId = spanId(0);
  const spans: OtlpSpan[] = [];
  const child = (
    n: number,
    name: string,
    kind: number,
    startUs: number,
    endUs: number,
    attributes: TelemetryAttributes,
    events: OtlpSpanEvent[],
    failure?: { readonly message: string },
  ): OtlpSpan => ({
    traceId,
    spanId: spanId(n),
    parentSpanId: rootId,
    traceState: '',
    name,
    kind,
    startTimeUnixNano: nanos(startUs),
    endTimeUnixNano: nanos(endUs),
    attributes,
    events,
    links: [],
    statusCode: failure === undefined ? STATUS_UNSET : STATUS_ERROR,
    statusMessage: failure?.message ?? '',
    resource,
    scope: SPAN_SCOPE,
  });

  let cursor = options.startUs + int(500, 5000);
  let inputTokens = int(600, 1400);
  let failure: { type: string; message: string } | undefined;
  let n = 1;
  for (let turn = 1; turn <= turns && failure === undefined; turn++) {
    const model = random() < 0.8 ? primary : (MODELS[int(0, MODELS.length - 1)] as (typeof MODELS)[number]);
    const [provider, requestModel, responseModel] = model;
    const last = turn === turns;
    const chatStart = cursor;
    const chatEnd = chatStart + int(350_000, 2_500_000);
    const outputTokens = last ? int(150, 700) : int(30, 180);
    const attributes: TelemetryAttributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: requestModel,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 1024,
      'server.address': SERVER_ADDRESS[provider] ?? 'api.example.com',
      'server.port': 443,
    };
    const events: OtlpSpanEvent[] = [];
    let chatFailure: { type: string; message: string } | undefined;
    if (turn === failingChat) {
      chatFailure = { type: '429', message: 'rate limit exceeded: retry after 20s' };
      attributes[ATTR_ERROR_TYPE] = chatFailure.type;
    } else {
      Object.assign(attributes, {
        [ATTR_GEN_AI_RESPONSE_MODEL]: responseModel,
        [ATTR_GEN_AI_RESPONSE_ID]: `chatcmpl-${hex(mix32(index * 8 + turn), 8)}${hex(index, 8)}`,
        [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [last ? 'stop' : 'tool_calls'],
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: inputTokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outputTokens,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: turn === 1 ? 0 : Math.floor(inputTokens * 0.6),
      });
      if (last) {
        events.push({
          timeUnixNano: nanos(chatEnd - 1000),
          name: 'gen_ai.choice',
          attributes: { index: 0, finish_reason: 'stop' },
        });
      }
    }
    spans.push(
      child(
        n++,
        genAiSpanName('chat', requestModel),
        KIND_CLIENT,
        chatStart,
        chatEnd,
        attributes,
        events,
        chatFailure,
      ),
    );
    cursor = chatEnd + int(200, 3000);
    if (chatFailure !== undefined) {
      failure = chatFailure;
      break;
    }
    inputTokens += outputTokens + int(200, 900);
    if (last) break;

    const tool = TOOLS[int(0, TOOLS.length - 1)] as string;
    const toolStart = cursor;
    const toolEnd = toolStart + int(15_000, 800_000);
    const toolAttributes: TelemetryAttributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_NAME]: tool,
      [ATTR_GEN_AI_TOOL_CALL_ID]: `call_${hex(mix32(index * 16 + turn), 8)}${hex(turn, 4)}`,
      [ATTR_GEN_AI_TOOL_TYPE]: 'function',
      'gen_ai.tool.description': `The ${tool.replace('_', ' ')} tool`,
    };
    const toolEvents: OtlpSpanEvent[] = [];
    let toolFailure: { type: string; message: string } | undefined;
    if (turn === failingTool) {
      toolFailure = { type: 'TimeoutError', message: `${tool} timed out after 30000 ms` };
      toolAttributes[ATTR_ERROR_TYPE] = toolFailure.type;
      toolEvents.push({
        timeUnixNano: nanos(toolEnd - 500),
        name: 'exception',
        attributes: {
          'exception.type': toolFailure.type,
          'exception.message': toolFailure.message,
          'exception.stacktrace': `TimeoutError: ${toolFailure.message}\n    at ${tool} (/app/dist/tools/${tool}.js:42:11)\n    at async executeTool (/app/dist/agent.js:118:20)`,
        },
      });
    } else if (random() < 0.15) {
      toolEvents.push({
        timeUnixNano: nanos(toolStart + 2000),
        name: 'retry',
        attributes: { attempt: 1, reason: 'ECONNRESET' },
      });
    }
    spans.push(
      child(
        n++,
        genAiSpanName('execute_tool', tool),
        KIND_INTERNAL,
        toolStart,
        toolEnd,
        toolAttributes,
        toolEvents,
        toolFailure,
      ),
    );
    cursor = toolEnd + int(200, 3000);
    if (toolFailure !== undefined) failure = toolFailure;
  }

  const rootAttributes: TelemetryAttributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent',
    [ATTR_GEN_AI_AGENT_NAME]: agent,
    [ATTR_GEN_AI_AGENT_ID]: `agent-${agent}-v3`,
    [ATTR_GEN_AI_CONVERSATION_ID]: `conv-${hex(mix32(Math.floor(index / 4) + 1), 8)}`,
    [ATTR_GEN_AI_PROVIDER_NAME]: primary[0],
    [ATTR_GEN_AI_REQUEST_MODEL]: primary[1],
    'app.request_id': `req-${hex(mix32(index + 1), 8)}`,
  };
  if (failure !== undefined) rootAttributes[ATTR_ERROR_TYPE] = failure.type;
  spans.unshift({
    traceId,
    spanId: rootId,
    parentSpanId: '',
    traceState: '',
    name: genAiSpanName('invoke_agent', agent),
    kind: KIND_INTERNAL,
    startTimeUnixNano: nanos(options.startUs),
    endTimeUnixNano: nanos(cursor + 500),
    attributes: rootAttributes,
    events: [],
    links: [],
    statusCode: failure === undefined ? STATUS_UNSET : STATUS_ERROR,
    statusMessage: failure?.message ?? '',
    resource,
    scope: SPAN_SCOPE,
  });
  return spans;
}

// ---- to the OpenTelemetry SDK's ReadableSpan -------------------------------------------------

function hrTime(decimalNanos: string): HrTime {
  const ns = BigInt(decimalNanos);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

const sdkResources = new WeakMap<object, Resource>();

/**
 * The spans as the SDK hands them to an exporter (`ReadableSpan`), so the official OTLP
 * serializers encode them exactly as an app's exporter would. The attribute values of
 * {@link agentTrace} are all OTLP-representable (strings, numbers, booleans, arrays of those).
 */
export function toReadableSpans(spans: readonly OtlpSpan[]): ReadableSpan[] {
  return spans.map((span): ReadableSpan => {
    let resource = sdkResources.get(span.resource);
    if (resource === undefined) {
      resource = resourceFromAttributes(span.resource as Attributes);
      sdkResources.set(span.resource, resource);
    }
    const startTime = hrTime(span.startTimeUnixNano);
    const endTime = hrTime(span.endTimeUnixNano);
    const durationNs = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
    const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
    const events: TimedEvent[] = span.events.map((event) => ({
      time: hrTime(event.timeUnixNano),
      name: event.name,
      attributes: event.attributes as Attributes,
    }));
    return {
      name: span.name,
      // The API's SpanKind starts at INTERNAL = 0; OTLP's wire numbering at UNSPECIFIED = 0.
      kind: span.kind - 1,
      spanContext: () => context,
      ...(span.parentSpanId === ''
        ? {}
        : { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: 1 } }),
      startTime,
      endTime,
      status:
        span.statusCode === STATUS_ERROR
          ? { code: span.statusCode, message: span.statusMessage }
          : { code: span.statusCode },
      attributes: span.attributes as Attributes,
      links: [],
      events,
      duration: [Number(durationNs / 1_000_000_000n), Number(durationNs % 1_000_000_000n)],
      ended: true,
      resource,
      instrumentationScope: span.scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}

import { readFileSync } from 'node:fs';
import {
  type LogRecord,
  NO_GENAI_COLUMNS,
  type OtlpScope,
  type SpanCategory,
  type SpanRecord,
  type TelemetryAttributes,
} from '@agentlens/core';

/**
 * Turning the compact JSON fixtures into full records, and generating realistic spans in bulk
 * (the 10 000-span trace, retention by size, the ingest measurement).
 */

/** One span of a fixture file: offsets from the file's base time, GenAI fields optional. */
export interface SpanFixture extends Partial<Omit<SpanRecord, 'startTimeUnixNano' | 'endTimeUnixNano'>> {
  readonly traceId: string;
  readonly spanId: string;
  readonly startOffsetMs: number;
  readonly durationMs: number;
}

export interface LogFixture {
  readonly offsetMs: number;
  readonly service: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: string;
  readonly traceId: string | null;
  readonly spanId: string | null;
}

export interface FixtureFile {
  readonly baseTimeMs: number;
  readonly spans: SpanFixture[];
  readonly logs: LogFixture[];
}

/** Reads a JSON file of `conformance/fixtures/`. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Unix milliseconds to Unix nanoseconds as a decimal string (exact for whole milliseconds). */
export function msToNanoString(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

const SCOPE: OtlpScope = { name: 'agentlens-conformance', version: '1.0.0' };

function resourceOf(service: string): TelemetryAttributes {
  return {
    'service.name': service,
    'service.version': '1.4.2',
    'deployment.environment.name': 'test',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.12.0',
  };
}

/** A full span record from a fixture entry. */
export function spanFromFixture(f: SpanFixture, baseTimeMs: number): SpanRecord {
  const startMs = baseTimeMs + f.startOffsetMs;
  const service = f.service ?? 'conformance';
  return {
    parentSpanId: null,
    service,
    name: 'span',
    kind: 1,
    statusCode: 0,
    statusMessage: null,
    ...NO_GENAI_COLUMNS,
    attributes: {},
    resource: resourceOf(service),
    scope: SCOPE,
    events: [],
    links: [],
    ...withoutOffsets(f),
    startTimeUnixNano: msToNanoString(startMs),
    endTimeUnixNano: msToNanoString(startMs + f.durationMs),
  };
}

function withoutOffsets(f: SpanFixture): Omit<SpanFixture, 'startOffsetMs'> {
  const { startOffsetMs: _ignored, ...rest } = f;
  return rest;
}

/** A full log record from a fixture entry. */
export function logFromFixture(f: LogFixture, baseTimeMs: number): LogRecord {
  const time = msToNanoString(baseTimeMs + f.offsetMs);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    service: f.service,
    severityNumber: f.severityNumber,
    severityText: f.severityText,
    body: f.body,
    traceId: f.traceId,
    spanId: f.spanId,
    attributes: { 'code.function': 'handle' },
    resource: resourceOf(f.service),
    scope: SCOPE,
  };
}

/** Lower-case hex of `n`, left-padded to `width` characters. */
export function hexId(n: number | bigint, width: 16 | 32): string {
  return n.toString(16).padStart(width, '0');
}

const MODELS = [
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['anthropic', 'claude-sonnet-4', 'claude-sonnet-4-20250514'],
  ['openai', 'gpt-4o', 'gpt-4o-2024-08-06'],
] as const;
const TOOLS = ['search_web', 'lookup_order', 'send_email', 'query_db'] as const;
const AGENTS = ['planner', 'researcher', 'support'] as const;

/**
 * Realistic agent spans: traces of one `invoke_agent` root, then model calls and tool calls in
 * turn (`spansPerTrace` spans each), with the attributes an instrumented app sends (message
 * previews, tool arguments, finish reasons). Deterministic for a given `seed`.
 */
export function generateAgentSpans(options: {
  traces: number;
  spansPerTrace: number;
  startMs: number;
  /** Time between trace starts. */
  traceGapMs?: number;
  seed?: number;
}): SpanRecord[] {
  const { traces, spansPerTrace, startMs } = options;
  const gap = options.traceGapMs ?? 1000;
  const seed = BigInt(options.seed ?? 1);
  const spans: SpanRecord[] = [];
  const scope: OtlpScope = { name: '@agentlens/sdk', version: '0.1.0' };
  const resources = new Map<string, TelemetryAttributes>();
  for (let t = 0; t < traces; t++) {
    const agent = AGENTS[t % AGENTS.length] as string;
    const service = `${agent}-service`;
    let resource = resources.get(service);
    if (resource === undefined) {
      resource = { ...resourceOf(service), 'host.name': 'worker-7', 'process.pid': 4242 };
      resources.set(service, resource);
    }
    const traceId = hexId((seed << 64n) + BigInt(t + 1), 32);
    const rootId = hexId(BigInt(t + 1) * 1_000_000n + 1n, 16);
    const traceStart = startMs + t * gap;
    const base = {
      traceId,
      service,
      kind: 1,
      statusMessage: null,
      agentName: agent,
      agentId: `agent-${agent}`,
      conversationId: `conv-${t % 97}`,
      workflowName: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      costSource: null,
      errorType: null,
      resource,
      scope,
      events: [],
      links: [],
    };
    const childDuration = 40;
    const rootDuration = Math.max(1, spansPerTrace - 1) * childDuration + 10;
    const failed = t % 50 === 7;
    spans.push({
      ...base,
      spanId: rootId,
      parentSpanId: null,
      name: `invoke_agent ${agent}`,
      startTimeUnixNano: msToNanoString(traceStart),
      endTimeUnixNano: msToNanoString(traceStart + rootDuration),
      durationMs: rootDuration,
      statusCode: failed ? 2 : 1,
      category: 'agent',
      operation: 'invoke_agent',
      provider: null,
      requestModel: null,
      responseModel: null,
      toolName: null,
      toolCallId: null,
      inputTokens: null,
      outputTokens: null,
      cacheReadTokens: null,
      costUsd: null,
      unpriced: false,
      aggregatesChildren: false,
      errorType: failed ? 'AgentError' : null,
      attributes: { 'gen_ai.agent.description': `The ${agent} agent`, 'app.request_id': `req-${t}` },
    });
    for (let i = 1; i < spansPerTrace; i++) {
      const start = traceStart + 5 + (i - 1) * childDuration;
      const isModel = i % 2 === 1;
      const model = MODELS[(t + i) % MODELS.length] as (typeof MODELS)[number];
      const tool = TOOLS[(t + i) % TOOLS.length] as string;
      const category: SpanCategory = isModel ? 'model' : 'tool';
      const input = 800 + ((t * 31 + i * 17) % 1200);
      const output = 50 + ((t * 7 + i * 13) % 400);
      spans.push({
        ...base,
        spanId: hexId(BigInt(t + 1) * 1_000_000n + BigInt(i + 1), 16),
        parentSpanId: rootId,
        name: isModel ? `chat ${model[1]}` : `execute_tool ${tool}`,
        startTimeUnixNano: msToNanoString(start),
        endTimeUnixNano: msToNanoString(start + childDuration - 5),
        durationMs: childDuration - 5,
        statusCode: 0,
        category,
        operation: isModel ? 'chat' : 'execute_tool',
        provider: isModel ? model[0] : null,
        requestModel: isModel ? model[1] : null,
        responseModel: isModel ? model[2] : null,
        toolName: isModel ? null : tool,
        toolCallId: isModel ? null : `call_${t}_${i}`,
        inputTokens: isModel ? input : null,
        outputTokens: isModel ? output : null,
        cacheReadTokens: isModel ? Math.floor(input / 4) : null,
        costUsd: isModel ? (input * 0.15 + output * 0.6) / 1e6 : null,
        costSource: isModel ? 'genai-prices 0.1.8' : null,
        unpriced: false,
        aggregatesChildren: false,
        attributes: isModel
          ? {
              'gen_ai.request.temperature': 0.2,
              'gen_ai.request.max_tokens': 1024,
              'gen_ai.response.finish_reasons': ['stop'],
              'gen_ai.response.id': `chatcmpl-${t}-${i}`,
            }
          : {
              'gen_ai.tool.type': 'function',
              'gen_ai.tool.call.arguments': `{"query":"order ${t}-${i}","limit":5}`,
            },
      });
    }
  }
  return spans;
}

import type { TokenUsage } from '../cost/cost-result.js';
import type { PriceCatalog } from '../cost/price-catalog.js';
import {
  ATTR_AGENTLENS_COST_UNPRICED,
  ATTR_AGENTLENS_COST_USD,
  ATTR_AGENTLENS_WORKFLOW_NAME,
  ATTR_AGENTLENS_WORKFLOW_NODE,
  ATTR_AI_MODEL_ID,
  ATTR_AI_MODEL_PROVIDER,
  ATTR_AI_OPERATION_ID,
  ATTR_AI_RESPONSE_MODEL,
  ATTR_AI_TELEMETRY_FUNCTION_ID,
  ATTR_AI_TOOL_CALL_ID,
  ATTR_AI_TOOL_CALL_NAME,
  ATTR_AI_USAGE_CACHED_INPUT_TOKENS,
  ATTR_AI_USAGE_COMPLETION_TOKENS,
  ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS,
  ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS,
  ATTR_AI_USAGE_INPUT_TOKENS,
  ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS,
  ATTR_AI_USAGE_OUTPUT_TOKENS,
  ATTR_AI_USAGE_PROMPT_TOKENS,
  ATTR_AI_USAGE_REASONING_TOKENS,
  ATTR_AI_USAGE_TOKENS,
  ATTR_EMBEDDING_MODEL_NAME,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_TYPE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_TOKENS_OLD,
  ATTR_LLM_COST_TOTAL,
  ATTR_LLM_MODEL_NAME,
  ATTR_LLM_PROVIDER,
  ATTR_LLM_REQUEST_MODEL_NAME,
  ATTR_LLM_REQUEST_TYPE,
  ATTR_LLM_RESPONSE_MODEL_NAME,
  ATTR_LLM_SYSTEM,
  ATTR_LLM_TOKEN_COUNT_CACHE_READ,
  ATTR_LLM_TOKEN_COUNT_CACHE_WRITE,
  ATTR_LLM_TOKEN_COUNT_COMPLETION,
  ATTR_LLM_TOKEN_COUNT_PROMPT,
  ATTR_LLM_TOKEN_COUNT_REASONING,
  ATTR_OI_AGENT_NAME,
  ATTR_OI_METADATA,
  ATTR_OI_SESSION_ID,
  ATTR_OI_TOOL_CALL_ID,
  ATTR_OI_TOOL_NAME,
  ATTR_OPENINFERENCE_SPAN_KIND,
  ATTR_SERVICE_NAME,
  ATTR_TRACELOOP_ENTITY_NAME,
  ATTR_TRACELOOP_LS_MODEL_NAME,
  ATTR_TRACELOOP_LS_PROVIDER,
  ATTR_TRACELOOP_SPAN_KIND,
  ATTR_TRACELOOP_WORKFLOW_NAME,
  ERROR_TYPE_OTHER,
  EVENT_EXCEPTION,
  GEN_AI_OPERATIONS,
  LANGCHAIN_LS_MODEL_NAME,
  LANGCHAIN_LS_PROVIDER,
} from '../semconv.js';
import {
  type Attributes,
  NO_GENAI_COLUMNS,
  type OtlpSpan,
  type OtlpSpanEvent,
  type SpanCategory,
  type SpanRecord,
} from '../telemetry-records.js';
import { firstCount, firstString, readJsonField, readString, toCount } from './attribute-readers.js';
import { canonicalProvider, vercelProvider } from './provider-names.js';

/** Options of {@link normalizeSpan}. */
export interface NormalizeOptions {
  /**
   * Prices spans that carry tokens but no `agentlens.cost.usd`. Without it such spans are
   * `unpriced: true` (cost unknown), never $0.
   */
  readonly prices?: PriceCatalog | undefined;
}

const DEFAULT_SERVICE = 'unknown_service';
const EMPTY: Attributes = Object.freeze({});

// Token keys per column, the current GenAI name first, then deprecated and other dialects' names.
const INPUT_KEYS = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_AI_USAGE_INPUT_TOKENS,
  ATTR_AI_USAGE_PROMPT_TOKENS,
  ATTR_LLM_TOKEN_COUNT_PROMPT,
  ATTR_AI_USAGE_TOKENS,
] as const;
const OUTPUT_KEYS = [
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_AI_USAGE_OUTPUT_TOKENS,
  ATTR_AI_USAGE_COMPLETION_TOKENS,
  ATTR_LLM_TOKEN_COUNT_COMPLETION,
] as const;
const CACHE_READ_KEYS = [
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD,
  ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS,
  ATTR_AI_USAGE_CACHED_INPUT_TOKENS,
  ATTR_LLM_TOKEN_COUNT_CACHE_READ,
] as const;
const CACHE_WRITE_KEYS = [
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD,
  ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS,
  ATTR_LLM_TOKEN_COUNT_CACHE_WRITE,
] as const;
const REASONING_KEYS = [
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_TOKENS_OLD,
  ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS,
  ATTR_AI_USAGE_REASONING_TOKENS,
  ATTR_LLM_TOKEN_COUNT_REASONING,
] as const;
const REQUEST_MODEL_KEYS = [
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_AI_MODEL_ID,
  ATTR_LLM_REQUEST_MODEL_NAME,
  ATTR_LLM_MODEL_NAME,
  ATTR_EMBEDDING_MODEL_NAME,
  ATTR_TRACELOOP_LS_MODEL_NAME,
] as const;
const RESPONSE_MODEL_KEYS = [
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_AI_RESPONSE_MODEL,
  ATTR_LLM_RESPONSE_MODEL_NAME,
  // OpenInference fills `llm.model_name` from the response when it has one.
  ATTR_LLM_MODEL_NAME,
] as const;

interface Kind {
  readonly category: SpanCategory;
  readonly operation: string | null;
  readonly aggregatesChildren: boolean;
}

const kind = (category: SpanCategory, operation: string | null, aggregatesChildren = false): Kind =>
  Object.freeze({ category, operation, aggregatesChildren });

/**
 * Vercel AI SDK operations (`ai.operationId`, equal to the span name). The top-level calls repeat
 * the summed usage of their `do*` steps, hence `aggregatesChildren`. `generateText` / `streamText`
 * run the tool loop (step -> tool calls -> step), which is what an agent run is, so they are the
 * agent span of the trace; the object and embedding wrappers are single requests: `other`.
 */
const VERCEL_KINDS: ReadonlyMap<string, Kind> = new Map([
  ['ai.generateText', kind('agent', 'invoke_agent', true)],
  ['ai.streamText', kind('agent', 'invoke_agent', true)],
  ['ai.generateObject', kind('other', null, true)],
  ['ai.streamObject', kind('other', null, true)],
  ['ai.embed', kind('other', null, true)],
  ['ai.embedMany', kind('other', null, true)],
  ['ai.generateText.doGenerate', kind('model', 'chat')],
  ['ai.streamText.doStream', kind('model', 'chat')],
  ['ai.generateObject.doGenerate', kind('model', 'chat')],
  ['ai.streamObject.doStream', kind('model', 'chat')],
  ['ai.embed.doEmbed', kind('model', 'embeddings')],
  ['ai.embedMany.doEmbed', kind('model', 'embeddings')],
  ['ai.toolCall', kind('tool', 'execute_tool')],
]);

const OPERATION_CATEGORIES: ReadonlyMap<string, SpanCategory> = new Map([
  ['chat', 'model'],
  ['generate_content', 'model'],
  ['text_completion', 'model'],
  ['embeddings', 'model'],
  ['execute_tool', 'tool'],
  ['invoke_agent', 'agent'],
  ['create_agent', 'agent'],
  ['invoke_workflow', 'workflow'],
  ['retrieval', 'other'],
]);

const OPENINFERENCE_KINDS: ReadonlyMap<string, Kind> = new Map([
  ['LLM', kind('model', 'chat')],
  ['EMBEDDING', kind('model', 'embeddings')],
  ['TOOL', kind('tool', 'execute_tool')],
  ['AGENT', kind('agent', 'invoke_agent')],
  ['RETRIEVER', kind('other', 'retrieval')],
]);

/** `traceloop.span.kind`: a task is one step of a workflow. */
const TRACELOOP_KINDS: ReadonlyMap<string, Kind> = new Map([
  ['workflow', kind('workflow', 'invoke_workflow')],
  ['task', kind('workflow_node', null)],
  ['agent', kind('agent', 'invoke_agent')],
  ['tool', kind('tool', 'execute_tool')],
]);

/** OpenLLMetry's `llm.request.type`, used by its older releases instead of `gen_ai.operation.name`. */
const LLM_REQUEST_TYPES: ReadonlyMap<string, string> = new Map([
  ['chat', 'chat'],
  ['completion', 'text_completion'],
  ['embedding', 'embeddings'],
]);

const OPERATION_NAMES: ReadonlySet<string> = new Set(GEN_AI_OPERATIONS);
const OTHER = kind('other', null);

/**
 * Turns one span of any attribute dialect (OpenTelemetry GenAI current and deprecated, Vercel AI
 * SDK `ai.*`, OpenInference, OpenLLMetry, OpenAI Agents wrappers, agentlens' own) into the
 * {@link SpanRecord} the hub stores.
 *
 * Pure and never throws: missing or malformed attributes give null columns (token counts are never
 * NaN or negative); a span too broken to read still yields a record with its ids and attributes.
 * `attributes`, `resource`, `events` and `links` are passed through untouched (not copied).
 *
 * @example
 * const record = normalizeSpan(span, { prices: new PriceCatalog() });
 * if (!record.aggregatesChildren) totalUsd += record.costUsd ?? 0;
 */
export function normalizeSpan(span: OtlpSpan, options?: NormalizeOptions): SpanRecord {
  try {
    return normalize(span, options?.prices);
  } catch {
    return brokenSpan(span);
  }
}

function normalize(span: OtlpSpan, prices: PriceCatalog | undefined): SpanRecord {
  const a = isObject(span.attributes) ? span.attributes : EMPTY;
  const name = typeof span.name === 'string' ? span.name : '';
  const statusCode = typeof span.statusCode === 'number' ? span.statusCode : 0;

  const vercelId = readString(a, ATTR_AI_OPERATION_ID) ?? (name.startsWith('ai.') ? name : null);
  const vercel = vercelId === null ? undefined : VERCEL_KINDS.get(vercelId);
  const nameOperation = operationOfName(name);
  const explicitOperation = readString(a, ATTR_GEN_AI_OPERATION_NAME);

  let k = vercel ?? classify(a, explicitOperation, nameOperation, name);
  if (vercel !== undefined && explicitOperation !== null) {
    k = kind(vercel.category, explicitOperation, vercel.aggregatesChildren);
  }

  const inputTokens = firstCount(a, INPUT_KEYS);
  const outputTokens = firstCount(a, OUTPUT_KEYS);
  const cacheReadTokens = firstCount(a, CACHE_READ_KEYS);
  const cacheWriteTokens = firstCount(a, CACHE_WRITE_KEYS);
  const reasoningTokens = firstCount(a, REASONING_KEYS);
  const hasTokens =
    inputTokens !== null ||
    outputTokens !== null ||
    cacheReadTokens !== null ||
    cacheWriteTokens !== null ||
    reasoningTokens !== null;

  const requestModel =
    firstString(a, REQUEST_MODEL_KEYS) ?? readJsonField(a, ATTR_OI_METADATA, LANGCHAIN_LS_MODEL_NAME);
  const responseModel = firstString(a, RESPONSE_MODEL_KEYS);
  if (k === OTHER && hasTokens && (requestModel !== null || responseModel !== null)) k = kind('model', null);
  if (!k.aggregatesChildren && isOpenAiAgentsWrapper(name, span, hasTokens)) {
    k = kind(k.category, k.operation, true);
  }

  const provider = providerOf(a, vercelId !== null);
  const target = nameOperation === null ? null : nameOperation.target;

  let agentName = readString(a, ATTR_GEN_AI_AGENT_NAME) ?? readString(a, ATTR_OI_AGENT_NAME);
  if (agentName === null && k.category === 'agent') {
    agentName =
      (vercel !== undefined ? readString(a, ATTR_AI_TELEMETRY_FUNCTION_ID) : null) ??
      readString(a, ATTR_TRACELOOP_ENTITY_NAME) ??
      (nameOperation?.operation === 'invoke_agent' ? target : null);
  }
  let toolName = firstString(a, TOOL_NAME_KEYS);
  if (toolName === null && k.category === 'tool') {
    toolName =
      readString(a, ATTR_TRACELOOP_ENTITY_NAME) ??
      (nameOperation?.operation === 'execute_tool' ? target : null);
  }
  let workflowName =
    readString(a, ATTR_AGENTLENS_WORKFLOW_NAME) ?? readString(a, ATTR_TRACELOOP_WORKFLOW_NAME);
  if (workflowName === null && k.category === 'workflow' && name.startsWith(WORKFLOW_PREFIX)) {
    workflowName = name.slice(WORKFLOW_PREFIX.length).trim() || null;
  }

  // Cost: the span's own figure wins; else the catalog; else, with tokens, flagged unknown.
  let costUsd = toCount(a[ATTR_AGENTLENS_COST_USD] ?? a[ATTR_LLM_COST_TOTAL]);
  let costSource: string | null = costUsd === null ? null : 'span';
  let unpriced = false;
  if (costUsd === null) {
    const flagged = a[ATTR_AGENTLENS_COST_UNPRICED];
    if (flagged === true || flagged === 'true') {
      unpriced = true;
    } else if (hasTokens) {
      const model = responseModel ?? requestModel;
      if (prices !== undefined && model !== null) {
        const usage: TokenUsage = {};
        if (inputTokens !== null) usage.inputTokens = inputTokens;
        if (outputTokens !== null) usage.outputTokens = outputTokens;
        if (cacheReadTokens !== null) usage.cacheReadTokens = cacheReadTokens;
        if (cacheWriteTokens !== null) usage.cacheWriteTokens = cacheWriteTokens;
        if (reasoningTokens !== null) usage.reasoningTokens = reasoningTokens;
        const cost = prices.price(provider ?? '', model, usage, startDate(span.startTimeUnixNano));
        if (cost.priced) {
          costUsd = cost.usd;
          costSource = cost.provenance.dataset;
        } else {
          unpriced = true;
        }
      } else {
        unpriced = true;
      }
    }
  }

  return {
    traceId: asString(span.traceId),
    spanId: asString(span.spanId),
    parentSpanId:
      typeof span.parentSpanId === 'string' && span.parentSpanId !== '' ? span.parentSpanId : null,
    service: serviceOf(span.resource),
    name,
    kind: typeof span.kind === 'number' ? span.kind : 0,
    startTimeUnixNano: asString(span.startTimeUnixNano),
    endTimeUnixNano: asString(span.endTimeUnixNano),
    durationMs: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
    statusCode,
    statusMessage:
      typeof span.statusMessage === 'string' && span.statusMessage !== '' ? span.statusMessage : null,
    category: k.category,
    operation: k.operation,
    agentName,
    agentId: readString(a, ATTR_GEN_AI_AGENT_ID),
    conversationId: readString(a, ATTR_GEN_AI_CONVERSATION_ID) ?? readString(a, ATTR_OI_SESSION_ID),
    provider,
    requestModel,
    responseModel,
    toolName,
    toolCallId: firstString(a, TOOL_CALL_ID_KEYS),
    workflowName,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens,
    costUsd,
    unpriced,
    costSource,
    errorType: errorTypeOf(a, statusCode, span.events),
    aggregatesChildren: k.aggregatesChildren,
    attributes: a,
    resource: isObject(span.resource) ? span.resource : EMPTY,
    scope: isObject(span.scope) ? span.scope : NO_SCOPE,
    events: Array.isArray(span.events) ? span.events : [],
    links: Array.isArray(span.links) ? span.links : [],
    ...(typeof span.traceState === 'string' && span.traceState !== '' ? { traceState: span.traceState } : {}),
  };
}

const TOOL_NAME_KEYS = [ATTR_GEN_AI_TOOL_NAME, ATTR_AI_TOOL_CALL_NAME, ATTR_OI_TOOL_NAME] as const;
const TOOL_CALL_ID_KEYS = [ATTR_GEN_AI_TOOL_CALL_ID, ATTR_AI_TOOL_CALL_ID, ATTR_OI_TOOL_CALL_ID] as const;
const WORKFLOW_PREFIX = 'workflow ';
const WORKFLOW_NODE_PREFIX = 'workflow.node ';
const NO_SCOPE = Object.freeze({ name: '', version: '' });

/** Category and operation from the first dialect that says what the span is. */
function classify(
  a: Attributes,
  explicitOperation: string | null,
  nameOperation: NameOperation | null,
  name: string,
): Kind {
  if (explicitOperation !== null) {
    return kind(OPERATION_CATEGORIES.get(explicitOperation) ?? 'other', explicitOperation);
  }
  const traceloop = readString(a, ATTR_TRACELOOP_SPAN_KIND);
  const traceloopKind = traceloop === null ? undefined : TRACELOOP_KINDS.get(traceloop.toLowerCase());
  if (traceloopKind !== undefined) return traceloopKind;
  const openinference = readString(a, ATTR_OPENINFERENCE_SPAN_KIND);
  if (openinference !== null) return OPENINFERENCE_KINDS.get(openinference.toUpperCase()) ?? OTHER;
  const requestType = readString(a, ATTR_LLM_REQUEST_TYPE);
  const requestOperation = requestType === null ? undefined : LLM_REQUEST_TYPES.get(requestType);
  if (requestOperation !== undefined) return kind('model', requestOperation);
  if (name.startsWith(WORKFLOW_NODE_PREFIX) || readString(a, ATTR_AGENTLENS_WORKFLOW_NODE) !== null) {
    return kind('workflow_node', null);
  }
  if (name.startsWith(WORKFLOW_PREFIX)) return kind('workflow', 'invoke_workflow');
  if (nameOperation !== null) {
    return kind(OPERATION_CATEGORIES.get(nameOperation.operation) ?? 'other', nameOperation.operation);
  }
  return OTHER;
}

interface NameOperation {
  readonly operation: string;
  readonly target: string | null;
}

/** `{operation} {target}`, the GenAI span-name form, when the first word is a GenAI operation. */
function operationOfName(name: string): NameOperation | null {
  const space = name.indexOf(' ');
  const first = space === -1 ? name : name.slice(0, space);
  if (!OPERATION_NAMES.has(first)) return null;
  const target = space === -1 ? '' : name.slice(space + 1).trim();
  return { operation: first, target: target === '' ? null : target };
}

function providerOf(a: Attributes, vercel: boolean): string | null {
  const current = readString(a, ATTR_GEN_AI_PROVIDER_NAME);
  if (current !== null) return canonicalProvider(current);
  // ai@6 writes its own `{provider}.{api}` id into `gen_ai.system`.
  const system = readString(a, ATTR_GEN_AI_SYSTEM);
  if (system !== null) return vercel ? vercelProvider(system) : canonicalProvider(system);
  const vercelName = readString(a, ATTR_AI_MODEL_PROVIDER);
  if (vercelName !== null) return vercelProvider(vercelName);
  const other =
    readString(a, ATTR_LLM_PROVIDER) ??
    readString(a, ATTR_LLM_SYSTEM) ??
    readString(a, ATTR_TRACELOOP_LS_PROVIDER) ??
    readJsonField(a, ATTR_OI_METADATA, LANGCHAIN_LS_PROVIDER);
  return other === null ? null : canonicalProvider(other);
}

/**
 * OpenAI Agents `task` and `turn` spans repeat their children's usage. The names are generic, so
 * they count only when the scope names the Agents SDK or the span carries usage itself.
 */
function isOpenAiAgentsWrapper(name: string, span: OtlpSpan, hasTokens: boolean): boolean {
  if (name !== 'task' && name !== 'turn') return false;
  if (hasTokens) return true;
  const scope =
    isObject(span.scope) && typeof span.scope.name === 'string' ? span.scope.name.toLowerCase() : '';
  return scope.includes('openai') || scope.includes('agents');
}

function errorTypeOf(a: Attributes, statusCode: number, events: readonly OtlpSpanEvent[]): string | null {
  const declared = readString(a, ATTR_ERROR_TYPE);
  if (declared !== null) return declared;
  if (statusCode !== 2) return null;
  if (Array.isArray(events)) {
    for (const event of events) {
      if (event?.name === EVENT_EXCEPTION && isObject(event.attributes)) {
        const type = readString(event.attributes, ATTR_EXCEPTION_TYPE);
        if (type !== null) return type;
      }
    }
  }
  return ERROR_TYPE_OTHER;
}

function serviceOf(resource: Attributes | undefined): string {
  return (isObject(resource) ? readString(resource, ATTR_SERVICE_NAME) : null) ?? DEFAULT_SERVICE;
}

/** Nanosecond strings subtracted as BigInt: int64 nanoseconds do not fit a double exactly. */
function durationMs(start: unknown, end: unknown): number {
  if (typeof start !== 'string' || typeof end !== 'string') return 0;
  try {
    const ns = BigInt(end) - BigInt(start);
    return ns > 0n ? Number(ns) / 1e6 : 0;
  } catch {
    return 0;
  }
}

function startDate(start: unknown): Date | undefined {
  if (typeof start !== 'string') return undefined;
  try {
    const ms = Number(BigInt(start) / 1_000_000n);
    return ms > 0 ? new Date(ms) : undefined;
  } catch {
    return undefined;
  }
}

function isObject<T>(value: T): value is T & object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The record of a span whose shape defeated the reader: ids and raw data kept, no GenAI columns. */
function brokenSpan(span: unknown): SpanRecord {
  const s = (isObject(span) ? span : {}) as Partial<Record<keyof OtlpSpan, unknown>>;
  return {
    traceId: asString(s.traceId),
    spanId: asString(s.spanId),
    parentSpanId: typeof s.parentSpanId === 'string' && s.parentSpanId !== '' ? s.parentSpanId : null,
    service: DEFAULT_SERVICE,
    name: asString(s.name),
    kind: typeof s.kind === 'number' ? s.kind : 0,
    startTimeUnixNano: asString(s.startTimeUnixNano),
    endTimeUnixNano: asString(s.endTimeUnixNano),
    durationMs: 0,
    statusCode: typeof s.statusCode === 'number' ? s.statusCode : 0,
    statusMessage: null,
    ...NO_GENAI_COLUMNS,
    attributes: isObject(s.attributes) ? (s.attributes as Attributes) : EMPTY,
    resource: isObject(s.resource) ? (s.resource as Attributes) : EMPTY,
    scope: NO_SCOPE,
    events: [],
    links: [],
  };
}

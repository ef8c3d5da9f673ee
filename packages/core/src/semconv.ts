/**
 * Every OpenTelemetry semantic-convention name agentlens reads or writes, in one place, so that a
 * change of the (still Development-status) GenAI conventions is a one-file change.
 *
 * Attribute keys keep their dotted OpenTelemetry form here; the Prometheus label derived from one
 * replaces the dots with underscores (see {@link toPrometheusLabel}).
 */

/** GenAI attribute keys (open-telemetry/semantic-conventions-genai). */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated predecessor of `gen_ai.provider.name`, still emitted by many instrumentations. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
/** Opt-in content attributes (JSON text), captured only with `captureContent`. */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_ERROR_TYPE = 'error.type';

/** agentlens' own attributes, where the conventions have no name. */
export const ATTR_AGENTLENS_WORKFLOW_NAME = 'agentlens.workflow.name';
export const ATTR_AGENTLENS_WORKFLOW_NODE = 'agentlens.workflow.node';
export const ATTR_AGENTLENS_OPERATION_NAME = 'agentlens.operation.name';
export const ATTR_AGENTLENS_COST_USD = 'agentlens.cost.usd';
/** True when no price is known for the model: the cost is unknown, not zero. */
export const ATTR_AGENTLENS_COST_UNPRICED = 'agentlens.cost.unpriced';
/** The price entry behind `agentlens.cost.usd` (`openai/gpt-4o`) and where it came from. */
export const ATTR_AGENTLENS_COST_PRICE_ENTRY = 'agentlens.cost.price_entry';
export const ATTR_AGENTLENS_COST_SOURCE = 'agentlens.cost.source';
export const ATTR_AGENTLENS_COST_DATASET = 'agentlens.cost.dataset';
export const ATTR_AGENTLENS_COST_DATASET_DATE = 'agentlens.cost.dataset_date';
/** Seconds from the start of a streamed model call to its first chunk. */
export const ATTR_AGENTLENS_TIME_TO_FIRST_CHUNK = 'agentlens.response.time_to_first_chunk';

/** Span names of the GenAI conventions: `{operation} {target}`. */
export function genAiSpanName(operation: string, target: string | undefined): string {
  return target ? `${operation} ${target}` : operation;
}

/** Values of `gen_ai.token.type` defined by the conventions. */
export const GEN_AI_TOKEN_TYPE_INPUT = 'input';
export const GEN_AI_TOKEN_TYPE_OUTPUT = 'output';

/** Operation names of `gen_ai.operation.name`. */
export const GEN_AI_OPERATIONS = [
  'chat',
  'generate_content',
  'text_completion',
  'embeddings',
  'retrieval',
  'execute_tool',
  'create_agent',
  'invoke_agent',
  'invoke_workflow',
] as const;
export type GenAiOperationName = (typeof GEN_AI_OPERATIONS)[number];

/**
 * The Prometheus label name for an OpenTelemetry attribute key, as the OpenTelemetry-to-Prometheus
 * translation does it: every character outside `[a-zA-Z0-9_]` becomes `_`.
 */
export function toPrometheusLabel(attributeKey: string): string {
  return attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Resource and exception keys of the general OpenTelemetry conventions. */
export const ATTR_SERVICE_NAME = 'service.name';
export const EVENT_EXCEPTION = 'exception';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
/** Value of `error.type` when an error has no better name. */
export const ERROR_TYPE_OTHER = '_OTHER';

/** Deprecated GenAI usage names, still emitted (older OpenLLMetry, older OTel instrumentations). */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_read_input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_creation_input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_TOKENS_OLD = 'gen_ai.usage.reasoning_tokens';

/** Vercel AI SDK (`ai`) span names and attributes, as ai@6 emits them. */
export const ATTR_AI_OPERATION_ID = 'ai.operationId';
export const ATTR_AI_MODEL_PROVIDER = 'ai.model.provider';
export const ATTR_AI_MODEL_ID = 'ai.model.id';
export const ATTR_AI_RESPONSE_MODEL = 'ai.response.model';
export const ATTR_AI_TELEMETRY_FUNCTION_ID = 'ai.telemetry.functionId';
export const ATTR_AI_TOOL_CALL_NAME = 'ai.toolCall.name';
export const ATTR_AI_TOOL_CALL_ID = 'ai.toolCall.id';
export const ATTR_AI_USAGE_INPUT_TOKENS = 'ai.usage.inputTokens';
export const ATTR_AI_USAGE_OUTPUT_TOKENS = 'ai.usage.outputTokens';
/** Names of ai@4 and earlier. */
export const ATTR_AI_USAGE_PROMPT_TOKENS = 'ai.usage.promptTokens';
export const ATTR_AI_USAGE_COMPLETION_TOKENS = 'ai.usage.completionTokens';
/** Embedding calls (`ai.embed`, `ai.embedMany`) report one count. */
export const ATTR_AI_USAGE_TOKENS = 'ai.usage.tokens';
export const ATTR_AI_USAGE_CACHED_INPUT_TOKENS = 'ai.usage.cachedInputTokens';
export const ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS = 'ai.usage.inputTokenDetails.cacheReadTokens';
export const ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS = 'ai.usage.inputTokenDetails.cacheWriteTokens';
export const ATTR_AI_USAGE_REASONING_TOKENS = 'ai.usage.reasoningTokens';
export const ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS = 'ai.usage.outputTokenDetails.reasoningTokens';

/** OpenInference (Arize Phoenix) attributes. */
export const ATTR_OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
export const ATTR_LLM_MODEL_NAME = 'llm.model_name';
export const ATTR_LLM_REQUEST_MODEL_NAME = 'llm.request.model_name';
export const ATTR_LLM_RESPONSE_MODEL_NAME = 'llm.response.model_name';
export const ATTR_LLM_PROVIDER = 'llm.provider';
export const ATTR_LLM_SYSTEM = 'llm.system';
export const ATTR_LLM_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const ATTR_LLM_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const ATTR_LLM_TOKEN_COUNT_TOTAL = 'llm.token_count.total';
export const ATTR_LLM_TOKEN_COUNT_CACHE_READ = 'llm.token_count.prompt_details.cache_read';
export const ATTR_LLM_TOKEN_COUNT_CACHE_WRITE = 'llm.token_count.prompt_details.cache_write';
export const ATTR_LLM_TOKEN_COUNT_REASONING = 'llm.token_count.completion_details.reasoning';
export const ATTR_EMBEDDING_MODEL_NAME = 'embedding.model_name';
export const ATTR_OI_TOOL_NAME = 'tool.name';
export const ATTR_OI_TOOL_CALL_ID = 'tool_call.id';
export const ATTR_OI_AGENT_NAME = 'agent.name';
export const ATTR_OI_SESSION_ID = 'session.id';
/** JSON text; LangChain puts `ls_provider` / `ls_model_name` here. */
export const ATTR_OI_METADATA = 'metadata';

/** OpenLLMetry (Traceloop) attributes. */
export const ATTR_TRACELOOP_SPAN_KIND = 'traceloop.span.kind';
export const ATTR_TRACELOOP_ENTITY_NAME = 'traceloop.entity.name';
export const ATTR_TRACELOOP_WORKFLOW_NAME = 'traceloop.workflow.name';
export const ATTR_TRACELOOP_LS_PROVIDER = 'traceloop.association.properties.ls_provider';
export const ATTR_TRACELOOP_LS_MODEL_NAME = 'traceloop.association.properties.ls_model_name';
export const ATTR_LLM_REQUEST_TYPE = 'llm.request.type';
export const ATTR_LLM_USAGE_TOTAL_TOKENS = 'llm.usage.total_tokens';
export const ATTR_LLM_IS_STREAMING = 'llm.is_streaming';

/** LangChain's provider and model, found inside metadata JSON. */
export const LANGCHAIN_LS_PROVIDER = 'ls_provider';
export const LANGCHAIN_LS_MODEL_NAME = 'ls_model_name';
/** OpenInference: a cost computed by the instrumentation itself, in USD. */
export const ATTR_LLM_COST_TOTAL = 'llm.cost.total';

/**
 * Attributes whose value the normalizer lifts into a `SpanRecord` column under the same meaning,
 * paired with that column. A store may keep such an attribute only in its column when the two are
 * identical (same value, same JSON type) and put it back on read, which saves about half of a
 * typical GenAI span's attribute bytes. APPEND ONLY: a store records the positions it elided.
 */
export const PROMOTED_ATTRIBUTES = [
  [ATTR_GEN_AI_OPERATION_NAME, 'operation'],
  [ATTR_GEN_AI_AGENT_NAME, 'agentName'],
  [ATTR_GEN_AI_AGENT_ID, 'agentId'],
  [ATTR_GEN_AI_CONVERSATION_ID, 'conversationId'],
  [ATTR_GEN_AI_PROVIDER_NAME, 'provider'],
  [ATTR_GEN_AI_REQUEST_MODEL, 'requestModel'],
  [ATTR_GEN_AI_RESPONSE_MODEL, 'responseModel'],
  [ATTR_GEN_AI_TOOL_NAME, 'toolName'],
  [ATTR_GEN_AI_TOOL_CALL_ID, 'toolCallId'],
  [ATTR_GEN_AI_USAGE_INPUT_TOKENS, 'inputTokens'],
  [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, 'outputTokens'],
  [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 'cacheReadTokens'],
  [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 'cacheWriteTokens'],
  [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 'reasoningTokens'],
  [ATTR_ERROR_TYPE, 'errorType'],
  [ATTR_AGENTLENS_WORKFLOW_NAME, 'workflowName'],
] as const;

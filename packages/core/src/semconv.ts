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

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
export const ATTR_ERROR_TYPE = 'error.type';

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

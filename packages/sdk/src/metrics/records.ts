/**
 * What each recording function takes. Durations are seconds, as the metric names say; tokens are
 * counts; cost is US dollars. A negative or non-finite number, an empty name or an unknown status
 * makes the whole record invalid: it is dropped (nothing is half-recorded), counted in
 * `agentlens_sdk_invalid_records_total`, and reported (or thrown, with `onInvalidRecord: 'throw'`).
 */

export interface AgentRequestRecord {
  agentName: string;
  success: boolean;
  /** Seconds from the request's start to its final answer. */
  responseTime: number;
  /** Tokens the request consumed, all models together. */
  tokens?: number;
  /** US dollars the request cost. */
  cost?: number;
  /** For a failure: the error's type (`TimeoutError`, `RateLimitError`, ...). Default `unknown`. */
  errorType?: string;
}

/** How an agent request started with `startAgentRequest` ended. */
export interface AgentRequestOutcome {
  success: boolean;
  tokens?: number;
  cost?: number;
  errorType?: string;
}

export interface ToolUsageRecord {
  toolName: string;
  /** The agent that called the tool, if any. */
  agentName?: string;
  success: boolean;
  /** Seconds the tool ran. */
  executionTime: number;
  /** For a failure: what went wrong; kept in the tool's recent failures. */
  errorMessage?: string;
}

export const MODEL_CALL_STATUSES = ['success', 'error', 'timeout', 'rate_limited', 'cancelled'] as const;
export type ModelCallStatus = (typeof MODEL_CALL_STATUSES)[number];

export interface ModelCallRecord {
  /** `gen_ai.provider.name`: `openai`, `anthropic`, `aws.bedrock`, ... */
  provider: string;
  /** The requested model (`gen_ai.request.model`). */
  model: string;
  status: ModelCallStatus;
  /** Seconds the call took. */
  duration: number;
  /** All input tokens, cached ones included, as the GenAI conventions count them. */
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens read from the provider's prompt cache (a subset of `inputTokens`). */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (a subset of `inputTokens`). */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning (a subset of `outputTokens`). */
  reasoningTokens?: number;
  /** US dollars; omit when unknown: the call is then counted as unpriced, never as $0. */
  cost?: number;
  /** `gen_ai.operation.name`. Default `chat`. */
  operation?: string;
  /** The model that answered (`gen_ai.response.model`), when it differs from `model`. */
  responseModel?: string;
  /** For a failed call: the error type (`error.type`). Default: the status. */
  errorType?: string;
}

export interface ErrorRecord {
  /** Where it happened: `DataProcessor`, `ChatAgent`, `vector-store`. */
  component: string;
  errorType: string;
  errorMessage: string;
  /** Anything that helps; secret-looking keys are redacted and values are truncated. */
  context?: Record<string, unknown>;
}

export const WORKFLOW_STATUSES = ['success', 'error', 'timeout'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export interface WorkflowExecutionRecord {
  workflowName: string;
  status: WorkflowStatus;
  /** Seconds the workflow ran. */
  duration: number;
}

export interface WorkflowNodeRecord {
  workflowName: string;
  nodeName: string;
  status: WorkflowStatus;
  /** Seconds the node ran, if measured. */
  duration?: number;
}

export interface ErrorRecoveryRecord {
  /** `retry`, `exponential_backoff`, `fallback_model`, ... */
  strategy: string;
  /** Whether this attempt recovered. */
  recovered: boolean;
}

export interface HumanReviewRequestRecord {
  workflowName: string;
  reason: string;
}

export interface HumanReviewCompletionRecord {
  workflowName: string;
  /** `approved`, `rejected`, `edited`, ... */
  decision: string;
  /** Seconds from the request to the decision. */
  duration: number;
}

export interface RoutingDecisionRecord {
  route: string;
  /** Between 0 and 1. */
  confidence: number;
}

export const CACHE_OPERATIONS = ['get', 'set', 'delete'] as const;
export const CACHE_RESULTS = ['hit', 'miss', 'ok', 'error'] as const;

export interface CacheOperationRecord {
  cacheName: string;
  operation: (typeof CACHE_OPERATIONS)[number];
  /** `hit` / `miss` for a `get`; `ok` / `error` otherwise. */
  result: (typeof CACHE_RESULTS)[number];
  /** Seconds the operation took, if measured. */
  duration?: number;
}

export interface HttpRequestRecord {
  method: string;
  /** The route template (`/users/:id`), never the raw path: raw paths explode cardinality. */
  route: string;
  /** HTTP status code. */
  status: number;
  /** Seconds from the request's arrival to the end of the response. */
  duration: number;
}

export interface DbQueryRecord {
  /** `postgresql`, `sqlite`, `redis`, ... (the OpenTelemetry `db.system.name` values). */
  dbSystem: string;
  /** A bounded kind of query: `select`, `user_by_id`, never the SQL text. */
  queryType: string;
  success: boolean;
  /** Seconds the query took. */
  duration: number;
  /** For a failure: the error type. Default `unknown`. */
  errorType?: string;
}

export interface VectorStoreOperationRecord {
  store: string;
  operation: string;
  success: boolean;
  /** Seconds the operation took, if measured. */
  duration?: number;
}

export interface WebSocketMessageRecord {
  direction: 'inbound' | 'outbound';
  messageType: string;
}

export type SecurityEventRecord =
  | { type: 'failed_login'; reason: string }
  | { type: 'suspicious_request'; reason: string };

export interface ConversationEndRecord {
  agentName: string;
  /** Messages exchanged in the conversation. */
  messages: number;
}

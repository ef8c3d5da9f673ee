import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  toPrometheusLabel,
} from './semconv.js';

/** The three Prometheus metric types agentlens emits. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** The groups the catalog is organised in; `docs/metrics.md` has one section per group. */
export type MetricGroup =
  | 'agents'
  | 'tools'
  | 'models'
  | 'genai'
  | 'errors'
  | 'workflows'
  | 'cache'
  | 'http'
  | 'database'
  | 'vector_store'
  | 'websocket'
  | 'security'
  | 'sessions'
  | 'instrumentation';

/**
 * One metric agentlens knows. `name` is the name without the user's prefix; `labelNames` is the
 * fixed label set (no other label is ever attached, apart from the registry's default labels).
 */
export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Upper bounds of the histogram buckets, ascending, without `+Inf`. Histograms only. */
  readonly buckets?: readonly number[];
  /** The base unit as Prometheus names it (`seconds`, `bytes`, `usd`, `tokens`, `ratio`), if any. */
  readonly unit?: string;
  readonly group: MetricGroup;
}

/** Request and agent latencies: tens of milliseconds to minutes, as agent runs take. */
export const AGENT_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;
/** Tool calls: from a cache hit to a slow web search. */
export const TOOL_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
/** HTTP, cache and database latencies: the Prometheus client default buckets. */
export const FAST_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** `gen_ai.client.operation.duration` explicit bucket boundaries from the GenAI conventions. */
export const GEN_AI_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
/** `gen_ai.client.token.usage` explicit bucket boundaries from the GenAI conventions. */
export const GEN_AI_TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/** Human reviews take seconds to a day. */
export const HUMAN_REVIEW_DURATION_BUCKETS = [10, 30, 60, 300, 900, 1800, 3600, 14400, 43200, 86400] as const;
export const CONVERSATION_LENGTH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200] as const;
export const RATIO_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1] as const;

const GEN_AI_OPERATION = toPrometheusLabel(ATTR_GEN_AI_OPERATION_NAME);
const GEN_AI_PROVIDER = toPrometheusLabel(ATTR_GEN_AI_PROVIDER_NAME);
const GEN_AI_REQUEST_MODEL = toPrometheusLabel(ATTR_GEN_AI_REQUEST_MODEL);
const GEN_AI_RESPONSE_MODEL = toPrometheusLabel(ATTR_GEN_AI_RESPONSE_MODEL);
const GEN_AI_TOKEN_TYPE = toPrometheusLabel(ATTR_GEN_AI_TOKEN_TYPE);
const ERROR_TYPE = toPrometheusLabel(ATTR_ERROR_TYPE);

/**
 * Every metric agentlens knows, keyed by the name the SDK uses for it. The SDK, the generated
 * Grafana dashboards and alert rules, and `docs/metrics.md` all read this one table.
 */
export const METRIC_CATALOG = {
  // Agents (JAF, Ajentik, ToolboxAI guides)
  agentRequests: {
    name: 'agent_requests_total',
    type: 'counter',
    help: 'Agent requests (runs) completed, by agent and outcome.',
    labelNames: ['agent_name', 'status'],
    group: 'agents',
  },
  agentRequestDuration: {
    name: 'agent_request_duration_seconds',
    type: 'histogram',
    help: 'Wall-clock duration of an agent request, from start to final answer.',
    labelNames: ['agent_name'],
    buckets: AGENT_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'agents',
  },
  agentErrors: {
    name: 'agent_errors_total',
    type: 'counter',
    help: 'Agent requests that failed, by agent and error type.',
    labelNames: ['agent_name', 'error_type'],
    group: 'agents',
  },
  agentTokens: {
    name: 'agent_tokens_total',
    type: 'counter',
    help: 'Tokens consumed by agent requests, as reported by the agent.',
    labelNames: ['agent_name'],
    unit: 'tokens',
    group: 'agents',
  },
  agentCost: {
    name: 'agent_cost_usd_total',
    type: 'counter',
    help: 'Cost of agent requests in US dollars.',
    labelNames: ['agent_name'],
    unit: 'usd',
    group: 'agents',
  },
  agentRequestsInFlight: {
    name: 'agent_requests_in_flight',
    type: 'gauge',
    help: 'Agent requests started and not yet finished.',
    labelNames: ['agent_name'],
    group: 'agents',
  },
  activeConversations: {
    name: 'active_conversations',
    type: 'gauge',
    help: 'Conversations currently open.',
    labelNames: [],
    group: 'agents',
  },
  conversationLength: {
    name: 'conversation_length_messages',
    type: 'histogram',
    help: 'Messages per finished conversation.',
    labelNames: ['agent_name'],
    buckets: CONVERSATION_LENGTH_BUCKETS,
    unit: 'messages',
    group: 'agents',
  },

  // Tools
  toolExecutions: {
    name: 'tool_executions_total',
    type: 'counter',
    help: 'Tool calls completed, by tool, calling agent and outcome.',
    labelNames: ['tool_name', 'agent_name', 'status'],
    group: 'tools',
  },
  toolExecutionDuration: {
    name: 'tool_execution_duration_seconds',
    type: 'histogram',
    help: 'Duration of a tool call.',
    labelNames: ['tool_name'],
    buckets: TOOL_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'tools',
  },

  // Models
  modelCalls: {
    name: 'model_calls_total',
    type: 'counter',
    help: 'Model API calls, by provider, model and outcome.',
    labelNames: ['provider', 'model', 'status'],
    group: 'models',
  },
  modelCallDuration: {
    name: 'model_call_duration_seconds',
    type: 'histogram',
    help: 'Duration of a model API call.',
    labelNames: ['provider', 'model'],
    buckets: GEN_AI_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'models',
  },
  modelTokens: {
    name: 'model_tokens_total',
    type: 'counter',
    help: 'Tokens used by model calls, by type: input (all input tokens, cached ones included, as the GenAI conventions count them), output, and the subsets cache_read, cache_write and reasoning.',
    labelNames: ['provider', 'model', 'type'],
    unit: 'tokens',
    group: 'models',
  },
  modelCost: {
    name: 'model_cost_usd_total',
    type: 'counter',
    help: 'Cost of model calls in US dollars.',
    labelNames: ['provider', 'model'],
    unit: 'usd',
    group: 'models',
  },
  modelCallsUnpriced: {
    name: 'model_calls_unpriced_total',
    type: 'counter',
    help: 'Model calls with no known price: their cost is unknown, not zero.',
    labelNames: ['provider', 'model'],
    group: 'models',
  },

  // OpenTelemetry GenAI client metrics, named as the OpenTelemetry-to-Prometheus translation names them
  genAiClientTokenUsage: {
    name: 'gen_ai_client_token_usage',
    type: 'histogram',
    help: 'Number of input and output tokens used per GenAI operation (gen_ai.client.token.usage).',
    labelNames: [
      GEN_AI_OPERATION,
      GEN_AI_PROVIDER,
      GEN_AI_REQUEST_MODEL,
      GEN_AI_RESPONSE_MODEL,
      GEN_AI_TOKEN_TYPE,
    ],
    buckets: GEN_AI_TOKEN_BUCKETS,
    unit: 'tokens',
    group: 'genai',
  },
  genAiClientOperationDuration: {
    name: 'gen_ai_client_operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of a GenAI client operation (gen_ai.client.operation.duration).',
    labelNames: [GEN_AI_OPERATION, GEN_AI_PROVIDER, GEN_AI_REQUEST_MODEL, GEN_AI_RESPONSE_MODEL, ERROR_TYPE],
    buckets: GEN_AI_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'genai',
  },

  // Errors of any component
  errors: {
    name: 'errors_total',
    type: 'counter',
    help: 'Errors recorded by the application, by component and error type.',
    labelNames: ['component', 'error_type'],
    group: 'errors',
  },

  // Workflows (MegaAgent guide)
  workflowExecutions: {
    name: 'workflow_executions_total',
    type: 'counter',
    help: 'Workflow executions completed, by workflow and outcome (success, error, timeout).',
    labelNames: ['workflow_name', 'status'],
    group: 'workflows',
  },
  workflowDuration: {
    name: 'workflow_duration_seconds',
    type: 'histogram',
    help: 'Duration of a workflow execution.',
    labelNames: ['workflow_name'],
    buckets: AGENT_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'workflows',
  },
  workflowNodesExecuted: {
    name: 'workflow_nodes_executed_total',
    type: 'counter',
    help: 'Workflow nodes executed, by workflow, node and outcome.',
    labelNames: ['workflow_name', 'node_name', 'status'],
    group: 'workflows',
  },
  workflowNodeDuration: {
    name: 'workflow_node_duration_seconds',
    type: 'histogram',
    help: 'Duration of a workflow node.',
    labelNames: ['workflow_name', 'node_name'],
    buckets: AGENT_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'workflows',
  },
  errorRecoveryAttempts: {
    name: 'workflow_error_recovery_attempts_total',
    type: 'counter',
    help: 'Error-recovery attempts, by strategy (retry, exponential_backoff, fallback_model, ...).',
    labelNames: ['strategy'],
    group: 'workflows',
  },
  errorRecoverySuccesses: {
    name: 'workflow_error_recovery_success_total',
    type: 'counter',
    help: 'Error-recovery attempts that recovered, by strategy.',
    labelNames: ['strategy'],
    group: 'workflows',
  },
  humanReviewsRequested: {
    name: 'workflow_human_reviews_requested_total',
    type: 'counter',
    help: 'Human reviews requested, by workflow and reason.',
    labelNames: ['workflow_name', 'reason'],
    group: 'workflows',
  },
  humanReviewsPending: {
    name: 'workflow_human_reviews_pending',
    type: 'gauge',
    help: 'Human reviews requested and not yet completed.',
    labelNames: [],
    group: 'workflows',
  },
  humanReviewsCompleted: {
    name: 'workflow_human_reviews_completed_total',
    type: 'counter',
    help: 'Human reviews completed, by workflow and decision.',
    labelNames: ['workflow_name', 'decision'],
    group: 'workflows',
  },
  humanReviewDuration: {
    name: 'workflow_human_review_duration_seconds',
    type: 'histogram',
    help: 'Time from a human review request to its decision.',
    labelNames: ['workflow_name'],
    buckets: HUMAN_REVIEW_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'workflows',
  },
  routingDecisions: {
    name: 'workflow_routing_decisions_total',
    type: 'counter',
    help: 'Routing decisions, by route taken.',
    labelNames: ['route'],
    group: 'workflows',
  },
  routingConfidence: {
    name: 'workflow_routing_confidence_ratio',
    type: 'histogram',
    help: 'Confidence of routing decisions, between 0 and 1.',
    labelNames: ['route'],
    buckets: RATIO_BUCKETS,
    unit: 'ratio',
    group: 'workflows',
  },

  // Cache
  cacheHits: {
    name: 'cache_hits_total',
    type: 'counter',
    help: 'Cache lookups that hit, by cache.',
    labelNames: ['cache_name'],
    group: 'cache',
  },
  cacheMisses: {
    name: 'cache_misses_total',
    type: 'counter',
    help: 'Cache lookups that missed, by cache.',
    labelNames: ['cache_name'],
    group: 'cache',
  },
  cacheOperationDuration: {
    name: 'cache_operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of a cache operation, by cache, operation (get, set, delete) and result (hit, miss, ok, error).',
    labelNames: ['cache_name', 'operation', 'result'],
    buckets: FAST_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'cache',
  },

  // HTTP API
  httpRequests: {
    name: 'http_requests_total',
    type: 'counter',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    group: 'http',
  },
  httpRequestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of an HTTP request, by method and route template.',
    labelNames: ['method', 'route'],
    buckets: FAST_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'http',
  },
  httpRequestsInFlight: {
    name: 'http_requests_in_flight',
    type: 'gauge',
    help: 'HTTP requests being served.',
    labelNames: [],
    group: 'http',
  },
  rateLimitRejections: {
    name: 'rate_limit_rejections_total',
    type: 'counter',
    help: 'Requests rejected by a rate limiter, by limiter.',
    labelNames: ['limiter'],
    group: 'http',
  },

  // Database
  dbQueries: {
    name: 'db_queries_total',
    type: 'counter',
    help: 'Database queries, by database system, query type and outcome.',
    labelNames: ['db_system', 'query_type', 'status'],
    group: 'database',
  },
  dbQueryDuration: {
    name: 'db_query_duration_seconds',
    type: 'histogram',
    help: 'Duration of a database query, by database system and query type.',
    labelNames: ['db_system', 'query_type'],
    buckets: FAST_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'database',
  },
  dbConnections: {
    name: 'db_connections',
    type: 'gauge',
    help: 'Database connections, by database system and state (active, idle, max).',
    labelNames: ['db_system', 'state'],
    group: 'database',
  },
  dbErrors: {
    name: 'db_errors_total',
    type: 'counter',
    help: 'Database errors, by database system and error type.',
    labelNames: ['db_system', 'error_type'],
    group: 'database',
  },

  // Vector store
  vectorStoreOperations: {
    name: 'vector_store_operations_total',
    type: 'counter',
    help: 'Vector-store operations, by store, operation (query, upsert, delete) and outcome.',
    labelNames: ['store', 'operation', 'status'],
    group: 'vector_store',
  },
  vectorStoreOperationDuration: {
    name: 'vector_store_operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of a vector-store operation.',
    labelNames: ['store', 'operation'],
    buckets: FAST_DURATION_BUCKETS,
    unit: 'seconds',
    group: 'vector_store',
  },

  // WebSocket
  websocketConnections: {
    name: 'websocket_connections_active',
    type: 'gauge',
    help: 'Open WebSocket connections.',
    labelNames: [],
    group: 'websocket',
  },
  websocketMessages: {
    name: 'websocket_messages_total',
    type: 'counter',
    help: 'WebSocket messages, by direction (inbound, outbound) and message type.',
    labelNames: ['direction', 'message_type'],
    group: 'websocket',
  },

  // Security
  authFailedAttempts: {
    name: 'auth_failed_attempts_total',
    type: 'counter',
    help: 'Failed login attempts, by reason. Never labelled by user or address (cardinality).',
    labelNames: ['reason'],
    group: 'security',
  },
  suspiciousRequests: {
    name: 'suspicious_requests_total',
    type: 'counter',
    help: 'Requests flagged as suspicious, by type.',
    labelNames: ['type'],
    group: 'security',
  },

  // Sessions and connections
  activeSessions: {
    name: 'active_sessions',
    type: 'gauge',
    help: 'User sessions currently active.',
    labelNames: [],
    group: 'sessions',
  },
  activeConnections: {
    name: 'active_connections',
    type: 'gauge',
    help: 'Open connections, by connection type.',
    labelNames: ['connection_type'],
    group: 'sessions',
  },

  // The instrumentation's own health
  sdkInvalidRecords: {
    name: 'agentlens_sdk_invalid_records_total',
    type: 'counter',
    help: 'Recordings the SDK rejected because of a bad value (negative or NaN duration, unknown status).',
    labelNames: ['function'],
    group: 'instrumentation',
  },
  sdkSeriesOverflow: {
    name: 'agentlens_sdk_series_overflow_total',
    type: 'counter',
    help: 'Recordings folded into the __overflow__ series because a metric reached its series cap.',
    labelNames: ['metric'],
    group: 'instrumentation',
  },
} as const satisfies Record<string, MetricDefinition>;

/**
 * Process metrics prom-client's `collectDefaultMetrics` exposes as gauges named `_total`, which
 * Prometheus' naming rules (and `promtool check metrics`) reject. They add nothing to the
 * per-type gauges `nodejs_active_handles` / `_requests` / `_resources`, whose sum gives the same
 * figure, so every agentlens registry removes them.
 */
export const MISNAMED_PROCESS_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/** The SDK's name for a catalog entry. */
export type MetricKey = keyof typeof METRIC_CATALOG;

/** All catalog entries, in catalog order. */
export const METRIC_DEFINITIONS: readonly (MetricDefinition & { readonly key: MetricKey })[] = Object.entries(
  METRIC_CATALOG,
).map(([key, def]) => ({ key: key as MetricKey, ...def }));

/** The label value every series past a metric's cap folds into. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether `prefix` may stand in front of every metric name (`""`, `jaf_`, `mega_agent_`). */
export function isValidMetricPrefix(prefix: string): boolean {
  return prefix === '' || (METRIC_NAME_RE.test(prefix) && !prefix.startsWith('__'));
}

/** Whether `name` is a valid Prometheus label name that users may set (not reserved `__`). */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name) && !name.startsWith('__');
}

/** The exposed name of a catalog entry under a prefix. */
export function prefixedMetricName(definition: MetricDefinition, prefix: string): string {
  return `${prefix}${definition.name}`;
}

/**
 * The Prometheus naming rules each catalog entry must meet; returns the broken rules (empty when
 * the entry is well named). Used by the catalog's own test and by `createAgentlens` for user
 * prefixes.
 */
export function namingProblems(definition: MetricDefinition): string[] {
  const problems: string[] = [];
  const { name, type, labelNames, unit, buckets } = definition;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) problems.push(`${name}: not snake_case`);
  if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter without _total`);
  if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: _total on a ${type}`);
  if (/_(bucket|count|sum|created)$/.test(name)) problems.push(`${name}: reserved suffix`);
  if (/(millis|milliseconds|_ms$|percent|kilobytes|megabytes)/.test(name))
    problems.push(`${name}: not a base unit`);
  if (unit !== undefined && unit !== 'tokens' && unit !== 'messages' && !name.includes(`_${unit}`)) {
    problems.push(`${name}: unit ${unit} missing from the name`);
  }
  for (const label of labelNames) {
    if (!isValidLabelName(label)) problems.push(`${name}: bad label ${label}`);
    if (label === 'le' || label === 'quantile') problems.push(`${name}: reserved label ${label}`);
  }
  if (new Set(labelNames).size !== labelNames.length) problems.push(`${name}: duplicate label`);
  if (type === 'histogram') {
    if (!buckets || buckets.length === 0) problems.push(`${name}: histogram without buckets`);
    else if (buckets.some((b, i) => i > 0 && b <= (buckets[i - 1] as number))) {
      problems.push(`${name}: buckets not strictly ascending`);
    }
  } else if (buckets) problems.push(`${name}: buckets on a ${type}`);
  if (!definition.help.trim()) problems.push(`${name}: no help text`);
  return problems;
}

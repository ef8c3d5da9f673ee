export type { MetricDefinition, MetricGroup, MetricKey, MetricType } from './catalog.js';
export {
  AGENT_DURATION_BUCKETS,
  CONVERSATION_LENGTH_BUCKETS,
  FAST_DURATION_BUCKETS,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  HUMAN_REVIEW_DURATION_BUCKETS,
  isValidLabelName,
  isValidMetricPrefix,
  METRIC_CATALOG,
  METRIC_DEFINITIONS,
  namingProblems,
  OVERFLOW_LABEL_VALUE,
  prefixedMetricName,
  RATIO_BUCKETS,
  TOOL_DURATION_BUCKETS,
} from './catalog.js';
export type { LatencyHistogramData } from './latency-histogram.js';
export {
  LATENCY_BUCKET_COUNT,
  LATENCY_MAX_VALUE,
  LATENCY_MIN_VALUE,
  LATENCY_RELATIVE_ACCURACY,
  LatencyHistogram,
} from './latency-histogram.js';
export { renderMetricsReference } from './metrics-reference.js';
export type {
  AgentStats,
  ErrorEntry,
  Failure,
  HealthStatus,
  ModelStats,
  Overview,
  Report,
  SystemHealth,
  ToolStats,
} from './report.js';
export {
  AgentStatsSchema,
  ErrorEntrySchema,
  FailureSchema,
  HealthStatusSchema,
  ModelStatsSchema,
  OverviewSchema,
  REPORT_SCHEMA_ID,
  ReportSchema,
  SystemHealthSchema,
  ToolStatsSchema,
} from './report.js';
export { seededRandom } from './seeded-random.js';
export type { GenAiOperationName } from './semconv.js';
export {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  GEN_AI_OPERATIONS,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  toPrometheusLabel,
} from './semconv.js';

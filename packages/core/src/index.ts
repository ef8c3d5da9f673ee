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
  MISNAMED_PROCESS_METRICS,
  namingProblems,
  OVERFLOW_LABEL_VALUE,
  prefixedMetricName,
  RATIO_BUCKETS,
  TOOL_DURATION_BUCKETS,
} from './catalog.js';
export type {
  CostBreakdown,
  CostResult,
  PriceCatalogOptions,
  PriceOverride,
  PriceProvenance,
  TokenUsage,
} from './cost/index.js';
export {
  datasetProviderId,
  GENAI_PRICES_DATASET,
  GENAI_PRICES_DATE,
  GENAI_PRICES_VERSION,
  PRICE_CACHE_MAX_ENTRIES,
  PROVIDER_ALIASES,
  PriceCatalog,
  parsePriceOverrides,
} from './cost/index.js';
export type { CpuReading } from './cpu-utilization.js';
export { CpuUtilization } from './cpu-utilization.js';
export type { HealthFigures, HealthThresholds, HealthVerdict } from './health-rules.js';
export { DEFAULT_HEALTH_THRESHOLDS, evaluateHealth } from './health-rules.js';
export type { HubMetricKey } from './hub-catalog.js';
export { HUB_METRIC_CATALOG, STORE_WRITE_BUCKETS } from './hub-catalog.js';
export type { LatencyHistogramData } from './latency-histogram.js';
export {
  LATENCY_BUCKET_COUNT,
  LATENCY_MAX_VALUE,
  LATENCY_MIN_VALUE,
  LATENCY_RELATIVE_ACCURACY,
  LatencyHistogram,
} from './latency-histogram.js';
export { renderMetricsReference } from './metrics-reference.js';
export type { NormalizeOptions } from './normalize/index.js';
export { normalizeSpan } from './normalize/index.js';
export type { Redactor, RedactorOptions } from './redaction/index.js';
export {
  createRedactor,
  DEFAULT_REPLACEMENT,
  DEFAULT_SECRET_KEYS,
  DEFAULT_SECRET_PATTERNS,
} from './redaction/index.js';
export type {
  AgentStats,
  Budget,
  ErrorEntry,
  ExporterStateReport,
  Failure,
  HealthStatus,
  Instrumentation,
  ModelStats,
  Overview,
  Report,
  SystemHealth,
  ToolStats,
} from './report.js';
export {
  AgentStatsSchema,
  BudgetSchema,
  ErrorEntrySchema,
  ExporterStateSchema,
  FailureSchema,
  HealthStatusSchema,
  InstrumentationSchema,
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
  ATTR_AGENTLENS_COST_DATASET,
  ATTR_AGENTLENS_COST_DATASET_DATE,
  ATTR_AGENTLENS_COST_PRICE_ENTRY,
  ATTR_AGENTLENS_COST_SOURCE,
  ATTR_AGENTLENS_COST_UNPRICED,
  ATTR_AGENTLENS_COST_USD,
  ATTR_AGENTLENS_OPERATION_NAME,
  ATTR_AGENTLENS_TIME_TO_FIRST_CHUNK,
  ATTR_AGENTLENS_WORKFLOW_NAME,
  ATTR_AGENTLENS_WORKFLOW_NODE,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_TYPE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  EVENT_EXCEPTION,
  GEN_AI_OPERATIONS,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  genAiSpanName,
  PROMOTED_ATTRIBUTES,
  toPrometheusLabel,
} from './semconv.js';
export type { StuckInputs } from './stuck.js';
export { isStuck, STUCK_MIN_SECONDS, STUCK_P95_FACTOR } from './stuck.js';
export type {
  Attributes as TelemetryAttributes,
  AttributeValue as TelemetryAttributeValue,
  GenAiColumns,
  LogRecord,
  OtlpLog,
  OtlpMetricPoint,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  SpanCategory,
  SpanRecord,
} from './telemetry-records.js';
export { NO_GENAI_COLUMNS, SPAN_CATEGORIES } from './telemetry-records.js';

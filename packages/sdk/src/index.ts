export { Agentlens, createAgentlens, InvalidRecordError } from './agentlens.js';
export type { AgentlensOptions, EnvironmentVariable, HealthThresholds } from './config.js';
export { AgentlensConfigError, DEFAULT_HEALTH_THRESHOLDS, ENVIRONMENT_VARIABLES } from './config.js';
export type { AgentlensEvent, AgentlensEventListener, TokenCounts } from './events.js';
export type { HealthCheckFn, HealthCheckOptions, HealthCheckResult, HealthReport } from './health/index.js';
export {
  diskSpaceCheck,
  eventLoopDelayCheck,
  HealthChecker,
  httpCheck,
  memoryCheck,
  postgresCheck,
  redisCheck,
} from './health/index.js';
export type { MetricsHandler, MetricsHandlerOptions } from './http/handler.js';
export { createMetricsHandler, HEALTH_STATUS_CODES } from './http/handler.js';
export { expressMetrics } from './http/middleware/express.js';
export type { FastifyMetricsPlugin } from './http/middleware/fastify.js';
export { fastifyMetrics } from './http/middleware/fastify.js';
export type { NodeHttpMetricsOptions } from './http/middleware/node-http.js';
export { nodeHttpMetrics } from './http/middleware/node-http.js';
export type { HttpMetricsOptions, HttpMetricsRecorder } from './http/middleware/route.js';
export {
  createRouteMatcher,
  DEFAULT_IGNORED_PATHS,
  normalizePath,
  UNMATCHED_ROUTE,
} from './http/middleware/route.js';
export type { MetricsServer, MetricsServerOptions } from './http/server.js';
export { isLoopbackHost } from './http/server.js';
export type { DiagnosticLevel } from './internal/diagnostics.js';
export type {
  CacheOperationLog,
  LlmRequestLog,
  LogFields,
  Logger,
  LoggerLevel,
  LoggerOptions,
  LogLevel,
  LogMethod,
  TraceContext,
  WorkflowEventLog,
} from './logging/index.js';
export {
  APP_LOG_LEVEL_ENV,
  createLogger,
  GENERAL_LOG_LEVEL_ENV,
  LOG_LEVELS,
  logCacheOperation,
  logLlmRequest,
  logWorkflowEvent,
  resolveLogLevel,
} from './logging/index.js';
export { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './metrics/exposition.js';
export type {
  AgentRequestOutcome,
  AgentRequestRecord,
  CacheOperationRecord,
  ConversationEndRecord,
  DbQueryRecord,
  ErrorRecord,
  ErrorRecoveryRecord,
  HttpRequestRecord,
  HumanReviewCompletionRecord,
  HumanReviewRequestRecord,
  ModelCallRecord,
  ModelCallStatus,
  RoutingDecisionRecord,
  SecurityEventRecord,
  ToolUsageRecord,
  VectorStoreOperationRecord,
  WebSocketMessageRecord,
  WorkflowExecutionRecord,
  WorkflowNodeRecord,
  WorkflowStatus,
} from './metrics/records.js';
export { MODEL_CALL_STATUSES, WORKFLOW_STATUSES } from './metrics/records.js';
export type {
  AgentHandle,
  AgentOptions,
  ModelCallHandle,
  ModelCallOptions,
  ToolCallOptions,
} from './tracing/agent-tracer.js';
export type { ExporterState, OtlpProtocol, TracesExporter, TracingOptions } from './tracing/setup.js';
export { OTLP_PROTOCOLS, TRACES_EXPORTERS } from './tracing/setup.js';

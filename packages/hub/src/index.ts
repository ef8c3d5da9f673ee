// The hub's public surface: createHub (OTLP receiver, query API, its own /metrics), the stores,
// and OTLP decoding. The query API's typed client is the separate entry `@agentlens/hub/client`.
export type {
  AgentRunsInFlight,
  ApiErrorBody,
  HubStatusResponse,
  LogsResponse,
  ModelPrice,
  ReportResponse,
  ServicesResponse,
  StatsResponse,
  TimeseriesResponse,
  TraceResponse,
  TracesResponse,
} from './api/api-types.js';
export { parseByteSize, parseDuration } from './api/duration.js';
export { HUB_HEAP_LIMITS } from './heap-limits.js';
export type { Hub, HubLogLevel, HubOptions, HubRetentionOptions } from './hub.js';
export { createHub } from './hub.js';
export type {
  LogsDecodeResult,
  MetricsDecodeResult,
  OtlpEncoding,
  OtlpSignal,
  PartialSuccess,
  TracesDecodeResult,
} from './otlp/index.js';
export {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeExportResponse,
  OtlpDecodeError,
  OtlpTooManyItemsError,
} from './otlp/index.js';
export { HubError } from './receiver/index.js';
export type {
  ErrorSpanQuery,
  LogFilter,
  OpenAgentRuns,
  OpenRunsQuery,
  OverviewStats,
  PostgresStoreOptions,
  RetentionPolicy,
  RetentionResult,
  ServiceSummary,
  SqliteDurability,
  SqliteStoreOptions,
  StatsFilter,
  StatsGroup,
  StatsKind,
  Store,
  Timeseries,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeseriesSet,
  TimeWindow,
  TokenTotals,
  TraceDetail,
  TraceFilter,
  TracePage,
  TraceSummary,
} from './store/index.js';
export {
  DEFAULT_POSTGRES_SCHEMA,
  DEFAULT_SQLITE_PATH,
  PostgresStore,
  SqliteStore,
} from './store/index.js';
export type { EncodedAttributes } from './store/promoted-attributes.js';
export { decodeAttributes, encodeAttributes } from './store/promoted-attributes.js';
export type { UiOptions } from './ui-static.js';
export { HUB_VERSION } from './version.js';

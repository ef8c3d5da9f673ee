// The hub's public surface so far: createHub with the OTLP/HTTP receiver, storage and OTLP
// decoding. gRPC, the query API and PostgreSQL come next (issue 4).
export type { Hub, HubOptions } from './hub.js';
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
} from './otlp/index.js';
export { HubError } from './receiver/index.js';
export type {
  LogFilter,
  OverviewStats,
  RetentionPolicy,
  RetentionResult,
  ServiceSummary,
  SqliteDurability,
  SqliteStoreOptions,
  StatsGroup,
  StatsKind,
  Store,
  Timeseries,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeseriesPoint,
  TimeseriesSet,
  TimeWindow,
  TokenTotals,
  TraceDetail,
  TraceFilter,
  TracePage,
  TraceSummary,
} from './store/index.js';
export { DEFAULT_SQLITE_PATH, SqliteStore } from './store/index.js';

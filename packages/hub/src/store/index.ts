export type { PostgresStoreOptions } from './postgres-store.js';
export { DEFAULT_POSTGRES_SCHEMA, PostgresStore } from './postgres-store.js';
export type { RollupKey, RollupMeasures, RollupRow } from './rollup.js';
export {
  mergeLatencyJson,
  overviewFromRollups,
  RollupAccumulator,
  statsFromRollups,
  timeseriesFromRollups,
} from './rollup.js';
export type { SqliteDurability, SqliteStoreOptions } from './sqlite-store.js';
export { DEFAULT_SQLITE_PATH, SqliteStore } from './sqlite-store.js';
export type {
  ErrorSpanQuery,
  LogFilter,
  OpenAgentRuns,
  OpenRunsQuery,
  OverviewStats,
  RetentionPolicy,
  RetentionResult,
  ServiceSummary,
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
} from './store.js';

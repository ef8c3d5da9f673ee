// `@agentlens/hub/client`: the typed client of the query API (fetch only, browser-safe).
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
} from '../api/api-types.js';
export type {
  OverviewStats,
  ServiceSummary,
  StatsFilter,
  StatsGroup,
  StatsKind,
  Timeseries,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeseriesSet,
  TimeWindow,
  TokenTotals,
  TraceDetail,
  TraceSummary,
} from '../store/store.js';
export type {
  HubClientOptions,
  LogQuery,
  ReportQuery,
  StatsQuery,
  TimeseriesQuery,
  TraceListQuery,
  WindowQuery,
} from './hub-client.js';
export { HubApiError, HubClient } from './hub-client.js';

/**
 * The partial indexes of `spans`, the same in both backends, each over the few spans one query
 * reads (the table otherwise carries only its primary key, see `sqlite-schema.ts`):
 * - `spans_errors`: error spans by end, for the newest errors and tool failures
 *   (`Store.listErrorSpans`). Errors are a small share of the spans, so the index is small.
 * - `spans_agent_runs`: agent spans by trace and agent, so that whether a run has ended is one
 *   probe (`Store.openAgentRuns`, and the open runs kept at ingest, see `open-runs.ts`).
 *
 * A database uses a partial index only when the query's WHERE implies the index's condition, which
 * SQLite proves only for the same terms written alike: queries take their conditions from here.
 */

/** Status error (OTLP `STATUS_CODE_ERROR`). */
export const ERROR_SPAN_CONDITION = 'status_code = 2';
/** The run's own span. */
export const AGENT_RUN_CONDITION = "category = 'agent'";

/** The statements creating the indexes on `table` (qualified as the backend needs). */
export function spanIndexesDdl(table: string, ifNotExists = false): string {
  const create = ifNotExists ? 'CREATE INDEX IF NOT EXISTS' : 'CREATE INDEX';
  return `${create} spans_errors ON ${table} (end_ns, trace_id, span_id) WHERE ${ERROR_SPAN_CONDITION};
${create} spans_agent_runs ON ${table} (trace_id, agent_name, end_ns) WHERE ${AGENT_RUN_CONDITION};`;
}

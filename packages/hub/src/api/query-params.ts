/**
 * The query-string parameters of the API, validated with zod. Each parser returns what the store
 * takes, or throws {@link HubError} 400 naming the parameter and what was wrong with it. Unknown
 * parameters are refused too, so a typo (`agnet=`) is an error rather than an unfiltered answer.
 */
import { z } from 'zod';
import { HubError } from '../receiver/hub-error.js';
import type {
  LogFilter,
  StatsFilter,
  StatsKind,
  TimeseriesGroupBy,
  TimeseriesMeasure,
  TimeWindow,
  TraceFilter,
} from '../store/store.js';
import { parseDuration } from './duration.js';
import type { ReportRequest } from './report.js';

const DEFAULT_WINDOW_MS = 3_600_000;
/** {@link DEFAULT_WINDOW_MS} as a duration. */
const DEFAULT_WINDOW_LABEL = '1h';
const TRACE_ID = /^[0-9a-fA-F]{32}$/;

const text = z.string().min(1).max(1000);
const duration = z.string().transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
/** A time as Unix milliseconds or an ISO 8601 / RFC 3339 date. */
const instant = z.string().transform((value, ctx) => {
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value.slice(0, 40)}" is neither Unix milliseconds nor an ISO 8601 time`,
    });
    return z.NEVER;
  }
  return ms;
});
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const windowFields = { window: duration.optional(), from: instant.optional(), to: instant.optional() };

const SEVERITY_BY_LEVEL: Readonly<Record<string, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  warning: 13,
  error: 17,
  fatal: 21,
};

const TracesQuery = z.strictObject({
  service: text.optional(),
  agent: text.optional(),
  model: text.optional(),
  tool: text.optional(),
  status: z.enum(['error', 'ok']).optional(),
  minDuration: duration.optional(),
  q: text.optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: integer(1, 1000).optional(),
  ...windowFields,
});

const StatsQuery = z.strictObject({ service: text.optional(), agent: text.optional(), ...windowFields });

const ReportQuery = z.strictObject({ service: text.optional(), ...windowFields });

const TimeseriesQuery = z.strictObject({
  measure: z.enum(['requests', 'errors', 'p95', 'tokens', 'cost']),
  step: duration.optional(),
  groupBy: z.enum(['agent', 'model', 'provider', 'tool']).optional(),
  ...windowFields,
});

const LogsQuery = z.strictObject({
  service: text.optional(),
  traceId: z.string().regex(TRACE_ID, 'must be 32 hex digits').optional(),
  level: z
    .string()
    .transform((value, ctx) => {
      const byName = SEVERITY_BY_LEVEL[value.toLowerCase()];
      if (byName !== undefined) return byName;
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= 24) return n;
      ctx.addIssue({ code: 'custom', message: 'must be trace, debug, info, warn, error, fatal or 1 to 24' });
      return z.NEVER;
    })
    .optional(),
  q: text.optional(),
  limit: integer(1, 1000).optional(),
  ...windowFields,
});

type Query = Record<string, unknown>;

function parse<T extends z.ZodType>(schema: T, query: Query): z.output<T> {
  // A parameter given twice arrives as an array; one value per parameter keeps meanings plain.
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value))
      throw new HubError(400, 'bad_request', `parameter "${name}" is given more than once`);
  }
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
  if (keys.length > 0) {
    throw new HubError(400, 'bad_request', `unknown parameter "${keys[0]}"`);
  }
  const name = issue?.path.join('.') ?? '';
  throw new HubError(400, 'bad_request', `parameter "${name}": ${issue?.message ?? 'invalid'}`);
}

/**
 * The time window of a request: `from` / `to` when given (`to` defaults to now), else the last
 * `window` (default `defaultMs`) before now. Throws 400 when both forms are used or from >= to.
 */
function resolveWindow(
  q: { window?: number; from?: number; to?: number },
  nowMs: number,
  defaultMs: number | null,
): Partial<TimeWindow> {
  if (q.window !== undefined && q.from !== undefined) {
    throw new HubError(400, 'bad_request', 'give either "window" or "from"/"to", not both');
  }
  if (q.from !== undefined || q.to !== undefined) {
    const toMs = q.to ?? nowMs;
    if (q.from !== undefined && q.from >= toMs)
      throw new HubError(400, 'bad_request', '"from" must be before "to"');
    return q.from === undefined ? { toMs } : { fromMs: q.from, toMs };
  }
  const span = q.window ?? defaultMs;
  return span === null ? {} : { fromMs: nowMs - span, toMs: nowMs };
}

function completeWindow(window: Partial<TimeWindow>, nowMs: number): TimeWindow {
  return { fromMs: window.fromMs ?? nowMs - DEFAULT_WINDOW_MS, toMs: window.toMs ?? nowMs };
}

/** `GET /api/traces` parameters. Without a window or from/to, every stored trace is listed. */
export function parseTracesQuery(
  query: Query,
  nowMs: number,
): { filter: TraceFilter; cursor: string | null; limit: number } {
  const q = parse(TracesQuery, query);
  const window = resolveWindow(q, nowMs, null);
  const filter: TraceFilter = {
    ...(q.service === undefined ? {} : { service: q.service }),
    ...(q.agent === undefined ? {} : { agent: q.agent }),
    ...(q.model === undefined ? {} : { model: q.model }),
    ...(q.tool === undefined ? {} : { tool: q.tool }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.minDuration === undefined ? {} : { minDurationMs: q.minDuration }),
    ...(q.q === undefined ? {} : { text: q.q }),
    ...window,
  };
  return { filter, cursor: q.cursor ?? null, limit: q.limit ?? 50 };
}

const STATS_KINDS: readonly StatsKind[] = ['overview', 'agents', 'tools', 'models'];

/** `GET /api/stats/{kind}` parameters: the kind from the path, the window (default 1h), the service, the agent. */
export function parseStatsQuery(
  kind: string,
  query: Query,
  nowMs: number,
): { kind: StatsKind; window: TimeWindow; filter: StatsFilter } {
  if (!STATS_KINDS.includes(kind as StatsKind)) {
    throw new HubError(404, 'not_found', `no stats "${kind.slice(0, 40)}": use ${STATS_KINDS.join(', ')}`);
  }
  const q = parse(StatsQuery, query);
  return {
    kind: kind as StatsKind,
    window: completeWindow(resolveWindow(q, nowMs, DEFAULT_WINDOW_MS), nowMs),
    filter: {
      ...(q.service === undefined ? {} : { service: q.service }),
      ...(q.agent === undefined ? {} : { agent: q.agent }),
    },
  };
}

/**
 * `GET /api/report` parameters: the window (default 1h) and the service. The report names its
 * window as asked (`15m`), or `custom` when it was given as from / to.
 */
export function parseReportQuery(query: Query, nowMs: number): ReportRequest {
  const q = parse(ReportQuery, query);
  const custom = q.from !== undefined || q.to !== undefined;
  const asked = typeof query.window === 'string' ? query.window.trim() : undefined;
  return {
    window: completeWindow(resolveWindow(q, nowMs, DEFAULT_WINDOW_MS), nowMs),
    label: custom ? 'custom' : (asked ?? DEFAULT_WINDOW_LABEL),
    ...(q.service === undefined ? {} : { service: q.service }),
  };
}

/** `GET /api/timeseries` parameters: step defaults to 1m, window to 1h. */
export function parseTimeseriesQuery(
  query: Query,
  nowMs: number,
): { measure: TimeseriesMeasure; stepMs: number; groupBy: TimeseriesGroupBy | null; window: TimeWindow } {
  const q = parse(TimeseriesQuery, query);
  return {
    measure: q.measure,
    stepMs: q.step ?? 60_000,
    groupBy: q.groupBy ?? null,
    window: completeWindow(resolveWindow(q, nowMs, DEFAULT_WINDOW_MS), nowMs),
  };
}

/** `GET /api/logs` parameters. Without a window or from/to, every stored log is searched. */
export function parseLogsQuery(query: Query, nowMs: number): LogFilter {
  const q = parse(LogsQuery, query);
  return {
    ...(q.service === undefined ? {} : { service: q.service }),
    ...(q.traceId === undefined ? {} : { traceId: q.traceId.toLowerCase() }),
    ...(q.level === undefined ? {} : { minSeverity: q.level }),
    ...(q.q === undefined ? {} : { text: q.q }),
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...resolveWindow(q, nowMs, null),
  };
}

/** A trace id from the path: 32 hex digits, returned in lower case; 400 otherwise. */
export function parseTraceId(value: string): string {
  if (!TRACE_ID.test(value)) throw new HubError(400, 'bad_request', 'a trace id is 32 hex digits');
  return value.toLowerCase();
}

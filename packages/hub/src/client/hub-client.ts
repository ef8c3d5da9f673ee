/**
 * The typed client of the hub's query API: what the web UI and the `agentlens` command use.
 * `fetch` only, no Node built-ins, so it bundles for the browser. Types are imported, never
 * values, from the rest of the hub package.
 */
import type {
  ApiErrorBody,
  HubStatusResponse,
  LogsResponse,
  ReportResponse,
  ServicesResponse,
  StatsResponse,
  TimeseriesResponse,
  TraceResponse,
  TracesResponse,
} from '../api/api-types.js';
import type { StatsKind, TimeseriesGroupBy, TimeseriesMeasure } from '../store/store.js';

/** An answer of the hub that is not a 2xx, or a hub that could not be reached (`status` 0). */
export class HubApiError extends Error {
  override readonly name = 'HubApiError';
  /** The HTTP status; 0 when no answer came (connection refused, timeout, DNS). */
  readonly status: number;
  /** The hub's error code (`bad_request`, `unauthorized`, `not_found`, ...), or `unreachable`. */
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

export interface HubClientOptions {
  /** The hub's base URL, e.g. `http://127.0.0.1:4318`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  /** Per-request timeout in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch;
}

/**
 * A time window: either the last `window` (a duration such as `15m`, `24h`, `7d`) or `from` /
 * `to` (Unix milliseconds, a Date or an ISO 8601 string; `to` defaults to now).
 */
export interface WindowQuery {
  readonly window?: string;
  readonly from?: number | Date | string;
  readonly to?: number | Date | string;
}

export interface StatsQuery extends WindowQuery {
  /** Only the spans of this service. */
  readonly service?: string;
  /** Only this agent's runs and the calls made inside them: `tools` and `models` are what it used. */
  readonly agent?: string;
}

export interface ReportQuery extends WindowQuery {
  /** Only the spans of this service; the report's `service` is then this, else `*`. */
  readonly service?: string;
}

export interface TraceListQuery extends WindowQuery {
  readonly service?: string;
  readonly agent?: string;
  readonly model?: string;
  readonly tool?: string;
  readonly status?: 'error' | 'ok';
  /** A duration such as `500ms` or `2s`. */
  readonly minDuration?: string;
  /** Text in a span's name or attributes. */
  readonly q?: string;
  readonly cursor?: string;
  /** 1 to 1000; default 50. */
  readonly limit?: number;
}

export interface TimeseriesQuery extends WindowQuery {
  readonly measure: TimeseriesMeasure;
  /** A whole number of minutes as a duration (`1m`, `5m`, `1h`); default `1m`. */
  readonly step?: string;
  readonly groupBy?: TimeseriesGroupBy;
}

export interface LogQuery extends WindowQuery {
  readonly service?: string;
  readonly traceId?: string;
  /** Minimum level: trace, debug, info, warn, error, fatal. */
  readonly level?: string;
  readonly q?: string;
  /** 1 to 1000; default 100. */
  readonly limit?: number;
}

type Params = Record<string, string | number | Date | undefined>;

function encodeParams(params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    search.set(name, value instanceof Date ? String(value.getTime()) : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * @example
 * ```ts
 * const hub = new HubClient({ baseUrl: 'http://127.0.0.1:4318', token: process.env.AGENTLENS_TOKEN });
 * const { groups } = await hub.stats('agents', { window: '24h' });
 * const page = await hub.listTraces({ agent: 'planner', status: 'error', limit: 20 });
 * const trace = await hub.getTrace(page.traces[0].traceId);
 * ```
 */
export class HubClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: HubClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl "${options.baseUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`baseUrl must be http or https, got ${url.protocol}`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.#token = options.token === '' ? undefined : options.token;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** `GET /api/services`. */
  services(): Promise<ServicesResponse> {
    return this.#get('/api/services');
  }

  /** `GET /api/traces`: one page, newest first; pass `nextCursor` back as `cursor` for the next. */
  listTraces(query: TraceListQuery = {}): Promise<TracesResponse> {
    return this.#get('/api/traces', { ...query });
  }

  /** `GET /api/traces/{traceId}`; null when the hub has no such trace. */
  async getTrace(traceId: string): Promise<TraceResponse | null> {
    try {
      return await this.#get(`/api/traces/${encodeURIComponent(traceId)}`);
    } catch (error) {
      if (error instanceof HubApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** `GET /api/stats/{kind}`; the window defaults to the last hour. */
  stats<K extends StatsKind>(kind: K, query: StatsQuery = {}): Promise<StatsResponse<K>> {
    return this.#get(`/api/stats/${kind}`, { ...query });
  }

  /**
   * `GET /api/report`: the whole picture in one `agentlens.report/v1` document (overview, health,
   * agents with their runs in flight, tools, models, newest errors), as `snapshot()` gives it in
   * the SDK. The window defaults to the last hour.
   *
   * @example
   * ```ts
   * const report = await hub.report({ window: '15m', service: 'checkout' });
   * const stuck = report.agents.filter(isStuck);
   * ```
   */
  report(query: ReportQuery = {}): Promise<ReportResponse> {
    return this.#get('/api/report', { ...query });
  }

  /** `GET /api/timeseries`. */
  timeseries(query: TimeseriesQuery): Promise<TimeseriesResponse> {
    return this.#get('/api/timeseries', { ...query });
  }

  /** `GET /api/logs`: newest first. */
  logs(query: LogQuery = {}): Promise<LogsResponse> {
    return this.#get('/api/logs', { ...query });
  }

  /** `GET /api/hub`: the hub's own state. */
  hubStatus(): Promise<HubStatusResponse> {
    return this.#get('/api/hub');
  }

  async #get<T>(path: string, params: Params = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}${encodeParams(params)}`, {
        headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const why =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${this.#timeoutMs} ms`
          : 'cannot connect';
      throw new HubApiError(0, 'unreachable', `hub at ${this.baseUrl}: ${why}`, { cause: error });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new HubApiError(
        response.status,
        'bad_response',
        `hub at ${this.baseUrl} answered ${response.status} with a body that is not JSON`,
      );
    }
    if (!response.ok) {
      const error = (body as Partial<ApiErrorBody> | undefined)?.error;
      throw new HubApiError(
        response.status,
        typeof error?.code === 'string' ? error.code : 'http_error',
        typeof error?.message === 'string' ? error.message : `hub answered ${response.status}`,
      );
    }
    return body as T;
  }
}

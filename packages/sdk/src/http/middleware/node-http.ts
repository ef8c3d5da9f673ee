import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Diagnostics } from '../../internal/diagnostics.js';
import {
  createRouteMatcher,
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  normalizePath,
  pathOf,
  UNMATCHED_ROUTE,
} from './route.js';

export interface NodeHttpMetricsOptions extends HttpMetricsOptions {
  /**
   * Route templates of the app (`/users/:id`); a request matching none is recorded as
   * `__unmatched__`. Without it, ids in the path are replaced by `:id` (see `normalizePath`) and
   * 404 responses are recorded as `__unmatched__`.
   */
  routes?: readonly string[];
  /** Or a function returning the route template of a request; takes precedence over `routes`. */
  getRoute?: (req: IncomingMessage) => string | undefined;
}

/**
 * Wraps a plain `node:http` request handler so every request records
 * `http_requests_total{method,route,status}`, the duration histogram and in-flight requests.
 * What the handler returns or throws passes through unchanged.
 *
 * @example
 * const server = http.createServer(nodeHttpMetrics(agentlens, handler, { routes: ['/users/:id'] }));
 */
export function nodeHttpMetrics<Req extends IncomingMessage, Res extends ServerResponse>(
  agentlens: HttpMetricsRecorder,
  handler: (req: Req, res: Res) => unknown,
  options: NodeHttpMetricsOptions = {},
): (req: Req, res: Res) => unknown {
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const match = options.routes ? createRouteMatcher(options.routes) : undefined;
  const routeOf = (req: IncomingMessage, path: string, status: number): string => {
    let custom: string | undefined;
    try {
      custom = options.getRoute?.(req);
    } catch (error) {
      // This runs in the response's `finish` listener, where a throw would be an uncaught exception
      // that takes the host app down: the request is recorded with the fallback route instead.
      (agentlens as { diagnostics?: Diagnostics }).diagnostics?.log(
        'warn',
        'nodeHttpMetrics.getRoute',
        'getRoute threw; the request is recorded with the fallback route',
        { error: String(error) },
      );
    }
    if (custom) return custom;
    if (match) return match(path) ?? UNMATCHED_ROUTE;
    // Without a route list, a 404 is the one answer that says no route matched, and its paths are
    // whatever scanners send (`/wp-login.php`, `/.env`, ...): normalized, each would be its own series.
    return status === 404 ? UNMATCHED_ROUTE : normalizePath(path);
  };
  return (req, res) => {
    const path = pathOf(req.url);
    if (ignored.has(path)) return handler(req, res);
    const started = performance.now();
    agentlens.adjustHttpRequestsInFlight(1);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      agentlens.adjustHttpRequestsInFlight(-1);
      agentlens.recordHttpRequest({
        method: req.method ?? 'GET',
        route: routeOf(req, path, res.statusCode),
        status: res.statusCode,
        duration: (performance.now() - started) / 1000,
      });
    };
    res.once('finish', finish);
    res.once('close', finish);
    return handler(req, res);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  pathOf,
  UNMATCHED_ROUTE,
} from './route.js';

/** The parts of Express' request the middleware reads (typed structurally: no Express dependency). */
interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  originalUrl?: string;
  route?: { path?: unknown };
}

/**
 * Express middleware recording `http_requests_total{method,route,status}`, the duration histogram
 * and in-flight requests. The route is the matched route template (`req.baseUrl` + `req.route.path`,
 * so routers mounted on a prefix keep it), never the raw path; unmatched requests are recorded as
 * `__unmatched__`. Register it before your routes.
 *
 * @example
 * app.use(expressMetrics(agentlens));
 * app.get('/metrics', agentlens.handler);
 */
export function expressMetrics(
  agentlens: HttpMetricsRecorder,
  options: HttpMetricsOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  return (req, res, next) => {
    const request = req as ExpressRequest;
    if (ignored.has(pathOf(request.originalUrl ?? req.url))) return next();
    const started = performance.now();
    agentlens.adjustHttpRequestsInFlight(1);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      agentlens.adjustHttpRequestsInFlight(-1);
      const routePath = request.route?.path;
      const route =
        routePath === undefined ? UNMATCHED_ROUTE : `${request.baseUrl ?? ''}${String(routePath)}` || '/';
      agentlens.recordHttpRequest({
        method: req.method ?? 'GET',
        route,
        status: res.statusCode,
        duration: (performance.now() - started) / 1000,
      });
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import {
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  UNMATCHED_ROUTE,
} from './route.js';

/**
 * Hono middleware recording `http_requests_total{method,route,status}`, the duration histogram and
 * in-flight requests, with the matched route's template (`/posts/:id`); a request that no handler
 * after this middleware answered is `__unmatched__`. Errors thrown by handlers still pass to Hono's
 * error handling and are recorded with the status it answers. Import from `@agentlens/sdk/hono`.
 *
 * @example
 * app.use(honoMetrics(agentlens));
 */
export function honoMetrics(
  agentlens: HttpMetricsRecorder,
  options: HttpMetricsOptions = {},
): MiddlewareHandler {
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  return async (c, next) => {
    if (ignored.has(c.req.path)) return next();
    const started = performance.now();
    const ownIndex = c.req.routeIndex;
    agentlens.adjustHttpRequestsInFlight(1);
    try {
      await next();
    } finally {
      agentlens.adjustHttpRequestsInFlight(-1);
      // After next(), routeIndex points at the handler that answered; still ours means none did.
      const route = c.req.routeIndex === ownIndex ? UNMATCHED_ROUTE : routePath(c) || UNMATCHED_ROUTE;
      agentlens.recordHttpRequest({
        method: c.req.method,
        route,
        status: c.res.status,
        duration: (performance.now() - started) / 1000,
      });
    }
  };
}

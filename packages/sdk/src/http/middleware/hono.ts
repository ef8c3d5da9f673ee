import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import {
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  UNMATCHED_ROUTE,
} from './route.js';

type MatchedRoute = ReturnType<typeof matchedRoutes>[number];

/** What `app.use()` registers (and `app.all('*')` catch-alls): any method, a path ending in `*`. */
function isMiddleware(route: MatchedRoute): boolean {
  return route.method === 'ALL' && route.path.endsWith('*');
}

/**
 * The template of the route a request was for. After `next()`, `routeIndex` is the last handler
 * that ran, which is not always the one that answered: when no route matched, Hono ran every
 * middleware and then its not-found handler, so with a second middleware after this one
 * (`logger()`, `cors()`) `routeIndex` pointed at that middleware's `/*` and 404s were recorded as
 * `route="/*"`. So: the handler that ran, unless it is a middleware; then the route the request
 * was headed to (a `/admin/users` request an auth middleware on `/admin/*` turned away); then, for
 * a 404, `__unmatched__`; otherwise the middleware's own path (it answered, e.g. a proxy on `/api/*`).
 */
function routeTemplate(routes: readonly MatchedRoute[], index: number, status: number): string {
  const ran = routes[index];
  if (ran === undefined) return UNMATCHED_ROUTE;
  if (!isMiddleware(ran)) return ran.path;
  for (let i = index + 1; i < routes.length; i++) {
    const next = routes[i] as MatchedRoute;
    if (!isMiddleware(next)) return next.path;
  }
  return status === 404 ? UNMATCHED_ROUTE : ran.path;
}

/**
 * Hono middleware recording `http_requests_total{method,route,status}`, the duration histogram and
 * in-flight requests, with the matched route's template (`/posts/:id`, with the prefix of
 * `app.route('/api', sub)`); a request no route answered is `__unmatched__`. Errors thrown by
 * handlers still pass to Hono's error handling and are recorded with the status it answers. Import
 * from `@agentlens/sdk/hono`.
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
      // Still our own index: no handler after this middleware ran at all.
      const index = c.req.routeIndex;
      const route =
        index === ownIndex ? UNMATCHED_ROUTE : routeTemplate(matchedRoutes(c), index, c.res.status);
      agentlens.recordHttpRequest({
        method: c.req.method,
        route,
        status: c.res.status,
        duration: (performance.now() - started) / 1000,
      });
    }
  };
}

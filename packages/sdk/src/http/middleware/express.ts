import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  normalizePath,
  pathOf,
  UNMATCHED_ROUTE,
} from './route.js';

/** The parts of Express' request the middleware reads (typed structurally: no Express dependency). */
interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  originalUrl?: string;
  params?: Record<string, unknown>;
  route?: { path?: unknown };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * `/tenants/42` back to `/tenants/:tenantId`: each segment of a mount prefix that equals one of the
 * mount's parameters (right to left, each parameter once) becomes `:name`.
 */
function prefixTemplate(prefix: string, params: Record<string, unknown> | undefined): string {
  const unused = Object.entries(params ?? {}).filter((entry) => typeof entry[1] === 'string');
  if (unused.length === 0) return prefix;
  const segments = prefix.split('/');
  for (let i = segments.length - 1; i >= 0 && unused.length > 0; i--) {
    const value = decoded(segments[i] as string);
    const at = unused.findIndex((entry) => entry[1] === value);
    if (at === -1) continue;
    segments[i] = `:${(unused[at] as [string, unknown])[0]}`;
    unused.splice(at, 1);
  }
  return segments.join('/');
}

/**
 * Follows Express as it routes one request and returns the template of the route that matched, or
 * `undefined` if none did.
 *
 * Why not read `req.baseUrl + req.route.path` at `finish`, as is usual: (1) Express restores
 * `req.baseUrl` when a request leaves a mounted router, so a handler in `app.use('/api', router)` that
 * throws (answered by the app's error handler) lost its `/api`; (2) `req.baseUrl` is the raw prefix,
 * so `app.use('/tenants/:tenantId', router)` put every tenant id into the label. Instead, accessors on
 * the request see Express assign `baseUrl` (when `req.params` holds the mount's parameters, turned
 * back into `:name`) and `route` (when `baseUrl` is still the matching router's). They store and
 * return exactly what Express assigns, so the app sees no difference; the cost is two property
 * definitions per request.
 */
function followRoute(request: ExpressRequest): () => string | undefined {
  let baseUrl = request.baseUrl;
  let route = request.route;
  // Template of each raw baseUrl seen; Express moves back and forth between a router and its parents.
  const prefixes = new Map<string, string>([[baseUrl ?? '', normalizePath(baseUrl ?? '')]]);
  let matched: string | undefined;
  Object.defineProperty(request, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set: (value: string | undefined) => {
      const raw = value ?? '';
      if (!prefixes.has(raw)) {
        const parent = baseUrl ?? '';
        const parentTemplate = raw.startsWith(parent) ? prefixes.get(parent) : undefined;
        prefixes.set(
          raw,
          parentTemplate === undefined
            ? normalizePath(raw)
            : parentTemplate + prefixTemplate(raw.slice(parent.length), request.params),
        );
      }
      baseUrl = value;
    },
  });
  Object.defineProperty(request, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: ExpressRequest['route']) => {
      route = value;
      const path = value?.path;
      if (path === undefined) return;
      const raw = baseUrl ?? '';
      matched = `${prefixes.get(raw) ?? normalizePath(raw)}${String(path)}` || '/';
    },
  });
  return () => matched;
}

/**
 * Express middleware recording `http_requests_total{method,route,status}`, the duration histogram
 * and in-flight requests. The route is the matched route template, with the template of the path its
 * router is mounted on (`/api/items/:id`, `/tenants/:tenantId/items/:id`), never the raw path;
 * unmatched requests are recorded as `__unmatched__`. Register it before your routes.
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
    const routeOf = followRoute(request);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      agentlens.adjustHttpRequestsInFlight(-1);
      agentlens.recordHttpRequest({
        method: req.method ?? 'GET',
        route: routeOf() ?? UNMATCHED_ROUTE,
        status: res.statusCode,
        duration: (performance.now() - started) / 1000,
      });
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

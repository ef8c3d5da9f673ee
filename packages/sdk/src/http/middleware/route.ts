/** The `route` label of requests that no route of the app matched (404s from scanners included). */
export const UNMATCHED_ROUTE = '__unmatched__';

/** Paths the HTTP middleware leaves out by default: scrapes and probes are not user traffic. */
export const DEFAULT_IGNORED_PATHS: readonly string[] = [
  '/metrics',
  '/health',
  '/health/live',
  '/health/ready',
  '/health/detailed',
  '/ready',
];

/** Options every HTTP middleware takes. */
export interface HttpMetricsOptions {
  /** Request paths (exact, without query) that are not recorded. Default {@link DEFAULT_IGNORED_PATHS}. */
  ignorePaths?: readonly string[];
}

/** What the middleware needs from an agentlens instance. */
export interface HttpMetricsRecorder {
  recordHttpRequest(record: { method: string; route: string; status: number; duration: number }): void;
  adjustHttpRequestsInFlight(delta: number): void;
}

/** The path of a request URL, without the query string. */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

const ID_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}|[A-Za-z0-9_-]{20,})$/i;

/**
 * Turns a raw path into a bounded template for servers without a router: every segment that looks
 * like an identifier (a number, a UUID, a long hex or token string) becomes `:id`, so
 * `/users/42/orders/9f1c...` is recorded as `/users/:id/orders/:id`.
 */
export function normalizePath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment && ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

/**
 * A matcher for route templates in the Express style (`/users/:id`, `/files/*`): returns the first
 * template that matches a path, or `undefined`.
 */
export function createRouteMatcher(templates: readonly string[]): (path: string) => string | undefined {
  const compiled = templates.map((template) => {
    const pattern = template
      .split('/')
      .map((segment) => {
        if (segment === '*') return '.*';
        if (segment.startsWith(':')) return '[^/]+';
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { template, regex: new RegExp(`^${pattern}/?$`) };
  });
  return (path) => compiled.find((c) => c.regex.test(path))?.template;
}

import {
  DEFAULT_IGNORED_PATHS,
  type HttpMetricsOptions,
  type HttpMetricsRecorder,
  pathOf,
  UNMATCHED_ROUTE,
} from './route.js';

/** The parts of Fastify's request, reply and instance the plugin uses (no Fastify dependency). */
interface FastifyRequestLike {
  method: string;
  url: string;
  routeOptions?: { url?: string };
}
interface FastifyReplyLike {
  statusCode: number;
}
type Hook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void;
interface FastifyInstanceLike {
  addHook(name: 'onRequest' | 'onResponse', hook: Hook): unknown;
  addHook(name: 'onRequestAbort', hook: (request: FastifyRequestLike, done: () => void) => void): unknown;
}

/**
 * A Fastify plugin (callback style), already marked to apply to the whole app. The instance is
 * `unknown` so that a Fastify instance can be passed: typed `never`, `app.register(fastifyMetrics(...))`
 * did not compile for TypeScript users.
 */
export type FastifyMetricsPlugin = ((
  instance: unknown,
  options: unknown,
  done: (error?: Error) => void,
) => void) & {
  [key: symbol]: unknown;
};

/**
 * Fastify plugin recording `http_requests_total{method,route,status}`, the duration histogram and
 * in-flight requests, with the route template (`request.routeOptions.url`); requests no route
 * matched are `__unmatched__`. It applies to every route of the app (like `fastify-plugin`).
 *
 * @example
 * await app.register(fastifyMetrics(agentlens));
 */
export function fastifyMetrics(
  agentlens: HttpMetricsRecorder,
  options: HttpMetricsOptions = {},
): FastifyMetricsPlugin {
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const started = new WeakMap<FastifyRequestLike, number>();
  const end = (request: FastifyRequestLike, status: number) => {
    const at = started.get(request);
    if (at === undefined) return;
    started.delete(request);
    agentlens.adjustHttpRequestsInFlight(-1);
    agentlens.recordHttpRequest({
      method: request.method,
      route: request.routeOptions?.url ?? UNMATCHED_ROUTE,
      status,
      duration: (performance.now() - at) / 1000,
    });
  };
  const plugin = ((instance: FastifyInstanceLike, _options: unknown, done: (error?: Error) => void) => {
    instance.addHook('onRequest', (request, _reply, next) => {
      if (!ignored.has(pathOf(request.url))) {
        started.set(request, performance.now());
        agentlens.adjustHttpRequestsInFlight(1);
      }
      next();
    });
    instance.addHook('onResponse', (request, reply, next) => {
      end(request, reply.statusCode);
      next();
    });
    instance.addHook('onRequestAbort', (request, next) => {
      // The client went away before a response: recorded as 499, the de-facto "client closed" code.
      end(request, 499);
      next();
    });
    done();
  }) as unknown as FastifyMetricsPlugin;
  // What `fastify-plugin` does: hooks apply to the parent scope, so every route is measured.
  plugin[Symbol.for('skip-override')] = true;
  plugin[Symbol.for('fastify.display-name')] = 'agentlens-http-metrics';
  return plugin;
}

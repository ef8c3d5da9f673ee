import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agentlens } from '../agentlens.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  prefersOpenMetrics,
} from '../metrics/exposition.js';

/** A `node:http` request handler; resolves once the response is written. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface MetricsHandlerOptions {
  /**
   * Bearer token required on `/metrics`, `/health` and `/health/detailed`. The Kubernetes probes
   * `/health/live` and `/ready` stay open: they reveal nothing but up or down.
   */
  token?: string;
  /** Path prefix the endpoints live under (`/internal` gives `/internal/metrics`). Default none. */
  pathPrefix?: string;
}

/** HTTP status of each overall health status, as in the JAF guide. */
export const HEALTH_STATUS_CODES = { healthy: 200, degraded: 207, critical: 503 } as const;

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The handler behind `agentlens.handler`:
 * - `GET /metrics`: Prometheus text, or OpenMetrics when the scraper's `Accept` prefers it;
 * - `GET /health`: the health checks; 200 healthy, 207 degraded, 503 critical; JSON body;
 * - `GET /health/live`: 200 while the process serves;
 * - `GET /ready` (also `/health/ready`): 503 until ready, while shutting down, or while a critical
 *   check fails;
 * - `GET /health/detailed`: the checks plus the collector's system health.
 * Unknown paths get 404, other methods 405; every error body is `{ "error": { "code", "message" } }`.
 */
export function createMetricsHandler(
  agentlens: Agentlens,
  options: MetricsHandlerOptions = {},
): MetricsHandler {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const token = options.token;
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, head: boolean) => Promise<void>>(
    [
      [
        '/metrics',
        async (req, res, head) => {
          const openMetrics = prefersOpenMetrics(req.headers.accept);
          const body = await agentlens.metricsBody({ openMetrics });
          res.writeHead(200, {
            'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
            'content-length': body.length,
            'cache-control': 'no-store',
          });
          res.end(head ? undefined : body);
        },
      ],
      [
        '/health',
        async (_req, res, head) => {
          const report = await agentlens.health.run();
          sendJson(res, HEALTH_STATUS_CODES[report.status], report, head);
        },
      ],
      [
        '/health/live',
        async (_req, res, head) => {
          sendJson(res, 200, { status: 'alive', timestamp: new Date().toISOString() }, head);
        },
      ],
      [
        '/ready',
        async (_req, res, head) => {
          const reasons: string[] = [];
          if (!agentlens.ready)
            reasons.push('the application has not marked itself ready, or is shutting down');
          else {
            const report = await agentlens.health.run();
            for (const [name, check] of Object.entries(report.checks)) {
              if (check.critical && check.status === 'failed') reasons.push(`critical check ${name} failed`);
            }
          }
          sendJson(
            res,
            reasons.length === 0 ? 200 : 503,
            {
              status: reasons.length === 0 ? 'ready' : 'not ready',
              reasons,
              timestamp: new Date().toISOString(),
            },
            head,
          );
        },
      ],
      [
        '/health/detailed',
        async (_req, res, head) => {
          const report = await agentlens.health.run();
          sendJson(
            res,
            HEALTH_STATUS_CODES[report.status],
            {
              ...report,
              service: agentlens.serviceName,
              ready: agentlens.ready,
              system: agentlens.getSystemHealth(),
            },
            head,
          );
        },
      ],
    ],
  );
  const open = new Set(['/health/live', '/ready', '/health/ready']);

  return async (req, res) => {
    try {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      let path = queryAt === -1 ? url : url.slice(0, queryAt);
      if (prefix) path = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : '';
      if (path === '/health/ready') path = '/ready';
      const route = routes.get(path);
      if (route === undefined) {
        return sendJson(res, 404, { error: { code: 'not_found', message: `no endpoint at ${url}` } }, false);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return sendJson(
          res,
          405,
          { error: { code: 'method_not_allowed', message: 'use GET or HEAD' } },
          false,
        );
      }
      if (token !== undefined && !open.has(path) && !tokenMatches(req.headers.authorization, token)) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendJson(
          res,
          401,
          { error: { code: 'unauthorized', message: 'a valid bearer token is required' } },
          false,
        );
      }
      await route(req, res, req.method === 'HEAD');
    } catch (error) {
      agentlens.diagnostics.log('error', 'handler', 'the agentlens HTTP handler failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) {
        sendJson(
          res,
          500,
          { error: { code: 'internal', message: 'agentlens could not answer this request' } },
          false,
        );
      } else res.destroy();
    }
  };
}

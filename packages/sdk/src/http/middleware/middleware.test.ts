import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Agentlens,
  createAgentlens,
  expressMetrics,
  fastifyMetrics,
  type HttpMetricsOptions,
  nodeHttpMetrics,
  UNMATCHED_ROUTE,
} from '@agentlens/sdk';
import { honoMetrics } from '@agentlens/sdk/hono';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { samplesOf, sampleValue } from '../../test-support/exposition.test-helpers.js';

// One sample app, built with each framework, answers the same routes the same way; one suite runs
// against every build. Express and node:http are served on a loopback port and hit with fetch;
// Fastify goes through `inject()` and Hono through `app.request()` (plus a real socket below).

/** Long enough that a `_sum` >= 0.05 s holds even if a timer fires a little early. */
const SLOW_MS = 60;
const PROBES = ['/metrics', '/health', '/ready'] as const;

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

interface RunningApp {
  request(path: string, method?: string, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/** Holds the `/gate` handler mid-request until the test releases it. */
interface Gate {
  /** Resolves once the handler is serving the request. */
  readonly entered: Promise<void>;
  release(): void;
  /** What the handler awaits. */
  pass(): Promise<void>;
}

function createGate(): Gate {
  let enter = () => {};
  let release = () => {};
  const entered = new Promise<void>((resolve) => {
    enter = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    entered,
    release,
    pass: () => {
      enter();
      return released;
    },
  };
}

interface Framework {
  name: string;
  /** Starts the sample app; without `agentlens`, the same app with no middleware. */
  start(gate: Gate, agentlens?: Agentlens, options?: HttpMetricsOptions): Promise<RunningApp>;
}

async function toReply(response: globalThis.Response): Promise<Reply> {
  return {
    status: response.status,
    body: await response.text(),
    headers: Object.fromEntries(response.headers),
  };
}

async function listen(server: Server): Promise<RunningApp> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    request: async (path, method = 'GET', headers = {}) =>
      toReply(await fetch(`http://127.0.0.1:${port}${path}`, { method, headers })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function fastifyHarness(app: FastifyInstance): RunningApp {
  return {
    request: async (path, method = 'GET', headers = {}) => {
      const response = await app.inject({ method: method as 'GET', url: path, headers });
      const answered = Object.entries(response.headers).map(([name, value]) => [name, String(value)]);
      return { status: response.statusCode, body: response.body, headers: Object.fromEntries(answered) };
    },
    close: () => app.close(),
  };
}

function honoHarness(app: Hono): RunningApp {
  return {
    request: async (path, method = 'GET', headers = {}) =>
      toReply(await app.request(path, { method, headers })),
    close: async () => {},
  };
}

const expressFramework: Framework = {
  name: 'express',
  start: (gate, agentlens, options) => {
    const app = express();
    if (agentlens) app.use(expressMetrics(agentlens, options));
    app.get('/users/:id', (req, res) => {
      res.set('x-sample', 'yes').json({ id: req.params.id });
    });
    app.post('/items', (_req, res) => {
      res.status(201).send('created');
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/slow', async (_req, res) => {
      await sleep(SLOW_MS);
      res.send('slow');
    });
    app.get('/gate', async (_req, res) => {
      await gate.pass();
      res.send('gated');
    });
    for (const probe of PROBES) app.get(probe, (_req, res) => res.send('probe'));
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).send('failed');
    });
    return listen(createServer(app));
  },
};

const fastifyFramework: Framework = {
  name: 'fastify',
  start: async (gate, agentlens, options) => {
    const app = Fastify();
    if (agentlens) await app.register(fastifyMetrics(agentlens, options));
    app.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
      reply.header('x-sample', 'yes');
      return { id: request.params.id };
    });
    app.post('/items', async (_request, reply) => reply.code(201).send('created'));
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    app.get('/slow', async () => {
      await sleep(SLOW_MS);
      return 'slow';
    });
    app.get('/gate', async () => {
      await gate.pass();
      return 'gated';
    });
    for (const probe of PROBES) app.get(probe, async () => 'probe');
    await app.ready();
    return fastifyHarness(app);
  },
};

const honoFramework: Framework = {
  name: 'hono',
  start: async (gate, agentlens, options) => {
    const app = new Hono();
    if (agentlens) app.use(honoMetrics(agentlens, options));
    app.get('/users/:id', (c) => {
      c.header('x-sample', 'yes');
      return c.json({ id: c.req.param('id') });
    });
    app.post('/items', (c) => c.text('created', 201));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/slow', async (c) => {
      await sleep(SLOW_MS);
      return c.text('slow');
    });
    app.get('/gate', async (c) => {
      await gate.pass();
      return c.text('gated');
    });
    for (const probe of PROBES) app.get(probe, (c) => c.text('probe'));
    // Hono's default handler would also answer 500, and print the error.
    app.onError((_error, c) => c.text('failed', 500));
    return honoHarness(app);
  },
};

/** A hand-written router, as apps without a framework have; the middleware gets its route list. */
const NODE_ROUTES = ['/users/:id', '/items', '/boom', '/slow', '/gate', ...PROBES];

const nodeHttpFramework: Framework = {
  name: 'node:http',
  start: (gate, agentlens, options) => {
    const send = (
      res: ServerResponse,
      status: number,
      body: string,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    };
    const handler = async (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const user = /^\/users\/([^/]+)$/.exec(path);
      try {
        if (req.method === 'GET' && user) {
          send(res, 200, JSON.stringify({ id: user[1] }), {
            'content-type': 'application/json',
            'x-sample': 'yes',
          });
        } else if (req.method === 'POST' && path === '/items') {
          send(res, 201, 'created');
        } else if (path === '/boom') {
          throw new Error('boom');
        } else if (path === '/slow') {
          await sleep(SLOW_MS);
          send(res, 200, 'slow');
        } else if (path === '/gate') {
          await gate.pass();
          send(res, 200, 'gated');
        } else if ((PROBES as readonly string[]).includes(path)) {
          send(res, 200, 'probe');
        } else {
          send(res, 404, 'not found');
        }
      } catch {
        send(res, 500, 'failed');
      }
    };
    const listener = agentlens
      ? nodeHttpMetrics(agentlens, handler, { ...options, routes: NODE_ROUTES })
      : handler;
    return listen(createServer(listener));
  },
};

const FRAMEWORKS = [expressFramework, fastifyFramework, honoFramework, nodeHttpFramework];

// ---- reading the exposition ---------------------------------------------------------------------

function inFlight(exposition: string): number {
  return sampleValue(exposition, 'http_requests_in_flight') ?? 0;
}

/**
 * The exposition once every request has been recorded: servers record on `finish`, which can come
 * just after the client has read the whole response.
 */
async function settledMetrics(agentlens: Agentlens): Promise<string> {
  await vi.waitFor(async () => expect(inFlight(await agentlens.metrics())).toBe(0));
  return agentlens.metrics();
}

function requestCount(exposition: string, route: string, status: string, method = 'GET'): number | undefined {
  return sampleValue(exposition, 'http_requests_total', { method, route, status });
}

/** Every `route` label value of the request counter. */
function routesOf(exposition: string): string[] {
  return samplesOf(exposition, 'http_requests_total').map((s) => s.labels.route ?? '');
}

// ---- the shared suite ---------------------------------------------------------------------------

/** Stopped after each test, passing or not; a gate still held is released first. */
const running: RunningApp[] = [];
const gates: Gate[] = [];

afterEach(async () => {
  for (const gate of gates.splice(0)) gate.release();
  await Promise.all(running.splice(0).map((app) => app.close()));
});

async function startApp(framework: Framework, options?: HttpMetricsOptions, withMetrics = true) {
  const agentlens = createAgentlens({ processMetrics: false });
  const gate = createGate();
  gates.push(gate);
  const app = await framework.start(gate, withMetrics ? agentlens : undefined, options);
  running.push(app);
  return { agentlens, app, gate };
}

describe.each(FRAMEWORKS)('$name middleware', (framework) => {
  it('records a parameterised route once under its template, never under the raw path', async () => {
    const { agentlens, app } = await startApp(framework);
    for (const id of ['1', '2', 'abc']) {
      const reply = await app.request(`/users/${id}`);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ id });
    }

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/users/:id', '200')).toBe(3);
    expect(routesOf(text)).toEqual(['/users/:id']);
    for (const raw of ['/users/1', '/users/2', '/users/abc']) expect(text).not.toContain(raw);
  });

  it('records the status the app answered, with the method in upper case', async () => {
    const { agentlens, app } = await startApp(framework);
    expect((await app.request('/items', 'POST')).status).toBe(201);
    expect((await app.request('/boom')).status).toBe(500);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/items', '201', 'POST')).toBe(1);
    expect(requestCount(text, '/boom', '500')).toBe(1);
    expect(samplesOf(text, 'http_requests_total')).toHaveLength(2);
  });

  it('records unknown paths as __unmatched__, in one series however many distinct paths', async () => {
    const { agentlens, app } = await startApp(framework);
    const paths = Array.from({ length: 50 }, (_, i) => `/scan-${randomUUID()}/${i}.php`);
    const replies = await Promise.all(paths.map((path) => app.request(path)));
    expect(replies.map((r) => r.status)).toEqual(paths.map(() => 404));

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, UNMATCHED_ROUTE, '404')).toBe(50);
    expect(samplesOf(text, 'http_requests_total')).toHaveLength(1);
    expect(text).not.toContain('/scan-');
  });

  it('observes every request in the duration histogram, with the time the handler took', async () => {
    const { agentlens, app } = await startApp(framework);
    for (const id of ['1', '2', '3']) await app.request(`/users/${id}`);
    expect((await app.request('/slow')).body).toBe('slow');

    const text = await settledMetrics(agentlens);
    const users = { method: 'GET', route: '/users/:id' };
    expect(sampleValue(text, 'http_request_duration_seconds_count', users)).toBe(3);
    const slow = { method: 'GET', route: '/slow' };
    expect(sampleValue(text, 'http_request_duration_seconds_count', slow)).toBe(1);
    expect(sampleValue(text, 'http_request_duration_seconds_sum', slow)).toBeGreaterThanOrEqual(0.05);
  });

  it('counts a request in flight while it is served, and not after', async () => {
    const { agentlens, app, gate } = await startApp(framework);
    const pending = app.request('/gate');
    await gate.entered;
    expect(inFlight(await agentlens.metrics())).toBe(1);

    gate.release();
    expect((await pending).body).toBe('gated');
    const text = await settledMetrics(agentlens);
    expect(inFlight(text)).toBe(0);
    expect(requestCount(text, '/gate', '200')).toBe(1);
  });

  it('leaves /metrics and health probes out by default', async () => {
    const { agentlens, app } = await startApp(framework);
    for (const path of [...PROBES, '/metrics?format=text'])
      expect((await app.request(path)).body).toBe('probe');

    const text = await settledMetrics(agentlens);
    expect(samplesOf(text, 'http_requests_total')).toEqual([]);
    expect(samplesOf(text, 'http_request_duration_seconds_count')).toEqual([]);
  });

  it('records /metrics and health probes with ignorePaths: []', async () => {
    const { agentlens, app } = await startApp(framework, { ignorePaths: [] });
    for (const path of [...PROBES, '/metrics?format=text']) await app.request(path);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/metrics', '200')).toBe(2);
    expect(requestCount(text, '/health', '200')).toBe(1);
    expect(requestCount(text, '/ready', '200')).toBe(1);
  });

  it('never changes what the app answers', async () => {
    const { app: measured } = await startApp(framework);
    const { app: bare } = await startApp(framework, undefined, false);
    const comparable = ({ headers: { date: _date, ...headers }, ...rest }: Reply) => ({ ...rest, headers });
    for (const [path, method] of [
      ['/users/42', 'GET'],
      ['/items', 'POST'],
      ['/boom', 'GET'],
      ['/no/such/page', 'GET'],
    ] as const) {
      const expected = comparable(await bare.request(path, method));
      expect(comparable(await measured.request(path, method)), `${method} ${path}`).toEqual(expected);
    }
    expect(comparable(await measured.request('/users/42')).headers['x-sample']).toBe('yes');
  });
});

// ---- framework-specific routing ----------------------------------------------------------------

describe('expressMetrics routing', () => {
  async function startExpress(build: (app: express.Express) => void, withMetrics = true) {
    const agentlens = createAgentlens({ processMetrics: false });
    const app = express();
    if (withMetrics) app.use(expressMetrics(agentlens));
    build(app);
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).send('failed');
    });
    const server = await listen(createServer(app));
    running.push(server);
    return { agentlens, app: server };
  }

  it('records a router mounted with app.use("/api", router) under the full template, errors included', async () => {
    const { agentlens, app } = await startExpress((app) => {
      const router = express.Router();
      router.get('/items/:id', (req, res) => {
        res.json({ id: req.params.id });
      });
      router.get('/broken/:id', async () => {
        throw new Error('broken');
      });
      app.use('/api', router);
    });
    expect((await app.request('/api/items/7')).status).toBe(200);
    expect((await app.request('/api/items/8')).status).toBe(200);
    // Answered by the app's error handler, after Express has left the router.
    expect((await app.request('/api/broken/7')).status).toBe(500);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/api/items/:id', '200')).toBe(2);
    expect(requestCount(text, '/api/broken/:id', '500')).toBe(1);
    expect(routesOf(text).sort()).toEqual(['/api/broken/:id', '/api/items/:id']);
  });

  it('records the parameters of a mount path by name, never their values', async () => {
    const { agentlens, app } = await startExpress((app) => {
      const tenant = express.Router();
      // A second route matching the same path: Express has replaced req.params by the time it runs.
      tenant.all('/items/:id', (_req, _res, next) => next());
      tenant.get('/items/:id', (_req, res) => {
        res.send('item');
      });
      app.use('/tenants/:tenantId', tenant);
      const org = express.Router();
      const project = express.Router();
      project.get('/tasks/:id', (_req, res) => {
        res.send('task');
      });
      org.use('/projects/:project', project);
      app.use('/orgs/:org', org);
    });
    expect((await app.request('/tenants/tenant-acme/items/1')).body).toBe('item');
    expect((await app.request('/tenants/tenant-globex/items/2')).body).toBe('item');
    expect((await app.request('/orgs/org-zeta/projects/proj-omega/tasks/3')).body).toBe('task');

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/tenants/:tenantId/items/:id', '200')).toBe(2);
    expect(requestCount(text, '/orgs/:org/projects/:project/tasks/:id', '200')).toBe(1);
    for (const value of ['tenant-acme', 'tenant-globex', 'org-zeta', 'proj-omega'])
      expect(text).not.toContain(value);
  });

  it('records sub-apps by their mount path, leaving the request as Express set it for handlers', async () => {
    const build = (app: express.Express) => {
      const tenant = express.Router({ mergeParams: true });
      tenant.get('/items/:id', (req, res) => {
        const { baseUrl, originalUrl, params, url } = req;
        res.json({ baseUrl, originalUrl, params, url, route: req.route?.path });
      });
      app.use('/tenants/:tenantId', tenant);
      const admin = express();
      admin.get('/users/:id', (req, res) => {
        res.json({ baseUrl: req.baseUrl, params: req.params, route: req.route?.path });
      });
      app.use('/admin', admin);
    };
    const measured = await startExpress(build);
    const bare = await startExpress(build, false);
    for (const path of ['/tenants/tenant-acme/items/1?full=true', '/admin/users/9']) {
      const expected = await bare.app.request(path);
      expect(expected.status).toBe(200);
      expect((await measured.app.request(path)).body).toBe(expected.body);
    }

    const text = await settledMetrics(measured.agentlens);
    expect(requestCount(text, '/tenants/:tenantId/items/:id', '200')).toBe(1);
    expect(requestCount(text, '/admin/users/:id', '200')).toBe(1);
  });

  it('records Express 5 path patterns (wildcards, optional segments) as written', async () => {
    const { agentlens, app } = await startExpress((app) => {
      app.get('/files/*path', (_req, res) => {
        res.send('file');
      });
      app.get('/docs{/:section}', (_req, res) => {
        res.send('doc');
      });
    });
    for (const path of ['/files/a.txt', '/files/deep/b.txt', '/docs', '/docs/intro']) {
      expect((await app.request(path)).status).toBe(200);
    }

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/files/*path', '200')).toBe(2);
    expect(requestCount(text, '/docs{/:section}', '200')).toBe(2);
    expect(text).not.toContain('a.txt');
  });
});

describe('fastifyMetrics routing', () => {
  async function startFastify() {
    const agentlens = createAgentlens({ processMetrics: false });
    const app = Fastify();
    await app.register(fastifyMetrics(agentlens));
    app.get('/root/:id', async () => 'root');
    await app.register(
      async (child) => {
        child.get('/things/:id', async () => 'thing');
        child.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'no such thing' }));
      },
      { prefix: '/v1' },
    );
    running.push(fastifyHarness(app));
    return { agentlens, app };
  }

  it('measures routes registered after it at the root and in a plugin with a prefix', async () => {
    const { agentlens, app } = await startFastify();
    for (const url of ['/root/1', '/v1/things/1', '/v1/things/2']) {
      expect((await app.inject({ url })).statusCode).toBe(200);
    }

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/root/:id', '200')).toBe(1);
    expect(requestCount(text, '/v1/things/:id', '200')).toBe(2);
    expect(routesOf(text)).toHaveLength(2);
  });

  it("records a child plugin's not-found answers and a known path with the wrong method as __unmatched__", async () => {
    const { agentlens, app } = await startFastify();
    expect((await app.inject({ url: '/v1/nothing/here' })).json()).toEqual({ error: 'no such thing' });
    expect((await app.inject({ method: 'DELETE', url: '/v1/things/1' })).statusCode).toBe(404);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, UNMATCHED_ROUTE, '404')).toBe(1);
    expect(requestCount(text, UNMATCHED_ROUTE, '404', 'DELETE')).toBe(1);
    expect(routesOf(text)).toEqual([UNMATCHED_ROUTE, UNMATCHED_ROUTE]);
  });

  it('records requests that came through a real socket', async () => {
    const { agentlens, app } = await startFastify();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    for (const id of ['10', '11'])
      expect((await fetch(`http://127.0.0.1:${port}/root/${id}`)).status).toBe(200);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/root/:id', '200')).toBe(2);
    expect(text).not.toContain('/root/10');
  });
});

describe('honoMetrics routing', () => {
  function newApp() {
    const agentlens = createAgentlens({ processMetrics: false });
    const app = new Hono();
    app.use(honoMetrics(agentlens));
    return { agentlens, app };
  }

  it('records routes of app.route("/api", sub) under the full template', async () => {
    const { agentlens, app } = newApp();
    const api = new Hono();
    api.use('*', async (_c, next) => next());
    api.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
    app.route('/api', api);
    const tenant = new Hono();
    tenant.get('/reports/:id', (c) => c.text('report'));
    app.route('/t/:tenant', tenant);

    expect(await (await app.request('/api/items/7')).json()).toEqual({ id: '7' });
    expect(await (await app.request('/t/tenant-acme/reports/3')).text()).toBe('report');

    const text = await agentlens.metrics();
    expect(requestCount(text, '/api/items/:id', '200')).toBe(1);
    expect(requestCount(text, '/t/:tenant/reports/:id', '200')).toBe(1);
    expect(text).not.toContain('tenant-acme');
  });

  it('records a 404 as __unmatched__ when more middleware runs after it', async () => {
    const { agentlens, app } = newApp();
    app.use(async (_c, next) => next()); // a logger, cors, ...
    app.use('/api/*', async (_c, next) => next());
    app.get('/known', (c) => c.text('known'));

    expect((await app.request('/nope')).status).toBe(404);
    expect((await app.request('/api/nope')).status).toBe(404);
    expect((await app.request('/known', { method: 'POST' })).status).toBe(404);

    const text = await agentlens.metrics();
    expect(requestCount(text, UNMATCHED_ROUTE, '404')).toBe(2);
    expect(requestCount(text, UNMATCHED_ROUTE, '404', 'POST')).toBe(1);
    expect(routesOf(text).filter((route) => route !== UNMATCHED_ROUTE)).toEqual([]);
  });

  it('records a catch-all not-found page as __unmatched__', async () => {
    const { agentlens, app } = newApp();
    app.get('/known', (c) => c.text('known'));
    app.all('*', (c) => c.text('nothing here', 404));

    expect(await (await app.request('/nope')).text()).toBe('nothing here');

    expect(routesOf(await agentlens.metrics())).toEqual([UNMATCHED_ROUTE]);
  });

  it('records a request a middleware turned away under the route it was for', async () => {
    const { agentlens, app } = newApp();
    app.use('/admin/*', async (c) => c.text('sign in first', 401));
    app.get('/admin/users/:id', (c) => c.text('user'));

    expect((await app.request('/admin/users/7')).status).toBe(401);

    const text = await agentlens.metrics();
    expect(requestCount(text, '/admin/users/:id', '401')).toBe(1);
    expect(routesOf(text)).toEqual(['/admin/users/:id']);
  });

  it("records the status of an HTTPException answered by Hono's default error handler", async () => {
    const { agentlens, app } = newApp();
    app.get('/teapot/:id', () => {
      throw new HTTPException(418, { message: 'short and stout' });
    });

    const reply = await app.request('/teapot/1');
    expect(reply.status).toBe(418);

    expect(requestCount(await agentlens.metrics(), '/teapot/:id', '418')).toBe(1);
  });
});

describe('nodeHttpMetrics routing', () => {
  const answer = (status: number) => (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = status;
    res.end();
  };

  async function serve(listener: (req: IncomingMessage, res: ServerResponse) => unknown) {
    const app = await listen(createServer(listener));
    running.push(app);
    return app;
  }

  it('with routes, records a path matching none of them as __unmatched__, whatever the handler answered', async () => {
    const agentlens = createAgentlens({ processMetrics: false });
    const app = await serve(nodeHttpMetrics(agentlens, answer(200), { routes: ['/users/:id'] }));
    await app.request('/users/5');
    await app.request('/users/5/extra');
    await app.request('/elsewhere');

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/users/:id', '200')).toBe(1);
    expect(requestCount(text, UNMATCHED_ROUTE, '200')).toBe(2);
    expect(routesOf(text)).toHaveLength(2);
  });

  it('without routes, replaces ids in the path and records 404s as __unmatched__', async () => {
    const agentlens = createAgentlens({ processMetrics: false });
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      answer(req.url?.startsWith('/orders/') ? 200 : 404)(req, res);
    const app = await serve(nodeHttpMetrics(agentlens, handler));
    await app.request('/orders/12345/items/550e8400-e29b-41d4-a716-446655440000');
    await app.request('/orders/67890/items/6ba7b810-9dad-11d1-80b4-00c04fd430c8?expand=true');
    await app.request('/wp-login.php');
    await app.request('/.env');

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/orders/:id/items/:id', '200')).toBe(2);
    expect(requestCount(text, UNMATCHED_ROUTE, '404')).toBe(2);
    expect(routesOf(text)).toHaveLength(2);
    for (const raw of ['12345', '550e8400', 'wp-login', '.env']) expect(text).not.toContain(raw);
  });

  it('prefers getRoute, and a getRoute that throws neither breaks the response nor goes unrecorded', async () => {
    const agentlens = createAgentlens({ processMetrics: false });
    const getRoute = (req: IncomingMessage) => {
      if (req.headers['x-fail']) throw new Error('getRoute bug');
      return req.url === '/special' ? '/special-template' : undefined;
    };
    const app = await serve(nodeHttpMetrics(agentlens, answer(200), { routes: ['/users/:id'], getRoute }));
    await app.request('/special');
    await app.request('/users/3');
    expect((await app.request('/users/4', 'GET', { 'x-fail': '1' })).status).toBe(200);

    const text = await settledMetrics(agentlens);
    expect(requestCount(text, '/special-template', '200')).toBe(1);
    expect(requestCount(text, '/users/:id', '200')).toBe(2);
  });
});

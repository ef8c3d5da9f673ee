import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUiRequest, registerUi } from './ui-static.js';

const INDEX =
  '<!doctype html><title>agentlens</title><script type="module" src="/assets/index-abc123.js"></script>';

/** An app like the hub's: a token on everything but the UI's files, an API route, a JSON 404. */
function appWith(distDir: string, token?: string): FastifyInstance {
  const app = Fastify();
  if (token !== undefined) {
    app.addHook('onRequest', async (request, reply) => {
      if (isUiRequest(request.method, request.url)) return;
      if (request.headers.authorization !== `Bearer ${token}`)
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'no token' } });
    });
  }
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route for ${request.url}` } }),
  );
  app.get('/api/hub', async () => ({ version: 'test' }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerUi(app, { distDir });
  return app;
}

describe('registerUi', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentlens-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("ui")');
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'agentlens-ui-secret.txt'), 'THE-CONTENT-OF-A-FILE-OUTSIDE');
    app = appWith(dir);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'agentlens-ui-secret.txt'), { force: true });
  });

  it('serves index.html at / without caching it', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.body).toBe(INDEX);
  });

  it('serves hashed assets as immutable, with their content type', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log("ui")');
    const css = await app.inject({ method: 'GET', url: '/assets/index-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers client-side routes with index.html, so a reload or a shared link works', async () => {
    for (const url of [
      '/traces',
      '/traces/0123456789abcdef0123456789abcdef?span=abc',
      '/agents/Chat%20Agent',
      '/agents/gpt-4.1',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
    }
    const head = await app.inject({ method: 'HEAD', url: '/logs' });
    expect(head.statusCode).toBe(200);
  });

  it('leaves the API, OTLP, metrics and probe paths to their own routes and 404s', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/hub' })).json()).toEqual({ version: 'test' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    for (const url of ['/api/nope', '/api', '/v1/anything', '/metrics/x', '/healthz/x', '/readyz']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('not_found');
    }
  });

  it('answers 404 for a missing asset instead of the page', async () => {
    for (const url of ['/assets/missing-1.js', '/missing.js', '/assets/index-abc123.exe']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/json');
    }
  });

  it('never serves a file outside the build directory', async () => {
    const attempts = [
      '/assets/../../agentlens-ui-secret.txt',
      '/assets/..%2f..%2fagentlens-ui-secret.txt',
      '/assets/%2e%2e/%2e%2e/agentlens-ui-secret.txt',
      '/assets/..%5c..%5cagentlens-ui-secret.txt',
      '/assets/%00index-abc123.js',
      '/..%2fagentlens-ui-secret.txt',
      '/assets//etc/passwd',
    ];
    for (const url of attempts) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).not.toBe(500);
      expect(response.body, url).not.toContain('THE-CONTENT-OF-A-FILE-OUTSIDE');
      expect(response.body, url).not.toContain('root:');
    }
  });

  it('needs no token for the files while the API still does', async () => {
    const guarded = appWith(dir, 's3cret');
    try {
      expect((await guarded.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      expect((await guarded.inject({ method: 'GET', url: '/traces' })).statusCode).toBe(200);
      expect((await guarded.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode).toBe(200);
      expect((await guarded.inject({ method: 'GET', url: '/api/hub' })).statusCode).toBe(401);
      expect((await guarded.inject({ method: 'POST', url: '/traces' })).statusCode).toBe(401);
      const authorized = await guarded.inject({
        method: 'GET',
        url: '/api/hub',
        headers: { authorization: 'Bearer s3cret' },
      });
      expect(authorized.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'agentlens-ui-empty-'));
    const bare = appWith(empty);
    try {
      const response = await bare.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('ui_not_built');
      expect(response.json().error.message).toContain('npm run build');
      expect((await bare.inject({ method: 'GET', url: '/api/hub' })).statusCode).toBe(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('isUiRequest', () => {
  it('is true for GET and HEAD off the reserved paths only', () => {
    expect(isUiRequest('GET', '/')).toBe(true);
    expect(isUiRequest('HEAD', '/traces?agent=x')).toBe(true);
    expect(isUiRequest('GET', '/apix')).toBe(true);
    expect(isUiRequest('POST', '/')).toBe(false);
    expect(isUiRequest('GET', '/api/traces')).toBe(false);
    expect(isUiRequest('GET', '/api?x=1')).toBe(false);
    expect(isUiRequest('GET', '/v1/traces')).toBe(false);
    expect(isUiRequest('GET', '/metrics')).toBe(false);
  });
});

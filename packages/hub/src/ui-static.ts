/**
 * Serves the built web UI (`@agentlens/ui`'s `dist/web`) from the hub: `index.html` at `/` and at
 * every client-side route, hashed assets under `/assets/`. Static files only, read with `node:fs`;
 * the UI reaches the data through the query API, which keeps its own auth.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Options of {@link registerUi}. */
export interface UiOptions {
  /**
   * The directory holding `index.html` and `assets/` (`UI_DIST_DIR` of `@agentlens/ui`). When its
   * `index.html` is missing, the UI's paths answer 503 saying how to build it; the API is unaffected.
   */
  readonly distDir: string;
}

/** Paths the UI never answers: the API, OTLP, the metrics and the probes keep their own 404s. */
const RESERVED_PREFIXES = ['/api', '/v1', '/metrics', '/healthz', '/readyz'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every asset by its content hash, so a URL never changes meaning: cache it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** `index.html` names the current assets: the browser must ask again each time (a 200 is tiny). */
const REVALIDATE = 'no-cache';
/**
 * The page loads only its own scripts and talks only to its own origin. Inline styles are allowed
 * because the chart library sizes its elements with `style` attributes.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function pathOf(url: string): string {
  return url.split('?', 1)[0] ?? '';
}

function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Whether a request is for the UI's static files (a `GET` or `HEAD` off the API, OTLP, metrics and
 * probe paths). The hub's token check lets these through: the files hold no data, and the page
 * must load to ask for the token.
 */
export function isUiRequest(method: string, url: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !isReserved(pathOf(url));
}

/**
 * The file `relative` names inside `root`, or undefined when it would leave `root` (`..`, an
 * absolute path, a NUL byte) or names no plain file name.
 */
function inside(root: string, relative: string): string | undefined {
  if (relative === '' || relative.includes('\0') || relative.includes('\\')) return undefined;
  const file = resolve(root, `.${sep}${relative}`);
  return file.startsWith(root + sep) ? file : undefined;
}

async function readOrUndefined(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

/**
 * Registers the UI on `app`: `GET /assets/*` (immutable), `GET /` and every other `GET` that is
 * not under `/api`, `/v1`, `/metrics`, `/healthz` or `/readyz` (a top-level file of `distDir` such
 * as `/favicon.ico` when there is one, else `index.html`, so client-side routes survive a reload).
 * Reserved paths without a route fall through to the app's own not-found handler.
 *
 * @example
 * ```ts
 * import { UI_DIST_DIR } from '@agentlens/ui';
 * registerUi(app, { distDir: UI_DIST_DIR });
 * ```
 */
export function registerUi(app: FastifyInstance, options: UiOptions): void {
  const root = resolve(options.distDir);
  const assets = join(root, 'assets');
  const indexFile = join(root, 'index.html');

  const sendIndex = async (reply: FastifyReply) => {
    const html = await readOrUndefined(indexFile);
    if (html === undefined) {
      return fail(
        reply,
        503,
        'ui_not_built',
        `the web UI is not built (${indexFile} is missing): run npm run build`,
      );
    }
    return reply
      .type(CONTENT_TYPES['.html'] as string)
      .header('cache-control', REVALIDATE)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .send(html);
  };

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    const file = inside(assets, request.params['*']);
    const type = file === undefined ? undefined : CONTENT_TYPES[extname(file).toLowerCase()];
    const body = file === undefined || type === undefined ? undefined : await readOrUndefined(file);
    if (body === undefined) {
      return fail(reply, 404, 'not_found', `no UI asset ${pathOf(request.url).slice(0, 200)}`);
    }
    return reply
      .type(type as string)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });

  app.get('/', async (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>('/*', async (request, reply) => {
    const path = pathOf(request.url);
    if (isReserved(path)) return reply.callNotFound();
    const name = request.params['*'];
    // A top-level file of the build (favicon.ico, robots.txt); anything else is a client route.
    if (!name.includes('/')) {
      const file = inside(root, name);
      const type = file === undefined ? undefined : CONTENT_TYPES[extname(file).toLowerCase()];
      if (file !== undefined && type !== undefined && file !== indexFile) {
        const body = await readOrUndefined(file);
        // A missing `/x.js` answered with the page would fail in the browser as a bad MIME type.
        if (body === undefined) return fail(reply, 404, 'not_found', `no UI file /${name.slice(0, 200)}`);
        return reply
          .type(type)
          .header('cache-control', 'public, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(body);
      }
    }
    return sendIndex(reply);
  });
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agentlens } from '../agentlens.js';
import { createMetricsHandler } from './handler.js';

export interface MetricsServerOptions {
  /** Port to listen on; `0` picks a free one. Default `AGENTLENS_METRICS_PORT` or 9464. */
  port?: number;
  /** Address to bind. Default `AGENTLENS_METRICS_HOST` or `127.0.0.1`. */
  host?: string;
  /** Bearer token; required when `host` is not a loopback address. Default `AGENTLENS_TOKEN`. */
  token?: string;
}

/** A running metrics server. */
export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting connections and resolves once the server is closed. */
  close(): Promise<void>;
  /** Resolves when the server has closed, however that happened. */
  readonly closed: Promise<void>;
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function resolvePort(value: number | undefined): number {
  const raw =
    value ?? (process.env.AGENTLENS_METRICS_PORT ? Number(process.env.AGENTLENS_METRICS_PORT) : 9464);
  if (!Number.isInteger(raw) || raw < 0 || raw > 65535) {
    throw new RangeError(`metrics server port must be an integer between 0 and 65535, got ${String(raw)}`);
  }
  return raw;
}

/**
 * Starts a `node:http` server that serves the agentlens handler, for apps without a server of their
 * own. Rejects (it is an explicit start, not a recording) when the port is taken or when a
 * non-loopback address is requested without a token.
 */
export async function startMetricsServer(
  agentlens: Agentlens,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const host = options.host ?? process.env.AGENTLENS_METRICS_HOST ?? '127.0.0.1';
  const port = resolvePort(options.port);
  const token = options.token ?? (process.env.AGENTLENS_TOKEN || undefined);
  if (!isLoopbackHost(host) && !token) {
    throw new Error(
      `refusing to serve metrics and health on ${host} without a token: set AGENTLENS_TOKEN (or the token option), or bind 127.0.0.1`,
    );
  }
  const handler = createMetricsHandler(agentlens, token === undefined ? {} : { token });
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  // Keep-alive connections from a scraper must not hold `close()` open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    closed,
    close: async () => {
      if (server.listening) {
        server.close();
        server.closeAllConnections();
      }
      await closed;
    },
  };
}

import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SQLITE_PATH, HUB_HEAP_LIMITS } from '@agentlens/hub/options';
import { UI_DIST_DIR } from '@agentlens/ui';
import { Command, InvalidArgumentError, Option } from 'commander';
import { byteSize, duration, port, usd } from '../option-parsers.js';
import { type StoreTarget, storeTarget } from '../store-target.js';
import type { ServeThreadConfig, ServeThreadMessage } from './serve-thread.js';

function target(value: string): StoreTarget {
  try {
    return storeTarget(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `7d`, `36h`, `90m`: the largest whole unit up to days. */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

function describeRetention(maxAgeMs: number | undefined, maxBytes: number | undefined): string {
  const parts = [
    ...(maxAgeMs === undefined ? [] : [`older than ${formatDuration(maxAgeMs)} removed`]),
    ...(maxBytes === undefined ? [] : [`at most ${formatBytes(maxBytes)}`]),
  ];
  return parts.length === 0 ? 'keep everything' : parts.join(', ');
}

interface ServeOptions {
  port: number;
  grpcPort: number | false;
  host: string;
  db: StoreTarget;
  retention?: number;
  maxDbSize?: number;
  budget?: number;
}

/** `agentlens serve`: the embedded hub, until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the agentlens hub: OTLP receiver (HTTP and gRPC), storage, query API and web UI')
    .option('--port <port>', 'OTLP/HTTP and API port (0 = any free port)', port, 4318)
    .addOption(
      new Option('--grpc-port <port>', 'OTLP/gRPC port (0 = any free port)').argParser(port).default(4317),
    )
    .option('--no-grpc', 'do not listen for OTLP/gRPC')
    .option('--host <host>', 'address to bind; anything but loopback needs AGENTLENS_TOKEN', '127.0.0.1')
    .option(
      '--db <path|url>',
      'SQLite database file, or a postgres:// URL',
      target,
      storeTarget(DEFAULT_SQLITE_PATH),
    )
    .option('--retention <duration>', 'remove traces and logs older than this (e.g. 7d, 24h)', duration)
    .option('--max-db-size <size>', 'remove the oldest data while the store is larger (e.g. 2GB)', byteSize)
    .option(
      '--budget <usd>',
      'daily budget in US dollars: the report shows spend against it (default AGENTLENS_DAILY_BUDGET_USD)',
      usd,
    )
    .addHelpText(
      'after',
      `
Examples:
  agentlens serve
  agentlens serve --port 4318 --grpc-port 4317 --db ./.agentlens/agentlens.db --retention 7d --max-db-size 2GB
  agentlens serve --budget 25
  AGENTLENS_TOKEN=secret agentlens serve --host 0.0.0.0 --db postgres://agentlens@db:5432/agentlens`,
    )
    .action(async (options: ServeOptions & { grpc?: boolean }) => {
      const config: ServeThreadConfig = {
        port: options.port,
        grpcPort: options.grpc === false ? null : (options.grpcPort as number),
        host: options.host,
        db: options.db,
        retention: {
          ...(options.retention === undefined ? {} : { maxAgeMs: options.retention }),
          ...(options.maxDbSize === undefined ? {} : { maxBytes: options.maxDbSize }),
        },
        ...(options.budget === undefined ? {} : { dailyBudgetUsd: options.budget }),
        uiDistDir: UI_DIST_DIR,
      };
      const banner = (url: string, grpcUrl: string | null) => [
        `agentlens hub listening on ${url}`,
        `  OTLP/HTTP: ${url}/v1/traces, /v1/logs, /v1/metrics`,
        `  OTLP/gRPC: ${grpcUrl ?? 'off'}`,
        `  API:       ${url}/api/traces, /api/stats/agents, ...   metrics: ${url}/metrics`,
        `  web UI:    ${url}/`,
        `  data:      ${options.db.kind === 'sqlite' ? resolve(options.db.path) : options.db.display}`,
        `  retention: ${describeRetention(options.retention, options.maxDbSize)}`,
        ...(options.budget === undefined ? [] : [`  budget:    $${options.budget.toFixed(2)} a day`]),
        'Ctrl-C to stop.',
      ];
      const signal = await serveInThread(config, (url, grpcUrl) =>
        process.stdout.write(`${banner(url, grpcUrl).join('\n')}\n`),
      );
      process.stdout.write(`stopped (${signal})\n`);
    });
}

/**
 * Starts the hub's thread (`serve-thread.ts`) under {@link HUB_HEAP_LIMITS}. Built, it is the
 * sibling `.js` file; from the sources (the tests run the command under tsx), a Node 20 worker does
 * not inherit the loader's hooks, so the thread registers tsx before it loads the `.ts` file.
 */
function startServeThread(config: ServeThreadConfig): Worker {
  const options = { workerData: config, resourceLimits: { ...HUB_HEAP_LIMITS } };
  if (import.meta.url.endsWith('.js'))
    return new Worker(new URL('./serve-thread.js', import.meta.url), options);
  const file = JSON.stringify(new URL('./serve-thread.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${file}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Runs the hub in its thread until SIGINT or SIGTERM, and resolves with that signal's name once
 * the hub has closed (its ingest queue committed, the store closed). `onListening` runs once the
 * hub listens. Rejects when the hub could not start, or when its thread died (out of memory among
 * other causes); what it had acknowledged is committed all the same.
 */
async function serveInThread(
  config: ServeThreadConfig,
  onListening: (url: string, grpcUrl: string | null) => void,
): Promise<string> {
  const thread = startServeThread(config);
  let signal: string | undefined;
  let failure: string | undefined;
  // The handlers go in before the banner: whoever waits for "Ctrl-C to stop" may signal at once.
  const onSignal = (name: string) => {
    if (signal !== undefined) return;
    signal = name;
    thread.postMessage({ type: 'stop' });
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  thread.on('message', (message: ServeThreadMessage) => {
    if (message.type === 'listening') onListening(message.url, message.grpcUrl);
    else failure = message.message;
  });
  try {
    const code = await new Promise<number>((resolvePromise, reject) => {
      thread.once('error', (error: Error & { code?: string }) =>
        reject(
          new Error(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `the hub ran out of memory (heap limit ${HUB_HEAP_LIMITS.maxOldGenerationSizeMb} MB): ${error.message}`
              : `the hub stopped: ${error.message}`,
          ),
        ),
      );
      thread.once('exit', resolvePromise);
    });
    if (failure !== undefined) throw new Error(failure);
    if (code !== 0 || signal === undefined) throw new Error(`the hub's thread ended (exit code ${code})`);
    return signal;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}

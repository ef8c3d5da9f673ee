import { resolve } from 'node:path';
import { createHub, DEFAULT_SQLITE_PATH, type HubRetentionOptions } from '@agentlens/hub';
import { UI_DIST_DIR } from '@agentlens/ui';
import { Command, InvalidArgumentError, Option } from 'commander';
import { byteSize, duration, port, usd } from '../option-parsers.js';
import { openStore, type StoreTarget, storeTarget } from '../store-target.js';

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
      const grpcPort = options.grpc === false ? null : (options.grpcPort as number);
      const retention: HubRetentionOptions = {
        ...(options.retention === undefined ? {} : { maxAgeMs: options.retention }),
        ...(options.maxDbSize === undefined ? {} : { maxBytes: options.maxDbSize }),
      };
      const store = await openStore(options.db);
      const hub = await createHub({
        port: options.port,
        grpcPort,
        host: options.host,
        store,
        retention,
        ...(options.budget === undefined ? {} : { dailyBudgetUsd: options.budget }),
        logLevel: 'warn',
        ui: { distDir: UI_DIST_DIR },
      }).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      const lines = [
        `agentlens hub listening on ${hub.url}`,
        `  OTLP/HTTP: ${hub.url}/v1/traces, /v1/logs, /v1/metrics`,
        `  OTLP/gRPC: ${hub.grpcUrl ?? 'off'}`,
        `  API:       ${hub.url}/api/traces, /api/stats/agents, ...   metrics: ${hub.url}/metrics`,
        `  web UI:    ${hub.url}/`,
        `  data:      ${options.db.kind === 'sqlite' ? resolve(options.db.path) : options.db.display}`,
        `  retention: ${describeRetention(options.retention, options.maxDbSize)}`,
        ...(options.budget === undefined ? [] : [`  budget:    $${options.budget.toFixed(2)} a day`]),
        'Ctrl-C to stop.',
      ];
      // The handlers go in before the banner: whoever waits for "Ctrl-C to stop" may signal at once.
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        // close() lets requests in hand finish, commits the ingest queue, then closes the store.
        await hub.close();
        await store.close();
        process.stdout.write(`stopped (${signal})\n`);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

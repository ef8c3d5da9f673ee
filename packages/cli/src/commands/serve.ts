import { resolve } from 'node:path';
import { createHub, DEFAULT_SQLITE_PATH } from '@agentlens/hub';
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

/** `agentlens serve`: the embedded hub, until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the agentlens hub: OTLP/HTTP receiver on SQLite')
    .option('--port <port>', 'OTLP/HTTP port (0 = any free port)', port, 4318)
    .option('--host <host>', 'address to bind; anything but loopback needs AGENTLENS_TOKEN', '127.0.0.1')
    .option('--db <path>', 'SQLite database file', DEFAULT_SQLITE_PATH)
    .addHelpText('after', '\nExample:\n  agentlens serve --port 4318 --db ./.agentlens/agentlens.db')
    .action(async (options: { port: number; host: string; db: string }) => {
      const hub = await createHub({ port: options.port, host: options.host, dbPath: options.db });
      process.stdout.write(
        `agentlens hub listening on ${hub.url}\n  OTLP/HTTP: ${hub.url}/v1/traces, /v1/logs, /v1/metrics\n  data:      ${resolve(options.db)}\nCtrl-C to stop.\n`,
      );
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        // close() lets requests in hand finish, then closes the store.
        await hub.close();
        process.stdout.write(`stopped (${signal})\n`);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

/**
 * The hub of `agentlens serve`, run in the worker thread that `serve.ts` starts with the hub's
 * heap limits (`HUB_HEAP_LIMITS`), so that its memory stays bounded without Node flags.
 *
 * Over `parentPort`:
 * - `workerData` is a {@link ServeThreadConfig};
 * - thread → main `{ type: 'listening', url, grpcUrl }` once the hub listens;
 * - main → thread `{ type: 'stop' }`: the thread closes the hub (requests in hand finish, the ingest
 *   queue commits) and the store, then ends;
 * - thread → main `{ type: 'failed', message }` when the store or the hub could not start; the
 *   thread then ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHub, type HubRetentionOptions, PostgresStore, SqliteStore, type Store } from '@agentlens/hub';
import type { StoreTarget } from '../store-target.js';

/** What `serve` passes to its thread (structured-cloneable). */
export interface ServeThreadConfig {
  readonly port: number;
  readonly grpcPort: number | null;
  readonly host: string;
  readonly db: StoreTarget;
  readonly retention: HubRetentionOptions;
  readonly dailyBudgetUsd?: number;
  readonly uiDistDir: string;
}

export type ServeThreadMessage =
  | { readonly type: 'listening'; readonly url: string; readonly grpcUrl: string | null }
  | { readonly type: 'failed'; readonly message: string };

/** Opens the store `--db` names; the caller closes it. */
async function openStore(target: StoreTarget): Promise<Store> {
  if (target.kind === 'sqlite') return new SqliteStore({ path: target.path });
  return PostgresStore.open({ connectionString: target.url });
}

const port = parentPort;
if (port === null) throw new Error('serve-thread runs only as a worker thread');
const config = workerData as ServeThreadConfig;
const post = (message: ServeThreadMessage) => port.postMessage(message);

let stopRequested = false;
let stop: () => Promise<void> = async () => {};
port.on('message', (message: { type?: string }) => {
  if (message?.type !== 'stop' || stopRequested) return;
  stopRequested = true;
  void stop().finally(() => port.close());
});

try {
  const store = await openStore(config.db);
  const hub = await createHub({
    port: config.port,
    grpcPort: config.grpcPort,
    host: config.host,
    store,
    retention: config.retention,
    ...(config.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: config.dailyBudgetUsd }),
    logLevel: 'warn',
    ui: { distDir: config.uiDistDir },
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // close() lets requests in hand finish, commits the ingest queue, then closes the store.
  stop = async () => {
    await hub.close();
    await store.close();
  };
  post({ type: 'listening', url: hub.url, grpcUrl: hub.grpcUrl });
  if (stopRequested) await stop().finally(() => port.close());
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}

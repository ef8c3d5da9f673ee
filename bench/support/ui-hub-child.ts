/**
 * A hub serving the web UI, in a process of its own, for `bench/ui.ts`: `startUiHub` in
 * `ui-hub-process.ts` runs this file as plain JavaScript (types stripped, no loader hooks) from the
 * repository root, so it imports the BUILT `@agentlens/hub` and `@agentlens/ui`, as
 * `agentlens serve` does (the ingest and query benchmarks run `agentlens serve` itself, see
 * `hub-process.ts`; this one needs a hub it can configure from the bench).
 *
 * Protocol over the IPC channel: config in the environment variable `BENCH_UI_HUB_CONFIG` (JSON
 * {@link UiHubConfig}); child → parent `{ type: 'ready', url }` once it listens; parent → child
 * `{ type: 'stop' }`: the child closes the hub (and its store), answers `{ type: 'stopped',
 * maxRssBytes, cpuMs }` and exits. It also exits if the parent goes away.
 */
import { createHub, SqliteStore } from '@agentlens/hub';
import { UI_DIST_DIR } from '@agentlens/ui';

/** What the parent asks for. */
export interface UiHubConfig {
  /** SQLite file, already filled. */
  readonly dbPath: string;
}

/** What the child reports when it stops. */
export interface UiHubReport {
  readonly type: 'stopped';
  /** Peak resident set size of the hub process over its life, bytes. */
  readonly maxRssBytes: number;
  /** CPU time the hub process used, user + system, milliseconds. */
  readonly cpuMs: number;
}

const config = JSON.parse(process.env.BENCH_UI_HUB_CONFIG ?? '{}') as UiHubConfig;
const send = (message: object) =>
  new Promise<void>((resolve, reject) => {
    if (process.send === undefined) reject(new Error('ui-hub-child needs an IPC channel'));
    else process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });

// No decode workers: nothing is ingested, and an idle worker thread would only take memory.
const hub = await createHub({
  port: 0,
  store: new SqliteStore({ path: config.dbPath }),
  decodeWorkers: 0,
  ui: { distDir: UI_DIST_DIR },
});
let stopping = false;

process.on('message', async (message: { type?: string }) => {
  if (message?.type !== 'stop' || stopping) return;
  stopping = true;
  await hub.close();
  await hub.store.close();
  const usage = process.resourceUsage();
  const report: UiHubReport = {
    type: 'stopped',
    // maxRSS is in kibibytes.
    maxRssBytes: usage.maxRSS * 1024,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
  await send(report);
  process.disconnect();
});
// An orphaned hub must not linger: the parent crashed or was killed.
process.on('disconnect', () => {
  if (!stopping) process.exit(1);
});

await send({ type: 'ready', url: hub.url });

/**
 * The hub under test, in a process of its own (so that its memory and its CPU thread are its
 * own): `startHubProcess` in `hub-process.ts` runs this file as plain JavaScript (types stripped,
 * no loader hooks in the process), and it imports the BUILT `@agentlens/hub`, as an app does.
 *
 * Protocol over the IPC channel:
 * - config: the environment variable `BENCH_HUB_CHILD_CONFIG`, JSON {@link HubChildConfig};
 * - child → parent `{ type: 'ready', url }` once the hub listens;
 * - parent → child `{ type: 'usage' }`: the child answers with a {@link HubChildUsage};
 * - parent → child `{ type: 'stop' }`: the child closes the hub (which commits what its ingest
 *   queue holds), checkpoints the WAL, closes the store and answers with a {@link HubChildReport},
 *   then exits. It also exits if the parent goes away.
 */
import { createHub, SqliteStore } from '@agentlens/hub';

/** What the parent asks for. */
export interface HubChildConfig {
  /** SQLite file; created when missing. */
  readonly dbPath: string;
}

/** The child's resource use so far. */
export interface HubChildUsage {
  readonly type: 'usage';
  /** CPU time used since the process started, user + system, milliseconds. */
  readonly cpuMs: number;
  /** Current resident set size, bytes. */
  readonly rssBytes: number;
}

/** What the child reports when it stops. */
export interface HubChildReport {
  readonly type: 'report';
  /** Peak resident set size of the hub process over its life, bytes. */
  readonly maxRssBytes: number;
  /** CPU time the hub process used, user + system, milliseconds. */
  readonly cpuMs: number;
  /** `store.sizeBytes()` when the hub stopped, WAL included. */
  readonly sizeBytes: number;
  /** `store.sizeBytes()` after a WAL checkpoint (the WAL truncated): the data's own size. */
  readonly checkpointedSizeBytes: number;
}

const config = JSON.parse(process.env.BENCH_HUB_CHILD_CONFIG ?? '{}') as HubChildConfig;
const send = (message: object) =>
  new Promise<void>((resolve, reject) => {
    if (process.send === undefined) reject(new Error('hub-child needs an IPC channel'));
    else process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });

const store = new SqliteStore({ path: config.dbPath });
const hub = await createHub({ port: 0, store });
let stopping = false;

process.on('message', async (message: { type?: string }) => {
  if (message?.type === 'usage') {
    const cpu = process.cpuUsage();
    const usage: HubChildUsage = {
      type: 'usage',
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBytes: process.memoryUsage.rss(),
    };
    await send(usage);
    return;
  }
  if (message?.type !== 'stop' || stopping) return;
  stopping = true;
  await hub.close();
  const sizeBytes = await store.sizeBytes();
  // Retention by size with no limit only checkpoints and truncates the WAL (see Store).
  await store.applyRetention({ maxBytes: Number.MAX_SAFE_INTEGER });
  const checkpointedSizeBytes = await store.sizeBytes();
  await store.close();
  const usage = process.resourceUsage();
  const report: HubChildReport = {
    type: 'report',
    // maxRSS is in kibibytes.
    maxRssBytes: usage.maxRSS * 1024,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    sizeBytes,
    checkpointedSizeBytes,
  };
  await send(report);
  process.disconnect();
});
// An orphaned hub must not linger: the parent crashed or was killed.
process.on('disconnect', () => {
  if (!stopping) process.exit(1);
});

await send({ type: 'ready', url: hub.url });

import type { HubChildConfig, HubChildReport, HubChildUsage } from './hub-child.js';
import { startIpcChild } from './ipc-child.js';

/** A hub running in a child process (see `hub-child.ts`). */
export interface HubProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** The process's CPU time and RSS so far. */
  usage(): Promise<HubChildUsage>;
  /** Closes the hub (its queue committed), and resolves with its report once the process exited. */
  stop(): Promise<HubChildReport>;
  /** Kills the process without a report (cleanup after a failure). Idempotent. */
  kill(): void;
}

const START_TIMEOUT_MS = 30_000;
const ANSWER_TIMEOUT_MS = 120_000;

/**
 * Extra Node flags for the hub process, from `BENCH_HUB_NODE_ARGS` (space-separated), for
 * example `--cpu-prof --cpu-prof-dir=/tmp/hub-prof` to profile the hub under load.
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

/** Starts a hub on `config.dbPath` in a child process and resolves once it listens. */
export async function startHubProcess(config: HubChildConfig): Promise<HubProcess> {
  const {
    child,
    exited,
    next: answer,
    kill,
  } = startIpcChild(
    'hub-child.ts',
    'hub process',
    { BENCH_HUB_CHILD_CONFIG: JSON.stringify(config) },
    extraNodeArgs(),
  );

  const ready = await answer<{ url: string }>('ready', START_TIMEOUT_MS);
  return {
    url: ready.url,
    pid: child.pid ?? -1,
    kill,
    usage() {
      const usage = answer<HubChildUsage>('usage', ANSWER_TIMEOUT_MS);
      child.send({ type: 'usage' });
      return usage;
    },
    async stop() {
      const report = answer<HubChildReport>('report', ANSWER_TIMEOUT_MS);
      child.send({ type: 'stop' });
      const result = await report;
      await exited;
      return result;
    },
  };
}

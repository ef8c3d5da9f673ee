import { startIpcChild } from './ipc-child.js';
import type { UiHubConfig, UiHubReport } from './ui-hub-child.js';

/** A hub serving the web UI, in a child process (see `ui-hub-child.ts`). */
export interface UiHubProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the UI is at `/`. */
  readonly url: string;
  /** Closes the hub and resolves with its report once the process exited. */
  stop(): Promise<UiHubReport>;
  /** Kills the process without a report (cleanup after a failure). Idempotent. */
  kill(): void;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Starts a hub with the UI on `config.dbPath` and resolves once it listens. The child runs as
 * plain JavaScript (see `ipc-child.ts`), so no tsx loader thread shares the hub's process.
 */
export async function startUiHub(config: UiHubConfig): Promise<UiHubProcess> {
  const { exited, next, kill, child } = startIpcChild('ui-hub-child.ts', 'UI hub process', {
    BENCH_UI_HUB_CONFIG: JSON.stringify(config),
  });
  const ready = await next<{ url: string }>('ready', START_TIMEOUT_MS);
  return {
    url: ready.url,
    kill,
    async stop() {
      const report = next<UiHubReport>('stopped', STOP_TIMEOUT_MS);
      child.send({ type: 'stop' });
      const result = await report;
      await exited;
      return result;
    },
  };
}

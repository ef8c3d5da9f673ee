import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
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

const REPO_ROOT = dirname(dirname(import.meta.dirname));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Starts a hub with the UI on `config.dbPath` and resolves once it listens. The child runs as
 * plain JavaScript (esbuild strips the types), as `hub-process.ts` runs its child, so no tsx
 * loader thread shares the hub's process.
 */
export async function startUiHub(config: UiHubConfig): Promise<UiHubProcess> {
  const code = transformSync(readFileSync(join(import.meta.dirname, 'ui-hub-child.ts'), 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
  }).code;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '--eval', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_UI_HUB_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  /** The next message of `type`, or a rejection when the process exits or takes too long. */
  const next = <T>(type: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== type) return;
        done();
        resolve(message as T);
      };
      const timer = setTimeout(() => {
        done();
        kill();
        reject(new Error(`UI hub process sent no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      void exited.then((exitCode) => {
        done();
        reject(new Error(`UI hub process exited with ${exitCode} before it sent ${type}`));
      });
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

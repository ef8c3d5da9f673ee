import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import type { HubChildConfig, HubChildReport, HubChildUsage } from './hub-child.js';

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

const REPO_ROOT = dirname(dirname(import.meta.dirname));
const START_TIMEOUT_MS = 30_000;
const ANSWER_TIMEOUT_MS = 120_000;

let childSource: string | undefined;

/**
 * The child as plain JavaScript. Running it through tsx would put tsx's loader thread (and its
 * heap) into the hub's RSS; esbuild only strips the types, and the code runs as `--eval` from the
 * repository root so that `@agentlens/hub` resolves to the built package.
 */
function childCode(): string {
  childSource ??= transformSync(readFileSync(join(import.meta.dirname, 'hub-child.ts'), 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
  }).code;
  return childSource;
}

/**
 * Extra Node flags for the hub process, from `BENCH_HUB_NODE_ARGS` (space-separated), for
 * example `--cpu-prof --cpu-prof-dir=/tmp/hub-prof` to profile the hub under load.
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

/** Starts a hub on `config.dbPath` in a child process and resolves once it listens. */
export async function startHubProcess(config: HubChildConfig): Promise<HubProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...extraNodeArgs(), '--input-type=module', '--eval', childCode()],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_HUB_CHILD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  /** The next message of `type`, or a rejection when the process exits or takes too long. */
  const answer = <T>(type: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== type) return;
        done();
        resolve(message as T);
      };
      const timer = setTimeout(() => {
        done();
        kill();
        reject(new Error(`hub process sent no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        done();
        reject(new Error(`hub process exited with ${exitCode} before it sent ${type}`));
      });
    });

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

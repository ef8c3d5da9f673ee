import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';

/** A benchmark's helper process, talked to over its IPC channel. */
export interface IpcChild {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** The next message of `type`, or a rejection when the process exits or takes too long (it is then killed). */
  next<T>(type: string, timeoutMs: number): Promise<T>;
  /** Kills the process (cleanup after a failure). Idempotent. */
  kill(): void;
}

const REPO_ROOT = dirname(dirname(import.meta.dirname));
const sources = new Map<string, string>();

/**
 * The file as plain JavaScript. Running it through tsx would put tsx's loader thread (and its
 * heap) into the child's RSS; esbuild only strips the types, and the code runs as `--eval` from the
 * repository root so that `@agentlens/*` resolve to the built packages.
 */
function code(file: string): string {
  let source = sources.get(file);
  if (source === undefined) {
    source = transformSync(readFileSync(join(import.meta.dirname, file), 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
    }).code;
    sources.set(file, source);
  }
  return source;
}

/**
 * Runs `file` (a `.ts` file beside this one) in a process of its own with `env` added to this
 * process's environment; `label` names it in errors.
 */
export function startIpcChild(
  file: string,
  label: string,
  env: Readonly<Record<string, string>>,
  nodeArgs: readonly string[] = [],
): IpcChild {
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '--eval', code(file)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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
        reject(new Error(`${label} sent no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        done();
        reject(new Error(`${label} exited with ${exitCode} before it sent ${type}`));
      });
    });
  return { child, exited, next, kill };
}

/**
 * Starts the hub from source in a child process (`hub-process.test-helpers.ts` under tsx), so a
 * test can SIGKILL it mid-write and start it again on the same database file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, 'hub-process.test-helpers.ts');
/** The monorepo root, where `tsx` is installed: `--import tsx` resolves from the working directory. */
const REPO_ROOT = join(HERE, '..', '..', '..', '..');
const START_TIMEOUT_MS = 30_000;

/** A hub running in a child process. */
export interface HubProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and resolves once the process is gone. Idempotent. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What the process wrote to stderr so far (the last 64 KiB), for failure messages. */
  stderr(): string;
}

export interface HubProcessOptions {
  readonly dbPath: string;
  /** Default 0: any free port. */
  readonly port?: number;
}

/**
 * Spawns `node --import tsx --conditions=@agentlens/source` on the hub script and resolves once
 * the hub listens (it prints its URL). Rejects, with the child's stderr, when it exits or stays
 * silent for 30 s first.
 */
export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const env = { ...process.env };
  // A token in the environment would make the hub refuse the test's requests.
  delete env.AGENTLENS_TOKEN;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@agentlens/source',
      SCRIPT,
      '--db',
      options.dbPath,
      '--port',
      String(options.port ?? 0),
    ],
    { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-65_536);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timeout = AbortSignal.timeout(START_TIMEOUT_MS);
  try {
    const started = await Promise.race([
      (async () => {
        for await (const line of lines) {
          if (!line.startsWith('{')) continue;
          return JSON.parse(line) as { url: string; pid: number };
        }
        return undefined;
      })(),
      exited.then(() => undefined),
      once(timeout, 'abort').then(() => undefined),
    ]);
    if (started === undefined) {
      await kill();
      throw new Error(`the hub process did not start (db ${options.dbPath}):\n${stderr}`);
    }
    const port = Number(new URL(started.url).port);
    return { url: started.url, port, pid: started.pid, exited, kill, stderr: () => stderr };
  } catch (error) {
    await kill();
    throw error;
  } finally {
    lines.close();
    // Keep reading (and discarding) stdout so that the child never blocks on a full pipe.
    child.stdout?.resume();
  }
}

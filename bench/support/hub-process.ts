import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The hub under test: the built `agentlens serve`, as a user runs it (its hub thread under the
 * heap limits `serve` sets), in a process of its own so that its memory and its CPU are its own.
 * Its resource use is read from `/proc` (the benchmarks run on Linux).
 */
export interface HubProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** The process's CPU time and RSS so far. */
  usage(): HubUsage;
  /**
   * Stops the hub with SIGTERM (`serve` commits its ingest queue and closes the store), and
   * resolves with its report once the process exited cleanly.
   */
  stop(): Promise<HubReport>;
  /** Kills the process without a report (cleanup after a failure). Idempotent. */
  kill(): void;
}

/** What the bench asks of the hub. */
export interface HubConfig {
  /** SQLite file; created when missing. */
  readonly dbPath: string;
}

/** The hub process's resource use so far. */
export interface HubUsage {
  /** CPU time used since the process started, user + system, all threads, milliseconds. */
  readonly cpuMs: number;
  /** Current resident set size, bytes. */
  readonly rssBytes: number;
}

/** What the hub used over its life. */
export interface HubReport {
  /** Peak resident set size of the hub process (VmHWM, read until it exited), bytes. */
  readonly maxRssBytes: number;
  /** CPU time the hub process used, user + system, milliseconds. */
  readonly cpuMs: number;
  /** Database and WAL on disk just before the hub stopped, bytes. */
  readonly sizeBytes: number;
  /** The database once the hub closed it (its WAL checkpointed and removed): the data's own size. */
  readonly checkpointedSizeBytes: number;
}

const REPO_ROOT = dirname(dirname(import.meta.dirname));
const CLI = join(REPO_ROOT, 'packages', 'cli', 'bin', 'agentlens.js');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 120_000;
/** `/proc/<pid>/stat` counts CPU time in clock ticks: USER_HZ, 100 on every Linux build Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * Extra Node flags for the hub process, from `BENCH_HUB_NODE_ARGS` (space-separated), for
 * example `--cpu-prof --cpu-prof-dir=/tmp/hub-prof` to profile the hub under load (each thread
 * writes its own profile).
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

function procUsage(pid: number): HubUsage & { peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
  // The fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), so 11 and 12 after the name and state.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Starts `agentlens serve` on `config.dbPath` (loopback, any free port, no gRPC) and resolves once it listens. */
export async function startHubProcess(config: HubConfig): Promise<HubProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...extraNodeArgs(), CLI, 'serve', '--port', '0', '--no-grpc', '--db', config.dbPath],
    { cwd: REPO_ROOT, env: { ...process.env, AGENTLENS_TOKEN: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A bench that fails or is interrupted must not leave a hub behind.
  process.once('exit', kill);
  const pid = child.pid ?? -1;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`agentlens serve did not listen within ${START_TIMEOUT_MS} ms: ${out}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const listening = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (listening === undefined || !out.includes('Ctrl-C')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(listening);
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`agentlens serve exited (${code ?? signal}) before it listened: ${out}`));
    });
  });

  return {
    url,
    pid,
    kill,
    usage: () => procUsage(pid),
    async stop() {
      const sizeBytes = fileSize(config.dbPath) + fileSize(`${config.dbPath}-wal`);
      let last = procUsage(pid);
      let peak = last.peakRssBytes;
      // Read until the process is gone: closing (the queue's last commit) counts too.
      const sampler = setInterval(() => {
        try {
          last = procUsage(pid);
          peak = Math.max(peak, last.peakRssBytes);
        } catch {
          // The process has just exited.
        }
      }, 10);
      child.kill('SIGTERM');
      const timer = setTimeout(kill, STOP_TIMEOUT_MS);
      const { code, signal } = await exited;
      clearInterval(sampler);
      clearTimeout(timer);
      process.off('exit', kill);
      if (code !== 0 || !out.includes('stopped (SIGTERM)')) {
        throw new Error(`agentlens serve did not stop cleanly (${code ?? signal}): ${out}`);
      }
      return {
        maxRssBytes: peak,
        cpuMs: last.cpuMs,
        sizeBytes,
        checkpointedSizeBytes: fileSize(config.dbPath),
      };
    },
  };
}

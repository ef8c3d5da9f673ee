/**
 * Throwaway PostgreSQL and Redis servers for tests: each starts in its own temp dir on a free
 * loopback port, with nothing persisted, and `stop()` removes it. They run the Debian packages'
 * binaries (`postgresql`, `redis-server`); the `find*` functions say whether those are installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './require-tool.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** A server started for a test. `stop()` is idempotent and removes the server's files. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** The PostgreSQL binaries, or undefined when they are not installed. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** The newest PostgreSQL in `/usr/lib/postgresql/<version>/bin` (Debian's layout), else on `PATH`. */
export function findPostgres(): PostgresBinaries | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    const binaries = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
    if (existsSync(binaries.initdb) && existsSync(binaries.postgres)) return binaries;
  }
  const initdb = findExecutable('initdb');
  const postgres = findExecutable('postgres');
  return initdb && postgres ? { initdb, postgres } : undefined;
}

/** The `redis-server` executable, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  return findExecutable('redis-server');
}

/**
 * Starts PostgreSQL with trust authentication for the superuser `postgres` on 127.0.0.1; connect
 * to database `postgres` as user `postgres`, no password. PostgreSQL refuses to run as root, so
 * under root it runs as the `postgres` system user (created by the Debian package).
 */
export async function startPostgres(): Promise<TestServer> {
  const binaries = findPostgres();
  if (!binaries) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  const dir = await mkdtemp(join(tmpdir(), 'agentlens-pg-'));
  try {
    const prefix = await unprivilegedPrefix(dir);
    const data = join(dir, 'data');
    await runToEnd(
      prefix,
      binaries.initdb,
      // --no-sync and the C locale: a throwaway cluster needs neither durability nor collations.
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      dir,
    );
    const port = await freePort();
    const child = spawnAs(
      prefix,
      binaries.postgres,
      // -F turns fsync off; -k keeps the Unix socket in the temp dir, away from /var/run/postgresql.
      ['-D', data, '-h', HOST, '-p', String(port), '-k', dir, '-F'],
      dir,
    );
    await waitForOutput(child, 'database system is ready to accept connections', 'postgres');
    return server(child, port, `postgres://postgres@${HOST}:${port}/postgres`, 'SIGINT', dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts `redis-server` on 127.0.0.1 without persistence. */
export async function startRedis(): Promise<TestServer> {
  const redisServer = findRedisServer();
  if (!redisServer) throw new Error('redis-server is not installed (Debian package redis-server)');
  const dir = await mkdtemp(join(tmpdir(), 'agentlens-redis-'));
  try {
    const port = await freePort();
    const child = spawnAs(
      [],
      redisServer,
      ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir],
      dir,
    );
    await waitForOutput(child, 'Ready to accept connections', 'redis-server');
    return server(child, port, `redis://${HOST}:${port}`, 'SIGTERM', dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Under root: `setpriv` to the `postgres` user, which then owns `dir`. Otherwise: nothing. */
async function unprivilegedPrefix(dir: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!entry) throw new Error('running as root, and there is no postgres user to run PostgreSQL as');
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  await chown(dir, uid, gid);
  // setpriv execs in place (runuser forks), so the pid we signal is the server's own.
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'];
}

function spawnAs(prefix: string[], command: string, args: string[], cwd: string): ChildProcess {
  const [file, ...rest] = [...prefix, command, ...args] as [string, ...string[]];
  const child = spawn(file, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test run that dies without stop() must not leave servers behind.
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return child;
}

function runToEnd(prefix: string[], command: string, args: string[], cwd: string): Promise<void> {
  const child = spawnAs(prefix, command, args, cwd);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

function waitForOutput(child: ChildProcess, line: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(line)) done();
    };
    const onExit = (code: number | null): void =>
      done(new Error(`${what} exited (${code}) while starting:\n${output}`));
    const timer = setTimeout(
      () => done(new Error(`${what} not ready after ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onExit);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        // Keep draining, so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onExit);
  });
}

function server(
  child: ChildProcess,
  port: number,
  url: string,
  signal: NodeJS.Signals,
  dir: string,
): TestServer {
  let stopping: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    host: HOST,
    port,
    url,
    stop() {
      stopping ??= (async () => {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** A port the kernel just handed out on 127.0.0.1, released for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

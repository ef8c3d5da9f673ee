/**
 * Runs one hub in its own process, for tests that must kill it (`startHubProcess` in
 * `hub-child.test-helpers.ts` starts it). Not a module to import: a script.
 *
 *   node --import tsx --conditions=@agentlens/source hub-process.test-helpers.ts --db <file> [--port <n>]
 *
 * When listening it prints one JSON line on stdout, `{"url":"http://127.0.0.1:PORT","pid":N}`.
 * SIGTERM or SIGINT closes the hub cleanly; it also exits when its stdin closes, so it never
 * outlives the test that started it, even when that test's process is killed.
 */
import { createHub } from '../hub.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const dbPath = option('db');
if (dbPath === undefined) throw new Error('--db <file> is required');
const hub = await createHub({ port: Number(option('port') ?? 0), dbPath });
process.stdout.write(`${JSON.stringify({ url: hub.url, pid: process.pid })}\n`);

let stopping = false;
const stop = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await hub.close();
  process.exit(code);
};
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
// The parent holds the other end of stdin; when it goes away, so does the hub.
process.stdin.on('close', () => void stop(0));
process.stdin.resume();

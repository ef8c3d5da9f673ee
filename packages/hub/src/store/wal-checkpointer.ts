import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database file, by default. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 50;

/** What the checkpointer thread is started with. */
interface CheckpointerData {
  /** Where better-sqlite3 is, resolved from this package (the thread runs as eval'd CommonJS). */
  readonly driver: string;
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly intervalMs: number;
  readonly restartBytes: number;
  readonly restartWaitMs: number;
}

/**
 * WAL bytes past which the checkpointer makes the writer start the log over; also the store's
 * `journal_size_limit`, the size the log is cut back to when it starts over.
 */
export const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
/** How long a restarting checkpoint waits for the writer's transaction and for readers. */
const RESTART_WAIT_MS = 100;

/**
 * The thread's code: CommonJS run with `eval`, so that it needs no built file of its own and runs
 * the same from sources (tests) and from the built package. PASSIVE checkpoints never block the
 * writer or readers; a failure is reported once per kind and retried on the next tick.
 *
 * PASSIVE alone lets the WAL grow without bound under steady writes: SQLite starts the log over
 * only when a write transaction begins with every frame already copied, and with commits coming
 * while each checkpoint runs that moment never comes (measured: 900 MB of WAL after 12 s of
 * `bench/hub-ingest`, which `--max-db-size` would then have counted against the data). So once the
 * WAL holds more than {@link WAL_LIMIT_BYTES}, a RESTART checkpoint copies the few frames
 * left and holds new writes (for at most {@link RESTART_WAIT_MS}) until readers are off the log:
 * the next commit writes from its start again. Should readers keep it busy, the next tick retries.
 */
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('cache_size = -2000');
const restartFrames = Math.ceil(workerData.restartBytes / db.pragma('page_size', { simple: true }));
let timer;
let lastError = '';
const tick = () => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive && passive.log > restartFrames) {
      db.pragma('busy_timeout = ' + workerData.restartWaitMs);
      try {
        db.pragma('wal_checkpoint(RESTART)');
      } finally {
        db.pragma('busy_timeout = 0');
      }
    }
    lastError = '';
  } catch (error) {
    const message = String(error && error.message ? error.message : error);
    if (message !== lastError) parentPort.postMessage({ type: 'error', message });
    lastError = message;
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ type: 'stopped' });
});
tick();
`;

/**
 * Copies a WAL-mode database's log into the database file from a thread of its own, so that the
 * connection that writes does not (its `wal_autocheckpoint` must be 0). A checkpoint copies every
 * page a commit wrote and fsyncs the file: done at commit time in the writing thread, it took about
 * a tenth of the hub's ingest time under load.
 *
 * The WAL stays bounded as long as the thread keeps up: each PASSIVE checkpoint copies what is
 * committed, and the writer starts the log over once everything was copied.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #stopped: Promise<void>;
  #closing = false;

  constructor(
    path: string,
    options: {
      readonly synchronous: 'FULL' | 'NORMAL';
      readonly intervalMs?: number;
      /** Called with the message of a checkpoint failure (once per kind of failure in a row). */
      readonly onError?: (message: string) => void;
      /** Called when the thread ends without close(): the writer must checkpoint again itself. */
      readonly onLost?: () => void;
    },
  ) {
    const data: CheckpointerData = {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      synchronous: options.synchronous,
      intervalMs: options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      restartBytes: WAL_LIMIT_BYTES,
      restartWaitMs: RESTART_WAIT_MS,
    };
    // No inherited flags: a TypeScript loader has nothing to do in this thread.
    this.#worker = new Worker(THREAD_CODE, { eval: true, workerData: data, execArgv: [] });
    // A store left open must not keep the process alive.
    this.#worker.unref();
    this.#stopped = new Promise<void>((resolve) => {
      this.#worker.on('message', (message: { type: string; message?: string }) => {
        if (message.type === 'error') options.onError?.(message.message ?? 'checkpoint failed');
      });
      this.#worker.once('exit', () => {
        if (!this.#closing) options.onLost?.();
        resolve();
      });
      this.#worker.once('error', (error) => {
        if (!this.#closing) options.onError?.(error.message);
      });
    });
  }

  /** Stops the thread, after its current checkpoint; resolves once it has exited. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      // Held until the thread has exited: an unreferenced thread would let a process (or a
      // worker) that has nothing else left end while this close() still waits.
      this.#worker.ref();
      this.#worker.postMessage('stop');
      const stopped = new Promise<void>((resolve) =>
        this.#worker.on('message', (message: { type: string }) => {
          if (message.type === 'stopped') resolve();
        }),
      );
      await Promise.race([stopped, this.#stopped]);
      await this.#worker.terminate();
    }
    await this.#stopped;
  }
}

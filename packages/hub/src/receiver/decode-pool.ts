import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DECODE_WORKER_HEAP_LIMITS } from '../heap-limits.js';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { OtlpDecodeError, OtlpTooManyItemsError } from '../otlp/index.js';
import type { DecodedBatch } from './decode-batch.js';
import type { DecodeRequest, DecodeResponse } from './decode-worker.js';

interface Pending {
  readonly resolve: (batch: DecodedBatch) => void;
  readonly reject: (error: Error) => void;
  readonly bytes: number;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

/** A decode worker died or could not start; the request may be retried. */
export class DecodeWorkerError extends Error {
  override readonly name = 'DecodeWorkerError';
}

/**
 * The worker threads' code: the built `decode-worker.js` next to this file. Under a TypeScript
 * loader (tests, `tsx`) this file is `.ts` and a worker could not load its sibling, so there is
 * none and the pool is not used.
 */
export function decodeWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./decode-worker.js', import.meta.url) : undefined;
}

/** One worker per core beyond the first (the main thread's), at least one, at most four. */
export function defaultDecodeWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/**
 * Worker threads that decode and normalize export requests off the main thread. Requests go to
 * the worker with the fewest bytes in hand; bodies are transferred, not copied. A worker that
 * dies fails only the requests it held (with {@link DecodeWorkerError}, which the hub answers
 * 503 so the sender retries) and is replaced.
 */
export class DecodePool {
  readonly #url: URL;
  readonly #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(url: URL, workers: number) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`decode workers must be a positive integer, got ${String(workers)}`);
    }
    this.#url = url;
    for (let i = 0; i < workers; i++) {
      const slot: Slot = { worker: this.#spawn(), pending: new Map() };
      this.#wire(slot);
      this.#slots.push(slot);
    }
  }

  /** Bytes of request bodies waiting in the workers. */
  get pendingBytes(): number {
    let total = 0;
    for (const slot of this.#slots) for (const p of slot.pending.values()) total += p.bytes;
    return total;
  }

  #spawn(): Worker {
    // No inherited flags: a TypeScript loader or a `--conditions` that points packages at their
    // sources would make the worker load .ts files it cannot run; the worker runs built code.
    // Its heap is capped (a worker over it ends, and is replaced, see #wire).
    const worker = new Worker(this.#url, { execArgv: [], resourceLimits: { ...DECODE_WORKER_HEAP_LIMITS } });
    // The pool must not keep a stopping process alive; close() terminates the workers.
    worker.unref();
    return worker;
  }

  #wire(slot: Slot): void {
    const worker = slot.worker;
    worker.on('message', (response: DecodeResponse) => {
      const pending = slot.pending.get(response.id);
      if (pending === undefined) return;
      slot.pending.delete(response.id);
      if ('batch' in response) pending.resolve(response.batch);
      else if ('decodeError' in response) pending.reject(new OtlpDecodeError(response.decodeError));
      else if ('tooManyItems' in response) {
        const { items, limit, noun } = response.tooManyItems;
        pending.reject(new OtlpTooManyItemsError(items, limit, noun));
      } else pending.reject(new DecodeWorkerError(`decode worker failed: ${response.failure}`));
    });
    const fail = (why: string) => {
      for (const p of slot.pending.values()) p.reject(new DecodeWorkerError(why));
      slot.pending.clear();
    };
    worker.on('error', (error) => fail(`decode worker crashed: ${error.message}`));
    worker.on('exit', (code) => {
      fail(`decode worker exited with code ${code}`);
      if (!this.#closed && slot.worker === worker) {
        slot.worker = this.#spawn();
        this.#wire(slot);
      }
    });
  }

  /**
   * Decodes one request in a worker. Rejects with `OtlpDecodeError` when the body cannot be
   * decoded, with `OtlpTooManyItemsError` when it carries more than `maxItems` items, with
   * {@link DecodeWorkerError} when the worker died. `body` is unusable afterwards when it owns its
   * whole memory (it is transferred). With `encode`, spans come back encoded for the store (see
   * `decodeBatch`).
   */
  decode(
    signal: OtlpSignal,
    body: Uint8Array,
    encoding: OtlpEncoding,
    encode = false,
    maxItems = Number.POSITIVE_INFINITY,
  ): Promise<DecodedBatch> {
    if (this.#closed) return Promise.reject(new DecodeWorkerError('the decode pool is closed'));
    let slot = this.#slots[0] as Slot;
    let least = Number.POSITIVE_INFINITY;
    for (const candidate of this.#slots) {
      let bytes = 0;
      for (const p of candidate.pending.values()) bytes += p.bytes;
      if (bytes < least) {
        least = bytes;
        slot = candidate;
      }
    }
    const id = this.#nextId++;
    // Transfer when the view owns its buffer outright; a view into a shared (pooled) buffer is copied.
    const owns = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const payload = owns ? body : body.slice();
    const request: DecodeRequest = { id, signal, encoding, body: payload, encode, maxItems };
    return new Promise<DecodedBatch>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, bytes: body.byteLength });
      slot.worker.postMessage(request, [payload.buffer as ArrayBuffer]);
    });
  }

  /** Stops the workers; requests still in them fail with {@link DecodeWorkerError}. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }
}

import type { LogRecord, PriceCatalog, SpanRecord } from '@agentlens/core';
import type { OtlpEncoding, OtlpSignal, PartialSuccess } from '../otlp/index.js';
import { OtlpDecodeError, OtlpTooManyItemsError } from '../otlp/index.js';
import { type EncodedSpanBatch, encodeSpans } from '../store/encoded-spans.js';
import type { Store } from '../store/index.js';
import { type DecodedBatch, decodeBatch } from './decode-batch.js';
import { type DecodePool, DecodeWorkerError } from './decode-pool.js';
import { HubError } from './hub-error.js';

/**
 * Takes one OTLP export request (the raw, decompressed body) and resolves once everything valid
 * in it is committed to the store, with the partial success to report (undefined when nothing was
 * rejected). Rejects only with a {@link HubError}: 400 when the body cannot be decoded, 413 when it
 * carries more items than {@link IngestorOptions.maxItemsPerRequest}, 429 when
 * the ingest queue is full, 503 when the store failed or the hub is stopping (both with
 * `retryAfterSeconds`). Nothing of a rejected request is stored. The HTTP and gRPC receivers both
 * call this, so both answer the same way. `decoded`, when given, is called once the body has been
 * decoded (or found undecodable) and is no longer held: from then on the request holds only its
 * items, which the queue's bound covers.
 */
export type IngestFn = (
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  decoded?: () => void,
) => Promise<PartialSuccess | undefined>;

/** Why items or requests were turned away, as the hub's own metrics label them. */
export type RejectReason =
  | 'invalid'
  | 'malformed'
  | 'overloaded'
  | 'store_failed'
  | 'decode_failed'
  | 'too_many_items'
  | 'stopping';

/** Callbacks for the hub's own metrics. They must not throw; the ingestor does not catch them. */
export interface IngestObserver {
  /** Items (spans, log records, data points) committed, or, for metrics, accepted. */
  accepted(signal: OtlpSignal, items: number): void;
  /** Items refused, by reason; for a whole-request refusal, every item it carried (if known). */
  rejected(signal: OtlpSignal, reason: RejectReason, items: number): void;
  /** One store transaction: how long it took and how many items it carried. */
  wrote(signal: 'traces' | 'logs', seconds: number, items: number, ok: boolean): void;
}

export interface IngestorOptions {
  readonly store: Store;
  readonly prices: PriceCatalog;
  /**
   * Spans and log records decoded but not yet committed, at most. Past it, requests get 429 with
   * `Retry-After` instead of growing memory; a request alone in the queue is always taken, however
   * large (the item limit bounds it). Default 10 000 (about 20 MB of decoded spans, which with
   * the bodies being decoded fits the hub's heap limits, `HUB_HEAP_LIMITS`).
   */
  readonly maxQueuedItems?: number;
  /** Items per store transaction at most when several requests are committed together. Default 20 000. */
  readonly maxBatchItems?: number;
  /**
   * Worker threads to decode and normalize bodies of at least {@link IngestorOptions.inlineBelowBytes}
   * off the main thread; without one, everything is decoded inline.
   */
  readonly decodePool?: DecodePool;
  /** Smaller bodies are decoded inline (a worker round trip costs more than they do). Default 16 KiB. */
  readonly inlineBelowBytes?: number;
  /**
   * Items (spans, log records, data points) one request may carry; a request with more is refused
   * with 413 before its items are decoded. It bounds what one request costs in memory once decoded
   * (about 3 KB a span at the peak of decoding), which the body limit alone does not: 20 MiB hold
   * 50 000 spans with GenAI attributes and an event each, or 300 000 minimal ones. Default 32 768,
   * 64 times the OpenTelemetry SDKs' export batch of 512.
   */
  readonly maxItemsPerRequest?: number;
  /** Bytes of bodies waiting in the decode workers at most; past it, 429. Default 32 MiB. */
  readonly maxDecodingBytes?: number;
  readonly observer?: IngestObserver;
}

interface WriteJob {
  readonly signal: 'traces' | 'logs';
  readonly spans: SpanRecord[];
  /** Spans a decode worker encoded for the store, written with `spans` in one transaction. */
  readonly encoded: EncodedSpanBatch | undefined;
  readonly logs: LogRecord[];
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_QUEUED_ITEMS = 10_000;
const DEFAULT_MAX_BATCH_ITEMS = 20_000;
const DEFAULT_INLINE_BELOW_BYTES = 16 * 1024;
const DEFAULT_MAX_DECODING_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_ITEMS_PER_REQUEST = 32_768;
const RETRY_AFTER_SECONDS = 1;
/**
 * Items per body byte assumed before the first request of an encoding is decoded: on the high
 * side (a minimal span takes about 100 bytes of protobuf), so that the first burst is held back
 * rather than read and then refused.
 */
const ITEMS_PER_BYTE_BEFORE_ANY: Readonly<Record<OtlpEncoding, number>> = {
  protobuf: 1 / 100,
  json: 1 / 200,
};

const NO_OBSERVER: IngestObserver = {
  accepted() {},
  rejected() {},
  wrote() {},
};

/**
 * Whether spans go to the store through `writeEncodedSpans`: only when its definition is at least
 * as derived as the store's `writeSpans` (and that is the one the store answers with), so that a
 * wrapper or a subclass that overrides `writeSpans` alone (to delay, count or fail writes) still
 * sees every write.
 */
function takesEncodedSpans(store: Store): boolean {
  if (typeof store.writeEncodedSpans !== 'function') return false;
  let encodedOwner: object | undefined;
  for (let owner: object | null = store; owner !== null; owner = Object.getPrototypeOf(owner)) {
    encodedOwner ??= Object.hasOwn(owner, 'writeEncodedSpans') ? owner : undefined;
    if (Object.hasOwn(owner, 'writeSpans')) {
      return encodedOwner !== undefined && (owner as Store).writeSpans === store.writeSpans;
    }
  }
  return false;
}

/**
 * The ingest path both receivers share: decode, normalize, queue, commit.
 *
 * Writes are group-committed: requests that arrive while a transaction runs are queued and
 * committed together in the next one, so a durable commit (an fsync in SQLite) is paid once per
 * group instead of once per request. The queue is bounded by items; a full queue answers 429 and
 * never drops anything it already took. A request's promise resolves only after the transaction
 * that holds its items has committed.
 */
export class Ingestor {
  readonly #store: Store;
  readonly #prices: PriceCatalog;
  readonly #maxQueued: number;
  readonly #maxBatch: number;
  readonly #observer: IngestObserver;
  readonly #pool: DecodePool | undefined;
  readonly #inlineBelow: number;
  readonly #maxDecoding: number;
  readonly #maxItems: number;
  /** The store takes encoded spans: decode workers encode them, off the main thread. */
  readonly #encode: boolean;
  readonly #queue: WriteJob[] = [];
  #queuedItems = 0;
  /**
   * Items per body byte of the requests decoded lately, by encoding (see {@link Ingestor.hasRoom});
   * absent until one of that encoding is decoded.
   */
  readonly #itemsPerByte: Partial<Record<OtlpEncoding, number>> = {};
  /** Called once a commit has freed room in the queue. */
  readonly #roomListeners = new Set<() => void>();
  #flushScheduled = false;
  #writing: Promise<void> | undefined;
  #stopping = false;

  constructor(options: IngestorOptions) {
    this.#store = options.store;
    this.#prices = options.prices;
    this.#maxQueued = options.maxQueuedItems ?? DEFAULT_MAX_QUEUED_ITEMS;
    this.#maxBatch = options.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS;
    if (!Number.isInteger(this.#maxQueued) || this.#maxQueued < 1) {
      throw new RangeError(`maxQueuedItems must be a positive integer, got ${String(this.#maxQueued)}`);
    }
    if (!Number.isInteger(this.#maxBatch) || this.#maxBatch < 1) {
      throw new RangeError(`maxBatchItems must be a positive integer, got ${String(this.#maxBatch)}`);
    }
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#pool = options.decodePool;
    this.#inlineBelow = options.inlineBelowBytes ?? DEFAULT_INLINE_BELOW_BYTES;
    this.#maxDecoding = options.maxDecodingBytes ?? DEFAULT_MAX_DECODING_BYTES;
    this.#maxItems = options.maxItemsPerRequest ?? DEFAULT_MAX_ITEMS_PER_REQUEST;
    if (!Number.isInteger(this.#maxItems) || this.#maxItems < 1) {
      throw new RangeError(`maxItemsPerRequest must be a positive integer, got ${String(this.#maxItems)}`);
    }
    this.#encode = takesEncodedSpans(options.store);
  }

  /** Spans and log records taken but not yet committed. */
  get queuedItems(): number {
    return this.#queuedItems;
  }

  /** The queue's bound, {@link IngestorOptions.maxQueuedItems}. */
  get capacity(): number {
    return this.#maxQueued;
  }

  /**
   * Throws the 429 a request would get once decoded when the queue is already full, so that a
   * receiver can refuse it before reading or decoding it (the work would be thrown away).
   */
  readonly checkCapacity = (signal: OtlpSignal): void => {
    if (signal === 'metrics' || this.#queuedItems < this.#maxQueued) return;
    this.#observer.rejected(signal, 'overloaded', 0);
    throw this.#queueFull();
  };

  /**
   * Whether a request would find room in the queue, counting `pendingBytes` of bodies already
   * taken but not yet decoded at the items per byte the latest requests of `encoding` had: lets a
   * receiver hold a request back, unread, instead of reading what the queue would refuse.
   */
  hasRoom(signal: OtlpSignal, encoding: OtlpEncoding, pendingBytes: number): boolean {
    if (signal === 'metrics') return true;
    const perByte = this.#itemsPerByte[encoding] ?? ITEMS_PER_BYTE_BEFORE_ANY[encoding];
    return this.#queuedItems + pendingBytes * perByte < this.#maxQueued;
  }

  /** Calls `listener` each time a commit frees room in the queue; returns the unsubscribe. */
  onRoom(listener: () => void): () => void {
    this.#roomListeners.add(listener);
    return () => this.#roomListeners.delete(listener);
  }

  #queueFull(): HubError {
    return new HubError(
      429,
      'overloaded',
      `the ingest queue is full (${this.#queuedItems} of ${this.#maxQueued} items waiting for the store); retry later`,
      RETRY_AFTER_SECONDS,
    );
  }

  /** See {@link IngestFn}. */
  readonly ingest: IngestFn = async (signal, body, encoding, onDecoded) => {
    if (this.#stopping) {
      this.#observer.rejected(signal, 'stopping', 0);
      throw new HubError(503, 'unavailable', 'the hub is shutting down', RETRY_AFTER_SECONDS);
    }
    this.checkCapacity(signal);
    // Read now: a body decoded in a worker is transferred there, and reads 0 bytes afterwards.
    const bodyBytes = body.byteLength;
    let decoded: DecodedBatch;
    try {
      decoded = await this.#decode(signal, body, encoding);
    } catch (error) {
      onDecoded?.();
      if (error instanceof OtlpDecodeError) {
        this.#observer.rejected(signal, 'malformed', 0);
        throw new HubError(400, 'bad_request', error.message);
      }
      if (error instanceof OtlpTooManyItemsError) {
        this.#observer.rejected(signal, 'too_many_items', error.items);
        throw new HubError(413, 'payload_too_large', error.message);
      }
      if (error instanceof DecodeWorkerError) {
        this.#observer.rejected(signal, 'decode_failed', 0);
        throw new HubError(
          503,
          'unavailable',
          'decoding failed on the hub; retry later',
          RETRY_AFTER_SECONDS,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    if (decoded.rejected > 0) this.#observer.rejected(signal, 'invalid', decoded.rejected);
    const partial =
      decoded.rejected > 0 ? { rejected: decoded.rejected, errorMessage: decoded.reason ?? '' } : undefined;
    if (signal === 'metrics') {
      onDecoded?.();
      // Metric points are decoded, counted and acknowledged; the store does not keep them.
      this.#observer.accepted(signal, decoded.points);
      return partial;
    }
    const spans = decoded.spans ?? [];
    const encoded = decoded.encodedSpans;
    const logs = decoded.logs ?? [];
    const size = spans.length + (encoded?.count ?? 0) + logs.length;
    if (bodyBytes > 0) {
      const ratio = size / bodyBytes;
      const last = this.#itemsPerByte[encoding];
      this.#itemsPerByte[encoding] = last === undefined ? ratio : 0.75 * last + 0.25 * ratio;
    }
    // The items are in the queue (or refused) before the body is let go, so that whoever waits
    // for room sees them counted in one place or the other.
    const committed = size === 0 ? undefined : this.#enqueue(signal, spans, encoded, logs, size);
    onDecoded?.();
    if (committed === undefined) return partial;
    await committed;
    this.#observer.accepted(signal, size);
    return partial;
  };

  #decode(
    signal: OtlpSignal,
    body: Uint8Array,
    encoding: OtlpEncoding,
  ): Promise<DecodedBatch> | DecodedBatch {
    const pool = this.#pool;
    if (pool === undefined || body.byteLength < this.#inlineBelow) {
      return decodeBatch(signal, body, encoding, this.#prices, false, this.#maxItems);
    }
    if (pool.pendingBytes > 0 && pool.pendingBytes + body.byteLength > this.#maxDecoding) {
      this.#observer.rejected(signal, 'overloaded', 0);
      throw new HubError(
        429,
        'overloaded',
        `the hub is decoding ${pool.pendingBytes} bytes already; retry later`,
        RETRY_AFTER_SECONDS,
      );
    }
    return pool.decode(signal, body, encoding, this.#encode, this.#maxItems);
  }

  #enqueue(
    signal: 'traces' | 'logs',
    spans: SpanRecord[],
    encoded: EncodedSpanBatch | undefined,
    logs: LogRecord[],
    size: number,
  ): Promise<void> {
    if (this.#queuedItems > 0 && this.#queuedItems + size > this.#maxQueued) {
      this.#observer.rejected(signal, 'overloaded', size);
      return Promise.reject(this.#queueFull());
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ signal, spans, encoded, logs, size, resolve, reject });
      this.#queuedItems += size;
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writing !== undefined) return;
    this.#flushScheduled = true;
    // setImmediate, not a microtask: requests whose bytes already arrived are parsed first and
    // join this transaction.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#writing = this.#flush().finally(() => {
        this.#writing = undefined;
        if (this.#queue.length > 0) this.#scheduleFlush();
      });
    });
  }

  /** Commits the jobs at the head of the queue that share a signal, up to the batch size. */
  async #flush(): Promise<void> {
    const first = this.#queue[0];
    if (first === undefined) return;
    const group: WriteJob[] = [];
    let items = 0;
    while (group.length < this.#queue.length) {
      const job = this.#queue[group.length] as WriteJob;
      if (job.signal !== first.signal || (group.length > 0 && items + job.size > this.#maxBatch)) break;
      group.push(job);
      items += job.size;
    }
    this.#queue.splice(0, group.length);
    try {
      const ok = await this.#write(first.signal, group, items);
      if (!ok && group.length > 1) {
        // One bad request must not fail the others it was grouped with: retry each alone.
        for (const job of group) await this.#write(job.signal, [job], job.size);
      }
    } finally {
      this.#queuedItems -= items;
      for (const listener of this.#roomListeners) listener();
    }
  }

  /** Writes jobs in one transaction; settles them; false when the store refused the batch. */
  async #write(signal: 'traces' | 'logs', jobs: WriteJob[], items: number): Promise<boolean> {
    const started = performance.now();
    try {
      const store = this.#store;
      if (signal === 'traces' && this.#encode && store.writeEncodedSpans !== undefined) {
        await store.writeEncodedSpans(
          jobs.map((j) => (j.encoded === undefined ? encodeSpans(j.spans) : j.encoded)),
        );
      } else if (signal === 'traces') {
        await this.#store.writeSpans(
          jobs.length === 1 ? (jobs[0] as WriteJob).spans : jobs.flatMap((j) => j.spans),
        );
      } else {
        await this.#store.writeLogs(
          jobs.length === 1 ? (jobs[0] as WriteJob).logs : jobs.flatMap((j) => j.logs),
        );
      }
    } catch (error) {
      this.#observer.wrote(signal, (performance.now() - started) / 1000, items, false);
      if (jobs.length > 1) return false;
      this.#observer.rejected(signal, 'store_failed', items);
      (jobs[0] as WriteJob).reject(
        new HubError(
          503,
          'unavailable',
          'the store could not commit the batch; retry later',
          RETRY_AFTER_SECONDS,
          {
            cause: error,
          },
        ),
      );
      return true;
    }
    this.#observer.wrote(signal, (performance.now() - started) / 1000, items, true);
    for (const job of jobs) job.resolve();
    return true;
  }

  /**
   * Refuses new requests (503) and resolves once every queued write has been committed or
   * failed. Idempotent.
   */
  async close(): Promise<void> {
    this.#stopping = true;
    while (this.#writing !== undefined || this.#flushScheduled || this.#queue.length > 0) {
      if (this.#writing !== undefined) await this.#writing;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

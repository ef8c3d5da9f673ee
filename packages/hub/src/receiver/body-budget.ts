import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { Admission } from './admission.js';
import { HubError } from './hub-error.js';

const RETRY_AFTER_SECONDS = 1;

/** What the budget asks of the ingest queue (an `Ingestor`). */
export interface QueueRoom {
  /** Whether the queue has room, given the bytes of bodies in hand (see `Ingestor.hasRoom`). */
  hasRoom(signal: OtlpSignal, encoding: OtlpEncoding, pendingBytes: number): boolean;
  /** Throws the queue's own 429 when it is full (see `Ingestor.checkCapacity`). */
  checkCapacity(signal: OtlpSignal): void;
}

/** Bytes a request holds in a {@link BodyBudget} until it lets them go. */
export interface BodyHold {
  /**
   * Raises the bytes held to `bytes` (a body whose inflated size is known only once read); throws
   * the 429 when that takes the budget over its bound and others hold bytes too.
   */
  grow(bytes: number): void;
  /** Lets the bytes go (once decoded: the items are in the queue then). Idempotent. */
  release(): void;
}

/**
 * The bytes of request bodies, decompressed, that the hub holds at once while they are read and
 * decoded, shared by the OTLP/HTTP and OTLP/gRPC receivers. Decoded, a request's items wait in the
 * ingest queue, which has a bound of its own. A request that does not fit (or finds the queue
 * full) waits, unread, in the {@link Admission}; a request alone is always taken.
 */
export class BodyBudget {
  readonly #maxBytes: number;
  readonly #admission: Admission;
  readonly #queue: QueueRoom | undefined;
  #bytes = 0;

  constructor(options: {
    readonly maxBytes: number;
    readonly admission?: Admission;
    readonly queue?: QueueRoom;
  }) {
    this.#maxBytes = options.maxBytes;
    this.#admission = options.admission ?? new Admission({ waitMs: 0, maxWaiting: 0 });
    this.#queue = options.queue;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Wakes the requests waiting for room: call when the ingest queue has committed. */
  roomFreed(): void {
    this.#admission.wake();
  }

  /**
   * Takes `bytes` (0 when unknown before reading) for a request of `signal`, waiting for room as
   * the admission allows; throws the 429 to answer when there is none.
   */
  async take(signal: OtlpSignal, encoding: OtlpEncoding, bytes: number): Promise<BodyHold> {
    let held = 0;
    const admitted = await this.#admission.admit(
      () =>
        (this.#bytes === 0 || this.#bytes + bytes <= this.#maxBytes) &&
        (this.#queue?.hasRoom(signal, encoding, this.#bytes) ?? true),
      () => {
        held = bytes;
        this.#bytes += bytes;
      },
    );
    if (!admitted) {
      // The queue's own 429 when it is full, else the bytes in hand are.
      this.#queue?.checkCapacity(signal);
      throw this.#overloaded(this.#bytes);
    }
    return {
      grow: (total) => {
        if (total <= held) return;
        this.#bytes += total - held;
        held = total;
        if (this.#bytes > this.#maxBytes && this.#bytes > held) throw this.#overloaded(this.#bytes - held);
      },
      release: () => {
        if (held === 0) return;
        this.#bytes -= held;
        held = 0;
        this.#admission.wake();
      },
    };
  }

  /** Refuses the requests waiting, and every later one that does not fit at once. */
  close(): void {
    this.#admission.close();
  }

  #overloaded(bytes: number): HubError {
    return new HubError(
      429,
      'overloaded',
      `the hub holds ${bytes} bytes of requests already; retry later`,
      RETRY_AFTER_SECONDS,
    );
  }
}

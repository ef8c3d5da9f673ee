/**
 * Requests that found the hub full wait here, unread, for room: in arrival order, for a bounded
 * time, and a bounded number of them. Waiting instead of answering 429 at once lets TCP hold a
 * burst back (a request not read costs its socket buffers, not the hub's memory), so exporters
 * whose batches arrive faster than one commit are taken a moment later instead of backing off for
 * seconds and sending everything again.
 */

interface Waiter {
  readonly fits: () => boolean;
  readonly take: () => void;
  readonly resolve: (admitted: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

export interface AdmissionOptions {
  /** How long a request waits for room before it is refused; 0 refuses at once. */
  readonly waitMs: number;
  /** Requests waiting at most; past it, a request that does not fit is refused at once. */
  readonly maxWaiting: number;
}

export class Admission {
  readonly #waitMs: number;
  readonly #maxWaiting: number;
  readonly #waiting: Waiter[] = [];
  #closed = false;

  constructor(options: AdmissionOptions) {
    this.#waitMs = options.waitMs;
    this.#maxWaiting = options.maxWaiting;
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Calls `take` (which must claim the room `fits` checked) and resolves true as soon as `fits()`
   * holds and no earlier request is waiting; resolves false when the wait is over, when too many
   * wait already, or once closed.
   */
  admit(fits: () => boolean, take: () => void): Promise<boolean> {
    if (this.#waiting.length === 0 && fits()) {
      take();
      return Promise.resolve(true);
    }
    if (this.#closed || this.#waitMs <= 0 || this.#waiting.length >= this.#maxWaiting) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        fits,
        take,
        resolve,
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at !== -1) this.#waiting.splice(at, 1);
          resolve(false);
          // The head may have been holding others back.
          if (at === 0) this.wake();
        }, this.#waitMs),
      };
      this.#waiting.push(waiter);
    });
  }

  /** Admits the waiters, in order, that fit now; call whenever room may have been freed. */
  wake(): void {
    for (let head = this.#waiting[0]; head?.fits(); head = this.#waiting[0]) {
      this.#waiting.shift();
      clearTimeout(head.timer);
      head.take();
      head.resolve(true);
    }
  }

  /** Refuses every waiter, and every later request that does not fit at once. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
  }
}

const SLOTS = 30;

/**
 * Counts of the last `windowSeconds` in 30 fixed slots (10 s each for the default 5-minute
 * window), so "failures in the last 5 minutes" costs a few array writes per record and a 30-step
 * sum per read, whatever the traffic. A slot is reused once its time has passed out of the window.
 */
export class SlidingWindow {
  readonly windowSeconds: number;
  readonly #slotMs: number;
  readonly #stamps = new Float64Array(SLOTS).fill(-1);
  readonly #requests = new Float64Array(SLOTS);
  readonly #failures = new Float64Array(SLOTS);
  readonly #errors = new Float64Array(SLOTS);
  readonly #responseTime = new Float64Array(SLOTS);

  constructor(windowSeconds: number) {
    this.windowSeconds = windowSeconds;
    this.#slotMs = (windowSeconds * 1000) / SLOTS;
  }

  #slot(nowMs: number): number {
    const stamp = Math.floor(nowMs / this.#slotMs);
    const slot = stamp % SLOTS;
    if (this.#stamps[slot] !== stamp) {
      this.#stamps[slot] = stamp;
      this.#requests[slot] = 0;
      this.#failures[slot] = 0;
      this.#errors[slot] = 0;
      this.#responseTime[slot] = 0;
    }
    return slot;
  }

  recordRequest(nowMs: number, success: boolean, responseTime: number): void {
    const slot = this.#slot(nowMs);
    this.#requests[slot] = (this.#requests[slot] as number) + 1;
    this.#responseTime[slot] = (this.#responseTime[slot] as number) + responseTime;
    if (!success) this.#failures[slot] = (this.#failures[slot] as number) + 1;
  }

  recordError(nowMs: number): void {
    const slot = this.#slot(nowMs);
    this.#errors[slot] = (this.#errors[slot] as number) + 1;
  }

  /** Sums over the slots still inside the window at `nowMs`. */
  totals(nowMs: number): { requests: number; failures: number; errors: number; responseTime: number } {
    const current = Math.floor(nowMs / this.#slotMs);
    let requests = 0;
    let failures = 0;
    let errors = 0;
    let responseTime = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const stamp = this.#stamps[slot] as number;
      if (stamp > current - SLOTS && stamp <= current) {
        requests += this.#requests[slot] as number;
        failures += this.#failures[slot] as number;
        errors += this.#errors[slot] as number;
        responseTime += this.#responseTime[slot] as number;
      }
    }
    return { requests, failures, errors, responseTime };
  }
}

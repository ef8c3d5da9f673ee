import type { SystemHealth } from './report.js';

/** A CPU-time reading as `process.cpuUsage()` gives it: microseconds since the process started. */
export interface CpuReading {
  readonly user: number;
  readonly system: number;
}

/** Readings closer together than this are noise: the previous utilization stands. */
const MIN_INTERVAL_MICROS = 100_000;

/**
 * The `cpu` figures of {@link SystemHealth}: process CPU time over wall time since the previous
 * reading (1 = one core busy), and the totals. Pure: the caller passes the readings
 * (`process.cpuUsage()`, `process.hrtime.bigint()`), so the SDK's collector and the hub's report
 * share one rule.
 *
 * @example
 * ```ts
 * const cpu = new CpuUtilization(process.cpuUsage(), process.hrtime.bigint());
 * cpu.read(process.cpuUsage(), process.hrtime.bigint()); // { utilization: 0.12, userSeconds, systemSeconds }
 * ```
 */
export class CpuUtilization {
  #last: CpuReading;
  #lastAtNanos: bigint;
  #utilization = 0;

  constructor(start: CpuReading, startAtNanos: bigint) {
    this.#last = start;
    this.#lastAtNanos = startAtNanos;
  }

  read(usage: CpuReading, nowNanos: bigint): SystemHealth['cpu'] {
    const elapsedMicros = Number(nowNanos - this.#lastAtNanos) / 1000;
    if (elapsedMicros >= MIN_INTERVAL_MICROS) {
      const used = usage.user - this.#last.user + (usage.system - this.#last.system);
      this.#utilization = used / elapsedMicros;
      this.#last = usage;
      this.#lastAtNanos = nowNanos;
    }
    return {
      utilization: this.#utilization,
      userSeconds: usage.user / 1e6,
      systemSeconds: usage.system / 1e6,
    };
  }
}

import { errorMessage } from '../internal/error-message.js';

/**
 * One health check. It passes when it returns or resolves, and fails when it throws, rejects or
 * returns `false`. A returned plain object becomes the check's `details` in the report (it should
 * be JSON-serialisable: the report is served as JSON); any other value passes without details.
 *
 * `signal` is aborted when the checker gives up on the call (its timeout): a check that can cancel
 * its work (a `fetch`, a query with a cancel hook) should pass it on. A check MAY ignore it; the
 * report never waits past the timeout either way.
 */
export type HealthCheckFn = (signal: AbortSignal) => unknown;

/** Options of {@link HealthChecker.register}. */
export interface HealthCheckOptions {
  /** A failed critical check makes the report `critical`, a failed other check `degraded`. Default false. */
  readonly critical?: boolean;
  /**
   * How long a call may take before it is reported failed. Milliseconds, in (0, 2^31-1].
   * Default: the checker's `defaultTimeoutMs`.
   */
  readonly timeoutMs?: number;
  /**
   * How long a result (passed or failed) is reused by later runs, marked `cached: true`.
   * Milliseconds from when the call settled, >= 0. Default 0: every run calls the check (runs
   * that overlap still share the call in flight).
   */
  readonly cacheTtlMs?: number;
}

/** Options of the {@link HealthChecker} constructor. */
export interface HealthCheckerOptions {
  /** Timeout of checks registered without `timeoutMs`. Milliseconds, > 0. Default 5000. */
  readonly defaultTimeoutMs?: number;
}

/** Overall status of a report: `critical` if a critical check failed, `degraded` if any other failed. */
export type HealthStatus = 'healthy' | 'degraded' | 'critical';

/** Outcome of one check in a report. */
export interface HealthCheckResult {
  readonly status: 'passed' | 'failed';
  readonly critical: boolean;
  /** How long the call took, in seconds (for a cached result, how long the original call took). */
  readonly duration: number;
  /** The plain object the check returned, or the `details` of the {@link HealthCheckError} it threw. */
  readonly details?: Record<string, unknown>;
  /** Why the check failed: the error's message, with credentials removed from any URL in it. */
  readonly error?: string;
  /** Present and true when the result was reused from an earlier run (see `cacheTtlMs`). */
  readonly cached?: boolean;
}

/** Counts of a report; `critical_failed` counts failed checks registered as critical. */
export interface HealthSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly critical_failed: number;
}

/**
 * What {@link HealthChecker.run} returns: the JSON document a `/health` endpoint serves.
 * `checks` lists every check registered when the run started, in registration order.
 */
export interface HealthReport {
  readonly status: HealthStatus;
  /** When the run started, ISO 8601. */
  readonly timestamp: string;
  readonly checks: Readonly<Record<string, HealthCheckResult>>;
  readonly summary: HealthSummary;
}

/**
 * Thrown by a check to fail with details: the report carries both the message and `details`.
 *
 * @example
 * ```ts
 * checker.register('queue', () => {
 *   const depth = queue.size();
 *   if (depth > 1000) throw new HealthCheckError(`queue depth ${depth} over 1000`, { depth });
 *   return { depth };
 * });
 * ```
 */
export class HealthCheckError extends Error {
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HealthCheckError';
    this.details = details;
  }
}

const DEFAULT_TIMEOUT_MS = 5000;
// setTimeout fires at once for delays past 2^31-1 ms, which would turn a long timeout into an
// instant failure, so longer values are refused.
const MAX_TIMER_MS = 2_147_483_647;

interface Outcome {
  readonly status: 'passed' | 'failed';
  readonly duration: number;
  readonly details?: Record<string, unknown>;
  readonly error?: string;
}

interface Registration {
  readonly check: HealthCheckFn;
  readonly critical: boolean;
  readonly timeoutMs: number;
  readonly cacheTtlMs: number;
  inFlight: Promise<Outcome> | undefined;
  last: { readonly outcome: Outcome; readonly settledAt: number } | undefined;
}

/**
 * Runs named health checks concurrently and summarises them in a {@link HealthReport}.
 *
 * Contract: `run()` never rejects and never waits longer than the largest check timeout, whatever
 * the checks do (throw synchronously, reject with a non-Error, hang forever). A check's call is
 * never started twice at once: overlapping runs share it, and with `cacheTtlMs` later runs reuse
 * its result, so a storm of probes does not become a storm of database queries.
 *
 * @example
 * ```ts
 * const health = new HealthChecker({ defaultTimeoutMs: 2000 })
 *   .register('database', postgresCheck(pool), { critical: true, cacheTtlMs: 5000 })
 *   .register('memory', memoryCheck());
 * const report = await health.run();
 * res.status(report.status === 'critical' ? 503 : 200).json(report);
 * ```
 */
export class HealthChecker {
  readonly #defaultTimeoutMs: number;
  readonly #checks = new Map<string, Registration>();
  #lastReport: HealthReport | undefined;
  #lastReportRun = 0;
  #runs = 0;

  /** @throws RangeError when `defaultTimeoutMs` is not a number in (0, 2^31-1]. */
  constructor(options: HealthCheckerOptions = {}) {
    this.#defaultTimeoutMs = validTimeout(options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, 'defaultTimeoutMs');
  }

  /**
   * Adds a check under `name` (its key in the report). Returns the checker, for chaining.
   *
   * @throws Error when a check with this name is already registered.
   * @throws TypeError / RangeError on an empty name, a non-function check or an invalid option.
   */
  register(name: string, check: HealthCheckFn, options: HealthCheckOptions = {}): this {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new TypeError('HealthChecker.register: name must be a non-empty string');
    }
    if (this.#checks.has(name)) {
      throw new Error(
        `HealthChecker.register: a check named "${name}" is already registered; unregister it first`,
      );
    }
    if (typeof check !== 'function') {
      throw new TypeError(`HealthChecker.register: check "${name}" must be a function`);
    }
    const { critical = false, timeoutMs = this.#defaultTimeoutMs, cacheTtlMs = 0 } = options;
    if (typeof critical !== 'boolean') {
      throw new TypeError(`HealthChecker.register: critical of "${name}" must be a boolean`);
    }
    if (typeof cacheTtlMs !== 'number' || !Number.isFinite(cacheTtlMs) || cacheTtlMs < 0) {
      throw new RangeError(
        `HealthChecker.register: cacheTtlMs of "${name}" must be a finite number >= 0, got ${String(cacheTtlMs)}`,
      );
    }
    this.#checks.set(name, {
      check,
      critical,
      timeoutMs: validTimeout(timeoutMs, `timeoutMs of "${name}"`),
      cacheTtlMs,
      inFlight: undefined,
      last: undefined,
    });
    return this;
  }

  /**
   * Removes the check named `name` and its cached result; returns whether there was one. A run
   * already under way still reports it.
   */
  unregister(name: string): boolean {
    return this.#checks.delete(name);
  }

  /** Runs every registered check concurrently. Never rejects; see the class contract. */
  async run(): Promise<HealthReport> {
    const run = ++this.#runs;
    const timestamp = new Date().toISOString();
    const entries = [...this.#checks];
    const results = await Promise.all(entries.map(([, registration]) => resultOf(registration)));

    let passed = 0;
    let criticalFailed = 0;
    for (const result of results) {
      if (result.status === 'passed') passed++;
      else if (result.critical) criticalFailed++;
    }
    const failed = results.length - passed;
    const report: HealthReport = {
      status: criticalFailed > 0 ? 'critical' : failed > 0 ? 'degraded' : 'healthy',
      timestamp,
      // fromEntries defines own properties, so a check named `__proto__` is a key like any other.
      checks: Object.fromEntries(entries.map(([name], i) => [name, results[i] as HealthCheckResult])),
      summary: { total: results.length, passed, failed, critical_failed: criticalFailed },
    };
    // Overlapping runs can finish out of order; the newest run's report is the one to keep.
    if (run > this.#lastReportRun) {
      this.#lastReportRun = run;
      this.#lastReport = report;
    }
    return report;
  }

  /** The report of the most recent run that has finished, or undefined before the first one. */
  lastReport(): HealthReport | undefined {
    return this.#lastReport;
  }
}

function validTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMER_MS) {
    throw new RangeError(
      `HealthChecker: ${what} must be a number of milliseconds in (0, ${MAX_TIMER_MS}], got ${String(value)}`,
    );
  }
  return value;
}

function resultOf(registration: Registration): Promise<HealthCheckResult> {
  const { last, cacheTtlMs, critical } = registration;
  if (last !== undefined && cacheTtlMs > 0 && performance.now() - last.settledAt < cacheTtlMs) {
    return Promise.resolve(toResult(last.outcome, critical, true));
  }
  if (registration.inFlight === undefined) {
    const inFlight = execute(registration).then((outcome) => {
      registration.inFlight = undefined;
      registration.last = { outcome, settledAt: performance.now() };
      return outcome;
    });
    registration.inFlight = inFlight;
  }
  return registration.inFlight.then((outcome) => toResult(outcome, critical, false));
}

/** Builds the result with its keys in the documented order, which is the order JSON shows. */
function toResult(outcome: Outcome, critical: boolean, cached: boolean): HealthCheckResult {
  const { status, duration, details, error } = outcome;
  return {
    status,
    critical,
    duration,
    ...(details !== undefined ? { details } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(cached ? { cached } : {}),
  };
}

/** Calls the check once; resolves (never rejects) by its timeout at the latest. */
function execute(registration: Registration): Promise<Outcome> {
  const { check, timeoutMs } = registration;
  return new Promise<Outcome>((resolve) => {
    const started = performance.now();
    const controller = new AbortController();
    let settled = false;
    const settle = (outcome: Omit<Outcome, 'duration'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Microseconds are more than a health report needs, and spare readers float noise.
      resolve({ ...outcome, duration: Math.round((performance.now() - started) * 1000) / 1e6 });
    };
    const timer = setTimeout(() => {
      const error = `timed out after ${timeoutMs} ms`;
      settle({ status: 'failed', error });
      controller.abort(new DOMException(error, 'TimeoutError'));
    }, timeoutMs);
    // A hung check must not keep a process that is otherwise done alive.
    timer.unref();

    const fail = (reason: unknown): void => {
      const details = reason instanceof HealthCheckError ? copyDetails(reason.details) : undefined;
      settle({ status: 'failed', error: errorMessage(reason), ...(details ? { details } : {}) });
    };
    const succeed = (value: unknown): void => {
      if (value === false) {
        settle({ status: 'failed', error: 'check returned false' });
        return;
      }
      const details = copyDetails(value);
      settle({ status: 'passed', ...(details ? { details } : {}) });
    };
    try {
      Promise.resolve(check(controller.signal)).then(succeed, fail);
    } catch (error) {
      fail(error);
    }
  });
}

/**
 * A shallow copy of `value` when it is a plain object, so a check that reuses and mutates its
 * object cannot rewrite a cached result; undefined otherwise, or when copying throws (a getter or
 * a proxy), since a hostile result must not leave the run waiting.
 */
function copyDetails(value: unknown): Record<string, unknown> | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? { ...value } : undefined;
  } catch {
    return undefined;
  }
}

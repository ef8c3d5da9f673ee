import { statfs } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { errorMessage } from '../internal/error-message.js';
import { redactUrlCredentials } from '../internal/redact-url-credentials.js';
import { HealthCheckError } from './health-checker.js';

/**
 * The function every built-in factory returns: a {@link HealthCheckFn} that resolves to its
 * details on success and rejects (with a {@link HealthCheckError} carrying details where there
 * are any) on failure. `signal`, when given, cancels work that can be cancelled.
 */
export type BuiltInHealthCheck = (signal?: AbortSignal) => Promise<Record<string, unknown>>;

/** Options of {@link memoryCheck}. */
export interface MemoryCheckOptions {
  /** Heap used over the V8 heap size limit above which the check fails. In (0, 1]. Default 0.9. */
  readonly maxHeapRatio?: number;
  /** Resident set size in bytes above which the check fails. Default: no limit. */
  readonly maxRssBytes?: number;
}

/**
 * Fails when the V8 heap in use exceeds `maxHeapRatio` of the heap size limit (the point where
 * the process dies with an out-of-memory error), or when RSS exceeds `maxRssBytes`.
 * Details: `rssBytes`, `heapUsedBytes`, `heapLimitBytes`, `heapRatio`.
 *
 * @throws RangeError (at the factory call) on an invalid option.
 */
export function memoryCheck(options: MemoryCheckOptions = {}): BuiltInHealthCheck {
  const { maxHeapRatio = 0.9, maxRssBytes } = options;
  if (!(maxHeapRatio > 0 && maxHeapRatio <= 1)) {
    throw new RangeError(`memoryCheck: maxHeapRatio must be in (0, 1], got ${String(maxHeapRatio)}`);
  }
  if (maxRssBytes !== undefined && !(maxRssBytes > 0)) {
    throw new RangeError(`memoryCheck: maxRssBytes must be > 0, got ${String(maxRssBytes)}`);
  }
  return async () => {
    const heap = getHeapStatistics();
    // memoryUsage.rss() reads one number; memoryUsage() also walks every heap space.
    const rssBytes = process.memoryUsage.rss();
    const details = {
      rssBytes,
      heapUsedBytes: heap.used_heap_size,
      heapLimitBytes: heap.heap_size_limit,
      heapRatio: heap.used_heap_size / heap.heap_size_limit,
    };
    const problems: string[] = [];
    if (details.heapRatio > maxHeapRatio) {
      problems.push(`heap used is ${percent(details.heapRatio)} of the limit (max ${percent(maxHeapRatio)})`);
    }
    if (maxRssBytes !== undefined && rssBytes > maxRssBytes) {
      problems.push(`RSS is ${rssBytes} bytes (max ${maxRssBytes})`);
    }
    if (problems.length > 0) throw new HealthCheckError(problems.join('; '), details);
    return details;
  };
}

/** Options of {@link eventLoopDelayCheck}. */
export interface EventLoopDelayCheckOptions {
  /** 99th percentile of the event loop delay (ms) above which the check fails. >= 0. Default 200. */
  readonly maxP99Ms?: number;
}

// Health needs tens of milliseconds of precision; a coarser sampling timer wakes the loop less.
const EVENT_LOOP_RESOLUTION_MS = 20;

/**
 * Fails when the 99th percentile of the event loop delay exceeds `maxP99Ms`: the loop is too busy
 * to answer requests on time. The delay is sampled by `perf_hooks.monitorEventLoopDelay` every
 * 20 ms, counted beyond that interval, over the window since the previous call of this check (or
 * since the factory call, for the first one); the sampler starts at the factory call, does not
 * keep the process alive, and runs for the life of the process.
 * Details, in milliseconds: `p50Ms`, `p99Ms`, `maxMs`; plus `samples`, the samples in the window
 * (0 means the window was too short to judge, and the check passes).
 *
 * @throws RangeError (at the factory call) on an invalid option.
 */
export function eventLoopDelayCheck(options: EventLoopDelayCheckOptions = {}): BuiltInHealthCheck {
  const { maxP99Ms = 200 } = options;
  if (!(maxP99Ms >= 0) || !Number.isFinite(maxP99Ms)) {
    throw new RangeError(
      `eventLoopDelayCheck: maxP99Ms must be a finite number >= 0, got ${String(maxP99Ms)}`,
    );
  }
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  // The histogram records whole sampling intervals; the delay is what lies beyond one.
  const delayMs = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e6 - EVENT_LOOP_RESOLUTION_MS);
  return async () => {
    const samples = histogram.count;
    // An empty histogram answers garbage percentiles, so report an empty window as zeros.
    const details =
      samples === 0
        ? { p50Ms: 0, p99Ms: 0, maxMs: 0, samples }
        : {
            p50Ms: delayMs(histogram.percentile(50)),
            p99Ms: delayMs(histogram.percentile(99)),
            maxMs: delayMs(histogram.max),
            samples,
          };
    histogram.reset();
    if (details.p99Ms > maxP99Ms) {
      throw new HealthCheckError(
        `event loop delay p99 is ${details.p99Ms.toFixed(1)} ms (max ${maxP99Ms} ms)`,
        details,
      );
    }
    return details;
  };
}

/** Options of {@link diskSpaceCheck}. */
export interface DiskSpaceCheckOptions {
  /** A path on the file system to watch. Default: `process.cwd()` at the factory call. */
  readonly path?: string;
  /** Free bytes (available to unprivileged users) under which the check fails. Default: no limit. */
  readonly minFreeBytes?: number;
  /** Free bytes over total bytes under which the check fails. In [0, 1]. Default 0.05. */
  readonly minFreeRatio?: number;
}

/**
 * Fails when the file system holding `path` has less free space than `minFreeBytes` or
 * `minFreeRatio` of its size, or when `fs.promises.statfs(path)` fails. Free space is what
 * unprivileged users may still write (blocks reserved for root do not count).
 * Details: `freeBytes`, `totalBytes`, `freeRatio`.
 *
 * @throws RangeError (at the factory call) on an invalid option.
 */
export function diskSpaceCheck(options: DiskSpaceCheckOptions = {}): BuiltInHealthCheck {
  const { path = process.cwd(), minFreeBytes, minFreeRatio = 0.05 } = options;
  if (!(minFreeRatio >= 0 && minFreeRatio <= 1)) {
    throw new RangeError(`diskSpaceCheck: minFreeRatio must be in [0, 1], got ${String(minFreeRatio)}`);
  }
  if (minFreeBytes !== undefined && !(minFreeBytes >= 0)) {
    throw new RangeError(`diskSpaceCheck: minFreeBytes must be >= 0, got ${String(minFreeBytes)}`);
  }
  return async () => {
    const stats = await statfs(path);
    const freeBytes = stats.bavail * stats.bsize;
    const totalBytes = stats.blocks * stats.bsize;
    const details = { freeBytes, totalBytes, freeRatio: totalBytes > 0 ? freeBytes / totalBytes : 0 };
    const problems: string[] = [];
    if (details.freeRatio < minFreeRatio) {
      problems.push(`${percent(details.freeRatio)} free (min ${percent(minFreeRatio)})`);
    }
    if (minFreeBytes !== undefined && freeBytes < minFreeBytes) {
      problems.push(`${freeBytes} bytes free (min ${minFreeBytes})`);
    }
    if (problems.length > 0)
      throw new HealthCheckError(`disk space low at ${path}: ${problems.join('; ')}`, details);
    return details;
  };
}

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions {
  /** Milliseconds before the request is aborted and the check fails. > 0. Default 5000. */
  readonly timeoutMs?: number;
  /** The status to expect, or a predicate on it. Default: any 2xx or 3xx. */
  readonly expectStatus?: number | ((status: number) => boolean);
  /** Default `GET`. */
  readonly method?: string;
  /** Request headers. They never appear in details or errors. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Requests `url` with the global `fetch` and fails on an unexpected status, a network error or a
 * timeout. Redirects are not followed: a 3xx is the endpoint's own answer (as Kubernetes probes
 * count it). Credentials in the URL (`https://user:pass@host/`) are sent as a Basic
 * `Authorization` header, since `fetch` refuses such URLs. Messages show the URL as
 * `https://***@host/path?***`: no userinfo, no query string, and never a header. The response
 * body is not read. Details: `status`, `latency` (seconds).
 *
 * @throws TypeError (at the factory call) when `url` is not an http(s) URL;
 *   RangeError on an invalid option.
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): BuiltInHealthCheck {
  const { timeoutMs = 5000, expectStatus, method = 'GET', headers } = options;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new TypeError(`httpCheck: invalid URL ${redactUrlCredentials(String(url))}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`httpCheck: URL must be http or https, got ${target.protocol}`);
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(`httpCheck: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
  }
  const requestHeaders = new Headers(headers);
  if ((target.username !== '' || target.password !== '') && !requestHeaders.has('authorization')) {
    const credentials = `${decodeUserinfo(target.username)}:${decodeUserinfo(target.password)}`;
    requestHeaders.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  // Query strings carry tokens as often as userinfo does (`?api_key=`), so messages hide both.
  const userinfo = target.username || target.password ? '***@' : '';
  const shown = `${target.protocol}//${userinfo}${target.host}${target.pathname}${target.search ? '?***' : ''}`;
  target.username = '';
  target.password = '';
  const request = target.href;
  const accepts =
    typeof expectStatus === 'function'
      ? expectStatus
      : typeof expectStatus === 'number'
        ? (status: number) => status === expectStatus
        : (status: number) => status >= 200 && status < 400;
  const expected =
    typeof expectStatus === 'number'
      ? String(expectStatus)
      : expectStatus === undefined
        ? '2xx or 3xx'
        : 'a status expectStatus accepts';
  const label = `${method} ${shown}`;

  return async (signal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(request, {
        method,
        headers: requestHeaders,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted) throw new Error(`${label} timed out after ${timeoutMs} ms`);
      throw new Error(`${label} failed: ${fetchFailure(error)}`);
    }
    const latency = (performance.now() - started) / 1000;
    // Release the connection without downloading a body nobody reads.
    await response.body?.cancel().catch(() => undefined);
    const details = { status: response.status, latency };
    if (!accepts(response.status)) {
      throw new HealthCheckError(`${label} answered ${response.status}, expected ${expected}`, details);
    }
    return details;
  };
}

/**
 * What {@link postgresCheck} needs: a `pg` `Client` or `Pool`, or anything with the same `query`.
 * Pool counters are read when present.
 */
export interface PostgresQueryable {
  query(sql: string): Promise<unknown>;
  readonly totalCount?: number;
  readonly idleCount?: number;
  readonly waitingCount?: number;
}

/** Options of {@link postgresCheck}. */
export interface PostgresCheckOptions {
  /** The statement to run. Default `SELECT 1`. */
  readonly query?: string;
}

/**
 * Runs `query` on `client` and fails when it rejects. Credentials in URLs inside driver errors are
 * removed. The check has no timeout of its own: the {@link HealthChecker} timeout bounds it (set the
 * pool's `connectionTimeoutMillis` too, so a dead server does not pin connections).
 * Details: `latency` (seconds); for a `pg` Pool also `totalCount`, `idleCount`, `waitingCount`.
 */
export function postgresCheck(
  client: PostgresQueryable,
  options: PostgresCheckOptions = {},
): BuiltInHealthCheck {
  const { query = 'SELECT 1' } = options;
  if (typeof client?.query !== 'function')
    throw new TypeError('postgresCheck: client must have a query method');
  return async () => {
    const started = performance.now();
    try {
      await client.query(query);
    } catch (error) {
      throw new Error(`postgres query failed: ${errorMessage(error)}`, { cause: error });
    }
    const details: Record<string, unknown> = { latency: (performance.now() - started) / 1000 };
    for (const key of ['totalCount', 'idleCount', 'waitingCount'] as const) {
      const value = client[key];
      if (typeof value === 'number') details[key] = value;
    }
    return details;
  };
}

/** What {@link redisCheck} needs: a node-redis (v4 and later) or ioredis client, or anything with `ping`. */
export interface RedisPingable {
  ping(): Promise<unknown>;
}

/**
 * Sends `PING` and fails unless the answer is `PONG`. node-redis queues commands while it is
 * disconnected, so against a dead server the ping waits: the {@link HealthChecker} timeout is
 * what fails the check then. Details: `latency` (seconds).
 */
export function redisCheck(client: RedisPingable): BuiltInHealthCheck {
  if (typeof client?.ping !== 'function') throw new TypeError('redisCheck: client must have a ping method');
  return async () => {
    const started = performance.now();
    let reply: unknown;
    try {
      reply = await client.ping();
    } catch (error) {
      throw new Error(`redis ping failed: ${errorMessage(error)}`, { cause: error });
    }
    const latency = (performance.now() - started) / 1000;
    // String() covers clients configured to answer Buffers.
    if (String(reply) !== 'PONG') {
      throw new HealthCheckError(
        `redis ping answered ${JSON.stringify(String(reply)).slice(0, 100)}, expected PONG`,
        {
          latency,
        },
      );
    }
    return { latency };
  };
}

function percent(ratio: number): string {
  return `${(ratio * 100).toPrecision(3)}%`;
}

/** undici reports every network error as "fetch failed"; the reason is in `cause`. */
function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return errorMessage(cause instanceof Error ? cause : error);
}

function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // A stray `%` the URL parser let through: send it as written.
    return part;
  }
}

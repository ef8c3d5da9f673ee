/**
 * The part of autocannon 9's programmatic API the benchmarks use (the package ships no types and
 * the repository does not depend on `@types/autocannon`). See its README, "API".
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** A request as autocannon builds it; `setupRequest` may replace any field, `body` included. */
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Called before every request this entry sends; return the request to send. */
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests in total, instead of `duration`. */
    amount?: number;
    /** Seconds a request may take before the connection is dropped and counted as a timeout. */
    timeout?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Sampled every this many ms; the run also stops on a sample tick. */
    sampleInt?: number;
    requests?: AutocannonRequest[];
  }

  export interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: { p50: number; p99: number; max: number; mean: number };
    requests: { sent: number; total: number };
  }

  /** A running load test: a promise of its result and an emitter of its progress. */
  export interface AutocannonInstance extends EventEmitter, PromiseLike<AutocannonResult> {
    stop(): void;
    on(event: 'start', listener: () => void): this;
    /** Every response: its status, size in bytes and latency in milliseconds. */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
  }

  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
}

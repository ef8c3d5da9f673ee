import type { OtlpLog, OtlpMetricPoint, OtlpSpan } from '@agentlens/core';

/** The signal an OTLP request carries. */
export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** The body encoding: `application/x-protobuf` or `application/json`. */
export type OtlpEncoding = 'protobuf' | 'json';

/**
 * What a decoder returns. `rejected` counts items that were dropped because they are invalid
 * (a span without a valid trace id, say); the others are kept. `rejectReason` describes the first
 * rejection, with its place in the request, and is absent when `rejected` is 0. Together they
 * become the OTLP `partial_success` of the response.
 */
export interface DecodeOutcome {
  rejected: number;
  rejectReason?: string;
}

export interface TracesDecodeResult extends DecodeOutcome {
  spans: OtlpSpan[];
}

export interface LogsDecodeResult extends DecodeOutcome {
  logs: OtlpLog[];
}

export interface MetricsDecodeResult extends DecodeOutcome {
  points: OtlpMetricPoint[];
}

/** Counts rejections and keeps the first reason. */
export class Rejections {
  count = 0;
  reason: string | undefined;

  add(where: string, problem: string): void {
    this.count++;
    if (this.reason === undefined) this.reason = `${where}: ${problem}`;
  }

  addMany(n: number, where: string, problem: string): void {
    if (n <= 0) return;
    this.count += n;
    if (this.reason === undefined) this.reason = `${where}: ${problem}`;
  }

  apply<T extends object>(result: T): T & DecodeOutcome {
    const out = result as T & DecodeOutcome;
    out.rejected = this.count;
    if (this.reason !== undefined) out.rejectReason = this.reason;
    return out;
  }
}

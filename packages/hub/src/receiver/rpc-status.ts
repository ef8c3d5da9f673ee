import { Buffer } from 'node:buffer';
import type { OtlpEncoding } from '../otlp/index.js';

/** gRPC status codes for the HTTP statuses the receiver answers (OTLP/HTTP failure bodies). */
export function grpcCodeOf(status: number): number {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 405:
      return 12; // UNIMPLEMENTED
    case 429: // as over gRPC: RESOURCE_EXHAUSTED without RetryInfo would tell the sender not to retry
    case 503:
      return 14; // UNAVAILABLE
    default:
      return status >= 500 ? 13 : 2; // INTERNAL : UNKNOWN
  }
}

function varint(value: number, out: number[]): void {
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/**
 * A `google.rpc.Status { code, message }`, the body OTLP/HTTP asks for on every failure, in the
 * request's encoding. Encoded by hand: two fields do not justify a schema.
 */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message, 'utf8');
  const head: number[] = [0x08];
  varint(code, head);
  head.push(0x12);
  varint(text.length, head);
  return Buffer.concat([Buffer.from(head), text]);
}

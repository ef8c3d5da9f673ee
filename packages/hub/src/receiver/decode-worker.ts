/**
 * The body of a decode worker thread: decodes and normalizes export requests sent by
 * {@link DecodePool}, so that the main thread keeps to HTTP and the store.
 */
import { parentPort } from 'node:worker_threads';
import { PriceCatalog } from '@agentlens/core';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { OtlpDecodeError } from '../otlp/index.js';
import { decodeBatch } from './decode-batch.js';

/** A request to a decode worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly signal: OtlpSignal;
  readonly encoding: OtlpEncoding;
  readonly body: Uint8Array;
  /** Spans encoded for the store (see `decodeBatch`'s `encode`). */
  readonly encode: boolean;
}

/** A worker's answer: the batch, or why the body could not be decoded. */
export type DecodeResponse =
  | { readonly id: number; readonly batch: ReturnType<typeof decodeBatch> }
  | { readonly id: number; readonly decodeError: string }
  | { readonly id: number; readonly failure: string };

const prices = new PriceCatalog();

parentPort?.on('message', (request: DecodeRequest) => {
  let response: DecodeResponse;
  try {
    response = {
      id: request.id,
      batch: decodeBatch(request.signal, request.body, request.encoding, prices, request.encode),
    };
  } catch (error) {
    response =
      error instanceof OtlpDecodeError
        ? { id: request.id, decodeError: error.message }
        : { id: request.id, failure: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});

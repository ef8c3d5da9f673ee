/**
 * The body of a decode worker thread: decodes and normalizes export requests sent by
 * {@link DecodePool}, so that the main thread keeps to HTTP and the store.
 */
import { parentPort } from 'node:worker_threads';
import { PriceCatalog } from '@agentlens/core';
import type { OtlpEncoding, OtlpSignal } from '../otlp/index.js';
import { OtlpDecodeError, OtlpTooManyItemsError } from '../otlp/index.js';
import { decodeBatch } from './decode-batch.js';

/** A request to a decode worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly signal: OtlpSignal;
  readonly encoding: OtlpEncoding;
  readonly body: Uint8Array;
  /** Spans encoded for the store (see `decodeBatch`'s `encode`). */
  readonly encode: boolean;
  /** Items the request may carry at most (see `decodeBatch`). */
  readonly maxItems: number;
}

/** A worker's answer: the batch, or why the body could not be decoded. */
export type DecodeResponse =
  | { readonly id: number; readonly batch: ReturnType<typeof decodeBatch> }
  | { readonly id: number; readonly decodeError: string }
  | { readonly id: number; readonly tooManyItems: { items: number; limit: number; noun: string } }
  | { readonly id: number; readonly failure: string };

const prices = new PriceCatalog();

parentPort?.on('message', (request: DecodeRequest) => {
  let response: DecodeResponse;
  try {
    response = {
      id: request.id,
      batch: decodeBatch(
        request.signal,
        request.body,
        request.encoding,
        prices,
        request.encode,
        request.maxItems,
      ),
    };
  } catch (error) {
    if (error instanceof OtlpDecodeError) response = { id: request.id, decodeError: error.message };
    else if (error instanceof OtlpTooManyItemsError) {
      const { items, limit, noun } = error;
      response = { id: request.id, tooManyItems: { items, limit, noun } };
    } else response = { id: request.id, failure: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});

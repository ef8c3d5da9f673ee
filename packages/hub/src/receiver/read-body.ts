import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HubError } from './hub-error.js';

function tooLarge(limit: number, inflated: boolean): HubError {
  const what = inflated ? 'decompressed body' : 'body';
  return new HubError(413, 'payload_too_large', `${what} exceeds the limit of ${limit} bytes`);
}

/**
 * Reads a request body, gunzipping it when `gzip` is set, and rejects with a 413 {@link HubError}
 * as soon as the raw or the inflated bytes pass `limit`. Inflation is streamed and stopped at the
 * cap, so a gzip bomb costs at most `limit` bytes of work. On rejection the rest of the request is
 * drained (not destroyed), so the caller can still answer on the same connection. A request whose
 * client went away (before the call, as one waiting for room unread may have, or during it) is
 * refused at once with a 400: the promise always settles.
 */
export function readBody(source: Readable, gzip: boolean, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let rawSize = 0;
    let rawEnded = false;
    let settled = false;
    const inflater = gzip ? createGunzip() : undefined;

    const cleanup = (): void => {
      source.off('data', onRaw);
      source.off('end', onRawEnd);
      source.off('error', onSourceError);
      source.off('aborted', onAborted);
      source.off('close', onClose);
    };
    const fail = (error: HubError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // Discard what is left so the connection can carry the answer.
      source.on('error', () => {});
      source.resume();
      inflater?.destroy();
      reject(error);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onOutput = (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        fail(tooLarge(limit, gzip));
        return;
      }
      chunks.push(chunk);
    };
    const onRaw = (chunk: Buffer): void => {
      rawSize += chunk.length;
      if (rawSize > limit) {
        fail(tooLarge(limit, false));
        return;
      }
      if (inflater === undefined) {
        onOutput(chunk);
      } else if (!inflater.write(chunk)) {
        source.pause();
        inflater.once('drain', () => {
          if (!settled) source.resume();
        });
      }
    };
    const onRawEnd = (): void => {
      rawEnded = true;
      if (inflater === undefined) finish();
      else inflater.end();
    };
    const onSourceError = (error: Error): void => {
      fail(new HubError(400, 'bad_request', `reading the body failed: ${error.message}`));
    };
    const onAborted = (): void => {
      fail(new HubError(400, 'bad_request', 'the request was aborted'));
    };
    // A stream destroyed before its end emits neither 'end' nor always 'aborted', but 'close'.
    const onClose = (): void => {
      if (!rawEnded) onAborted();
    };

    if (inflater !== undefined) {
      inflater.on('data', onOutput);
      inflater.on('end', finish);
      inflater.on('error', (error: Error) => {
        fail(new HubError(400, 'bad_request', `invalid gzip body: ${error.message}`));
      });
    }
    source.on('data', onRaw);
    source.on('end', onRawEnd);
    source.on('error', onSourceError);
    source.on('aborted', onAborted);
    source.on('close', onClose);
    // Gone already: its events were emitted before anyone listened.
    if (source.destroyed) onAborted();
  });
}

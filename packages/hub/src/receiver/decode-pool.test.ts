/**
 * The decode workers only exist in the built package (a worker thread loads plain JavaScript), so
 * this test imports the hub from `dist/`, as an app does. CI builds before it tests; elsewhere a
 * missing build skips it with the reason.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PriceCatalog } from '@agentlens/core';
import { afterAll, describe, expect, it } from 'vitest';
import { isCi } from '../../../../test-support/require-tool.js';
import { spanBatch } from '../otlp/exporter-capture.test-helpers.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(join(DIST, 'receiver/decode-worker.js')) && existsSync(join(DIST, 'index.js'));
const reason = 'the built hub (packages/hub/dist): run `npm run build` first';

type DistPool = typeof import('./decode-pool.js');
type DistBatch = typeof import('./decode-batch.js');
type DistHub = typeof import('../index.js');
type DistSpans = typeof import('../store/encoded-spans.js');
type DistIngestor = typeof import('./ingestor.js');

const load = async () => ({
  pool: (await import(join(DIST, 'receiver/decode-pool.js'))) as DistPool,
  batch: (await import(join(DIST, 'receiver/decode-batch.js'))) as DistBatch,
  hub: (await import(join(DIST, 'index.js'))) as DistHub,
  spans: (await import(join(DIST, 'store/encoded-spans.js'))) as DistSpans,
  ingestor: (await import(join(DIST, 'receiver/ingestor.js'))) as DistIngestor,
});

if (!built && isCi()) {
  it(`needs ${reason}`, () => {
    throw new Error(`${reason}; CI must run \`npm run build\` before \`npm test\``);
  });
}

describe.skipIf(!built)(`decode workers (${built ? 'built hub' : `skipped: needs ${reason}`})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentlens-decode-pool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decode and normalize exactly as the main thread does, for both encodings', async () => {
    const { pool: poolModule, batch, spans } = await load();
    const url = poolModule.decodeWorkerUrl();
    expect(url?.href).toMatch(/dist\/receiver\/decode-worker\.js$/);
    const pool = new poolModule.DecodePool(url as URL, 2);
    try {
      const prices = new PriceCatalog();
      const { protobuf, json } = spanBatch(300, 5);
      for (const [body, encoding] of [
        [protobuf, 'protobuf'],
        [json, 'json'],
      ] as const) {
        const inline = batch.decodeBatch('traces', body, encoding, prices);
        expect(inline.spans).toHaveLength(299);
        expect(inline.rejected).toBe(1);
        const inWorker = await pool.decode('traces', Buffer.from(body), encoding);
        expect(inWorker).toEqual(inline);
        // Encoded for the store: the batch the main thread would have made of the same spans.
        const encoded = await pool.decode('traces', Buffer.from(body), encoding, true);
        expect(encoded.spans).toBeUndefined();
        expect(encoded).toEqual({
          ...inline,
          spans: undefined,
          encodedSpans: spans.encodeSpans(inline.spans ?? []),
        });
        expect(batch.decodeBatch('traces', body, encoding, prices, true)).toEqual(encoded);
      }
    } finally {
      await pool.close();
    }
  });

  it('answer an undecodable body with OtlpDecodeError and keep working', async () => {
    const { pool: poolModule, hub } = await load();
    const pool = new poolModule.DecodePool(poolModule.decodeWorkerUrl() as URL, 1);
    try {
      const error = await pool
        .decode('traces', Buffer.from('{"resourceSpans": 7'), 'json')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(hub.OtlpDecodeError);
      const ok = await pool.decode('logs', Buffer.from('{}'), 'json');
      expect(ok).toMatchObject({ logs: [], rejected: 0 });
      await pool.close();
      await expect(pool.decode('logs', Buffer.from('{}'), 'json')).rejects.toBeInstanceOf(
        poolModule.DecodeWorkerError,
      );
    } finally {
      await pool.close();
    }
  });

  it('refuse a request over the item limit with OtlpTooManyItemsError, as the main thread does', async () => {
    const { pool: poolModule, hub } = await load();
    const pool = new poolModule.DecodePool(poolModule.decodeWorkerUrl() as URL, 1);
    try {
      const { protobuf } = spanBatch(300);
      const error = await pool
        .decode('traces', Buffer.from(protobuf), 'protobuf', true, 299)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(hub.OtlpTooManyItemsError);
      expect(error).toMatchObject({ items: 300, limit: 299, noun: 'spans' });
      const ok = await pool.decode('traces', Buffer.from(protobuf), 'protobuf', true, 300);
      expect(ok.encodedSpans?.count).toBe(300);
    } finally {
      await pool.close();
    }
  });

  it('let the ingest queue learn how many items a byte of body carries, from bodies they decoded', async () => {
    // A body goes to its worker transferred (it reads 0 bytes afterwards); were its size read
    // after decoding, the guess made before any request (1 span a 100 bytes of protobuf, some
    // five times too many for these spans) would stay, and a few bodies being read would count
    // as a full queue.
    const { pool: poolModule, ingestor: ingestorModule, hub } = await load();
    const pool = new poolModule.DecodePool(poolModule.decodeWorkerUrl() as URL, 1);
    const store = new hub.SqliteStore({ path: ':memory:' });
    const ingestor = new ingestorModule.Ingestor({
      store,
      prices: new PriceCatalog(),
      decodePool: pool,
      inlineBelowBytes: 0,
      maxQueuedItems: 1_000,
    });
    try {
      const { protobuf } = spanBatch(100);
      const perByte = 100 / protobuf.byteLength;
      expect(perByte).toBeLessThan(1 / 250);
      // 150 KB of bodies being read: 1 500 items at the first guess, about 300 at these spans'.
      expect(ingestor.hasRoom('traces', 'protobuf', 150_000)).toBe(false);
      await ingestor.ingest('traces', Buffer.from(protobuf), 'protobuf');
      expect(ingestor.hasRoom('traces', 'protobuf', 150_000)).toBe(true);
      expect(ingestor.hasRoom('traces', 'protobuf', Math.ceil(1_000 / perByte))).toBe(false);
    } finally {
      await ingestor.close();
      await store.close();
      await pool.close();
    }
  });

  it('decode large bodies for a hub, which stores what an inline hub stores', async () => {
    const { hub } = await load();
    const withWorkers = await hub.createHub({ port: 0, dbPath: join(dir, 'workers.db'), decodeWorkers: 1 });
    const inline = await hub.createHub({ port: 0, dbPath: join(dir, 'inline.db'), decodeWorkers: 0 });
    try {
      const { protobuf } = spanBatch(400);
      expect(protobuf.byteLength).toBeGreaterThan(16 * 1024);
      for (const h of [withWorkers, inline]) {
        const res = await fetch(`${h.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: protobuf,
        });
        expect(res.status).toBe(200);
      }
      const a = await withWorkers.store.listTraces({}, null, 1000);
      const b = await inline.store.listTraces({}, null, 1000);
      expect(a).toEqual(b);
      expect(a.traces).toHaveLength(400);
      const first = a.traces[0]?.traceId as string;
      expect(await withWorkers.store.getTrace(first)).toEqual(await inline.store.getTrace(first));
      const bad = await fetch(`${withWorkers.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.alloc(20_000, 0xff),
      });
      expect(bad.status).toBe(400);
    } finally {
      await withWorkers.close();
      await inline.close();
    }
  });
});

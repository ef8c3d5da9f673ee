/**
 * The hub under a deliberately slow store: the ingest queue is bounded, overflowing requests get
 * 429 with Retry-After and nothing of theirs is stored, every 2xx is stored, requests queued
 * during a slow commit are committed together, and close() commits what is queued.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { SpanRecord } from '@agentlens/core';
import { describe, expect, it } from 'vitest';
import { createHub } from './hub.js';
import { spanBatch } from './otlp/exporter-capture.test-helpers.js';
import { SqliteStore, type Store } from './store/index.js';

/** A real SqliteStore whose span writes each take `delayMs` first, counting the transactions. */
function slowStore(delayMs: number): { store: Store; writes: number[] } {
  const real = new SqliteStore({ path: ':memory:' });
  const writes: number[] = [];
  const store = new Proxy(real, {
    get(target, prop) {
      if (prop === 'writeSpans') {
        return async (spans: readonly SpanRecord[]) => {
          await sleep(delayMs);
          writes.push(spans.length);
          return target.writeSpans(spans);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  return { store, writes };
}

async function storedSpanIds(store: Store): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await store.listTraces({}, cursor, 1000);
    for (const summary of page.traces) {
      for (const span of (await store.getTrace(summary.traceId))?.spans ?? []) ids.add(span.spanId);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/** Span ids of a protobuf batch, by decoding what we send (ids are random per batch). */
function batches(n: number, spansEach: number) {
  return Array.from({ length: n }, () => {
    const { json } = spanBatch(spansEach);
    const body = JSON.parse(Buffer.from(json).toString()) as {
      resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
    };
    const ids = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.spanId)));
    return { json, ids };
  });
}

/** Posts every batch at once; each answer with its status, Retry-After and body. */
function postAll(url: string, sent: { json: Uint8Array; ids: string[] }[]) {
  return Promise.all(
    sent.map(async (b) => {
      const res = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: b.json,
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text(), b };
    }),
  );
}

describe('the hub with a slow store', () => {
  it('answers 429 with Retry-After past the queue bound and stores every request it acknowledged', async () => {
    const { store, writes } = slowStore(300);
    const hub = await createHub({ port: 0, store, maxQueuedItems: 100 });
    try {
      const sent = batches(24, 20);
      const answers = await postAll(hub.url, sent);
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(ok.length + refused.length).toBe(sent.length);
      expect(refused.length).toBeGreaterThan(0);
      expect(ok.length).toBeGreaterThanOrEqual(5);
      for (const r of refused) {
        expect(r.retryAfter).toBe('1');
        expect(JSON.parse(r.body)).toMatchObject({
          code: 14,
          message: expect.stringContaining('queue is full'),
        });
      }
      const stored = await storedSpanIds(store);
      for (const a of ok) for (const id of a.b.ids) expect(stored.has(id)).toBe(true);
      for (const r of refused) for (const id of r.b.ids) expect(stored.has(id)).toBe(false);
      expect(stored.size).toBe(ok.length * 20);
      // Requests that waited during a slow commit went in together: fewer transactions than requests.
      expect(writes.length).toBeLessThan(ok.length);
      expect(Math.max(...writes)).toBeGreaterThan(20);

      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toContain(
        `agentlens_hub_requests_total{transport="http",signal="traces",outcome="overloaded"} ${refused.length}`,
      );
      expect(metrics).toContain(
        `agentlens_hub_rejected_items_total{signal="traces",reason="overloaded"} ${refused.length * 20}`,
      );
      // Once the queue drains, the hub takes batches again.
      const after = batches(1, 20)[0] as { json: Uint8Array; ids: string[] };
      const res = await fetch(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: after.json,
      });
      expect(res.status).toBe(200);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('answers 429 before reading a body once too many bytes of requests are in hand', async () => {
    const { store } = slowStore(300);
    const hub = await createHub({ port: 0, store, maxBodyBytesInFlight: 150_000 });
    try {
      const sent = batches(8, 150);
      expect(sent[0]?.json.byteLength).toBeGreaterThan(50_000);
      const answers = await postAll(hub.url, sent);
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(ok.length + refused.length).toBe(8);
      expect(refused.length).toBeGreaterThan(0);
      expect(ok.length).toBeGreaterThan(0);
      for (const r of refused) {
        expect(r.retryAfter).toBe('1');
        expect(r.body).toContain('bytes of requests already');
      }
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(ok.length * 150);
      for (const r of refused) for (const id of r.b.ids) expect(stored.has(id)).toBe(false);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('counts gzip bodies at their inflated size against the bytes in hand', async () => {
    const { store } = slowStore(300);
    const hub = await createHub({ port: 0, store, maxBodyBytesInFlight: 150_000 });
    try {
      // Each body is about 15 KB gzipped and over 50 KB inflated: by Content-Length, all eight
      // would fit in 150 000 bytes at once; inflated, they do not.
      const sent = batches(8, 150).map((b) => ({ ...b, gz: gzipSync(b.json) }));
      expect(sent[0]?.json.byteLength).toBeGreaterThan(50_000);
      expect(sent.reduce((sum, b) => sum + b.gz.byteLength, 0)).toBeLessThan(150_000);
      const answers = await Promise.all(
        sent.map(async (b) => {
          const res = await fetch(`${hub.url}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            body: b.gz,
          });
          return {
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            body: await res.text(),
            b,
          };
        }),
      );
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(ok.length + refused.length).toBe(8);
      expect(refused.length).toBeGreaterThan(0);
      expect(ok.length).toBeGreaterThan(0);
      for (const r of refused) {
        expect(r.retryAfter).toBe('1');
        expect(r.body).toContain('bytes of requests already');
      }
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(ok.length * 150);
      for (const r of refused) for (const id of r.b.ids) expect(stored.has(id)).toBe(false);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('commits what is queued before close() resolves', async () => {
    const { store } = slowStore(400);
    const hub = await createHub({ port: 0, store });
    try {
      const sent = batches(6, 10);
      const inFlight = sent.map((b) =>
        fetch(`${hub.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: b.json,
        }).then((res) => res.status),
      );
      await sleep(100);
      await hub.close();
      expect(await Promise.all(inFlight)).toEqual(sent.map(() => 200));
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(60);
    } finally {
      await store.close();
    }
  });
});

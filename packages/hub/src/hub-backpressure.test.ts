/**
 * The hub under a deliberately slow store: the ingest queue is bounded, overflowing requests get
 * 429 with Retry-After and nothing of theirs is stored, every 2xx is stored, requests queued
 * during a slow commit are committed together, and close() commits what is queued.
 */

import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { SpanRecord } from '@agentlens/core';
import { Client, credentials, status as grpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createHub } from './hub.js';
import { spanBatch } from './otlp/exporter-capture.test-helpers.js';
import { OTLP_GRPC_SERVICES } from './receiver/grpc-receiver.js';
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
  return Promise.all(sent.map(async (b) => ({ ...(await post(url, b.json)), b })));
}

/** Posts one JSON body; its status, Retry-After and text. */
async function post(url: string, body: Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

/**
 * Posts a JSON body with its full Content-Length but sends only its first half until `finish()`:
 * the hub holds the request as being read meanwhile.
 */
function slowPost(url: string, body: Uint8Array) {
  const target = new URL(`${url}/v1/traces`);
  const request = httpRequest({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength) },
  });
  const answer = new Promise<{ status: number }>((resolve, reject) => {
    request.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    request.on('error', reject);
  });
  const half = Math.floor(body.byteLength / 2);
  const started = new Promise<void>((resolve) => request.write(body.subarray(0, half), () => resolve()))
    // Give the hub the moment it needs to take the request in hand.
    .then(() => sleep(100));
  return { started, answer, finish: () => request.end(body.subarray(half)) };
}

describe('the hub with a slow store', () => {
  it('answers 429 with Retry-After past the queue bound and stores every request it acknowledged', async () => {
    const { store, writes } = slowStore(300);
    // Refused at once: no wait for room.
    const hub = await createHub({ port: 0, store, maxQueuedItems: 100, admissionWaitMs: 0 });
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
      // Items are counted for requests refused once decoded; those refused while the queue was
      // already full are turned away unread, their items unknown.
      const refusedItems = Number(
        /^agentlens_hub_rejected_items_total\{signal="traces",reason="overloaded"\} (\d+)$/m.exec(
          metrics,
        )?.[1] ?? 0,
      );
      expect(refusedItems % 20).toBe(0);
      expect(refusedItems).toBeLessThanOrEqual(refused.length * 20);
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

  it('holds requests that find the queue full, unread, until commits free room, and takes them all', async () => {
    const { store, writes } = slowStore(150);
    const hub = await createHub({ port: 0, store, maxQueuedItems: 40, admissionWaitMs: 10_000 });
    try {
      // Ten times what the queue holds, all at once: without the wait most would get 429.
      const sent = batches(20, 20);
      const answers = await postAll(hub.url, sent);
      expect(answers.map((a) => a.status)).toEqual(sent.map(() => 200));
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(sent.length * 20);
      // The queue's bound held throughout: no commit carried more than it.
      expect(Math.max(...writes)).toBeLessThanOrEqual(40);
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      const overloaded =
        /^agentlens_hub_requests_total\{transport="http",signal="traces",outcome="overloaded"\} (\d+)$/m;
      expect(Number(overloaded.exec(metrics)?.[1] ?? 0)).toBe(0);
      expect(metrics).toMatch(/outcome="ok"\} 20$/m);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('frees the room of requests whose senders gave up while they waited, unread', async () => {
    const { store } = slowStore(300);
    const hub = await createHub({ port: 0, store, maxQueuedItems: 20, admissionWaitMs: 10_000 });
    try {
      const [first, ...rest] = batches(7, 20);
      const taken = post(hub.url, (first as { json: Uint8Array }).json);
      await sleep(50);
      // Five senders find the queue full, wait, and hang up before their turn comes.
      const target = new URL(`${hub.url}/v1/traces`);
      const quitters = rest.slice(0, 5).map(({ json }) => {
        const request = httpRequest({
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(json.byteLength) },
        });
        request.on('error', () => {});
        request.end(json);
        return request;
      });
      await sleep(100);
      for (const request of quitters) request.destroy();
      expect((await taken).status).toBe(200);
      // Their turns came and went: a sender now is taken at once, not held behind their room.
      const started = performance.now();
      const next = await post(hub.url, (rest[5] as { json: Uint8Array }).json);
      expect(next.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(3_000);
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(40);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('refuses a waiting request with 429 once its wait is over, and stores nothing of it', async () => {
    const { store } = slowStore(1_500);
    const hub = await createHub({ port: 0, store, maxQueuedItems: 20, admissionWaitMs: 200 });
    try {
      const [first, second] = batches(2, 20) as [
        { json: Uint8Array; ids: string[] },
        { json: Uint8Array; ids: string[] },
      ];
      const taken = post(hub.url, first.json);
      await sleep(100);
      const started = performance.now();
      const refused = await post(hub.url, second.json);
      const waited = performance.now() - started;
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBe('1');
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(1_200);
      expect((await taken).status).toBe(200);
      const stored = await storedSpanIds(store);
      for (const id of second.ids) expect(stored.has(id)).toBe(false);
      expect(stored.size).toBe(20);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('answers 429 before reading a body once too many bytes of requests are being read', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const hub = await createHub({ port: 0, store, maxBodyBytesInFlight: 150_000, admissionWaitMs: 0 });
    try {
      const [first, second, third] = batches(3, 150);
      const slow = slowPost(hub.url, (first as { json: Uint8Array }).json);
      await slow.started;
      // The first body, half sent, holds its Content-Length: a second one would go over the bound.
      const refused = await post(hub.url, (second as { json: Uint8Array }).json);
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBe('1');
      expect(refused.body).toContain('bytes of requests already');
      slow.finish();
      expect((await slow.answer).status).toBe(200);
      // Decoded, a request no longer counts: the next one is read.
      expect((await post(hub.url, (third as { json: Uint8Array }).json)).status).toBe(200);
      const stored = await storedSpanIds(store);
      expect(stored.size).toBe(300);
      for (const id of (second as { ids: string[] }).ids) expect(stored.has(id)).toBe(false);
    } finally {
      await hub.close();
      await store.close();
    }
  });

  it('counts gzip bodies at their inflated size against the bytes being read', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const hub = await createHub({ port: 0, store, maxBodyBytesInFlight: 250_000, admissionWaitMs: 0 });
    let slow: ReturnType<typeof slowPost> | undefined;
    try {
      const [first, second] = batches(2, 150);
      slow = slowPost(hub.url, (first as { json: Uint8Array }).json);
      await slow.started;
      // About 15 KB gzipped and 150 KB inflated: by Content-Length it fits beside the first body's
      // 150 KB under the bound of 250 000 bytes, inflated it does not.
      const gz = gzipSync((second as { json: Uint8Array }).json);
      expect((first as { json: Uint8Array }).json.byteLength + gz.byteLength).toBeLessThan(250_000);
      const refused = await post(hub.url, gz, { 'content-encoding': 'gzip' });
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('bytes of requests already');
      slow.finish();
      expect((await slow.answer).status).toBe(200);
      // Alone, the same gzip body is taken.
      expect((await post(hub.url, gz, { 'content-encoding': 'gzip' })).status).toBe(200);
      expect((await storedSpanIds(store)).size).toBe(300);
    } finally {
      slow?.finish();
      await hub.close();
      await store.close();
    }
  });

  it('holds gRPC exports to the same budget of bytes being decoded as OTLP/HTTP', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const hub = await createHub({
      port: 0,
      grpcPort: 0,
      store,
      maxBodyBytesInFlight: 150_000,
      admissionWaitMs: 0,
    });
    const client = new Client(new URL(hub.grpcUrl as string).host, credentials.createInsecure());
    const exportSpans = (message: Uint8Array) =>
      new Promise<ServiceError | null>((resolve) => {
        client.makeUnaryRequest(
          `/${OTLP_GRPC_SERVICES.traces}/Export`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(message),
          new Metadata(),
          { deadline: Date.now() + 10_000 },
          (error) => resolve(error),
        );
      });
    let slow: ReturnType<typeof slowPost> | undefined;
    try {
      const [held] = batches(1, 150);
      const { protobuf } = spanBatch(150);
      slow = slowPost(hub.url, (held as { json: Uint8Array }).json);
      await slow.started;
      // The half-read HTTP body holds about 150 KB; the gRPC message would take the bound past it.
      const refused = await exportSpans(protobuf);
      expect(refused?.code).toBe(grpcStatus.UNAVAILABLE);
      expect(refused?.details).toContain('bytes of requests already');
      slow.finish();
      expect((await slow.answer).status).toBe(200);
      expect(await exportSpans(protobuf)).toBeNull();
      expect((await storedSpanIds(store)).size).toBe(300);
    } finally {
      slow?.finish();
      client.close();
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

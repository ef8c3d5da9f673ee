import type { ResourceLimits } from 'node:worker_threads';

type HeapLimits = Readonly<
  Required<Pick<ResourceLimits, 'maxOldGenerationSizeMb' | 'maxYoungGenerationSizeMb'>>
>;

/**
 * The V8 heap limits of the hub's thread when `agentlens serve` runs it (a worker thread with
 * these `resourceLimits`, so no Node flags are needed).
 *
 * Without a limit V8 lets a busy heap grow to hundreds of megabytes before a full collection: under
 * 64 connections of 2048-span requests the hub reached 430 to 520 MiB RSS while holding under
 * 60 MB of live objects. The old generation is what bounds that; the young generation is kept at
 * 48 MB because a smaller one (24 MB) cost a quarter of the throughput in scavenges. What the hub
 * holds is bounded so that it fits: request bodies in flight (`maxBodyBytesInFlight`), the ingest
 * queue, and the items of one request (`maxItemsPerRequest`): the largest request the hub admits
 * is taken under these limits (`bench/hub-ingest`, `serve.test.ts`, docs/hub.md).
 */
export const HUB_HEAP_LIMITS: HeapLimits = Object.freeze({
  maxOldGenerationSizeMb: 160,
  maxYoungGenerationSizeMb: 48,
});

/**
 * The V8 heap limits of every decode worker, whoever starts the hub. A request is decoded whole,
 * about 3 KB a span at the peak: the largest the item limit admits (32 768 spans) needs about
 * 100 MB. A worker over its limit ends (its request answered 503) and is replaced.
 */
export const DECODE_WORKER_HEAP_LIMITS: HeapLimits = Object.freeze({
  maxOldGenerationSizeMb: 160,
  maxYoungGenerationSizeMb: 24,
});

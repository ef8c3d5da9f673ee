import { PriceCatalog, type SpanRecord } from '@agentlens/core';
import { describe, expect, it } from 'vitest';
import { spanBatch } from '../otlp/exporter-capture.test-helpers.js';
import type { EncodedSpanBatch } from '../store/encoded-spans.js';
import { SqliteStore, type Store } from '../store/index.js';
import { Ingestor } from './ingestor.js';

const prices = new PriceCatalog();

/** Counts the calls of each write path. */
class CountingStore extends SqliteStore {
  encodedWrites = 0;
  override async writeEncodedSpans(batches: readonly EncodedSpanBatch[]): Promise<void> {
    this.encodedWrites++;
    return super.writeEncodedSpans(batches);
  }
}

class OverridingStore extends SqliteStore {
  recordWrites = 0;
  override async writeSpans(spans: readonly SpanRecord[]): Promise<void> {
    this.recordWrites++;
    return super.writeSpans(spans);
  }
}

async function ingestOne(store: Store): Promise<number> {
  const ingestor = new Ingestor({ store, prices });
  await ingestor.ingest('traces', spanBatch(30).protobuf, 'protobuf');
  await ingestor.close();
  return (await store.listTraces({}, null, 100)).traces.length;
}

describe('Ingestor, write path', () => {
  it('hands a store that takes encoded spans its spans encoded', async () => {
    const store = new CountingStore({ path: ':memory:' });
    expect(await ingestOne(store)).toBe(30);
    expect(store.encodedWrites).toBe(1);
    await store.close();
  });

  it('keeps to writeSpans when a subclass overrides it alone', async () => {
    const store = new OverridingStore({ path: ':memory:' });
    expect(await ingestOne(store)).toBe(30);
    expect(store.recordWrites).toBe(1);
    await store.close();
  });

  it('keeps to writeSpans when a wrapper overrides it alone', async () => {
    const real = new SqliteStore({ path: ':memory:' });
    let recordWrites = 0;
    const wrapped = new Proxy(real, {
      get(target, prop) {
        if (prop === 'writeSpans') {
          return (spans: readonly SpanRecord[]) => {
            recordWrites++;
            return target.writeSpans(spans);
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    expect(await ingestOne(wrapped)).toBe(30);
    expect(recordWrites).toBe(1);
    await real.close();
  });
});

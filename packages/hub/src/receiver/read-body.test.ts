import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HubError } from './hub-error.js';
import { readBody } from './read-body.js';

function chunks(...parts: Buffer[]): Readable {
  return Readable.from(parts, { objectMode: false });
}

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe('readBody', () => {
  it('reads a plain body and a gzip body', async () => {
    expect((await readBody(chunks(Buffer.from('ab'), Buffer.from('cd')), false, 10)).toString()).toBe('abcd');
    expect((await readBody(chunks(gzipSync('hello')), true, 100)).toString()).toBe('hello');
    expect((await readBody(chunks(), false, 10)).length).toBe(0);
  });

  it('stops a body without a length at the limit', async () => {
    const error = await failure(readBody(chunks(Buffer.alloc(6), Buffer.alloc(6)), false, 10));
    expect(error.status).toBe(413);
  });

  it('stops inflating at the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(10_000_000));
    const error = await failure(readBody(chunks(bomb), true, 100_000));
    expect(error.status).toBe(413);
    expect(error.message).toContain('decompressed');
  });

  it('answers 400 to a body that is not gzip', async () => {
    const error = await failure(readBody(chunks(Buffer.from('not gzip at all')), true, 1024));
    expect(error.status).toBe(400);
    expect(error.message).toContain('gzip');
  });

  it('refuses at once a body whose sender went away, before the read or during it', async () => {
    // A request that waited for room unread may find its client gone: no event is left to come.
    const gone = new Readable({ read() {} });
    gone.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const before = await failure(readBody(gone, false, 1024));
    expect(before.status).toBe(400);
    expect(before.message).toContain('aborted');
    for (const gzip of [false, true]) {
      const dying = new Readable({ read() {} });
      const reading = readBody(dying, gzip, 1024);
      dying.push(Buffer.from('partial'));
      dying.destroy();
      expect((await failure(reading)).message).toContain('aborted');
    }
    // A gzip body whose stream closes once read, while it is still being inflated, is read whole.
    const body = gzipSync(Buffer.alloc(50_000, 'x'));
    const closing = new Readable({ read() {}, emitClose: true });
    const inflated = readBody(closing, true, 100_000);
    closing.push(body);
    closing.push(null);
    expect((await inflated).length).toBe(50_000);
  });
});

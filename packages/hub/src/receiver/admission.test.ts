import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';

/** Room for `free` requests: `fits` while some is left, `take` claims one. */
function room(free: number) {
  const state = { free, taken: [] as string[] };
  return {
    state,
    request: (name: string): [() => boolean, () => void] => [
      () => state.free > 0,
      () => {
        state.free--;
        state.taken.push(name);
      },
    ],
  };
}

describe('Admission', () => {
  it('takes a request that fits at once, and the waiting ones in arrival order as room frees', async () => {
    const admission = new Admission({ waitMs: 5_000, maxWaiting: 10 });
    const { state, request } = room(1);
    expect(await admission.admit(...request('a'))).toBe(true);
    const b = admission.admit(...request('b'));
    const c = admission.admit(...request('c'));
    expect(admission.waiting).toBe(2);
    state.free = 1;
    admission.wake();
    expect(await b).toBe(true);
    expect(admission.waiting).toBe(1);
    // A newcomer that would fit does not overtake those waiting.
    state.free = 1;
    const d = admission.admit(...request('d'));
    admission.wake();
    expect(await c).toBe(true);
    state.free = 1;
    admission.wake();
    expect(await d).toBe(true);
    expect(state.taken).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses after the wait, at once past the waiting bound or without a wait, and all on close', async () => {
    const { request } = room(0);
    const timed = new Admission({ waitMs: 50, maxWaiting: 1 });
    const started = performance.now();
    const waiting = timed.admit(...request('a'));
    expect(await timed.admit(...request('b'))).toBe(false);
    expect(await waiting).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(await new Admission({ waitMs: 0, maxWaiting: 10 }).admit(...request('c'))).toBe(false);
    const closing = new Admission({ waitMs: 60_000, maxWaiting: 10 });
    const held = [closing.admit(...request('d')), closing.admit(...request('e'))];
    await sleep(5);
    closing.close();
    expect(await Promise.all(held)).toEqual([false, false]);
    expect(await closing.admit(...request('f'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first[0]).toBe(0.6011037519201636);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = seededRandom(7);
    const deciles = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const v = random();
      expect(v >= 0 && v < 1).toBe(true);
      deciles[Math.floor(v * 10)]++;
    }
    for (const n of deciles) expect(n).toBeGreaterThan(900);
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDurationMs,
  formatPercent,
  formatSeconds,
  formatTokens,
  formatUsd,
  nanosToMs,
  plural,
} from './format.js';
import { rangeOf, stepOf, windowOf } from './time-range.js';

describe('numbers with units', () => {
  it('counts', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(99_999)).toBe('99,999');
    expect(formatCount(1_234_567)).toBe('1.2M');
    expect(formatTokens(1)).toBe('1 token');
    expect(formatTokens(3600)).toBe('3,600 tokens');
    expect(plural(1, 'call')).toBe('1 call');
    expect(plural(2, 'failed run')).toBe('2 failed runs');
  });

  it('money: cents, and small amounts with two significant digits', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.03)).toBe('$0.03');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(-2)).toBe('-$2.00');
  });

  it('ratios and durations', () => {
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0.75)).toBe('75.0 %');
    expect(formatPercent(0.9996)).toBe('99.96 %');
    expect(formatDurationMs(0)).toBe('0 ms');
    expect(formatDurationMs(0.1)).toBe('0.10 ms');
    expect(formatDurationMs(350)).toBe('350 ms');
    expect(formatDurationMs(1250)).toBe('1.25 s');
    expect(formatDurationMs(125_000)).toBe('2 min 5 s');
    expect(formatDurationMs(3 * 3_600_000 + 600_000)).toBe('3 h 10 min');
    expect(formatSeconds(0.005)).toBe('5 ms');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(nanosToMs('1796118476437000000')).toBe(1796118476437);
  });
});

describe('the time range in the URL', () => {
  it('defaults to the last hour, takes presets and a custom from / to', () => {
    expect(windowOf(rangeOf(new URLSearchParams('')))).toEqual({ window: '1h' });
    expect(windowOf(rangeOf(new URLSearchParams('range=7d')))).toEqual({ window: '7d' });
    expect(windowOf(rangeOf(new URLSearchParams('range=bogus')))).toEqual({ window: '1h' });
    expect(windowOf(rangeOf(new URLSearchParams('from=1000&to=5000')))).toEqual({ from: 1000, to: 5000 });
  });

  it('picks a chart step of whole minutes, about 100 points at most', () => {
    expect(stepOf(rangeOf(new URLSearchParams('range=15m')))).toBe('1m');
    expect(stepOf(rangeOf(new URLSearchParams('range=1h')))).toBe('1m');
    expect(stepOf(rangeOf(new URLSearchParams('range=24h')))).toBe('15m');
    expect(stepOf(rangeOf(new URLSearchParams('range=7d')))).toBe('120m');
  });
});

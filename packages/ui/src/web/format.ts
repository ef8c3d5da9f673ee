/**
 * Numbers with their units, the same way on every page. Every function takes the value in the
 * unit the API uses (durations in milliseconds or seconds as named, cost in US dollars, ratios
 * 0 to 1) and returns text ready to show.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** `1,234`; past 100 000, `123.4K`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.abs(n) < 100_000 ? integer.format(n) : compact.format(n);
}

/** A count with its noun: `1 call`, `3 calls`, `1,200 failed runs` (`noun` in the singular, plural with `s`). */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`;
}

/** `1,200 tokens`, `1 token`. */
export function formatTokens(n: number): string {
  return plural(n, 'token');
}

/** `$0.00`, `$0.0042` (small amounts keep two significant digits), `$12.34`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  if (abs < 0.01) return `${usd < 0 ? '-' : ''}$${abs.toPrecision(2)}`;
  return `${usd < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A ratio 0 to 1 as `66.7 %`; `100 %` and `0 %` without decimals. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  if (pct === 100 || pct === 0) return `${pct} %`;
  return `${pct.toFixed(pct >= 99.95 || pct < 0.05 ? 2 : 1)} %`;
}

/** Milliseconds as `0.42 ms`, `120 ms`, `1.25 s`, `2 min 5 s`, `3 h 10 min`. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
  return `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`;
}

/** Seconds (the stats' unit) as {@link formatDurationMs} shows them. */
export function formatSeconds(seconds: number): string {
  return formatDurationMs(seconds * 1000);
}

/** `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Unix nanoseconds (decimal text, as spans carry them) to Unix milliseconds. */
export function nanosToMs(nanos: string): number {
  // Past 2^53 a double keeps about a quarter of a microsecond: plenty for a millisecond clock.
  return Number(nanos) / 1e6;
}

/** A local wall-clock time: `14:03:27` today, `Nov 30, 14:03:27` on another day. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  if (new Date().toDateString() === date.toDateString()) return time;
  return `${date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}, ${time}`;
}

/** `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAgo(ms: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

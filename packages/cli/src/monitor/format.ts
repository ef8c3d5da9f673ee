/**
 * Numbers as an operator reads them: units always, rounding that keeps two or three significant
 * figures, and the same text in the live dashboard and the Markdown report.
 */

/** `0`, `950`, `1.2k`, `34k`, `1.2M`. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return Number.isInteger(n) ? String(n) : n.toFixed(abs < 10 ? 1 : 0);
  if (abs < 1e6) return `${(n / 1e3).toFixed(abs < 1e4 ? 1 : 0)}k`;
  if (abs < 1e9) return `${(n / 1e6).toFixed(abs < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** A rate per minute: `0`, `0.4`, `12`, `1.2k`. */
export function formatRate(perMinute: number): string {
  if (perMinute === 0) return '0';
  if (perMinute < 10) return perMinute.toFixed(1);
  return formatCount(Math.round(perMinute));
}

/** A ratio 0..1 as a percentage: `100%`, `98.4%`, `0%`. */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 100 || pct === 0) return `${pct}%`;
  return `${pct >= 99.95 ? '99.9' : pct.toFixed(1)}%`;
}

/** Seconds as `0 ms`, `850 ms`, `1.25 s`, `12.3 s`, `4m 05s`. */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0 ms';
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}

/** US dollars: `$0`, `$0.0042`, `$0.12`, `$12.35`, `$1,234`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  if (usd < 1000) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

/** An uptime: `45s`, `12m`, `2h 15m`, `3d 4h`. */
export function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** `HH:MM:SS` in UTC, the time of day of an ISO timestamp. */
export function formatClock(iso: string): string {
  return iso.slice(11, 19);
}

/** Cuts `text` to `width` columns, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** One message on one line: newlines and runs of spaces become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** An exact count with thousands separators, for reports: `1,234`. */
export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The time range every page shows, from the URL: `range=15m|1h|24h|7d` (default `1h`), or a
 * custom `from` / `to` in Unix milliseconds. Turned into the API's window and a chart step.
 */
import type { WindowQuery } from '@agentlens/hub/client';

/** The preset ranges of the picker. */
export const PRESETS = ['15m', '1h', '24h', '7d'] as const;
export type Preset = (typeof PRESETS)[number];

const PRESET_MS: Readonly<Record<Preset, number>> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

export type TimeRange =
  | { readonly kind: 'preset'; readonly preset: Preset }
  | { readonly kind: 'custom'; readonly fromMs: number; readonly toMs: number };

/** The range named in `query`; the default (`1h`) when it names none or a bad one. */
export function rangeOf(query: URLSearchParams): TimeRange {
  const from = Number(query.get('from'));
  const to = Number(query.get('to'));
  if (query.has('from') && Number.isFinite(from) && from > 0) {
    const toMs = query.has('to') && Number.isFinite(to) && to > from ? to : Date.now();
    return { kind: 'custom', fromMs: from, toMs };
  }
  const preset = query.get('range');
  return { kind: 'preset', preset: PRESETS.includes(preset as Preset) ? (preset as Preset) : '1h' };
}

/** How long the range is, in milliseconds. */
export function rangeMs(range: TimeRange): number {
  return range.kind === 'preset' ? PRESET_MS[range.preset] : range.toMs - range.fromMs;
}

/** The range as the API takes it. */
export function windowOf(range: TimeRange): WindowQuery {
  return range.kind === 'preset' ? { window: range.preset } : { from: range.fromMs, to: range.toMs };
}

/** A chart step of whole minutes giving at most about 100 points over the range. */
export function stepOf(range: TimeRange): string {
  const minutes = Math.max(1, Math.ceil(rangeMs(range) / 60_000 / 100));
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].find((m) => m >= minutes) ?? minutes;
  return `${nice}m`;
}

/** The query parameters that keep the range when moving between pages. */
export function rangeParams(query: URLSearchParams): Record<string, string | undefined> {
  return {
    range: query.get('range') ?? undefined,
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
  };
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration as Prometheus writes them, in one unit: `500ms`, `30s`, `15m`, `24h`, `7d`,
 * `2w`. Returns milliseconds; throws RangeError with the reason otherwise.
 *
 * @example parseDuration('15m') // 900000
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,12})(ms|s|m|h|d|w)$/.exec(text.trim());
  if (match === null) {
    throw new RangeError(
      `"${text.slice(0, 40)}" is not a duration: write a number and a unit, e.g. 15m, 24h, 7d`,
    );
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms <= 0 || !Number.isSafeInteger(ms)) throw new RangeError(`duration "${text}" is out of range`);
  return ms;
}

/** Parses a size such as `2GB`, `500MB`, `1.5GiB` or a plain byte count into bytes. */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?$/i.exec(text.trim());
  if (match === null) throw new RangeError(`"${text.slice(0, 40)}" is not a size: write e.g. 500MB or 2GB`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  };
  const bytes = Math.round(Number(match[1]) * (factor[unit] as number));
  if (bytes <= 0 || !Number.isSafeInteger(bytes)) throw new RangeError(`size "${text}" is out of range`);
  return bytes;
}

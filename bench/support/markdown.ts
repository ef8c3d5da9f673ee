/** Column alignment in a Markdown table. */
export type Align = 'left' | 'right';

/** A Markdown table; `align` defaults to left for the first column and right for the others. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = headers.map((_, i) => (i === 0 ? 'left' : 'right')),
): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  const widths = headers.map((header, i) =>
    Math.max(3, header.length, ...rows.map((row) => escapeCell(row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths
      .map((width, i) => {
        const cell = escapeCell(cells[i] ?? '');
        return align[i] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' | ')} |`;
  const rule = `| ${widths.map((width, i) => (align[i] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** `12345.6` → `12 346` (a space groups thousands, as in the issue's figures). */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A duration in nanoseconds with three significant digits: `41.2`, `1,234`. */
export function formatNs(ns: number): string {
  // 999.5 and up rounds to four digits: `toPrecision(3)` would print `1.00e+3`.
  return ns >= 999.5 ? formatCount(ns) : ns.toPrecision(3);
}

/** Milliseconds with two decimals under 100 ms, one above. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A ratio as `0.42×`. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

/** A byte count in binary units: `612 KiB`, `11.4 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

import type { ComponentChildren } from 'preact';
import { Chart, type ChartData } from './chart.js';

export interface StatCardProps {
  readonly label: string;
  /** The figure, with its unit. */
  readonly value: string;
  /** A line under the figure: what it is made of, or a warning. */
  readonly detail?: ComponentChildren;
  /** One series, drawn as a sparkline. */
  readonly series?: ChartData;
  readonly format?: (value: number) => string;
  readonly tone?: 'ok' | 'warn' | 'error';
  /** For tests and for the figure's accessible name. */
  readonly testId?: string;
}

/** `3,600 tokens`: the number large, its unit small (both in the text, so it reads the same). */
function unitSplit(value: string) {
  const space = value.indexOf(' ');
  if (space < 0 || !/^[\d$.,-]/.test(value)) return value;
  return (
    <>
      {value.slice(0, space)}
      <span class="card-unit">{value.slice(space)}</span>
    </>
  );
}

/** One figure of the overview with a small time series under it. */
export function StatCard({ label, value, detail, series, format, tone, testId }: StatCardProps) {
  return (
    <section class={tone ? `card card-${tone}` : 'card'} aria-label={label}>
      <h3 class="card-label">{label}</h3>
      <p class="card-value" data-testid={testId}>
        {unitSplit(value)}
      </p>
      {detail !== undefined && <p class="card-detail">{detail}</p>}
      {series && format && (
        <Chart data={series} format={format} height={48} spark label={`${label} over time`} />
      )}
    </section>
  );
}

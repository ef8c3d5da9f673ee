import type { StatsGroup } from '@agentlens/hub/client';
import { formatCount, formatPercent, formatSeconds, formatUsd } from '../format.js';
import type { Column } from './data-table.js';

/** A right-aligned column that sorts by a number of the row and shows it formatted. */
export function numericColumn<Row>(
  key: string,
  label: string,
  value: (row: Row) => number,
  format: (n: number) => string,
): Column<Row> {
  return { key, label, numeric: true, sort: value, render: (row) => format(value(row)) };
}

/** Input plus output tokens of a stats group. */
export const tokensOf = (g: StatsGroup) => g.tokens.input + g.tokens.output;

/** The figures of a stats group as table columns; the keys name the sort in the URL. */
export const statsColumn = {
  requests: (label: string, key = 'requests') =>
    numericColumn<StatsGroup>(key, label, (g) => g.requests, formatCount),
  failures: () => numericColumn<StatsGroup>('failures', 'Failures', (g) => g.failures, formatCount),
  success: () => numericColumn<StatsGroup>('success', 'Success', (g) => g.successRate, formatPercent),
  avg: () => numericColumn<StatsGroup>('avg', 'Avg', (g) => g.avgLatencySeconds, formatSeconds),
  p95: () => numericColumn<StatsGroup>('p95', 'p95', (g) => g.p95LatencySeconds, formatSeconds),
  p99: () => numericColumn<StatsGroup>('p99', 'p99', (g) => g.p99LatencySeconds, formatSeconds),
  tokens: (format: (n: number) => string = formatCount) =>
    numericColumn<StatsGroup>('tokens', 'Tokens', tokensOf, format),
  cost: () => numericColumn<StatsGroup>('cost', 'Cost', (g) => g.costUsd, formatUsd),
};

/** Calls, failures, success rate and latency of a stats group: the columns agents and tools share. */
export function callColumns(requestsLabel: string): Column<StatsGroup>[] {
  return [
    statsColumn.requests(requestsLabel),
    statsColumn.failures(),
    statsColumn.success(),
    statsColumn.avg(),
    statsColumn.p95(),
    statsColumn.p99(),
  ];
}

/**
 * The live dashboard's screen as plain data: lines of styled segments that fit the terminal. Ink
 * only paints them (live-dashboard.tsx), so the layout rules here are tested without a terminal.
 */
import { type AgentStats, isStuck, type ModelStats, type Report, type ToolStats } from '@agentlens/core';
import {
  formatClock,
  formatCount,
  formatPercent,
  formatRate,
  formatSeconds,
  formatUptime,
  formatUsd,
  oneLine,
  truncate,
} from './format.js';
import { type MonitorSample, rateMinutes } from './monitor-data.js';

export type Color = 'green' | 'yellow' | 'red' | 'cyan' | 'gray';

export interface Segment {
  readonly text: string;
  readonly color?: Color;
  readonly bold?: boolean;
  readonly dim?: boolean;
}

export type Line = readonly Segment[];

/** Everything the screen shows. */
export interface LiveState {
  readonly hubUrl: string;
  readonly window: string;
  readonly intervalMs: number;
  /** The last good answer; kept on screen (dimmed) while the hub is unreachable. */
  readonly sample: MonitorSample | null;
  /** Set while the latest refresh failed. */
  readonly failure: { readonly message: string; readonly sinceMs: number } | null;
}

interface Column<T> {
  readonly title: string;
  /** Fixed width, or the share of the columns that take what is left. */
  readonly width: number | 'flex';
  readonly align: 'left' | 'right';
  /** Lower is kept first when the terminal is narrow. */
  readonly priority: number;
  readonly value: (row: T) => string;
  readonly color?: (row: T) => Color | undefined;
}

const FLEX_MIN = 10;
const FLEX_MAX = 32;

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const cut = truncate(text, width);
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** The header line and one line per row, keeping the columns that fit `width` by priority. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], width: number): Line[] {
  // A flexible column asks for the width its longest value needs (within bounds) before columns
  // of a lower priority are let in: a full agent name beats an extra figure.
  const last = columns[columns.length - 1];
  const natural = (c: Column<T>): number => {
    if (c.width !== 'flex') return c.width;
    // The last column (a message, a failure) is cut to fit rather than left out.
    if (c === last && c.priority > 0) return FLEX_MIN;
    const longest = rows.reduce((n, row) => Math.max(n, c.value(row).length), c.title.length);
    return Math.min(FLEX_MAX, Math.max(FLEX_MIN, longest));
  };
  const byPriority = [...columns].sort((a, b) => a.priority - b.priority);
  const kept = new Set<Column<T>>();
  let used = 0;
  for (const column of byPriority) {
    const need = natural(column) + (kept.size === 0 ? 0 : 1);
    if (used + need > width) continue;
    kept.add(column);
    used += need;
  }
  const shown = columns.filter((c) => kept.has(c));
  // What is left goes to the last column when it is flexible (a message), else to the first
  // flexible one (a name).
  const spare = width - used;
  const lastShown = shown[shown.length - 1];
  const taker = lastShown?.width === 'flex' ? lastShown : shown.find((c) => c.width === 'flex');
  const flexWidth = (c: Column<T>): number => natural(c) + (c === taker ? spare : 0);
  const widths = shown.map(flexWidth);
  const line = (texts: string[], colors: (Color | undefined)[], bold: boolean): Line =>
    texts.map((text, i) => {
      const column = shown[i] as Column<T>;
      const segment: Segment = {
        text: (i === 0 ? '' : ' ') + pad(text, widths[i] as number, column.align),
        ...(bold ? { bold: true } : {}),
      };
      const color = colors[i];
      return color === undefined ? segment : { ...segment, color };
    });
  return [
    line(
      shown.map((c) => c.title),
      shown.map(() => undefined),
      true,
    ),
    ...rows.map((row) =>
      line(
        shown.map((c) => c.value(row)),
        shown.map((c) => c.color?.(row)),
        false,
      ),
    ),
  ];
}

function rateColor(ratio: number): Color | undefined {
  if (ratio < 0.5) return 'red';
  if (ratio < 0.9) return 'yellow';
  return undefined;
}

const STATUS_COLOR: Record<Report['health']['status'], Color> = {
  healthy: 'green',
  degraded: 'yellow',
  unhealthy: 'red',
};

function agentColumns(minutes: number): Column<AgentStats>[] {
  return [
    { title: 'AGENT', width: 'flex', align: 'left', priority: 0, value: (a) => a.name },
    {
      title: 'REQ/MIN',
      width: 7,
      align: 'right',
      priority: 1,
      value: (a) => formatRate(a.requests / minutes),
    },
    {
      title: 'SUCCESS',
      width: 7,
      align: 'right',
      priority: 1,
      value: (a) => formatPercent(a.successRate),
      color: (a) => rateColor(a.successRate),
    },
    { title: 'P95', width: 8, align: 'right', priority: 1, value: (a) => formatSeconds(a.p95ResponseTime) },
    {
      title: 'TOK/MIN',
      width: 7,
      align: 'right',
      priority: 1,
      value: (a) => formatRate(a.tokens / minutes),
    },
    { title: '$/MIN', width: 8, align: 'right', priority: 1, value: (a) => formatUsd(a.cost / minutes) },
    {
      title: 'IN FLIGHT',
      width: 9,
      align: 'right',
      priority: 1,
      value: (a) => (isStuck(a) ? `${a.inFlight} STUCK` : String(a.inFlight)),
      color: (a) => (isStuck(a) ? 'red' : undefined),
    },
    { title: 'REQUESTS', width: 8, align: 'right', priority: 2, value: (a) => formatCount(a.requests) },
    { title: 'FAILED', width: 6, align: 'right', priority: 2, value: (a) => formatCount(a.failures) },
    { title: 'AVG', width: 8, align: 'right', priority: 3, value: (a) => formatSeconds(a.avgResponseTime) },
    { title: 'P99', width: 8, align: 'right', priority: 3, value: (a) => formatSeconds(a.p99ResponseTime) },
    { title: 'COST', width: 8, align: 'right', priority: 3, value: (a) => formatUsd(a.cost) },
  ];
}

const TOOL_COLUMNS: Column<ToolStats>[] = [
  { title: 'TOOL', width: 'flex', align: 'left', priority: 0, value: (t) => t.name },
  { title: 'USES', width: 5, align: 'right', priority: 1, value: (t) => formatCount(t.uses) },
  {
    title: 'OK',
    width: 6,
    align: 'right',
    priority: 1,
    value: (t) => formatPercent(t.successRate),
    color: (t) => rateColor(t.successRate),
  },
  { title: 'AVG', width: 8, align: 'right', priority: 1, value: (t) => formatSeconds(t.avgExecutionTime) },
  {
    title: 'LAST FAILURE',
    width: 'flex',
    align: 'left',
    priority: 2,
    value: (t) => {
      const last = t.recentFailures[0];
      return last === undefined ? '' : `${formatClock(last.time)} ${oneLine(last.message)}`;
    },
    color: () => 'gray',
  },
];

const MODEL_COLUMNS: Column<ModelStats>[] = [
  { title: 'MODEL', width: 'flex', align: 'left', priority: 0, value: (m) => m.model },
  { title: 'CALLS', width: 5, align: 'right', priority: 1, value: (m) => formatCount(m.requests) },
  {
    title: 'TOKENS',
    width: 6,
    align: 'right',
    priority: 1,
    value: (m) =>
      formatCount(
        m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens + m.reasoningTokens,
      ),
  },
  {
    title: 'COST',
    width: 8,
    align: 'right',
    priority: 1,
    value: (m) => (m.unpricedCalls > 0 && m.cost === 0 ? 'unpriced' : formatUsd(m.cost)),
  },
  { title: 'PROVIDER', width: 10, align: 'left', priority: 2, value: (m) => m.provider },
];

type ErrorRow = Report['errors'][number];
const ERROR_COLUMNS: Column<ErrorRow>[] = [
  { title: 'TIME', width: 8, align: 'left', priority: 0, value: (e) => formatClock(e.time) },
  { title: 'COMPONENT', width: 'flex', align: 'left', priority: 1, value: (e) => e.component },
  { title: 'TYPE', width: 14, align: 'left', priority: 2, value: (e) => e.errorType },
  {
    title: 'MESSAGE',
    width: 'flex',
    align: 'left',
    priority: 1,
    value: (e) => oneLine(e.message),
    color: () => 'red',
  },
];

/**
 * Shares `available` rows among sections that each want `wants[i]`: every section gets at least
 * one row while rows remain, then the rest goes round-robin to sections that want more.
 */
export function allocateRows(available: number, wants: readonly number[]): number[] {
  const given = wants.map(() => 0);
  let left = Math.max(0, available);
  let progress = true;
  while (left > 0 && progress) {
    progress = false;
    for (let i = 0; i < wants.length && left > 0; i++) {
      if ((given[i] as number) < (wants[i] as number)) {
        given[i] = (given[i] as number) + 1;
        left--;
        progress = true;
      }
    }
  }
  return given;
}

function text(t: string, style: Omit<Segment, 'text'> = {}): Segment {
  return { text: t, ...style };
}

/** Cuts a line to `width` columns. */
function fit(line: Line, width: number): Line {
  const out: Segment[] = [];
  let left = width;
  for (const segment of line) {
    if (left <= 0) break;
    const t = segment.text.length > left ? truncate(segment.text, left) : segment.text;
    out.push({ ...segment, text: t });
    left -= t.length;
  }
  return out;
}

function sideBySide(left: Line[], right: Line[], leftWidth: number, rows: number): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < rows; i++) {
    const l = left[i] ?? [];
    const used = l.reduce((n, s) => n + s.text.length, 0);
    out.push([...l, text(' '.repeat(Math.max(0, leftWidth - used) + 2)), ...(right[i] ?? [])]);
  }
  return out;
}

function more(hidden: number, what: string): Line {
  return [text(`  … ${hidden} more ${what}`, { color: 'gray' })];
}

/** The screen for `state` at `width` x `height`: at most `height - 1` lines (Ink clears the screen on taller output). */
export function buildScreen(state: LiveState, width: number, height: number): Line[] {
  const w = Math.max(20, width);
  const maxLines = Math.max(3, height - 1);
  const lines: Line[] = [];
  const sample = state.sample;
  const stale = state.failure !== null;
  const updated =
    sample === null
      ? 'waiting for the hub'
      : `updated ${formatClock(new Date(sample.fetchedAtMs).toISOString())} UTC`;
  lines.push([
    text('agentlens monitor', { bold: true }),
    text(`  ${state.hubUrl}  window ${state.window}  every ${state.intervalMs / 1000}s  ${updated}`, {
      color: 'gray',
    }),
  ]);

  if (sample === null) {
    lines.push([]);
    if (state.failure === null) lines.push([text('Connecting to the hub…')]);
    else {
      lines.push([text(`hub unreachable: ${oneLine(state.failure.message)}`, { color: 'red', bold: true })]);
      lines.push([text(`retrying every ${state.intervalMs / 1000}s; start one with: npx agentlens serve`)]);
    }
    lines.push([]);
    lines.push([text('q quit', { color: 'gray' })]);
    return lines.slice(0, maxLines).map((l) => fit(l, w));
  }

  const { report, spentTodayUsd } = sample;
  const h = report.health;
  const budget = h.budget;
  const spendText =
    budget === null
      ? formatUsd(spentTodayUsd)
      : `${formatUsd(budget.spentTodayUsd)} / ${formatUsd(budget.dailyUsd)}${budget.exceeded ? ' OVER' : ''}`;
  lines.push([
    text(`● ${h.status.toUpperCase()}`, { color: STATUS_COLOR[h.status], bold: true }),
    text(`  up ${formatUptime(h.uptimeSeconds)}`),
    text(`  requests ${formatCount(report.overview.requests)}`),
    text('  success '),
    text(
      formatPercent(report.overview.successRate),
      rateColor(report.overview.successRate)
        ? { color: rateColor(report.overview.successRate) as Color }
        : {},
    ),
    text(`  p95 ${formatSeconds(report.overview.p95ResponseTime)}`),
    text('  spend today '),
    text(spendText, budget?.exceeded ? { color: 'red', bold: true } : {}),
  ]);
  if (state.failure !== null) {
    const since = formatClock(new Date(state.failure.sinceMs).toISOString());
    lines.push([
      text(
        `hub unreachable since ${since} UTC: ${oneLine(state.failure.message)}; showing the last figures, retrying`,
        {
          color: 'red',
          bold: true,
        },
      ),
    ]);
  } else {
    lines.push([text(h.reasons.map(oneLine).join('; '), { color: STATUS_COLOR[h.status] })]);
  }

  const minutes = rateMinutes(report);
  const agents = [...report.agents].sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  const tools = [...report.tools].sort((a, b) => b.uses - a.uses || a.name.localeCompare(b.name));
  const models = [...report.models].sort((a, b) => b.cost - a.cost || b.requests - a.requests);
  const errors = report.errors;
  const split = w >= 80;
  const leftWidth = split ? Math.floor((w - 2) / 2) : w;
  const rightWidth = split ? w - 2 - leftWidth : w;

  // Fixed lines: a blank and a header per section, and the footer.
  const sections = split ? 3 : 4;
  const fixed = lines.length + sections * 2 + 1;
  const wantsTools = split ? Math.max(tools.length, models.length) : tools.length;
  const wants = split
    ? [agents.length, wantsTools, errors.length]
    : [agents.length, tools.length, models.length, errors.length];
  const rows = allocateRows(
    maxLines - fixed,
    wants.map((n) => Math.max(1, n)),
  );
  const [agentRows = 0, toolRows = 0] = rows;

  const section = (table: Line[], shown: number, total: number, what: string, empty: string): Line[] => {
    if (total === 0) return [table[0] as Line, [text(empty, { color: 'gray' })]];
    if (shown >= total) return table.slice(0, total + 1);
    return [...table.slice(0, Math.max(0, shown - 1) + 1), more(total - Math.max(0, shown - 1), what)];
  };

  lines.push([]);
  lines.push(
    ...section(
      renderTable(agentColumns(minutes), agents, w),
      agentRows,
      agents.length,
      'agents',
      'no agent requests in this window',
    ),
  );
  lines.push([]);
  if (split) {
    const toolLines = section(
      renderTable(TOOL_COLUMNS, tools, leftWidth),
      toolRows,
      tools.length,
      'tools',
      'no tool calls',
    );
    const modelLines = section(
      renderTable(MODEL_COLUMNS, models, rightWidth),
      toolRows,
      models.length,
      'models',
      'no model calls',
    );
    lines.push(
      ...sideBySide(toolLines, modelLines, leftWidth, Math.max(toolLines.length, modelLines.length)),
    );
  } else {
    lines.push(
      ...section(renderTable(TOOL_COLUMNS, tools, w), toolRows, tools.length, 'tools', 'no tool calls'),
    );
    lines.push([]);
    lines.push(
      ...section(
        renderTable(MODEL_COLUMNS, models, w),
        rows[2] ?? 0,
        models.length,
        'models',
        'no model calls',
      ),
    );
  }
  lines.push([]);
  const errorRows = (split ? rows[2] : rows[3]) ?? 0;
  lines.push([text('RECENT ERRORS', { bold: true })]);
  if (errors.length === 0) lines.push([text('none in this window', { color: 'gray' })]);
  else lines.push(...renderTable(ERROR_COLUMNS, errors.slice(0, errorRows), w).slice(1));
  lines.push([text('q quit', { color: 'gray' })]);

  const screen = lines.slice(0, maxLines).map((l) => fit(l, w));
  return stale ? screen.map((l, i) => (i < 3 ? l : l.map((s) => ({ ...s, dim: true })))) : screen;
}

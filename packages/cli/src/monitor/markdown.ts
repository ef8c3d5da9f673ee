import type { Report } from '@agentlens/core';
import {
  formatInteger,
  formatPercent,
  formatSeconds,
  formatUptime,
  formatUsd,
  oneLine,
  truncate,
} from './format.js';
import type { MonitorSample } from './monitor-data.js';

/** Who asked, for the report's first lines. */
export interface MarkdownContext {
  /** The hub's URL, as given to `--hub`. */
  readonly hubUrl: string;
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly string[][]): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function spend(report: Report, spentTodayUsd: number): string {
  const budget = report.health.budget;
  if (budget === null) return formatUsd(spentTodayUsd);
  const mark = budget.exceeded ? ' (over budget)' : '';
  return `${formatUsd(budget.spentTodayUsd)} of ${formatUsd(budget.dailyUsd)}${mark}`;
}

function healthSection(report: Report, spentTodayUsd: number): string {
  const h = report.health;
  const parts = [
    table(
      ['Status', 'Uptime', 'Requests', 'Success rate', 'Active agents', 'Errors', 'Spend today'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      [
        [
          h.status.toUpperCase(),
          formatUptime(h.uptimeSeconds),
          formatInteger(h.requestsInWindow),
          formatPercent(h.successRate),
          String(h.activeAgents),
          formatInteger(h.errorsInWindow),
          spend(report, spentTodayUsd),
        ],
      ],
    ),
  ];
  if (h.reasons.length > 0) parts.push(h.reasons.map((reason) => `- ${oneLine(reason)}`).join('\n'));
  return parts.join('\n\n');
}

function overviewSection(report: Report): string {
  const o = report.overview;
  return table(
    [
      'Requests',
      'Success rate',
      'Avg',
      'p50',
      'p95',
      'p99',
      'Tokens',
      'Cost',
      'Model calls',
      'Tool calls',
      'Errors',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    [
      [
        formatInteger(o.requests),
        formatPercent(o.successRate),
        formatSeconds(o.avgResponseTime),
        formatSeconds(o.p50ResponseTime),
        formatSeconds(o.p95ResponseTime),
        formatSeconds(o.p99ResponseTime),
        formatInteger(o.tokens),
        formatUsd(o.cost),
        formatInteger(o.modelCalls),
        formatInteger(o.toolCalls),
        formatInteger(o.errors),
      ],
    ],
  );
}

function agentsSection(report: Report): string {
  if (report.agents.length === 0) return '_No agent requests in this window._';
  return table(
    ['Agent', 'Requests', 'Success', 'Avg time', 'p95', 'p99', 'Tokens', 'Cost', 'Failures'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    report.agents.map((a) => [
      a.name,
      formatInteger(a.requests),
      formatPercent(a.successRate),
      formatSeconds(a.avgResponseTime),
      formatSeconds(a.p95ResponseTime),
      formatSeconds(a.p99ResponseTime),
      formatInteger(a.tokens),
      formatUsd(a.cost),
      formatInteger(a.failures),
    ]),
  );
}

function toolsSection(report: Report): string {
  if (report.tools.length === 0) return '_No tool calls in this window._';
  return table(
    ['Tool', 'Uses', 'Success', 'Avg time', 'p95', 'Last failure'],
    ['l', 'r', 'r', 'r', 'r', 'l'],
    report.tools.map((t) => {
      const last = t.recentFailures[0];
      return [
        t.name,
        formatInteger(t.uses),
        formatPercent(t.successRate),
        formatSeconds(t.avgExecutionTime),
        formatSeconds(t.p95ExecutionTime),
        last === undefined
          ? ''
          : `${last.time.slice(0, 19).replace('T', ' ')}: ${truncate(oneLine(last.message), 80)}`,
      ];
    }),
  );
}

function modelsSection(report: Report): string {
  if (report.models.length === 0) return '_No model calls in this window._';
  const rows = report.models.map((m) => [
    m.provider,
    m.model,
    formatInteger(m.requests),
    formatInteger(m.inputTokens),
    formatInteger(m.outputTokens),
    formatInteger(m.cacheReadTokens),
    formatInteger(m.cacheWriteTokens),
    formatInteger(m.reasoningTokens),
    formatSeconds(m.avgLatency),
    formatUsd(m.cost),
    m.unpricedCalls === 0 ? '' : formatInteger(m.unpricedCalls),
  ]);
  const total = report.models.reduce((sum, m) => sum + m.cost, 0);
  const unpriced = report.models.reduce((sum, m) => sum + m.unpricedCalls, 0);
  const notes = [`Total model cost: **${formatUsd(total)}**.`];
  if (unpriced > 0)
    notes.push(`${formatInteger(unpriced)} calls have no known price; their cost is missing from the total.`);
  return [
    table(
      [
        'Provider',
        'Model',
        'Calls',
        'Input',
        'Output',
        'Cache read',
        'Cache write',
        'Reasoning',
        'Avg latency',
        'Cost',
        'Unpriced',
      ],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
    notes.join(' '),
  ].join('\n\n');
}

function errorsSection(report: Report): string {
  if (report.errors.length === 0) return '_No errors in this window._';
  return table(
    ['Time (UTC)', 'Component', 'Type', 'Message'],
    ['l', 'l', 'l', 'l'],
    report.errors.map((e) => [
      e.time.slice(0, 19).replace('T', ' '),
      e.component,
      e.errorType,
      truncate(oneLine(e.message), 120),
    ]),
  );
}

/**
 * The report as Markdown: the tables of the guides' dashboard layouts (system health, agent
 * performance, tools, models and cost, recent errors), for a daily cron job or a ticket.
 */
export function renderMarkdown(sample: MonitorSample, context: MarkdownContext): string {
  const { report } = sample;
  const service = report.service === '*' ? 'all services' : `service ${report.service}`;
  const sections = [
    '# agentlens report',
    `Generated ${report.generatedAt.slice(0, 19).replace('T', ' ')} UTC from the hub at ${context.hubUrl}, window ${report.window}, ${service}.`,
    '## System health',
    healthSection(report, sample.spentTodayUsd),
    '## Overview',
    overviewSection(report),
    '## Agent performance',
    agentsSection(report),
    '## Tool usage',
    toolsSection(report),
    '## Models and cost',
    modelsSection(report),
    '## Recent errors',
    errorsSection(report),
  ];
  return `${sections.join('\n\n')}\n`;
}

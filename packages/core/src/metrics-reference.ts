import { METRIC_DEFINITIONS, type MetricGroup } from './catalog.js';

const GROUP_TITLES: Record<MetricGroup, string> = {
  agents: 'Agents and conversations',
  tools: 'Tools',
  models: 'Models, tokens and cost',
  genai: 'OpenTelemetry GenAI client metrics',
  errors: 'Errors',
  workflows: 'Workflows, error recovery, human review and routing',
  cache: 'Cache',
  http: 'HTTP API and rate limiting',
  database: 'Database',
  vector_store: 'Vector store',
  websocket: 'WebSocket',
  security: 'Security',
  sessions: 'Sessions and connections',
  instrumentation: 'The instrumentation itself',
};

/**
 * Renders the metric catalog as the Markdown reference in `docs/metrics.md`, so that the reference
 * is generated from the code and cannot drift from it.
 */
export function renderMetricsReference(): string {
  const lines: string[] = [
    '# Metrics reference',
    '',
    '<!-- Generated from packages/core/src/catalog.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every metric the agentlens SDK exposes at `/metrics`. Names follow the Prometheus conventions',
    '(snake_case, base units, `_total` on counters, `_seconds` on durations). A prefix set with',
    '`createAgentlens({ metricPrefix })` or `AGENTLENS_METRIC_PREFIX` goes in front of every name',
    '(for example `jaf_agent_requests_total`). Each metric has the fixed label set shown; past the',
    'series cap (2000 label combinations per metric by default) new combinations fold into one series',
    'whose labels are all `__overflow__`, and a warning is logged once.',
    '',
    'Process metrics (`process_cpu_seconds_total`, `process_resident_memory_bytes`,',
    '`nodejs_eventloop_lag_seconds`, ...) come from prom-client and are on by default.',
    '',
  ];
  const groups = [...new Set(METRIC_DEFINITIONS.map((d) => d.group))];
  for (const group of groups) {
    lines.push(
      `## ${GROUP_TITLES[group]}`,
      '',
      '| name | type | labels | help |',
      '| --- | --- | --- | --- |',
    );
    for (const d of METRIC_DEFINITIONS.filter((m) => m.group === group)) {
      const labels = d.labelNames.length ? d.labelNames.map((l) => `\`${l}\``).join(', ') : '—';
      const buckets = d.buckets ? ` Buckets: ${d.buckets.join(', ')}.` : '';
      lines.push(`| \`${d.name}\` | ${d.type} | ${labels} | ${d.help}${buckets} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

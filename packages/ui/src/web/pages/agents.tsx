import { isStuck } from '@agentlens/core';
import type { StatsGroup } from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { Chart, seriesOf } from '../components/chart.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { StatCard } from '../components/stat-card.js';
import { callColumns, statsColumn, tokensOf } from '../components/stats-columns.js';
import { ErrorNote, Loading } from '../components/status.js';
import { formatCount, formatPercent, formatSeconds, formatTokens, formatUsd } from '../format.js';
import { hrefOf, usePlace } from '../router.js';
import { rangeOf, rangeParams, stepOf, windowOf } from '../time-range.js';
import { TraceTable } from './traces.js';

/** {@link callColumns} with the tokens and cost: the agents table. */
function statsColumns(requestsLabel: string): Column<StatsGroup>[] {
  return [...callColumns(requestsLabel), statsColumn.tokens(), statsColumn.cost()];
}

/** The figures of an agent with no finished run in the range. */
function noRunsYet(name: string): StatsGroup {
  return {
    name,
    provider: null,
    requests: 0,
    failures: 0,
    successRate: 1,
    avgLatencySeconds: 0,
    p50LatencySeconds: 0,
    p95LatencySeconds: 0,
    p99LatencySeconds: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    costUsd: 0,
    unpricedCalls: 0,
  };
}

/** `/agents`: every agent with runs in the range (finished or in flight), sortable. */
export function AgentsPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const { data, error } = useQuery(`agents:${JSON.stringify(range)}`, async (hub) => {
    const window = windowOf(range);
    const [stats, series] = await Promise.all([
      hub.stats('agents', window),
      hub.timeseries({ ...window, measure: 'requests', step: stepOf(range), groupBy: 'agent' }),
    ]);
    // A hub that predates `inFlight` in the agents stats shows no such column.
    const inFlight =
      stats.inFlight === undefined ? undefined : new Map(stats.inFlight.map((run) => [run.agentName, run]));
    // An agent whose only runs are still going has no finished run to count, but belongs here.
    const named = new Set(stats.groups.map((g) => g.name));
    const running = (stats.inFlight ?? []).filter((run) => !named.has(run.agentName));
    const groups = [...stats.groups, ...running.map((run) => noRunsYet(run.agentName))];
    return { groups, series, inFlight };
  });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const href = (g: StatsGroup) => hrefOf(`/agents/${encodeURIComponent(g.name)}`, keep);
  const columns: Column<StatsGroup>[] = [
    { key: 'name', label: 'Agent', sort: (g) => g.name, render: (g) => <Link href={href(g)}>{g.name}</Link> },
    ...statsColumns('Runs'),
  ];
  const inFlight = data.inFlight;
  if (inFlight !== undefined) {
    const runsOf = (g: StatsGroup) => inFlight.get(g.name);
    columns.push({
      key: 'inFlight',
      label: 'In flight',
      numeric: true,
      sort: (g) => runsOf(g)?.runs ?? 0,
      render: (g) => {
        const run = runsOf(g);
        if (run === undefined) return '0';
        const stuck = isStuck({
          oldestInFlightSeconds: run.oldestInFlightSeconds,
          p95ResponseTime: g.p95LatencySeconds,
        });
        return (
          <span
            class={stuck ? 'warn' : undefined}
            title={`oldest running for ${formatSeconds(run.oldestInFlightSeconds)}`}
          >
            {formatCount(run.runs)}
            {stuck && ' · stuck'}
          </span>
        );
      },
    });
  }
  return (
    <div class="page">
      <ErrorNote error={error} />
      {data.groups.length === 0 ? (
        <Nothing>
          No agent runs in this time range. Agent runs are spans named <code>invoke_agent …</code> (the SDK's{' '}
          <code>withAgent</code>); try a longer range.
        </Nothing>
      ) : (
        <>
          <section class="panel">
            <h2>Runs per agent</h2>
            <Chart data={data.series} format={formatCount} label="Runs per agent over time" />
          </section>
          <DataTable
            label="Agents"
            columns={columns}
            rows={data.groups}
            rowKey={(g) => g.name}
            rowHref={href}
            defaultSort="-requests"
          />
        </>
      )}
    </div>
  );
}

/** `/agents/<name>`: one agent's figures, its latency over time, its recent runs and failures. */
const USED_TOOL_COLUMNS: Column<StatsGroup>[] = [
  { key: 'tool', label: 'Tool', sort: (g) => g.name, render: (g) => g.name },
  statsColumn.requests('Calls', 'calls'),
  statsColumn.success(),
  statsColumn.p95(),
];

const USED_MODEL_COLUMNS: Column<StatsGroup>[] = [
  { key: 'model', label: 'Model', sort: (g) => g.name, render: (g) => g.name },
  statsColumn.requests('Calls', 'calls'),
  statsColumn.tokens(formatTokens),
  statsColumn.cost(),
];

export function AgentPage({ name }: { readonly name: string }) {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const { data, error } = useQuery(`agent:${name}:${JSON.stringify(range)}`, async (hub) => {
    const window = windowOf(range);
    const step = stepOf(range);
    const [stats, tools, models, requests, p95, traces, failures] = await Promise.all([
      hub.stats('agents', window),
      // The calls made inside this agent's runs carry its name (gen_ai.agent.name).
      hub.stats('tools', { ...window, agent: name }),
      hub.stats('models', { ...window, agent: name }),
      hub.timeseries({ ...window, measure: 'requests', step, groupBy: 'agent' }),
      hub.timeseries({ ...window, measure: 'p95', step, groupBy: 'agent' }),
      hub.listTraces({ ...window, agent: name, limit: 20 }),
      hub.listTraces({ ...window, agent: name, status: 'error', limit: 10 }),
    ]);
    return {
      group: stats.groups.find((g) => g.name === name),
      tools: tools.groups,
      models: models.groups,
      requests: seriesOf(requests, name),
      p95: seriesOf(p95, name),
      traces: traces.traces,
      failures: failures.traces,
    };
  });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const { group } = data;
  return (
    <div class="page">
      <p class="crumbs">
        <Link href={hrefOf('/agents', keep)}>Agents</Link> / <strong>{name}</strong>
      </p>
      <ErrorNote error={error} />
      {group === undefined ? (
        <Nothing>No runs of {name} in this time range.</Nothing>
      ) : (
        <div class="cards">
          <StatCard
            label="Runs"
            value={formatCount(group.requests)}
            detail={`${formatCount(group.failures)} failed`}
          />
          <StatCard label="Success rate" value={formatPercent(group.successRate)} />
          <StatCard
            label="p95 latency"
            value={formatSeconds(group.p95LatencySeconds)}
            detail={`avg ${formatSeconds(group.avgLatencySeconds)} · p99 ${formatSeconds(group.p99LatencySeconds)}`}
          />
          <StatCard
            label="Tokens"
            value={formatTokens(tokensOf(group))}
            detail={`${formatCount(group.tokens.input)} in · ${formatCount(group.tokens.output)} out`}
          />
          <StatCard label="Cost" value={formatUsd(group.costUsd)} />
        </div>
      )}
      {data.requests.series.length > 0 && (
        <div class="columns two">
          <section class="panel">
            <h2>Runs</h2>
            <Chart data={data.requests} format={formatCount} label={`Runs of ${name} over time`} />
          </section>
          <section class="panel">
            <h2>p95 latency</h2>
            <Chart data={data.p95} format={formatSeconds} label={`p95 latency of ${name} over time`} />
          </section>
        </div>
      )}
      <div class="columns two">
        <section class="panel" data-testid="agent-tools">
          <h2>Tools it used</h2>
          {data.tools.length === 0 ? (
            <Nothing>No tool calls in its runs in this time range.</Nothing>
          ) : (
            <DataTable
              label={`Tools used by ${name}`}
              columns={USED_TOOL_COLUMNS}
              rows={data.tools}
              rowKey={(g) => g.name}
              rowHref={(g) => hrefOf('/traces', { ...keep, agent: name, tool: g.name })}
              defaultSort="-calls"
              sortParam="tools"
            />
          )}
        </section>
        <section class="panel" data-testid="agent-models">
          <h2>Models it called</h2>
          {data.models.length === 0 ? (
            <Nothing>No model calls in its runs in this time range.</Nothing>
          ) : (
            <DataTable
              label={`Models called by ${name}`}
              columns={USED_MODEL_COLUMNS}
              rows={data.models}
              rowKey={(g) => `${g.provider ?? ''}/${g.name}`}
              rowHref={(g) => hrefOf('/traces', { ...keep, agent: name, model: g.name })}
              defaultSort="-cost"
              sortParam="models"
            />
          )}
        </section>
      </div>
      <section class="panel">
        <h2>
          Recent failures <Link href={hrefOf('/traces', { ...keep, agent: name, status: 'error' })}>all</Link>
        </h2>
        <TraceTable traces={data.failures} empty="No failed runs in this time range." />
      </section>
      <section class="panel">
        <h2>
          Recent runs <Link href={hrefOf('/traces', { ...keep, agent: name })}>all</Link>
        </h2>
        <TraceTable traces={data.traces} empty="No runs in this time range." />
      </section>
    </div>
  );
}

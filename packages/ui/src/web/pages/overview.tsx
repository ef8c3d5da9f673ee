import type {
  HubClient,
  StatsGroup,
  Timeseries,
  TimeseriesMeasure,
  TraceSummary,
} from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { NoDataYet, Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { StatCard } from '../components/stat-card.js';
import { ErrorNote, Loading } from '../components/status.js';
import {
  formatCount,
  formatDurationMs,
  formatPercent,
  formatSeconds,
  formatTime,
  formatTokens,
  formatUsd,
  nanosToMs,
  plural,
} from '../format.js';
import { hrefOf, usePlace } from '../router.js';
import { rangeOf, rangeParams, stepOf, type TimeRange, windowOf } from '../time-range.js';

const MEASURES: readonly TimeseriesMeasure[] = ['requests', 'errors', 'p95', 'tokens', 'cost'];

/** The overall status from the agents' success rate: a rule anyone can check by eye. */
export function statusOf(group: StatsGroup): { word: string; tone: 'ok' | 'warn' | 'error' | undefined } {
  if (group.requests === 0) return { word: 'idle', tone: undefined };
  if (group.successRate >= 0.95) return { word: 'healthy', tone: 'ok' };
  if (group.successRate >= 0.8) return { word: 'degraded', tone: 'warn' };
  return { word: 'unhealthy', tone: 'error' };
}

function healthOf(status: 'healthy' | 'degraded' | 'unhealthy'): {
  word: string;
  tone: 'ok' | 'warn' | 'error';
} {
  return { word: status, tone: status === 'healthy' ? 'ok' : status === 'degraded' ? 'warn' : 'error' };
}

async function loadOverview(hub: HubClient, range: TimeRange) {
  const window = windowOf(range);
  const step = stepOf(range);
  const [overview, agents, models, tools, errors, services, series, status, report] = await Promise.all([
    hub.stats('overview', window),
    hub.stats('agents', window),
    hub.stats('models', window),
    hub.stats('tools', window),
    hub.listTraces({ ...window, status: 'error', limit: 8 }),
    hub.services(),
    Promise.all(MEASURES.map((measure) => hub.timeseries({ ...window, measure, step }))),
    hub.hubStatus().catch(() => undefined),
    // The report carries the hub's health verdict and the daily budget; a hub without the route
    // still gets an overview, with the status from the success rate alone.
    hub.report(window).catch(() => undefined),
  ]);
  const byMeasure = new Map<TimeseriesMeasure, Timeseries | undefined>(
    MEASURES.map((measure, i) => [measure, series[i]?.series[0]]),
  );
  return { overview: overview.groups[0], agents, models, tools, errors, services, byMeasure, status, report };
}

function TopList({
  title,
  groups,
  href,
  figure,
  all,
}: {
  readonly title: string;
  readonly groups: StatsGroup[];
  readonly href: (group: StatsGroup) => string;
  readonly figure: (group: StatsGroup) => string;
  readonly all: string;
}) {
  return (
    <section class="panel">
      <h2>
        {title} <Link href={all}>all</Link>
      </h2>
      {groups.length === 0 ? (
        <Nothing>None in this time range.</Nothing>
      ) : (
        <ol class="top-list">
          {groups.slice(0, 5).map((group) => (
            <li key={`${group.provider ?? ''}/${group.name}`}>
              <Link href={href(group)}>{group.name}</Link>
              <span class="num">{figure(group)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function RecentErrors({
  traces,
  keep,
}: {
  readonly traces: TraceSummary[];
  readonly keep: Record<string, string | undefined>;
}) {
  if (traces.length === 0) return <Nothing>No errors in this time range.</Nothing>;
  return (
    <ul class="error-list">
      {traces.map((trace) => (
        <li key={trace.traceId}>
          <Link href={hrefOf(`/traces/${trace.traceId}`, keep)}>{trace.rootSpanName ?? trace.traceId}</Link>
          <span class="muted">
            {' '}
            {trace.rootService ?? ''} · {formatTime(nanosToMs(trace.startTimeUnixNano))} ·{' '}
            {formatCount(trace.errorCount)} failed {trace.errorCount === 1 ? 'span' : 'spans'} ·{' '}
            {formatDurationMs(trace.durationMs)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** `/`: how the agents are doing over the chosen range. */
export function OverviewPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const { data, error } = useQuery(`overview:${JSON.stringify(range)}`, (hub) => loadOverview(hub, range));

  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const { overview, agents, models, tools, errors, services, byMeasure, status, report } = data;
  if (services.services.length === 0) return <NoDataYet endpoint={status?.listeners.http} />;
  if (overview === undefined) return <Loading />;
  const health = report ? healthOf(report.health.status) : statusOf(overview);
  const reasons = report?.health.reasons ?? [];
  const budget = report?.health.budget ?? null;
  const tokens = overview.tokens.input + overview.tokens.output;

  return (
    <div class="page">
      <ErrorNote error={error} />
      <div class="cards">
        <StatCard
          label="Status"
          value={health.word}
          testId="overview-status"
          {...(health.tone ? { tone: health.tone } : {})}
          detail={
            reasons.length > 0 ? reasons.join(' ') : `${plural(overview.errorSpans, 'failed span')} in all`
          }
        />
        <StatCard
          label="Requests"
          value={formatCount(overview.requests)}
          testId="overview-requests"
          detail={`${plural(overview.modelCalls, 'model call')} · ${plural(overview.toolCalls, 'tool call')}`}
          {...seriesProps(byMeasure.get('requests'), formatCount)}
        />
        <StatCard
          label="Success rate"
          value={formatPercent(overview.successRate)}
          testId="overview-success-rate"
          detail={`${plural(overview.failures, 'failed run')} (chart: failures)`}
          {...seriesProps(byMeasure.get('errors'), formatCount)}
        />
        <StatCard
          label="p95 latency"
          value={formatSeconds(overview.p95LatencySeconds)}
          testId="overview-p95"
          detail={`p50 ${formatSeconds(overview.p50LatencySeconds)} · p99 ${formatSeconds(overview.p99LatencySeconds)}`}
          {...seriesProps(byMeasure.get('p95'), formatSeconds)}
        />
        <StatCard
          label="Tokens"
          value={formatTokens(tokens)}
          testId="overview-tokens"
          detail={`${formatCount(overview.tokens.input)} in · ${formatCount(overview.tokens.output)} out`}
          {...seriesProps(byMeasure.get('tokens'), formatCount)}
        />
        <StatCard
          label="Spend"
          value={formatUsd(overview.costUsd)}
          testId="overview-cost"
          {...(budget?.exceeded
            ? { tone: 'error' as const }
            : overview.unpricedCalls > 0
              ? { tone: 'warn' as const }
              : {})}
          detail={
            <>
              {budget && (
                <span data-testid="overview-budget">
                  {budget.exceeded
                    ? `over the daily budget: ${formatUsd(budget.spentTodayUsd)} of ${formatUsd(budget.dailyUsd)} today`
                    : `today ${formatUsd(budget.spentTodayUsd)} of ${formatUsd(budget.dailyUsd)} budget`}
                  <br />
                </span>
              )}
              {overview.unpricedCalls > 0
                ? `${plural(overview.unpricedCalls, 'call')} of unknown price not included`
                : 'every call priced'}
            </>
          }
          {...seriesProps(byMeasure.get('cost'), formatUsd)}
        />
      </div>
      <div class="columns">
        <TopList
          title="Top agents"
          groups={agents.groups}
          href={(g) => hrefOf(`/agents/${encodeURIComponent(g.name)}`, keep)}
          figure={(g) => `${plural(g.requests, 'run')} · ${formatPercent(g.successRate)}`}
          all={hrefOf('/agents', keep)}
        />
        <TopList
          title="Top models"
          groups={[...models.groups].sort((a, b) => b.costUsd - a.costUsd)}
          href={(g) => hrefOf('/traces', { ...keep, model: g.name })}
          figure={(g) => `${plural(g.requests, 'call')} · ${formatUsd(g.costUsd)}`}
          all={hrefOf('/models', keep)}
        />
        <TopList
          title="Top tools"
          groups={tools.groups}
          href={(g) => hrefOf('/traces', { ...keep, tool: g.name })}
          figure={(g) => `${plural(g.requests, 'call')} · ${formatPercent(g.successRate)}`}
          all={hrefOf('/tools', keep)}
        />
      </div>
      <section class="panel">
        <h2>
          Recent errors <Link href={hrefOf('/traces', { ...keep, status: 'error' })}>all</Link>
        </h2>
        <RecentErrors traces={errors.traces} keep={keep} />
      </section>
    </div>
  );
}

function seriesProps(series: Timeseries | undefined, format: (value: number) => string) {
  return series === undefined ? {} : { series, format };
}

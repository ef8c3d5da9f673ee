import {
  HubApiError,
  type HubClient,
  type OverviewStats,
  type ReportResponse,
  type StatsGroup,
  type TimeseriesMeasure,
  type TraceSummary,
} from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { type ChartData, seriesOf } from '../components/chart.js';
import { NoDataYet, Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { StatCard } from '../components/stat-card.js';
import { ErrorNote, Loading, toneOfHealth } from '../components/status.js';
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
export function statusOf(figures: Pick<OverviewFigures, 'requests' | 'successRate'>): {
  word: string;
  tone: 'ok' | 'warn' | 'error' | undefined;
} {
  if (figures.requests === 0) return { word: 'idle', tone: undefined };
  if (figures.successRate >= 0.95) return { word: 'healthy', tone: 'ok' };
  if (figures.successRate >= 0.8) return { word: 'degraded', tone: 'warn' };
  return { word: 'unhealthy', tone: 'error' };
}

/** One line of a top list. */
interface TopEntry {
  readonly name: string;
  readonly provider: string | null;
  readonly requests: number;
  readonly successRate: number;
  readonly costUsd: number;
}

/** What the overview shows, from the report (one call) or, on a hub without it, from the stats. */
interface OverviewFigures {
  readonly requests: number;
  readonly failures: number;
  readonly successRate: number;
  readonly p50Seconds: number;
  readonly p95Seconds: number;
  readonly p99Seconds: number;
  /** Input plus output tokens. */
  readonly tokens: number;
  /** The split, when known exactly (the report splits tokens by model only). */
  readonly tokensIn: number | null;
  readonly tokensOut: number | null;
  readonly costUsd: number;
  readonly unpricedCalls: number;
  readonly modelCalls: number;
  readonly toolCalls: number;
  readonly errorSpans: number;
  readonly agents: TopEntry[];
  readonly models: TopEntry[];
  readonly tools: TopEntry[];
}

function figuresOfReport(report: ReportResponse): OverviewFigures {
  const o = report.overview;
  const tokensIn = report.models.reduce((sum, m) => sum + m.inputTokens, 0);
  const tokensOut = report.models.reduce((sum, m) => sum + m.outputTokens, 0);
  // The models' tokens are the overview's unless some tokens came from calls that name no model.
  const split = tokensIn + tokensOut === o.tokens;
  return {
    requests: o.requests,
    failures: o.failures,
    successRate: o.successRate,
    p50Seconds: o.p50ResponseTime,
    p95Seconds: o.p95ResponseTime,
    p99Seconds: o.p99ResponseTime,
    tokens: o.tokens,
    tokensIn: split ? tokensIn : null,
    tokensOut: split ? tokensOut : null,
    costUsd: o.cost,
    unpricedCalls: o.unpricedCalls,
    modelCalls: o.modelCalls,
    toolCalls: o.toolCalls,
    errorSpans: o.errors,
    // The report lists agents with runs in flight too; the top list is about finished runs.
    agents: report.agents
      .filter((a) => a.requests > 0)
      .map((a) => ({
        name: a.name,
        provider: null,
        requests: a.requests,
        successRate: a.successRate,
        costUsd: a.cost,
      })),
    models: report.models.map((m) => ({
      name: m.model,
      provider: m.provider || null,
      requests: m.requests,
      successRate: m.requests === 0 ? 1 : (m.requests - m.failures) / m.requests,
      costUsd: m.cost,
    })),
    tools: report.tools.map((t) => ({
      name: t.name,
      provider: null,
      requests: t.uses,
      successRate: t.successRate,
      costUsd: 0,
    })),
  };
}

function figuresOfStats(
  overview: OverviewStats,
  agents: StatsGroup[],
  models: StatsGroup[],
  tools: StatsGroup[],
) {
  const entry = (g: StatsGroup): TopEntry => ({
    name: g.name,
    provider: g.provider,
    requests: g.requests,
    successRate: g.successRate,
    costUsd: g.costUsd,
  });
  const figures: OverviewFigures = {
    requests: overview.requests,
    failures: overview.failures,
    successRate: overview.successRate,
    p50Seconds: overview.p50LatencySeconds,
    p95Seconds: overview.p95LatencySeconds,
    p99Seconds: overview.p99LatencySeconds,
    tokens: overview.tokens.input + overview.tokens.output,
    tokensIn: overview.tokens.input,
    tokensOut: overview.tokens.output,
    costUsd: overview.costUsd,
    unpricedCalls: overview.unpricedCalls,
    modelCalls: overview.modelCalls,
    toolCalls: overview.toolCalls,
    errorSpans: overview.errorSpans,
    agents: agents.map(entry),
    models: models.map(entry),
    tools: tools.map(entry),
  };
  return figures;
}

async function loadOverview(hub: HubClient, range: TimeRange) {
  const window = windowOf(range);
  const step = stepOf(range);
  const [errors, services, series, status, report] = await Promise.all([
    hub.listTraces({ ...window, status: 'error', limit: 8 }),
    hub.services(),
    Promise.all(MEASURES.map((measure) => hub.timeseries({ ...window, measure, step }))),
    hub.hubStatus().catch(() => undefined),
    // The report carries every figure of the page, the hub's health verdict and the daily budget.
    hub.report(window).catch((error: unknown) => {
      if (error instanceof HubApiError && error.status === 404) return undefined;
      throw error;
    }),
  ]);
  // A hub without the report: the same figures from the stats, the status from the success rate.
  const figures =
    report !== undefined
      ? figuresOfReport(report)
      : await Promise.all([
          hub.stats('overview', window),
          hub.stats('agents', window),
          hub.stats('models', window),
          hub.stats('tools', window),
        ]).then(([o, a, m, t]) => figuresOfStats(o.groups[0], a.groups, m.groups, t.groups));
  const byMeasure = new Map<TimeseriesMeasure, ChartData | undefined>(
    MEASURES.map((measure, i) => {
      const set = series[i];
      return [measure, set === undefined ? undefined : seriesOf(set, null)];
    }),
  );
  return { figures, errors, services, byMeasure, status, report };
}

function TopList({
  title,
  entries,
  href,
  figure,
  all,
}: {
  readonly title: string;
  readonly entries: TopEntry[];
  readonly href: (entry: TopEntry) => string;
  readonly figure: (entry: TopEntry) => string;
  readonly all: string;
}) {
  return (
    <section class="panel">
      <h2>
        {title} <Link href={all}>all</Link>
      </h2>
      {entries.length === 0 ? (
        <Nothing>None in this time range.</Nothing>
      ) : (
        <ol class="top-list">
          {entries.slice(0, 5).map((entry) => (
            <li key={`${entry.provider ?? ''}/${entry.name}`}>
              <Link href={href(entry)}>{entry.name}</Link>
              <span class="num">{figure(entry)}</span>
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
  const { figures: overview, errors, services, byMeasure, status, report } = data;
  if (services.services.length === 0) return <NoDataYet endpoint={status?.listeners.http} />;
  const health = report
    ? { word: report.health.status, tone: toneOfHealth(report.health.status) }
    : statusOf(overview);
  const reasons = report?.health.reasons ?? [];
  const budget = report?.health.budget ?? null;

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
          value={formatSeconds(overview.p95Seconds)}
          testId="overview-p95"
          detail={`p50 ${formatSeconds(overview.p50Seconds)} · p99 ${formatSeconds(overview.p99Seconds)}`}
          {...seriesProps(byMeasure.get('p95'), formatSeconds)}
        />
        <StatCard
          label="Tokens"
          value={formatTokens(overview.tokens)}
          testId="overview-tokens"
          detail={
            overview.tokensIn === null || overview.tokensOut === null
              ? `over ${plural(overview.modelCalls, 'model call')}`
              : `${formatCount(overview.tokensIn)} in · ${formatCount(overview.tokensOut)} out`
          }
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
          entries={overview.agents}
          href={(g) => hrefOf(`/agents/${encodeURIComponent(g.name)}`, keep)}
          figure={(g) => `${plural(g.requests, 'run')} · ${formatPercent(g.successRate)}`}
          all={hrefOf('/agents', keep)}
        />
        <TopList
          title="Top models"
          entries={[...overview.models].sort((a, b) => b.costUsd - a.costUsd)}
          href={(g) => hrefOf('/traces', { ...keep, model: g.name })}
          figure={(g) => `${plural(g.requests, 'call')} · ${formatUsd(g.costUsd)}`}
          all={hrefOf('/models', keep)}
        />
        <TopList
          title="Top tools"
          entries={overview.tools}
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

function seriesProps(series: ChartData | undefined, format: (value: number) => string) {
  return series === undefined ? {} : { series, format };
}

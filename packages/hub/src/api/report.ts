import { getHeapStatistics } from 'node:v8';
import {
  type AgentStats,
  ATTR_AGENTLENS_WORKFLOW_NODE,
  CpuUtilization,
  DEFAULT_HEALTH_THRESHOLDS,
  type ErrorEntry,
  EVENT_EXCEPTION,
  evaluateHealth,
  type Failure,
  type HealthThresholds,
  type ModelStats,
  type Overview,
  REPORT_SCHEMA_ID,
  type Report,
  type SpanRecord,
  type SystemHealth,
  type ToolStats,
} from '@agentlens/core';
import { MINUTE_MS, windowMinutes } from '../store/rollup.js';
import type { OpenAgentRuns, StatsGroup, Store, TimeWindow } from '../store/store.js';

/**
 * `GET /api/report`: the report document of `@agentlens/core` (`agentlens.report/v1`, the same
 * one the SDK's `snapshot()` returns), computed from what the hub stored.
 */

/** How far back the runs in flight are looked for: children that ended in the last 15 minutes. */
export const IN_FLIGHT_HORIZON_MS = 15 * 60_000;
/** Errors listed at most, newest first. */
export const REPORT_ERROR_LIMIT = 50;
/** Failures listed per tool at most, newest first (the SDK keeps as many by default). */
export const RECENT_FAILURES_PER_TOOL = 10;
/** Tool failures read in one query before falling back to one query per tool. */
const TOOL_FAILURE_BATCH = 1000;
const DAY_MS = 86_400_000;
/** `exception.message` of the OpenTelemetry exception event. */
const ATTR_EXCEPTION_MESSAGE = 'exception.message';

/** What the report is asked for. */
export interface ReportRequest {
  readonly window: TimeWindow;
  /** The window as asked (`15m`, `24h`), or `custom` for from / to. */
  readonly label: string;
  /** Only this service's spans; all services when absent. */
  readonly service?: string;
}

/** Where a {@link ReportBuilder} reads what is not in the store. */
export interface ReportSources {
  readonly store: Store;
  /** When the hub started, Unix milliseconds. */
  readonly startedAtMs: number;
  /** Daily budget in US dollars; null without one. */
  readonly dailyBudgetUsd: number | null;
  /** Items the hub refused as invalid since it started. */
  readonly invalidRecords: () => number;
  /** The price dataset behind the costs the hub computes. */
  readonly prices: { readonly dataset: string; readonly datasetDate: string | null };
  readonly thresholds?: HealthThresholds;
  /** The clock; `Date.now` unless a test fixes it. */
  readonly now?: () => number;
}

/** Nanoseconds (decimal string) to Unix milliseconds. */
function nanosToMs(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000n);
}

function exceptionOf(span: SpanRecord): Record<string, unknown> | undefined {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i];
    if (event?.name === EVENT_EXCEPTION) return event.attributes;
  }
  return undefined;
}

/** What went wrong, in the span's words: its status message, else its exception's message. */
function messageOf(span: SpanRecord): string {
  if (span.statusMessage !== null && span.statusMessage !== '') return span.statusMessage;
  const message = exceptionOf(span)?.[ATTR_EXCEPTION_MESSAGE];
  return typeof message === 'string' && message !== '' ? message : `${span.name} failed`;
}

/** The component as the SDK names it in its error log (`agent:X`, `tool:X`, `model:P/M`, ...). */
function componentOf(span: SpanRecord): string {
  switch (span.category) {
    case 'agent':
      return `agent:${span.agentName ?? span.name}`;
    case 'tool':
      return `tool:${span.toolName ?? span.name}`;
    case 'model':
      return `model:${span.provider ?? 'unknown'}/${span.requestModel ?? span.responseModel ?? 'unknown'}`;
    case 'workflow':
      return `workflow:${span.workflowName ?? span.name}`;
    case 'workflow_node': {
      const node = span.attributes[ATTR_AGENTLENS_WORKFLOW_NODE];
      const name = typeof node === 'string' ? node : span.name.replace(/^workflow\.node /, '');
      return `workflow:${span.workflowName ?? 'default'}/${name}`;
    }
    default:
      // The SDK's monitorOperation: an agent's request when it names the agent, else its name.
      return span.agentName === null ? span.name : `agent:${span.agentName}`;
  }
}

function errorEntryOf(span: SpanRecord): ErrorEntry {
  return {
    time: new Date(nanosToMs(span.endTimeUnixNano)).toISOString(),
    component: componentOf(span),
    errorType: span.errorType ?? 'error',
    message: messageOf(span),
    context: { traceId: span.traceId, spanId: span.spanId, service: span.service },
  };
}

function failureOf(span: SpanRecord): Failure {
  return {
    time: new Date(nanosToMs(span.endTimeUnixNano)).toISOString(),
    message: messageOf(span),
    agentName: span.agentName,
  };
}

/** Input plus output tokens, as the SDK counts an agent's tokens (cached and reasoning tokens are part of those). */
function tokensOf(group: StatsGroup): number {
  return group.tokens.input + group.tokens.output;
}

function overviewOf(o: StatsGroup & { modelCalls: number; toolCalls: number; errorSpans: number }): Overview {
  return {
    requests: o.requests,
    successes: o.requests - o.failures,
    failures: o.failures,
    successRate: o.successRate,
    avgResponseTime: o.avgLatencySeconds,
    p50ResponseTime: o.p50LatencySeconds,
    p95ResponseTime: o.p95LatencySeconds,
    p99ResponseTime: o.p99LatencySeconds,
    tokens: tokensOf(o),
    cost: o.costUsd,
    modelCalls: o.modelCalls,
    toolCalls: o.toolCalls,
    unpricedCalls: o.unpricedCalls,
    errors: o.errorSpans,
  };
}

/** How long the oldest run in flight has been running at `nowMs`, seconds. */
export function oldestInFlightSeconds(run: OpenAgentRuns, nowMs: number): number {
  return Math.max(0, (nowMs - run.oldestStartMs) / 1000);
}

function agentsOf(groups: StatsGroup[], open: OpenAgentRuns[], nowMs: number): AgentStats[] {
  const inFlight = new Map(open.map((run) => [run.agentName, run]));
  const agent = (name: string, g: StatsGroup | undefined): AgentStats => {
    const run = inFlight.get(name);
    return {
      name,
      requests: g?.requests ?? 0,
      successes: g === undefined ? 0 : g.requests - g.failures,
      failures: g?.failures ?? 0,
      successRate: g?.successRate ?? 1,
      avgResponseTime: g?.avgLatencySeconds ?? 0,
      p50ResponseTime: g?.p50LatencySeconds ?? 0,
      p95ResponseTime: g?.p95LatencySeconds ?? 0,
      p99ResponseTime: g?.p99LatencySeconds ?? 0,
      tokens: g === undefined ? 0 : tokensOf(g),
      cost: g?.costUsd ?? 0,
      inFlight: run?.runs ?? 0,
      oldestInFlightSeconds: run === undefined ? null : oldestInFlightSeconds(run, nowMs),
    };
  };
  const agents = groups.map((g) => agent(g.name, g));
  const listed = new Set(groups.map((g) => g.name));
  // Runs in flight of agents with no finished request in the window still show, after the rest.
  for (const run of open) if (!listed.has(run.agentName)) agents.push(agent(run.agentName, undefined));
  return agents;
}

function modelsOf(groups: StatsGroup[]): ModelStats[] {
  return groups.map((g) => ({
    provider: g.provider ?? '',
    model: g.name,
    requests: g.requests,
    failures: g.failures,
    inputTokens: g.tokens.input,
    outputTokens: g.tokens.output,
    cacheReadTokens: g.tokens.cacheRead,
    cacheWriteTokens: g.tokens.cacheWrite,
    reasoningTokens: g.tokens.reasoning,
    avgLatency: g.avgLatencySeconds,
    p95Latency: g.p95LatencySeconds,
    cost: g.costUsd,
    unpricedCalls: g.unpricedCalls,
  }));
}

/**
 * Builds the hub's report. One per hub: it keeps the previous CPU reading, so that utilization
 * is over the time between two reports, as in the SDK.
 *
 * Every figure of `overview`, `agents`, `tools` and `models` is the one `GET /api/stats` answers
 * for the same window (and service); the error lists cover the same whole minutes as those
 * stats, so `errors` holds the newest of the `overview.errors` spans. The runs in flight are as of
 * now, whatever the window.
 */
export class ReportBuilder {
  readonly #sources: ReportSources;
  readonly #now: () => number;
  readonly #cpu = new CpuUtilization(process.cpuUsage(), process.hrtime.bigint());

  constructor(sources: ReportSources) {
    this.#sources = sources;
    this.#now = sources.now ?? Date.now;
  }

  async build(request: ReportRequest): Promise<Report> {
    const { store } = this.#sources;
    const nowMs = this.#now();
    const filter = request.service === undefined ? {} : { service: request.service };
    // Error spans over the whole minutes the rollups count, so that they match the stats.
    const minutes = windowMinutes(request.window);
    const errorWindow = { fromMs: minutes.fromMinute * MINUTE_MS, toMs: minutes.toMinute * MINUTE_MS };
    const emptyWindow = errorWindow.toMs <= errorWindow.fromMs;
    const budget = this.#sources.dailyBudgetUsd;
    const [[overview], agents, tools, models, open, errors, today] = await Promise.all([
      store.stats('overview', request.window, filter),
      store.stats('agents', request.window, filter),
      store.stats('tools', request.window, filter),
      store.stats('models', request.window, filter),
      store.openAgentRuns({ sinceMs: nowMs - IN_FLIGHT_HORIZON_MS, nowMs, ...filter }),
      emptyWindow
        ? Promise.resolve([])
        : store.listErrorSpans({ ...errorWindow, limit: REPORT_ERROR_LIMIT, ...filter }),
      // The budget is the hub's: today's spend over every service.
      budget === null
        ? Promise.resolve(undefined)
        : store.stats('overview', { fromMs: nowMs - (nowMs % DAY_MS), toMs: nowMs }),
    ]);
    const failures = emptyWindow
      ? new Map<string, Failure[]>()
      : await this.#toolFailures(tools, errorWindow, request.service);
    const agentStats = agentsOf(agents, open, nowMs);
    return {
      schema: REPORT_SCHEMA_ID,
      generatedAt: new Date(nowMs).toISOString(),
      source: 'hub',
      service: request.service ?? '*',
      window: request.label,
      overview: overviewOf(overview),
      health: this.#health(overview, agentStats, request.window, nowMs, today?.[0].costUsd ?? 0),
      agents: agentStats,
      tools: tools.map(
        (g): ToolStats => ({
          name: g.name,
          uses: g.requests,
          successes: g.requests - g.failures,
          failures: g.failures,
          successRate: g.successRate,
          avgExecutionTime: g.avgLatencySeconds,
          p95ExecutionTime: g.p95LatencySeconds,
          recentFailures: failures.get(g.name) ?? [],
        }),
      ),
      models: modelsOf(models),
      errors: errors.map(errorEntryOf),
    };
  }

  /**
   * The newest failures of each tool that has any: one query for the newest tool failures, and one
   * per tool only for tools that query may have cut short (a window with very many failures).
   */
  async #toolFailures(
    tools: StatsGroup[],
    window: TimeWindow,
    service: string | undefined,
  ): Promise<Map<string, Failure[]>> {
    const byTool = new Map<string, Failure[]>();
    const failing = tools.filter((t) => t.failures > 0);
    if (failing.length === 0) return byTool;
    const { store } = this.#sources;
    const filter = { ...window, category: 'tool' as const, ...(service === undefined ? {} : { service }) };
    const batch = await store.listErrorSpans({ ...filter, limit: TOOL_FAILURE_BATCH });
    for (const span of batch) {
      if (span.toolName === null) continue;
      const list = byTool.get(span.toolName) ?? [];
      if (list.length < RECENT_FAILURES_PER_TOOL) list.push(failureOf(span));
      byTool.set(span.toolName, list);
    }
    if (batch.length === TOOL_FAILURE_BATCH) {
      const short = failing.filter(
        (t) => (byTool.get(t.name)?.length ?? 0) < Math.min(t.failures, RECENT_FAILURES_PER_TOOL),
      );
      const found = await Promise.all(
        short.map((t) =>
          store.listErrorSpans({ ...filter, toolName: t.name, limit: RECENT_FAILURES_PER_TOOL }),
        ),
      );
      short.forEach((t, i) => {
        byTool.set(t.name, (found[i] ?? []).map(failureOf));
      });
    }
    return byTool;
  }

  #health(
    overview: StatsGroup & { errorSpans: number },
    agents: AgentStats[],
    window: TimeWindow,
    nowMs: number,
    spentTodayUsd: number,
  ): SystemHealth {
    const sources = this.#sources;
    const windowSeconds = Math.max(0, (window.toMs - window.fromMs) / 1000);
    const memory = process.memoryUsage();
    const verdict = evaluateHealth(
      {
        windowSeconds,
        requests: overview.requests,
        failures: overview.failures,
        avgResponseTime: overview.avgLatencySeconds,
        heapRatio: memory.heapUsed / getHeapStatistics().heap_size_limit,
        dailyBudgetUsd: sources.dailyBudgetUsd,
        spentTodayUsd,
      },
      sources.thresholds ?? DEFAULT_HEALTH_THRESHOLDS,
    );
    return {
      status: verdict.status,
      reasons: verdict.reasons,
      uptimeSeconds: Math.max(0, (nowMs - sources.startedAtMs) / 1000),
      activeAgents: agents.filter((a) => a.requests > 0).length,
      totalRequests: overview.requests,
      successRate: verdict.successRate,
      windowSeconds,
      requestsInWindow: overview.requests,
      failuresInWindow: overview.failures,
      errorsInWindow: overview.errorSpans,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
      cpu: this.#cpu.read(process.cpuUsage(), process.hrtime.bigint()),
      budget: verdict.budget,
      instrumentation: {
        exporter: null,
        invalidRecords: sources.invalidRecords(),
        priceDataset: sources.prices.dataset,
        priceDatasetDate: sources.prices.datasetDate,
      },
    };
  }
}

import { getHeapStatistics } from 'node:v8';
import {
  type AgentStats,
  CpuUtilization,
  type ErrorEntry,
  evaluateHealth,
  type Failure,
  type HealthThresholds,
  type Instrumentation,
  LatencyHistogram,
  type ModelStats,
  OVERFLOW_LABEL_VALUE,
  type Overview,
  type SystemHealth,
  type ToolStats,
} from '@agentlens/core';
import { RingBuffer } from './ring-buffer.js';
import { SlidingWindow } from './sliding-window.js';

/** Running figures of one agent. The SDK's record functions update these fields directly. */
export class AgentAggregate {
  requests = 0;
  successes = 0;
  failures = 0;
  tokens = 0;
  cost = 0;
  inFlight = 0;
  readonly latency = new LatencyHistogram();
  constructor(readonly name: string) {}
}

interface StoredFailure {
  readonly at: number;
  readonly message: string;
  readonly agentName: string | null;
}

/** Running figures of one tool. */
export class ToolAggregate {
  uses = 0;
  successes = 0;
  failures = 0;
  readonly latency = new LatencyHistogram();
  readonly recentFailures: RingBuffer<StoredFailure>;
  constructor(
    readonly name: string,
    recentFailures: number,
  ) {
    this.recentFailures = new RingBuffer(recentFailures);
  }
}

/** Running figures of one provider and model. */
export class ModelAggregate {
  requests = 0;
  failures = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  reasoningTokens = 0;
  cost = 0;
  unpricedCalls = 0;
  readonly latency = new LatencyHistogram();
  constructor(
    readonly provider: string,
    readonly model: string,
  ) {}
}

interface StoredError {
  readonly at: number;
  readonly component: string;
  readonly errorType: string;
  readonly message: string;
  readonly context: Record<string, unknown>;
}

export interface CollectorOptions {
  /** Most agents, tools and models kept apiece; later ones fold into `__overflow__`. */
  readonly entityCap: number;
  readonly errorLogSize: number;
  readonly recentFailuresPerTool: number;
  readonly healthWindowSeconds: number;
  readonly thresholds: HealthThresholds;
  /** Daily budget in US dollars; spend over it makes the system degraded. */
  readonly dailyBudgetUsd: number | undefined;
}

const DAY_MS = 86_400_000;

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential/i;
const MAX_CONTEXT_KEYS = 32;
const MAX_TEXT = 2000;

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/**
 * A bounded, JSON-safe copy of an error's context: secret-looking keys are redacted, objects are
 * stored as (truncated) JSON text, so the error log neither leaks secrets nor pins large objects.
 */
function sanitizeContext(context: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!context || typeof context !== 'object') return out;
  let kept = 0;
  for (const [key, value] of Object.entries(context)) {
    if (kept++ >= MAX_CONTEXT_KEYS) break;
    if (SECRET_KEY.test(key)) out[key] = '[REDACTED]';
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'string') out[key] = truncate(value);
    else {
      try {
        out[key] = truncate(JSON.stringify(value) ?? String(value));
      } catch {
        out[key] = '[unserializable]';
      }
    }
  }
  return out;
}

/**
 * The in-process collector: live aggregates per agent, tool and model, a bounded error log and the
 * recent window behind `getSystemHealth()`. Every structure is bounded (entity caps, rings, fixed
 * latency histograms), so memory does not grow with traffic.
 */
export class Collector {
  readonly startedAt = Date.now();
  readonly overall = new LatencyHistogram();
  readonly window: SlidingWindow;
  readonly #options: CollectorOptions;
  readonly #agents = new Map<string, AgentAggregate>();
  readonly #tools = new Map<string, ToolAggregate>();
  readonly #models = new Map<string, Map<string, ModelAggregate>>();
  #modelCount = 0;
  readonly #errors: RingBuffer<StoredError>;
  #errorCount = 0;
  readonly #cpu = new CpuUtilization(process.cpuUsage(), process.hrtime.bigint());
  #day = -1;
  #agentCostToday = 0;
  #modelCostToday = 0;

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.window = new SlidingWindow(options.healthWindowSeconds);
    this.#errors = new RingBuffer(options.errorLogSize);
  }

  agent(name: string): AgentAggregate {
    let agent = this.#agents.get(name);
    if (agent === undefined) {
      const key = this.#agents.size >= this.#options.entityCap ? OVERFLOW_LABEL_VALUE : name;
      agent = this.#agents.get(key) ?? new AgentAggregate(key);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  tool(name: string): ToolAggregate {
    let tool = this.#tools.get(name);
    if (tool === undefined) {
      const key = this.#tools.size >= this.#options.entityCap ? OVERFLOW_LABEL_VALUE : name;
      tool = this.#tools.get(key) ?? new ToolAggregate(key, this.#options.recentFailuresPerTool);
      this.#tools.set(key, tool);
    }
    return tool;
  }

  model(provider: string, model: string): ModelAggregate {
    let byModel = this.#models.get(provider);
    let found = byModel?.get(model);
    if (found !== undefined) return found;
    if (this.#modelCount >= this.#options.entityCap) {
      provider = OVERFLOW_LABEL_VALUE;
      model = OVERFLOW_LABEL_VALUE;
      byModel = this.#models.get(provider);
      found = byModel?.get(model);
      if (found !== undefined) return found;
    }
    if (byModel === undefined) {
      byModel = new Map();
      this.#models.set(provider, byModel);
    }
    found = new ModelAggregate(provider, model);
    byModel.set(model, found);
    this.#modelCount++;
    return found;
  }

  /**
   * Adds to today's spend (UTC day). Agents and model calls are kept apart because an app may
   * report the same dollars through both (an agent's cost is often the sum of its model calls);
   * today's spend is the larger of the two.
   */
  addCost(kind: 'agent' | 'model', usd: number, nowMs: number): void {
    const day = Math.floor(nowMs / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#agentCostToday = 0;
      this.#modelCostToday = 0;
    }
    if (kind === 'agent') this.#agentCostToday += usd;
    else this.#modelCostToday += usd;
  }

  #spentToday(nowMs: number): number {
    return Math.floor(nowMs / DAY_MS) === this.#day
      ? Math.max(this.#agentCostToday, this.#modelCostToday)
      : 0;
  }

  recordToolFailure(tool: ToolAggregate, message: string, agentName: string | undefined, at: number): void {
    tool.recentFailures.push({ at, message: truncate(message), agentName: agentName ?? null });
  }

  recordError(
    component: string,
    errorType: string,
    message: string,
    context: Record<string, unknown> | undefined,
  ) {
    const at = Date.now();
    this.#errorCount++;
    this.#errors.push({
      at,
      component,
      errorType,
      message: truncate(message),
      context: sanitizeContext(context),
    });
    this.window.recordError(at);
  }

  get errorCount(): number {
    return this.#errorCount;
  }

  agents(): AgentStats[] {
    return [...this.#agents.values()].map((a) => ({
      name: a.name,
      requests: a.requests,
      successes: a.successes,
      failures: a.failures,
      successRate: a.requests === 0 ? 1 : a.successes / a.requests,
      avgResponseTime: a.latency.mean(),
      p50ResponseTime: a.latency.quantile(0.5),
      p95ResponseTime: a.latency.quantile(0.95),
      p99ResponseTime: a.latency.quantile(0.99),
      tokens: a.tokens,
      cost: a.cost,
      inFlight: Math.max(0, a.inFlight),
    }));
  }

  tools(): ToolStats[] {
    return [...this.#tools.values()].map((t) => ({
      name: t.name,
      uses: t.uses,
      successes: t.successes,
      failures: t.failures,
      successRate: t.uses === 0 ? 1 : t.successes / t.uses,
      avgExecutionTime: t.latency.mean(),
      p95ExecutionTime: t.latency.quantile(0.95),
      recentFailures: t.recentFailures.newestFirst().map(
        (f): Failure => ({
          time: new Date(f.at).toISOString(),
          message: f.message,
          agentName: f.agentName,
        }),
      ),
    }));
  }

  models(): ModelStats[] {
    const out: ModelStats[] = [];
    for (const byModel of this.#models.values()) {
      for (const m of byModel.values()) {
        out.push({
          provider: m.provider,
          model: m.model,
          requests: m.requests,
          failures: m.failures,
          inputTokens: m.inputTokens,
          outputTokens: m.outputTokens,
          cacheReadTokens: m.cacheReadTokens,
          cacheWriteTokens: m.cacheWriteTokens,
          reasoningTokens: m.reasoningTokens,
          avgLatency: m.latency.mean(),
          p95Latency: m.latency.quantile(0.95),
          cost: m.cost,
          unpricedCalls: m.unpricedCalls,
        });
      }
    }
    return out;
  }

  errors(): ErrorEntry[] {
    return this.#errors.newestFirst().map((e) => ({
      time: new Date(e.at).toISOString(),
      component: e.component,
      errorType: e.errorType,
      message: e.message,
      context: e.context,
    }));
  }

  overview(): Overview {
    let requests = 0;
    let successes = 0;
    let tokens = 0;
    let cost = 0;
    for (const a of this.#agents.values()) {
      requests += a.requests;
      successes += a.successes;
      tokens += a.tokens;
      cost += a.cost;
    }
    let modelCalls = 0;
    let unpricedCalls = 0;
    let modelCost = 0;
    for (const byModel of this.#models.values()) {
      for (const m of byModel.values()) {
        modelCalls += m.requests;
        unpricedCalls += m.unpricedCalls;
        modelCost += m.cost;
      }
    }
    let toolCalls = 0;
    for (const t of this.#tools.values()) toolCalls += t.uses;
    return {
      requests,
      successes,
      failures: requests - successes,
      successRate: requests === 0 ? 1 : successes / requests,
      avgResponseTime: this.overall.mean(),
      p50ResponseTime: this.overall.quantile(0.5),
      p95ResponseTime: this.overall.quantile(0.95),
      p99ResponseTime: this.overall.quantile(0.99),
      tokens,
      // Agents report their own cost; model calls carry theirs. Whichever is larger is the better
      // estimate of the spend, since an app may record only one of the two.
      cost: Math.max(cost, modelCost),
      modelCalls,
      toolCalls,
      unpricedCalls,
      errors: this.#errorCount,
    };
  }

  /**
   * The overall state, by the rules of docs/health.md (evaluated by `evaluateHealth` of
   * `@agentlens/core`, the same rules the hub's report applies): over the recent window, the
   * success rate, failures and average response time of agent requests; the heap against its
   * limit; the caller's `instrumentationProblems`; today's spend against the daily budget.
   */
  systemHealth(
    instrumentation: Instrumentation,
    instrumentationProblems: readonly string[] = [],
    nowMs = Date.now(),
  ): SystemHealth {
    const w = this.window.totals(nowMs);
    const memory = process.memoryUsage();
    const verdict = evaluateHealth(
      {
        windowSeconds: this.window.windowSeconds,
        requests: w.requests,
        failures: w.failures,
        avgResponseTime: w.requests === 0 ? 0 : w.responseTime / w.requests,
        heapRatio: memory.heapUsed / getHeapStatistics().heap_size_limit,
        dailyBudgetUsd: this.#options.dailyBudgetUsd ?? null,
        spentTodayUsd: this.#spentToday(nowMs),
        problems: instrumentationProblems,
      },
      this.#options.thresholds,
    );
    let totalRequests = 0;
    let activeAgents = 0;
    for (const a of this.#agents.values()) {
      totalRequests += a.requests;
      if (a.requests > 0) activeAgents++;
    }
    return {
      status: verdict.status,
      reasons: verdict.reasons,
      uptimeSeconds: (nowMs - this.startedAt) / 1000,
      activeAgents,
      totalRequests,
      successRate: verdict.successRate,
      windowSeconds: this.window.windowSeconds,
      requestsInWindow: w.requests,
      failuresInWindow: w.failures,
      errorsInWindow: w.errors,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
      cpu: this.#cpu.read(process.cpuUsage(), process.hrtime.bigint()),
      budget: verdict.budget,
      instrumentation,
    };
  }
}

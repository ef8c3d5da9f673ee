import {
  ATTR_AGENTLENS_COST_DATASET,
  ATTR_AGENTLENS_COST_DATASET_DATE,
  ATTR_AGENTLENS_COST_PRICE_ENTRY,
  ATTR_AGENTLENS_COST_SOURCE,
  createRedactor,
  type Instrumentation,
  MISNAMED_PROCESS_METRICS,
  PriceCatalog,
  REPORT_SCHEMA_ID,
  type Redactor,
  type Report,
  type SystemHealth,
} from '@agentlens/core';
import {
  type Attributes,
  type AttributeValue,
  context as otelContext,
  ProxyTracerProvider,
  type Span,
  trace,
} from '@opentelemetry/api';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  type AgentAggregate,
  Collector,
  type ModelAggregate,
  type ToolAggregate,
} from './collector/collector.js';
import { type AgentlensOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { type AgentlensEventListener, EventBus, type TokenCounts } from './events.js';
import { HealthChecker } from './health/index.js';
import { createMetricsHandler, type MetricsHandler, type MetricsHandlerOptions } from './http/handler.js';
import { type MetricsServer, type MetricsServerOptions, startMetricsServer } from './http/server.js';
import { Diagnostics } from './internal/diagnostics.js';
import { createLogger, type Logger } from './logging/index.js';
import { renderRegistry, renderRegistryBytes } from './metrics/exposition.js';
import { createFamilies, type Families } from './metrics/families.js';
import type { MetricFamily } from './metrics/metric-family.js';
import {
  type AgentRequestOutcome,
  type AgentRequestRecord,
  CACHE_OPERATIONS,
  CACHE_RESULTS,
  type CacheOperationRecord,
  type ConversationEndRecord,
  type DbQueryRecord,
  type ErrorRecord,
  type ErrorRecoveryRecord,
  type HttpRequestRecord,
  type HumanReviewCompletionRecord,
  type HumanReviewRequestRecord,
  MODEL_CALL_STATUSES,
  type ModelCallRecord,
  type RoutingDecisionRecord,
  type SecurityEventRecord,
  type ToolUsageRecord,
  type VectorStoreOperationRecord,
  type WebSocketMessageRecord,
  WORKFLOW_STATUSES,
  type WorkflowExecutionRecord,
  type WorkflowNodeRecord,
} from './metrics/records.js';
import type { HistogramSeries, ValueSeries } from './metrics/series.js';
import {
  type AgentHandle,
  type AgentOptions,
  AgentTracer,
  type ModelCallHandle,
  type ModelCallOptions,
  type OperationSink,
  type ToolCallOptions,
} from './tracing/agent-tracer.js';
import { OtlpLogStream } from './tracing/otlp-logs.js';
import { type ExporterState, setupTracing, type TracingSetup } from './tracing/setup.js';

/** Thrown by a recording function only when `onInvalidRecord: 'throw'` is set. */
export class InvalidRecordError extends TypeError {
  override readonly name = 'InvalidRecordError';
}

/** Slots of one agent, resolved once so `recordAgentRequest` writes numbers only. */
interface AgentSlots {
  readonly ok: ValueSeries;
  readonly failed: ValueSeries;
  readonly duration: HistogramSeries;
  readonly tokens: ValueSeries;
  readonly cost: ValueSeries;
  readonly inFlight: ValueSeries;
  readonly stats: AgentAggregate;
}

interface ToolSlots {
  readonly ok: ValueSeries;
  readonly failed: ValueSeries;
  readonly duration: HistogramSeries;
  readonly stats: ToolAggregate;
}

interface ModelSlots {
  readonly ok: ValueSeries;
  readonly failed: ValueSeries;
  readonly duration: HistogramSeries;
  readonly input: ValueSeries;
  readonly output: ValueSeries;
  readonly cacheRead: ValueSeries;
  readonly cacheWrite: ValueSeries;
  readonly reasoning: ValueSeries;
  readonly cost: ValueSeries;
  readonly unpriced: ValueSeries;
  readonly genAiInput: HistogramSeries;
  readonly genAiOutput: HistogramSeries;
  readonly genAiDuration: HistogramSeries;
  readonly stats: ModelAggregate;
}

// Validation is inlined in the hot paths; these are the shared predicates. `v >= 0` is false for NaN.
function isSeconds(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v !== Number.POSITIVE_INFINITY;
}
function isOptionalAmount(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && v >= 0 && v !== Number.POSITIVE_INFINITY);
}
function isOptionalTokenCount(v: unknown): boolean {
  return v === undefined || (Number.isInteger(v) && (v as number) >= 0);
}
function isName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}
function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const DEFAULT_OPERATION = 'chat';
/** Trace and span id of the active span, for log lines. */
function activeTraceContext(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpan(otelContext.active());
  if (span === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { traceId, spanId } : undefined;
}

/** Reported as the instrumentation scope version of every span. */
const SDK_VERSION = '0.1.0';

/**
 * The agentlens SDK instance: recording functions for every metric family, the in-process
 * collector (`snapshot()`, `getSystemHealth()`), health checks and the HTTP endpoints. Create it
 * with {@link createAgentlens}.
 *
 * Every recording function feeds the Prometheus series and the collector from one call. None of
 * them throws into the caller (unless `onInvalidRecord: 'throw'` asks for it): a bad value is
 * dropped whole, counted in `agentlens_sdk_invalid_records_total` and reported once a minute.
 */
export class Agentlens {
  /** The prom-client registry the metrics live in (process metrics included by default). */
  readonly registry: Registry;
  /** Named health checks behind `/health`, `/ready` and `/health/detailed`. */
  readonly health: HealthChecker;
  readonly serviceName: string;
  readonly #config: ResolvedConfig;
  readonly #diag: Diagnostics;
  readonly #m: Families;
  readonly #collector: Collector;
  readonly #agents = new Map<string, AgentSlots>();
  readonly #tools = new Map<string, Map<string, ToolSlots>>();
  readonly #models = new Map<string, Map<string, Map<string, ModelSlots>>>();
  #ready: boolean;
  #shuttingDown = false;
  #handler: MetricsHandler | undefined;
  readonly #servers = new Set<MetricsServer>();
  readonly #events: EventBus;
  readonly #tracing: TracingSetup | undefined;
  readonly #tracer: AgentTracer;
  readonly #prices: PriceCatalog;
  readonly #redactor: Redactor;
  readonly #logExport: OtlpLogStream | undefined;
  /**
   * The structured logger: JSON lines with `trace_id` / `span_id` of the active span, redacted.
   * Undefined when `logging: false`.
   */
  readonly logger: Logger | undefined;

  /** Use {@link createAgentlens}. */
  constructor(options: AgentlensOptions = {}) {
    const { config, envProblems } = resolveConfig(options);
    this.#config = config;
    this.serviceName = config.serviceName;
    this.#diag = new Diagnostics(config.logLevel);
    for (const problem of envProblems) this.#diag.log('warn', `env:${problem}`, problem);
    this.registry = config.registry ?? new Registry();
    if (Object.keys(config.defaultLabels).length > 0) {
      const current = (this.registry as unknown as { _defaultLabels?: Record<string, string> })
        ._defaultLabels;
      this.registry.setDefaultLabels({ ...current, ...config.defaultLabels });
    }
    this.#m = createFamilies(config.metricPrefix, config.seriesCap, (family) => this.#overflowed(family));
    for (const family of Object.values(this.#m)) {
      // Registering is where a name clash with the user's own metrics surfaces: at construction.
      this.registry.registerMetric(family as never);
    }
    if (config.processMetrics) this.#collectProcessMetrics(config.metricPrefix);
    this.#collector = new Collector({
      entityCap: config.seriesCap,
      errorLogSize: config.errorLogSize,
      recentFailuresPerTool: config.recentFailuresPerTool,
      healthWindowSeconds: config.healthWindowSeconds,
      thresholds: config.healthThresholds,
      dailyBudgetUsd: config.dailyBudgetUsd,
    });
    this.#prices = new PriceCatalog({
      overrides: config.priceOverrides,
      ...(config.priceOverridesName ? { overridesName: config.priceOverridesName } : {}),
    });
    this.health = new HealthChecker();
    this.#ready = config.readiness === 'auto';
    this.#events = new EventBus(this.#diag);
    const logging = config.logging;
    this.#redactor = createRedactor((logging !== false && logging.redact) || {});
    this.#tracing =
      config.tracing.enabled === false
        ? undefined
        : setupTracing(config.tracing, this.serviceName, this.#diag);
    const otlp = this.#tracing?.otlp;
    if (logging !== false && otlp && logging.otlp !== false) {
      this.#logExport = new OtlpLogStream({
        serviceName: this.serviceName,
        protocol: otlp.protocol,
        ...(otlp.endpoint ? { endpoint: otlp.endpoint.replace(/\/v1\/traces\/?$/, '/v1/logs') } : {}),
        ...(otlp.headers ? { headers: otlp.headers } : {}),
      });
    }
    if (logging === false) this.logger = undefined;
    else {
      const { otlp: _otlp, ...loggerOptions } = logging;
      this.logger = createLogger({
        onError: (error) =>
          this.#diag.log('error', 'logger', `the agentlens logger failed: ${error.message}`),
        ...loggerOptions,
        ...(this.#logExport ? { extraDestinations: [this.#logExport] } : {}),
        serviceName: this.serviceName,
        traceContext: activeTraceContext,
      });
    }
    const provider = this.#tracing?.provider ?? new ProxyTracerProvider();
    this.#tracer = new AgentTracer(
      provider.getTracer('@agentlens/sdk', SDK_VERSION),
      this.#sink(),
      this.#events,
    );
  }

  /** What the agent helpers feed when an operation ends. */
  #sink(): OperationSink {
    return {
      recordAgentRequest: (r) => this.recordAgentRequest(r),
      adjustAgentInFlight: (agentName, delta) => {
        const slots = this.#agents.get(agentName) ?? this.#agentSlots(agentName);
        slots.inFlight.value += delta;
        slots.stats.inFlight += delta;
      },
      recordModelCall: (r) => this.recordModelCall(r),
      recordToolUsage: (r) => this.recordToolUsage(r),
      recordWorkflowExecution: (r) => this.recordWorkflowExecution(r),
      recordWorkflowNode: (r) => this.recordWorkflowNode(r),
      recordError: (r) => this.recordError(r),
      price: (provider, model, usage) => this.#price(provider, model, usage),
      log: (level, message, fields, span) => {
        const logger = this.logger;
        if (logger === undefined || !logger.isLevelEnabled(level)) return;
        // The line carries the ids of the operation's own span, not of its parent.
        otelContext.with(trace.setSpan(otelContext.active(), span), () => logger[level](message, fields));
      },
      logs: (level) => this.logger?.isLevelEnabled(level) ?? false,
      captureContent: this.#config.captureContent,
      redactContent: (value) => this.#redactor.redactObject(value),
      redactAttributes: (attributes) => {
        if (attributes === undefined) return undefined;
        const out: Attributes = {};
        for (const [key, value] of Object.entries(attributes)) {
          out[key] = this.#redactor.redactValue(key, value) as AttributeValue | undefined;
        }
        return out;
      },
      internalError: (where, error) => this.#internalError(where, error),
    };
  }

  #price(
    provider: string,
    model: string,
    usage: TokenCounts,
  ): { usd: number; attributes: Attributes } | undefined {
    const result = this.#prices.price(provider, model, usage);
    if (!result.priced) return undefined;
    const p = result.provenance;
    return {
      usd: result.usd,
      attributes: {
        [ATTR_AGENTLENS_COST_PRICE_ENTRY]: `${p.provider}/${p.model}`,
        [ATTR_AGENTLENS_COST_SOURCE]: p.source,
        [ATTR_AGENTLENS_COST_DATASET]: p.dataset,
        ...(p.datasetDate ? { [ATTR_AGENTLENS_COST_DATASET_DATE]: p.datasetDate } : {}),
      },
    };
  }

  #collectProcessMetrics(prefix: string): void {
    collectDefaultMetrics({ register: this.registry, prefix });
    for (const name of MISNAMED_PROCESS_METRICS) this.registry.removeSingleMetric(`${prefix}${name}`);
  }

  // ---- tracing: one call, three signals ------------------------------------------------------

  /**
   * Runs `fn` as an agent run: an `invoke_agent {name}` span, the agent's request metrics (tokens
   * and cost summed from the model calls inside), the collector, a log line and events. What `fn`
   * returns or throws passes through unchanged.
   *
   * @example
   * const answer = await agentlens.withAgent('ChatAgent', { conversationId }, async () => {
   *   const reply = await agentlens.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async (call) => {
   *     const r = await openai.chat.completions.create({ model: 'gpt-4o', messages });
   *     call.setUsage({ inputTokens: r.usage.prompt_tokens, outputTokens: r.usage.completion_tokens });
   *     return r;
   *   });
   *   return reply.choices[0].message.content;
   * });
   */
  withAgent<T>(name: string, fn: (agent: AgentHandle) => T): T;
  withAgent<T>(name: string, options: AgentOptions, fn: (agent: AgentHandle) => T): T;
  withAgent<T>(
    name: string,
    a: AgentOptions | ((agent: AgentHandle) => T),
    b?: (agent: AgentHandle) => T,
  ): T {
    return this.#tracer.withAgent(name, a, b);
  }

  /**
   * Runs `fn` as a model call: a `{operation} {model}` CLIENT span with the GenAI attributes, usage
   * and cost (priced from the dataset unless you set it), the model metrics and the collector. When
   * `fn` returns a stream (an async iterable), the call ends when the stream does and the time to
   * the first chunk is recorded.
   */
  withModelCall<T>(call: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
    return this.#tracer.withModelCall(call, fn);
  }

  /** Runs `fn` as a tool call: an `execute_tool {name}` span, tool metrics, the collector. */
  withToolCall<T>(name: string, fn: (span: Span) => T): T;
  withToolCall<T>(name: string, options: ToolCallOptions, fn: (span: Span) => T): T;
  withToolCall<T>(name: string, a: ToolCallOptions | ((span: Span) => T), b?: (span: Span) => T): T {
    return this.#tracer.withToolCall(name, a, b);
  }

  /** Runs `fn` as a workflow: a `workflow {name}` span and the workflow metrics. */
  withWorkflow<T>(name: string, fn: (span: Span) => T): T {
    return this.#tracer.withWorkflow(name, fn);
  }

  /** Runs `fn` as a node of the enclosing workflow: a `workflow.node {name}` span and node metrics. */
  withWorkflowNode<T>(name: string, fn: (span: Span) => T): T {
    return this.#tracer.withWorkflowNode(name, fn);
  }

  /** Any other operation, with its context as span attributes (`agentName` makes it an agent request). */
  monitorOperation<T>(
    name: string,
    context: Record<string, AttributeValue | undefined>,
    fn: (span: Span) => T,
  ): T {
    return this.#tracer.monitorOperation(name, context, fn);
  }

  /** A span named `name` with `attributes` around `fn`; exceptions are recorded and rethrown. */
  withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
    return this.#tracer.withSpan(name, attributes, fn);
  }

  /** Wraps `fn` so every call runs in a span named `name`; arguments, `this` and results pass through. */
  traced<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
    const tracer = this.#tracer;
    return function (this: unknown, ...args: A): R {
      return tracer.withSpan(name, {}, () => fn.apply(this, args));
    };
  }

  /** Adds a listener for agent, model, tool, workflow and error events; returns its remover. */
  onEvent(listener: AgentlensEventListener): () => void {
    return this.#events.add(listener);
  }

  /** Exports everything recorded so far; resolves when the exporter has sent it (or failed). */
  async flush(): Promise<void> {
    try {
      await this.logger?.flush();
      await Promise.all([this.#tracing?.flush(), this.#logExport?.flush()]);
    } catch (error) {
      this.#internalError('flush', error);
    }
  }

  /** The span exporter's state: spans exported and failed, last success and failure. */
  exporterState(): ExporterState | null {
    return this.#tracing?.state() ?? null;
  }

  // ---- agents -------------------------------------------------------------------------------

  /** Records one finished agent request (run): counter, duration histogram, tokens, cost, collector. */
  recordAgentRequest(record: AgentRequestRecord): void {
    try {
      const { agentName, success, responseTime, tokens, cost } = record;
      if (
        !isName(agentName) ||
        typeof success !== 'boolean' ||
        !isSeconds(responseTime) ||
        !isOptionalTokenCount(tokens) ||
        !isOptionalAmount(cost)
      ) {
        this.#invalid('recordAgentRequest', record, 'agentName', 'success', 'responseTime', 'tokens', 'cost');
        return;
      }
      const slots = this.#agents.get(agentName) ?? this.#agentSlots(agentName);
      const stats = slots.stats;
      stats.requests++;
      if (success) {
        slots.ok.value++;
        stats.successes++;
      } else {
        slots.failed.value++;
        stats.failures++;
        this.#m.agentErrors.series([agentName, record.errorType || 'unknown']).value++;
      }
      slots.duration.observe(responseTime);
      stats.latency.record(responseTime);
      this.#collector.overall.record(responseTime);
      if (tokens !== undefined) {
        slots.tokens.value += tokens;
        stats.tokens += tokens;
      }
      const now = Date.now();
      if (cost !== undefined) {
        slots.cost.value += cost;
        stats.cost += cost;
        this.#collector.addCost('agent', cost, now);
      }
      this.#collector.window.recordRequest(now, success, responseTime);
    } catch (error) {
      this.#internalError('recordAgentRequest', error);
    }
  }

  /**
   * Marks an agent request as started (the in-flight gauge and the collector's `inFlight` go up)
   * and returns the function that ends it, measuring the response time itself.
   *
   * @example
   * const end = agentlens.startAgentRequest('ChatAgent');
   * try { const answer = await run(); end({ success: true, tokens: 812 }); return answer; }
   * catch (error) { end({ success: false, errorType: error.name }); throw error; }
   */
  startAgentRequest(agentName: string): (outcome: AgentRequestOutcome) => void {
    if (!isName(agentName)) {
      this.#invalid('startAgentRequest', { agentName }, 'agentName');
      return () => {};
    }
    const started = performance.now();
    const slots = this.#agents.get(agentName) ?? this.#agentSlots(agentName);
    slots.inFlight.value++;
    slots.stats.inFlight++;
    let ended = false;
    return (outcome) => {
      if (ended) return;
      ended = true;
      slots.inFlight.value--;
      slots.stats.inFlight--;
      this.recordAgentRequest({ ...outcome, agentName, responseTime: (performance.now() - started) / 1000 });
    };
  }

  #agentSlots(agentName: string): AgentSlots {
    const m = this.#m;
    const slots: AgentSlots = {
      ok: m.agentRequests.series([agentName, 'success']),
      failed: m.agentRequests.series([agentName, 'error']),
      duration: m.agentRequestDuration.series([agentName]),
      tokens: m.agentTokens.series([agentName]),
      cost: m.agentCost.series([agentName]),
      inFlight: m.agentRequestsInFlight.series([agentName]),
      stats: this.#collector.agent(agentName),
    };
    // Only real series are cached: an agent past the cap stays on the slow path, so the cache
    // cannot grow without bound either.
    if (!m.agentRequests.isOverflow(slots.ok) && !m.agentRequests.isOverflow(slots.failed)) {
      if (!m.agentRequestDuration.isOverflow(slots.duration)) this.#agents.set(agentName, slots);
    }
    return slots;
  }

  /** Counts a conversation as started (`active_conversations` + 1). */
  conversationStarted(): void {
    this.#m.activeConversations.series([]).value++;
  }

  /** Counts a conversation as ended and records its length in messages. */
  conversationEnded(record: ConversationEndRecord): void {
    try {
      if (!isName(record.agentName) || !Number.isInteger(record.messages) || record.messages < 0) {
        this.#invalid('conversationEnded', record, 'agentName', 'messages');
        return;
      }
      const gauge = this.#m.activeConversations.series([]);
      if (gauge.value > 0) gauge.value--;
      this.#m.conversationLength.series([record.agentName]).observe(record.messages);
    } catch (error) {
      this.#internalError('conversationEnded', error);
    }
  }

  /** Sets `active_conversations`. */
  setActiveConversations(count: number): void {
    this.#setGauge('setActiveConversations', this.#m.activeConversations.series([]), count);
  }

  // ---- tools --------------------------------------------------------------------------------

  /** Records one finished tool call: counter, duration histogram, collector (with recent failures). */
  recordToolUsage(record: ToolUsageRecord): void {
    try {
      const { toolName, success, executionTime } = record;
      const agentName = record.agentName ?? '';
      if (
        !isName(toolName) ||
        typeof agentName !== 'string' ||
        typeof success !== 'boolean' ||
        !isSeconds(executionTime)
      ) {
        this.#invalid('recordToolUsage', record, 'toolName', 'agentName', 'success', 'executionTime');
        return;
      }
      const slots = this.#tools.get(toolName)?.get(agentName) ?? this.#toolSlots(toolName, agentName);
      const stats = slots.stats;
      stats.uses++;
      if (success) {
        slots.ok.value++;
        stats.successes++;
      } else {
        slots.failed.value++;
        stats.failures++;
        this.#collector.recordToolFailure(
          stats,
          record.errorMessage ?? 'failed',
          record.agentName,
          Date.now(),
        );
      }
      slots.duration.observe(executionTime);
      stats.latency.record(executionTime);
    } catch (error) {
      this.#internalError('recordToolUsage', error);
    }
  }

  #toolSlots(toolName: string, agentName: string): ToolSlots {
    const m = this.#m;
    const slots: ToolSlots = {
      ok: m.toolExecutions.series([toolName, agentName, 'success']),
      failed: m.toolExecutions.series([toolName, agentName, 'error']),
      duration: m.toolExecutionDuration.series([toolName]),
      stats: this.#collector.tool(toolName),
    };
    if (
      !m.toolExecutions.isOverflow(slots.ok) &&
      !m.toolExecutions.isOverflow(slots.failed) &&
      !m.toolExecutionDuration.isOverflow(slots.duration)
    ) {
      let byAgent = this.#tools.get(toolName);
      if (byAgent === undefined) {
        byAgent = new Map();
        this.#tools.set(toolName, byAgent);
      }
      byAgent.set(agentName, slots);
    }
    return slots;
  }

  // ---- models -------------------------------------------------------------------------------

  /**
   * Records one model call: calls, duration, tokens by type, cost (or an unpriced call when no cost
   * is given), the GenAI client histograms, and the collector.
   */
  recordModelCall(record: ModelCallRecord): void {
    try {
      const { provider, model, status, duration } = record;
      const operation = record.operation ?? DEFAULT_OPERATION;
      if (
        !isName(provider) ||
        !isName(model) ||
        !isName(operation) ||
        !(MODEL_CALL_STATUSES as readonly string[]).includes(status) ||
        !isSeconds(duration) ||
        !isOptionalTokenCount(record.inputTokens) ||
        !isOptionalTokenCount(record.outputTokens) ||
        !isOptionalTokenCount(record.cachedInputTokens) ||
        !isOptionalTokenCount(record.cacheWriteTokens) ||
        !isOptionalTokenCount(record.reasoningTokens) ||
        !isOptionalAmount(record.cost) ||
        (record.responseModel !== undefined && !isName(record.responseModel))
      ) {
        this.#invalid(
          'recordModelCall',
          record,
          'provider',
          'model',
          'status',
          'duration',
          'inputTokens',
          'outputTokens',
          'cachedInputTokens',
          'cacheWriteTokens',
          'reasoningTokens',
          'cost',
          'operation',
          'responseModel',
        );
        return;
      }
      const m = this.#m;
      const slots =
        this.#models.get(provider)?.get(model)?.get(operation) ??
        this.#modelSlots(provider, model, operation);
      const stats = slots.stats;
      const success = status === 'success';
      stats.requests++;
      if (success) slots.ok.value++;
      else {
        stats.failures++;
        if (status === 'error') slots.failed.value++;
        else m.modelCalls.series([provider, model, status]).value++;
      }
      slots.duration.observe(duration);
      stats.latency.record(duration);
      const responseModel = record.responseModel ?? model;
      const sameModel = responseModel === model;
      if (success && sameModel) slots.genAiDuration.observe(duration);
      else {
        m.genAiClientOperationDuration
          .series([operation, provider, model, responseModel, success ? '' : record.errorType || status])
          .observe(duration);
      }
      const input = record.inputTokens;
      if (input !== undefined) {
        slots.input.value += input;
        stats.inputTokens += input;
        if (sameModel) slots.genAiInput.observe(input);
        else
          m.genAiClientTokenUsage.series([operation, provider, model, responseModel, 'input']).observe(input);
      }
      const output = record.outputTokens;
      if (output !== undefined) {
        slots.output.value += output;
        stats.outputTokens += output;
        if (sameModel) slots.genAiOutput.observe(output);
        else
          m.genAiClientTokenUsage
            .series([operation, provider, model, responseModel, 'output'])
            .observe(output);
      }
      if (record.cachedInputTokens !== undefined) {
        slots.cacheRead.value += record.cachedInputTokens;
        stats.cacheReadTokens += record.cachedInputTokens;
      }
      if (record.cacheWriteTokens !== undefined) {
        slots.cacheWrite.value += record.cacheWriteTokens;
        stats.cacheWriteTokens += record.cacheWriteTokens;
      }
      if (record.reasoningTokens !== undefined) {
        slots.reasoning.value += record.reasoningTokens;
        stats.reasoningTokens += record.reasoningTokens;
      }
      // No cost given: priced from the dataset (provenance on spans, see withModelCall); a model
      // without a known price is counted as unpriced, never as $0.
      const cost =
        record.cost ??
        (input !== undefined || output !== undefined
          ? this.#price(provider, responseModel, {
              inputTokens: input ?? 0,
              outputTokens: output ?? 0,
              cacheReadTokens: record.cachedInputTokens ?? 0,
              cacheWriteTokens: record.cacheWriteTokens ?? 0,
              reasoningTokens: record.reasoningTokens ?? 0,
            })?.usd
          : undefined);
      if (cost !== undefined) {
        slots.cost.value += cost;
        stats.cost += cost;
        this.#collector.addCost('model', cost, Date.now());
      } else if (input !== undefined || output !== undefined) {
        slots.unpriced.value++;
        stats.unpricedCalls++;
      }
    } catch (error) {
      this.#internalError('recordModelCall', error);
    }
  }

  #modelSlots(provider: string, model: string, operation: string): ModelSlots {
    const m = this.#m;
    const tokens = (type: string) => m.modelTokens.series([provider, model, type]);
    const slots: ModelSlots = {
      ok: m.modelCalls.series([provider, model, 'success']),
      failed: m.modelCalls.series([provider, model, 'error']),
      duration: m.modelCallDuration.series([provider, model]),
      input: tokens('input'),
      output: tokens('output'),
      cacheRead: tokens('cache_read'),
      cacheWrite: tokens('cache_write'),
      reasoning: tokens('reasoning'),
      cost: m.modelCost.series([provider, model]),
      unpriced: m.modelCallsUnpriced.series([provider, model]),
      genAiInput: m.genAiClientTokenUsage.series([operation, provider, model, model, 'input']),
      genAiOutput: m.genAiClientTokenUsage.series([operation, provider, model, model, 'output']),
      genAiDuration: m.genAiClientOperationDuration.series([operation, provider, model, model, '']),
      stats: this.#collector.model(provider, model),
    };
    const anyOverflow =
      m.modelCalls.isOverflow(slots.ok) ||
      m.modelCalls.isOverflow(slots.failed) ||
      m.modelCallDuration.isOverflow(slots.duration) ||
      [slots.input, slots.output, slots.cacheRead, slots.cacheWrite, slots.reasoning].some((s) =>
        m.modelTokens.isOverflow(s),
      ) ||
      m.modelCost.isOverflow(slots.cost) ||
      m.modelCallsUnpriced.isOverflow(slots.unpriced) ||
      m.genAiClientTokenUsage.isOverflow(slots.genAiInput) ||
      m.genAiClientTokenUsage.isOverflow(slots.genAiOutput) ||
      m.genAiClientOperationDuration.isOverflow(slots.genAiDuration);
    if (!anyOverflow) {
      let byModel = this.#models.get(provider);
      if (byModel === undefined) {
        byModel = new Map();
        this.#models.set(provider, byModel);
      }
      let byOperation = byModel.get(model);
      if (byOperation === undefined) {
        byOperation = new Map();
        byModel.set(model, byOperation);
      }
      byOperation.set(operation, slots);
    }
    return slots;
  }

  // ---- errors -------------------------------------------------------------------------------

  /** Records an error of any component: `errors_total` and the collector's error log. */
  recordError(record: ErrorRecord): void {
    try {
      const { component, errorType, errorMessage } = record;
      if (!isName(component) || !isName(errorType) || typeof errorMessage !== 'string') {
        this.#invalid('recordError', record, 'component', 'errorType', 'errorMessage');
        return;
      }
      this.#m.errors.series([component, errorType]).value++;
      this.#collector.recordError(component, errorType, errorMessage, record.context);
    } catch (error) {
      this.#internalError('recordError', error);
    }
  }

  // ---- workflows ----------------------------------------------------------------------------

  /** Records a finished workflow execution (`workflow_executions_total`, `workflow_duration_seconds`). */
  recordWorkflowExecution(record: WorkflowExecutionRecord): void {
    try {
      const { workflowName, status, duration } = record;
      if (
        !isName(workflowName) ||
        !(WORKFLOW_STATUSES as readonly string[]).includes(status) ||
        !isSeconds(duration)
      ) {
        this.#invalid('recordWorkflowExecution', record, 'workflowName', 'status', 'duration');
        return;
      }
      this.#m.workflowExecutions.series([workflowName, status]).value++;
      this.#m.workflowDuration.series([workflowName]).observe(duration);
    } catch (error) {
      this.#internalError('recordWorkflowExecution', error);
    }
  }

  /** Records an executed workflow node (`workflow_nodes_executed_total`, and its duration when given). */
  recordWorkflowNode(record: WorkflowNodeRecord): void {
    try {
      const { workflowName, nodeName, status, duration } = record;
      if (
        !isName(workflowName) ||
        !isName(nodeName) ||
        !(WORKFLOW_STATUSES as readonly string[]).includes(status) ||
        (duration !== undefined && !isSeconds(duration))
      ) {
        this.#invalid('recordWorkflowNode', record, 'workflowName', 'nodeName', 'status', 'duration');
        return;
      }
      this.#m.workflowNodesExecuted.series([workflowName, nodeName, status]).value++;
      if (duration !== undefined)
        this.#m.workflowNodeDuration.series([workflowName, nodeName]).observe(duration);
    } catch (error) {
      this.#internalError('recordWorkflowNode', error);
    }
  }

  /** Records an error-recovery attempt and, when it recovered, its success. */
  recordErrorRecovery(record: ErrorRecoveryRecord): void {
    try {
      if (!isName(record.strategy) || typeof record.recovered !== 'boolean') {
        this.#invalid('recordErrorRecovery', record, 'strategy', 'recovered');
        return;
      }
      this.#m.errorRecoveryAttempts.series([record.strategy]).value++;
      if (record.recovered) this.#m.errorRecoverySuccesses.series([record.strategy]).value++;
    } catch (error) {
      this.#internalError('recordErrorRecovery', error);
    }
  }

  /** Records a human review request; `workflow_human_reviews_pending` goes up. */
  recordHumanReviewRequested(record: HumanReviewRequestRecord): void {
    try {
      if (!isName(record.workflowName) || !isName(record.reason)) {
        this.#invalid('recordHumanReviewRequested', record, 'workflowName', 'reason');
        return;
      }
      this.#m.humanReviewsRequested.series([record.workflowName, record.reason]).value++;
      this.#m.humanReviewsPending.series([]).value++;
    } catch (error) {
      this.#internalError('recordHumanReviewRequested', error);
    }
  }

  /** Records a human review decision and how long it took; `workflow_human_reviews_pending` goes down. */
  recordHumanReviewCompleted(record: HumanReviewCompletionRecord): void {
    try {
      if (!isName(record.workflowName) || !isName(record.decision) || !isSeconds(record.duration)) {
        this.#invalid('recordHumanReviewCompleted', record, 'workflowName', 'decision', 'duration');
        return;
      }
      this.#m.humanReviewsCompleted.series([record.workflowName, record.decision]).value++;
      this.#m.humanReviewDuration.series([record.workflowName]).observe(record.duration);
      const pending = this.#m.humanReviewsPending.series([]);
      if (pending.value > 0) pending.value--;
    } catch (error) {
      this.#internalError('recordHumanReviewCompleted', error);
    }
  }

  /** Records a routing decision and its confidence (0..1). */
  recordRoutingDecision(record: RoutingDecisionRecord): void {
    try {
      const { route, confidence } = record;
      if (!isName(route) || !(typeof confidence === 'number' && confidence >= 0 && confidence <= 1)) {
        this.#invalid('recordRoutingDecision', record, 'route', 'confidence');
        return;
      }
      this.#m.routingDecisions.series([route]).value++;
      this.#m.routingConfidence.series([route]).observe(confidence);
    } catch (error) {
      this.#internalError('recordRoutingDecision', error);
    }
  }

  // ---- cache, HTTP, database, vector store, WebSocket, security ---------------------------------

  /** Records a cache operation: hits and misses for a `get`, and the operation's latency. */
  recordCacheOperation(record: CacheOperationRecord): void {
    try {
      const { cacheName, operation, result, duration } = record;
      if (
        !isName(cacheName) ||
        !(CACHE_OPERATIONS as readonly string[]).includes(operation) ||
        !(CACHE_RESULTS as readonly string[]).includes(result) ||
        (duration !== undefined && !isSeconds(duration))
      ) {
        this.#invalid('recordCacheOperation', record, 'cacheName', 'operation', 'result', 'duration');
        return;
      }
      if (result === 'hit') this.#m.cacheHits.series([cacheName]).value++;
      else if (result === 'miss') this.#m.cacheMisses.series([cacheName]).value++;
      if (duration !== undefined)
        this.#m.cacheOperationDuration.series([cacheName, operation, result]).observe(duration);
    } catch (error) {
      this.#internalError('recordCacheOperation', error);
    }
  }

  /** Records a served HTTP request. The middleware calls this; use it directly for other servers. */
  recordHttpRequest(record: HttpRequestRecord): void {
    try {
      const { method, route, status, duration } = record;
      if (
        !isName(method) ||
        !isName(route) ||
        !(Number.isInteger(status) && status >= 100 && status <= 599) ||
        !isSeconds(duration)
      ) {
        this.#invalid('recordHttpRequest', record, 'method', 'route', 'status', 'duration');
        return;
      }
      const upper = method.toUpperCase();
      this.#m.httpRequests.series([upper, route, String(status)]).value++;
      this.#m.httpRequestDuration.series([upper, route]).observe(duration);
    } catch (error) {
      this.#internalError('recordHttpRequest', error);
    }
  }

  /** Moves `http_requests_in_flight` by `delta` (+1 when a request arrives, -1 when it ends). */
  adjustHttpRequestsInFlight(delta: number): void {
    const gauge = this.#m.httpRequestsInFlight.series([]);
    if (Number.isFinite(delta)) gauge.value = Math.max(0, gauge.value + delta);
  }

  /** Records a request rejected by a rate limiter. */
  recordRateLimitRejection(limiter: string): void {
    if (!isName(limiter)) this.#invalid('recordRateLimitRejection', { limiter }, 'limiter');
    if (!isName(limiter)) return;
    this.#m.rateLimitRejections.series([limiter]).value++;
  }

  /** Records a database query: count by outcome, duration, and errors on failure. */
  recordDbQuery(record: DbQueryRecord): void {
    try {
      const { dbSystem, queryType, success, duration } = record;
      if (!isName(dbSystem) || !isName(queryType) || typeof success !== 'boolean' || !isSeconds(duration)) {
        this.#invalid('recordDbQuery', record, 'dbSystem', 'queryType', 'success', 'duration');
        return;
      }
      this.#m.dbQueries.series([dbSystem, queryType, success ? 'success' : 'error']).value++;
      this.#m.dbQueryDuration.series([dbSystem, queryType]).observe(duration);
      if (!success) this.#m.dbErrors.series([dbSystem, record.errorType || 'unknown']).value++;
    } catch (error) {
      this.#internalError('recordDbQuery', error);
    }
  }

  /** Sets `db_connections{db_system,state}` (state: `active`, `idle`, `max`, ...). */
  setDbConnections(dbSystem: string, state: string, count: number): void {
    if (!isName(dbSystem) || !isName(state)) {
      this.#invalid('setDbConnections', { dbSystem, state }, 'dbSystem', 'state');
      return;
    }
    this.#setGauge('setDbConnections', this.#m.dbConnections.series([dbSystem, state]), count);
  }

  /** Records a vector-store operation. */
  recordVectorStoreOperation(record: VectorStoreOperationRecord): void {
    try {
      const { store, operation, success, duration } = record;
      if (
        !isName(store) ||
        !isName(operation) ||
        typeof success !== 'boolean' ||
        (duration !== undefined && !isSeconds(duration))
      ) {
        this.#invalid('recordVectorStoreOperation', record, 'store', 'operation', 'success', 'duration');
        return;
      }
      this.#m.vectorStoreOperations.series([store, operation, success ? 'success' : 'error']).value++;
      if (duration !== undefined)
        this.#m.vectorStoreOperationDuration.series([store, operation]).observe(duration);
    } catch (error) {
      this.#internalError('recordVectorStoreOperation', error);
    }
  }

  /** Records a WebSocket message. */
  recordWebSocketMessage(record: WebSocketMessageRecord): void {
    const { direction, messageType } = record;
    if ((direction !== 'inbound' && direction !== 'outbound') || !isName(messageType)) {
      this.#invalid('recordWebSocketMessage', record, 'direction', 'messageType');
      return;
    }
    this.#m.websocketMessages.series([direction, messageType]).value++;
  }

  /** Sets `websocket_connections_active`. */
  setWebSocketConnections(count: number): void {
    this.#setGauge('setWebSocketConnections', this.#m.websocketConnections.series([]), count);
  }

  /** Records a security event: a failed login (`auth_failed_attempts_total`) or a suspicious request. */
  recordSecurityEvent(record: SecurityEventRecord): void {
    if (!isName(record.reason) || (record.type !== 'failed_login' && record.type !== 'suspicious_request')) {
      this.#invalid('recordSecurityEvent', record, 'type', 'reason');
      return;
    }
    const family = record.type === 'failed_login' ? this.#m.authFailedAttempts : this.#m.suspiciousRequests;
    family.series([record.reason]).value++;
  }

  /** Sets `active_sessions`. */
  setActiveSessions(count: number): void {
    this.#setGauge('setActiveSessions', this.#m.activeSessions.series([]), count);
  }

  /** Sets `active_connections{connection_type}`. */
  setActiveConnections(connectionType: string, count: number): void {
    if (!isName(connectionType)) {
      this.#invalid('setActiveConnections', { connectionType }, 'connectionType');
      return;
    }
    this.#setGauge('setActiveConnections', this.#m.activeConnections.series([connectionType]), count);
  }

  #setGauge(fn: string, series: ValueSeries, count: number): void {
    if (!(typeof count === 'number' && count >= 0 && Number.isFinite(count))) {
      this.#invalid(fn, { count }, 'count');
      return;
    }
    series.value = count;
  }

  // ---- collector ----------------------------------------------------------------------------

  /** The overall state of the app from what was recorded, by the rules in docs/health.md. */
  getSystemHealth(): SystemHealth {
    const exporter = this.exporterState();
    const problems: string[] = [];
    if (
      exporter &&
      exporter.lastFailureAt !== null &&
      (exporter.lastSuccessAt ?? '') < exporter.lastFailureAt
    ) {
      problems.push(
        `span export failing since ${exporter.lastFailureAt}: ${exporter.lastError ?? 'unknown error'}`,
      );
    }
    let invalidRecords = 0;
    for (const series of this.#m.sdkInvalidRecords.allSeries()) invalidRecords += series.value;
    const instrumentation: Instrumentation = {
      exporter,
      invalidRecords,
      priceDataset: this.#prices.dataset,
      priceDatasetDate: this.#prices.datasetDate,
    };
    return this.#collector.systemHealth(instrumentation, problems);
  }

  /**
   * Everything the collector knows as one JSON document (schema `agentlens.report/v1`, the same one
   * the hub's stats API and `agentlens monitor --export json` use).
   */
  snapshot(): Report {
    const c = this.#collector;
    return {
      schema: REPORT_SCHEMA_ID,
      generatedAt: new Date().toISOString(),
      source: 'sdk',
      service: this.serviceName,
      window: 'process',
      overview: c.overview(),
      health: this.getSystemHealth(),
      agents: c.agents(),
      tools: c.tools(),
      models: c.models(),
      errors: c.errors(),
    };
  }

  // ---- exposition, probes, lifecycle -----------------------------------------------------------

  /** The registry's metrics as Prometheus text, or OpenMetrics with `{ openMetrics: true }`. */
  metrics(options: { openMetrics?: boolean } = {}): Promise<string> {
    return renderRegistry(this.registry, options.openMetrics ?? false);
  }

  /** {@link metrics} as UTF-8 bytes, what `GET /metrics` sends (no string is built on the way). */
  metricsBody(options: { openMetrics?: boolean } = {}): Promise<Buffer> {
    return renderRegistryBytes(this.registry, options.openMetrics ?? false);
  }

  /**
   * A `node:http` request handler serving `/metrics`, `/health`, `/health/live`, `/ready` and
   * `/health/detailed` (see docs/health.md). Mount it in any server that gives Node's `req`/`res`.
   */
  get handler(): MetricsHandler {
    this.#handler ??= createMetricsHandler(this);
    return this.#handler;
  }

  /** A handler with options (a bearer token, a path prefix); {@link handler} is the default one. */
  createHandler(options: MetricsHandlerOptions): MetricsHandler {
    return createMetricsHandler(this, options);
  }

  /**
   * Starts a small HTTP server for the handler (default `127.0.0.1:9464`). Binding anything but
   * loopback requires a token (option or `AGENTLENS_TOKEN`).
   */
  async startMetricsServer(options: MetricsServerOptions = {}): Promise<MetricsServer> {
    const server = await startMetricsServer(this, options);
    this.#servers.add(server);
    server.closed.then(() => this.#servers.delete(server));
    return server;
  }

  /** Whether `/ready` may answer 200 (critical checks are verified on top of this). */
  get ready(): boolean {
    return this.#ready && !this.#shuttingDown;
  }

  /** Marks the app ready or not ready for traffic (`readiness: 'manual'` starts not ready). */
  setReady(ready: boolean): void {
    this.#ready = ready;
  }

  /** Readiness goes to 503 at once; metrics servers started by this instance close. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    await Promise.all([...this.#servers].map((s) => s.close()));
    try {
      await this.logger?.close();
      await Promise.all([this.#tracing?.shutdown(), this.#logExport?.shutdown()]);
    } catch (error) {
      this.#internalError('shutdown', error);
    }
  }

  /** @internal The SDK's diagnostics, for the HTTP layer. */
  get diagnostics(): Diagnostics {
    return this.#diag;
  }

  // ---- failure paths --------------------------------------------------------------------------

  #invalid(fn: string, record: unknown, ...fields: string[]): void {
    this.#m.sdkInvalidRecords.series([fn]).value++;
    const values = record && typeof record === 'object' ? (record as Record<string, unknown>) : {};
    const shown = fields
      .filter((f) => f in values)
      .map((f) => `${f}=${describe(values[f])}`)
      .join(', ');
    const message = `${fn}: invalid record dropped (${shown || 'no fields'}); durations must be finite seconds >= 0, token counts integers >= 0, names non-empty strings, statuses one of the documented values`;
    if (this.#config.onInvalidRecord === 'throw') throw new InvalidRecordError(message);
    this.#diag.log('warn', `invalid:${fn}`, message);
  }

  #internalError(fn: string, error: unknown): void {
    if (error instanceof InvalidRecordError) throw error;
    this.#diag.log('error', `internal:${fn}`, `${fn} failed inside agentlens; the record was dropped`, {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  #overflowed(family: MetricFamily): void {
    this.#m.sdkSeriesOverflow.series([family.name]).value++;
    this.#diag.once(
      'warn',
      `overflow:${family.name}`,
      `${family.name} reached its cap of ${this.#config.seriesCap} label combinations; new combinations fold into the __overflow__ series. A label probably carries unbounded values (ids, raw paths).`,
    );
  }
}

/**
 * Creates the agentlens SDK instance. Options are validated here: a bad option throws an
 * `AgentlensConfigError` naming every problem; nothing the instance does later throws into the app.
 *
 * @example
 * import { createAgentlens } from '@agentlens/sdk';
 * const agentlens = createAgentlens({ serviceName: 'support-bot' });
 * await agentlens.startMetricsServer(); // http://127.0.0.1:9464/metrics and /health
 * agentlens.recordAgentRequest({ agentName: 'ChatAgent', success: true, responseTime: 1.5, tokens: 250, cost: 0.05 });
 */
export function createAgentlens(options: AgentlensOptions = {}): Agentlens {
  return new Agentlens(options);
}

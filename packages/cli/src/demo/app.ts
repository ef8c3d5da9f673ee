/**
 * The demo app: a simulated multi-agent application instrumented with `@agentlens/sdk` exactly as
 * a user would instrument theirs. It plays the seeded workload (workload.ts) against the local fake
 * provider (fake-provider.ts) and simulated tools, sends its spans and logs to a hub (an embedded
 * one unless told otherwise) and serves its own `/metrics` and `/health`.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { createHub, type Hub } from '@agentlens/hub';
import {
  type Agentlens,
  createAgentlens,
  eventLoopDelayCheck,
  httpCheck,
  type MetricsServer,
  type ModelCallHandle,
  memoryCheck,
} from '@agentlens/sdk';
import { UI_DIST_DIR } from '@agentlens/ui';
import { directiveHeaders, type FakeProvider, startFakeProvider } from './fake-provider.js';
import {
  type ConversationPlan,
  type DemoAgent,
  type ModelAttempt,
  type ModelStep,
  type ReviewStep,
  type Step,
  type ToolStep,
  type TurnPlan,
  workloadSchedule,
} from './workload.js';

/** Options of {@link runDemo}. Every one is optional. */
export interface DemoOptions {
  /** Send to this hub (its base URL) instead of starting one. */
  readonly hubUrl?: string;
  /** Port of the embedded hub (OTLP/HTTP and API). Default 4318; 0 picks a free one. */
  readonly port?: number;
  /** SQLite file of the embedded hub. Default `./.agentlens/demo.db`. */
  readonly dbPath?: string;
  /** Port of the app's own `/metrics` and `/health`. Default 9464; 0 picks a free one. */
  readonly metricsPort?: number;
  /** Stop by itself after this many ms. Default: run until {@link DemoHandle.stop}. */
  readonly durationMs?: number;
  /** Conversations started per second, on average. Default 1. */
  readonly rate?: number;
  /** Seed of the workload. Default 1. */
  readonly seed?: number;
  /**
   * Daily budget in US dollars: the app's health reports spend against it, and so does an embedded
   * hub (`GET /api/report`). A hub of yours keeps its own budget.
   */
  readonly budgetUsd?: number;
  /** Bearer token for the hub (sent by the exporter; required by an embedded hub). Default `AGENTLENS_TOKEN`. */
  readonly token?: string;
  /**
   * Multiplies every simulated wait (model and tool latency, user think time, reviews, the stuck
   * run), not the schedule. Default 1; tests use a small value to play a lot in little time.
   */
  readonly latencyScale?: number;
  /** How long conversations in progress may take to finish once stopping, in ms. Default 10 000. */
  readonly graceMs?: number;
}

/** What the demo has done so far. */
export interface DemoCounts {
  readonly conversationsStarted: number;
  /** Started and not yet ended. */
  readonly conversationsRunning: number;
  readonly agentRuns: number;
  readonly agentRunsFailed: number;
  readonly modelCalls: number;
  readonly modelCallsFailed: number;
  readonly toolCalls: number;
  readonly toolCallsFailed: number;
  readonly workflowRuns: number;
  readonly humanReviews: number;
  /** Spans ended (agent, model, tool, workflow and workflow-node spans). */
  readonly spansRecorded: number;
  /** Spans the exporter delivered to the hub (the hub answered 2xx). */
  readonly spansSent: number;
  /** Spans the exporter could not deliver. */
  readonly spansFailed: number;
  /** Model spend priced from the dataset, US dollars. */
  readonly costUsd: number;
}

/** A running demo. */
export interface DemoHandle {
  /** Base URL of the hub the demo sends to. */
  readonly hubUrl: string;
  /** Whether the demo started that hub itself (and closes it on stop). */
  readonly embeddedHub: boolean;
  /** Absolute path of the embedded hub's SQLite file; null with an external hub. */
  readonly dbPath: string | null;
  /** The app's Prometheus endpoint, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly metricsUrl: string;
  /** The app's health endpoint. */
  readonly healthUrl: string;
  /** Base URL of the fake model provider. */
  readonly providerUrl: string;
  /** The command that opens the live terminal dashboard on this hub. */
  readonly monitorCommand: string;
  /** The counts so far. */
  counts(): DemoCounts;
  /**
   * Stops starting conversations, lets those in progress finish (at most `graceMs`, then cancels
   * them), flushes spans and logs, closes the metrics server, the fake provider and an embedded
   * hub. Resolves with the final counts; calling it again returns the same promise.
   */
  stop(): Promise<DemoCounts>;
  /** Resolves with the final counts once the demo has stopped, by `stop()` or at the end of its duration. */
  readonly done: Promise<DemoCounts>;
}

/** A reason the demo cannot start, in one line (a port in use, a hub out of reach). */
export class DemoStartError extends Error {
  override readonly name = 'DemoStartError';
}

/** An error as a provider SDK throws it: a name by kind and the HTTP status. */
class ProviderError extends Error {
  override readonly name: string;
  readonly status: number;

  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

/** A tool that failed; `TimeoutError` when it ran out of time. */
class ToolError extends Error {
  override readonly name: string;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const AGENT_IDS: Readonly<Record<DemoAgent, string>> = {
  ChatAgent: 'chat-agent-v3',
  CodeAgent: 'code-agent-v2',
  ResearchAgent: 'research-agent-v5',
  AnalysisAgent: 'analysis-agent-v1',
};

const SYSTEM_PROMPTS: Readonly<Record<DemoAgent, string>> = {
  ChatAgent: 'You are a helpful support assistant for Acme Cloud.',
  CodeAgent: 'You are a senior engineer. Propose minimal, tested changes.',
  ResearchAgent: 'You research questions on the web and cite your sources.',
  AnalysisAgent: 'You analyse business data and explain the numbers.',
};

const DEFAULT_DB_PATH = './.agentlens/demo.db';

function providerError(status: number, body: unknown): ProviderError {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  const message = typeof error?.message === 'string' ? error.message : `provider answered ${status}`;
  const name =
    status === 429
      ? 'RateLimitError'
      : status === 529
        ? 'OverloadedError'
        : status >= 500
          ? 'InternalServerError'
          : 'APIError';
  return new ProviderError(name, status, `${status} ${message}`);
}

interface OpenAiCompletion {
  id: string;
  model: string;
  choices: { finish_reason: string }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
}

interface AnthropicMessage {
  id: string;
  model: string;
  stop_reason: string;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
  };
}

/** Everything a conversation needs while it plays. */
interface Player {
  readonly agentlens: Agentlens;
  readonly providerUrl: string;
  readonly scale: number;
  /** Aborted when the grace period after stop runs out. */
  readonly signal: AbortSignal;
  readonly stopping: () => boolean;
  nextCallId(): string;
}

function wait(player: Player, ms: number): Promise<void> {
  const scaled = Math.round(ms * player.scale);
  return scaled <= 0 ? Promise.resolve() : sleepFor(scaled, undefined, { signal: player.signal });
}

/** One HTTP call to the fake provider, read back as a provider SDK would, usage onto the span. */
async function callModel(
  player: Player,
  agent: DemoAgent,
  attempt: ModelAttempt,
  call: ModelCallHandle,
): Promise<string> {
  const latencyMs = Math.round(attempt.latencyMs * player.scale);
  // A planned timeout is the client's timeout; otherwise the client waits well past the answer.
  const timeoutMs = attempt.failure === 'timeout' ? Math.max(1, latencyMs) : latencyMs + 30_000;
  const question = 'Summarise the open incidents and what changed since yesterday.';
  const body =
    attempt.api === 'openai'
      ? {
          model: attempt.model,
          max_tokens: 4096,
          messages: [
            { role: 'system', content: SYSTEM_PROMPTS[agent] },
            { role: 'user', content: question },
          ],
        }
      : {
          model: attempt.model,
          max_tokens: 4096,
          system: SYSTEM_PROMPTS[agent],
          messages: [{ role: 'user', content: question }],
        };
  let response: Response;
  try {
    response = await fetch(
      `${player.providerUrl}${attempt.api === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...directiveHeaders({
            latencyMs,
            failure: attempt.failure,
            inputTokens: attempt.inputTokens,
            cacheReadTokens: attempt.cacheReadTokens,
            cacheWriteTokens: attempt.cacheWriteTokens,
            outputTokens: attempt.outputTokens,
            finishReason: attempt.finishReason,
          }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), player.signal]),
      },
    );
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new ProviderError('APIConnectionTimeoutError', 0, `Request timed out after ${timeoutMs} ms.`);
    }
    throw error;
  }
  const json: unknown = await response.json();
  if (!response.ok) throw providerError(response.status, json);
  if (attempt.api === 'openai') {
    const r = json as OpenAiCompletion;
    call.setUsage({
      inputTokens: r.usage.prompt_tokens,
      outputTokens: r.usage.completion_tokens,
      cacheReadTokens: r.usage.prompt_tokens_details?.cached_tokens ?? 0,
      reasoningTokens: r.usage.completion_tokens_details?.reasoning_tokens ?? 0,
    });
    call.setResponseModel(r.model);
    call.setResponseId(r.id);
    call.setFinishReasons(r.choices.map((c) => c.finish_reason));
    return r.id;
  }
  const r = json as AnthropicMessage;
  const cacheRead = r.usage.cache_read_input_tokens ?? 0;
  const cacheWrite = r.usage.cache_creation_input_tokens ?? 0;
  // Anthropic reports input without the cached part; the conventions count all input tokens.
  call.setUsage({
    inputTokens: r.usage.input_tokens + cacheRead + cacheWrite,
    outputTokens: r.usage.output_tokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  });
  call.setResponseModel(r.model);
  call.setResponseId(r.id);
  call.setFinishReasons([r.stop_reason]);
  return r.id;
}

async function runModelStep(player: Player, agent: DemoAgent, step: ModelStep): Promise<void> {
  const { agentlens } = player;
  for (const [i, attempt] of step.attempts.entries()) {
    await wait(player, attempt.delayMs);
    try {
      await agentlens.withModelCall({ provider: attempt.provider, model: attempt.model }, (call) =>
        callModel(player, agent, attempt, call),
      );
      if (attempt.recovery !== null)
        agentlens.recordErrorRecovery({ strategy: attempt.recovery, recovered: true });
      return;
    } catch (error) {
      if (attempt.recovery !== null)
        agentlens.recordErrorRecovery({ strategy: attempt.recovery, recovered: false });
      const next = step.attempts[i + 1];
      if (next === undefined || player.signal.aborted) throw error;
      agentlens.logger?.warn('model call failed; trying again', {
        agent_name: agent,
        provider: attempt.provider,
        model: attempt.model,
        error: (error as Error).message,
        strategy: next.recovery,
        next_model: next.model,
      });
    }
  }
}

async function runToolStep(player: Player, agent: DemoAgent, step: ToolStep): Promise<void> {
  const { agentlens } = player;
  for (const [i, attempt] of step.attempts.entries()) {
    await wait(player, attempt.delayMs);
    try {
      await agentlens.withToolCall(step.tool, { callId: player.nextCallId(), type: 'function' }, async () => {
        await wait(player, attempt.latencyMs);
        if (attempt.failure === 'timeout')
          throw new ToolError('TimeoutError', attempt.errorMessage ?? 'timed out');
        if (attempt.failure === 'error') {
          throw new ToolError('ToolExecutionError', attempt.errorMessage ?? `${step.tool} failed`);
        }
      });
      if (attempt.recovery !== null)
        agentlens.recordErrorRecovery({ strategy: attempt.recovery, recovered: true });
      return;
    } catch (error) {
      if (attempt.recovery !== null)
        agentlens.recordErrorRecovery({ strategy: attempt.recovery, recovered: false });
      if (player.signal.aborted) throw error;
      if (i + 1 < step.attempts.length) continue;
      if (step.required) throw error;
      agentlens.logger?.warn('tool failed; carrying on without it', {
        agent_name: agent,
        tool_name: step.tool,
        error: (error as Error).message,
      });
    }
  }
}

async function runReview(player: Player, workflowName: string, step: ReviewStep): Promise<void> {
  const { agentlens } = player;
  agentlens.recordHumanReviewRequested({ workflowName, reason: step.reason });
  agentlens.logger?.info('human review requested', { workflow_name: workflowName, reason: step.reason });
  const started = performance.now();
  let decision: string = step.decision;
  try {
    await wait(player, step.waitMs);
  } catch (error) {
    decision = 'abandoned';
    throw error;
  } finally {
    const duration = (performance.now() - started) / 1000;
    agentlens.recordHumanReviewCompleted({ workflowName, decision, duration });
    agentlens.logger?.info('human review completed', { workflow_name: workflowName, decision, duration });
  }
}

async function runSteps(
  player: Player,
  agent: DemoAgent,
  steps: readonly Step[],
  workflowName: string | null,
): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'model') await runModelStep(player, agent, step);
    else if (step.kind === 'tool') await runToolStep(player, agent, step);
    else await runReview(player, workflowName ?? 'unnamed', step);
  }
}

async function runTurn(player: Player, agent: DemoAgent, turn: TurnPlan): Promise<void> {
  const workflow = turn.workflow;
  if (workflow === null) {
    await runSteps(player, agent, turn.steps, null);
    return;
  }
  await player.agentlens.withWorkflow(workflow.name, async () => {
    for (const node of workflow.nodes) {
      await player.agentlens.withWorkflowNode(node.name, () =>
        runSteps(player, agent, node.steps, workflow.name),
      );
      // A rejected change stops the workflow: nothing after the review runs.
      if (node.steps.some((s) => s.kind === 'review' && s.decision === 'rejected')) return;
    }
  });
}

async function runConversation(player: Player, plan: ConversationPlan): Promise<void> {
  const { agentlens } = player;
  agentlens.conversationStarted();
  agentlens.recordRoutingDecision({ route: plan.agent, confidence: plan.routeConfidence });
  agentlens.logger?.info('conversation started', {
    conversation_id: plan.id,
    agent_name: plan.agent,
    turns_planned: plan.turns.length,
  });
  let messages = 0;
  let outcome = 'completed';
  try {
    for (const [i, turn] of plan.turns.entries()) {
      if (i > 0) {
        if (player.stopping()) {
          outcome = 'cut short by shutdown';
          break;
        }
        await wait(player, turn.thinkMs);
      }
      messages++;
      await agentlens.withAgent(plan.agent, { conversationId: plan.id, agentId: AGENT_IDS[plan.agent] }, () =>
        runTurn(player, plan.agent, turn),
      );
      messages++;
    }
  } catch (error) {
    outcome = player.signal.aborted ? 'cancelled by shutdown' : 'failed';
    if (!player.signal.aborted) {
      agentlens.logger?.error('conversation failed', {
        conversation_id: plan.id,
        agent_name: plan.agent,
        error: (error as Error).message,
      });
    }
  } finally {
    agentlens.conversationEnded({ agentName: plan.agent, messages });
    agentlens.logger?.info('conversation ended', {
      conversation_id: plan.id,
      agent_name: plan.agent,
      messages,
      outcome,
    });
  }
}

function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function portNumber(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new RangeError(`${name} must be an integer from 0 to 65535, got ${value}`);
  }
  return value;
}

async function checkHub(url: string, token: string | undefined): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${url}/api/hub`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(3_000),
    });
  } catch {
    throw new DemoStartError(
      `cannot reach the hub at ${url}; start one with \`npx agentlens serve\`, or leave out --hub to embed one`,
    );
  }
  await response.body?.cancel();
  if (response.status === 401) {
    throw new DemoStartError(`the hub at ${url} wants a token: set AGENTLENS_TOKEN to the hub's token`);
  }
}

async function startEmbeddedHub(
  port: number,
  dbPath: string,
  token: string | undefined,
  budgetUsd: number | undefined,
): Promise<Hub> {
  try {
    return await createHub({
      port,
      grpcPort: null,
      dbPath,
      logLevel: 'silent',
      ui: { distDir: UI_DIST_DIR },
      ...(token === undefined ? {} : { token }),
      ...(budgetUsd === undefined ? {} : { dailyBudgetUsd: budgetUsd }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new DemoStartError(
        `port ${port} is in use (another hub?); pick another with --port, or send to the running hub with --hub http://127.0.0.1:${port}`,
      );
    }
    throw error;
  }
}

/**
 * Starts the demo: an embedded hub (unless `hubUrl`), the fake provider, the instrumented app with
 * its metrics server, and the workload. Resolves once everything listens and the first
 * conversation is scheduled; rejects with a {@link DemoStartError} (one line) when a port is taken
 * or the hub cannot be reached, having closed whatever it had started.
 *
 * @example
 * const demo = await runDemo({ port: 0, metricsPort: 0, durationMs: 60_000, seed: 7 });
 * console.log(demo.hubUrl, demo.metricsUrl);
 * const counts = await demo.done;
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoHandle> {
  const rate = positiveNumber('rate', options.rate ?? 1);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const scale = options.latencyScale ?? 1;
  if (!(Number.isFinite(scale) && scale >= 0))
    throw new RangeError(`latencyScale must be >= 0, got ${scale}`);
  const graceMs = options.graceMs ?? 10_000;
  const durationMs =
    options.durationMs === undefined ? undefined : positiveNumber('duration', options.durationMs);
  const metricsPort = portNumber('metrics port', options.metricsPort ?? 9464);
  const port = portNumber('port', options.port ?? 4318);
  if (options.budgetUsd !== undefined) positiveNumber('budget', options.budgetUsd);
  const token = options.token ?? (process.env.AGENTLENS_TOKEN || undefined);

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    const closing = cleanups.splice(0).reverse();
    for (const close of closing) await close().catch(() => {});
  };
  try {
    let hub: Hub | undefined;
    let hubUrl: string;
    let dbPath: string | null = null;
    if (options.hubUrl === undefined) {
      dbPath = options.dbPath === ':memory:' ? ':memory:' : resolve(options.dbPath ?? DEFAULT_DB_PATH);
      hub = await startEmbeddedHub(port, dbPath, token, options.budgetUsd);
      const started = hub;
      cleanups.push(() => started.close());
      hubUrl = hub.url;
    } else {
      hubUrl = options.hubUrl.replace(/\/+$/, '');
      await checkHub(hubUrl, token);
    }

    const provider: FakeProvider = await startFakeProvider();
    cleanups.push(() => provider.close());

    const counts = {
      conversationsStarted: 0,
      conversationsRunning: 0,
      agentRuns: 0,
      agentRunsFailed: 0,
      modelCalls: 0,
      modelCallsFailed: 0,
      toolCalls: 0,
      toolCallsFailed: 0,
      workflowRuns: 0,
      humanReviews: 0,
      spansRecorded: 0,
      costUsd: 0,
    };
    const agentlens = createAgentlens({
      serviceName: 'agentlens-demo',
      tracing: {
        endpoint: `${hubUrl}/v1/traces`,
        ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
      },
      // Log lines go to the hub (OTLP, beside the spans), not to the terminal the demo prints in.
      logging: { stdout: false, level: 'info' },
      ...(options.budgetUsd === undefined ? {} : { budget: { dailyUsd: options.budgetUsd } }),
    });
    cleanups.push(() => agentlens.shutdown());
    agentlens.onEvent((event) => {
      switch (event.type) {
        case 'agent_end':
          counts.agentRuns++;
          if (!event.success) counts.agentRunsFailed++;
          counts.spansRecorded++;
          break;
        case 'model_call_end':
          counts.modelCalls++;
          if (!event.success) counts.modelCallsFailed++;
          counts.costUsd += event.cost ?? 0;
          counts.spansRecorded++;
          break;
        case 'tool_call_end':
          counts.toolCalls++;
          if (!event.success) counts.toolCallsFailed++;
          counts.spansRecorded++;
          break;
        case 'workflow_end':
          counts.workflowRuns++;
          counts.spansRecorded++;
          break;
        case 'workflow_node_end':
          if (event.nodeName === 'human_review') counts.humanReviews++;
          counts.spansRecorded++;
          break;
        default:
          break;
      }
    });
    agentlens.health
      .register('model_provider', httpCheck(`${provider.url}/health`, { timeoutMs: 1_000 }), {
        critical: true,
        cacheTtlMs: 5_000,
      })
      .register('hub', httpCheck(`${hubUrl}/healthz`, { timeoutMs: 1_000 }), { cacheTtlMs: 5_000 })
      .register('memory', memoryCheck())
      .register('event_loop', eventLoopDelayCheck());

    let metrics: MetricsServer;
    try {
      metrics = await agentlens.startMetricsServer({ port: metricsPort });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new DemoStartError(
          `metrics port ${metricsPort} is in use; pick another with --metrics-port (0 = any free port)`,
        );
      }
      throw error;
    }

    const abort = new AbortController();
    // Every sleep and request in flight listens to it: hundreds at a high rate, none of them a leak.
    setMaxListeners(0, abort.signal);
    let stopping = false;
    let callIds = 0;
    const player: Player = {
      agentlens,
      providerUrl: provider.url,
      scale,
      signal: abort.signal,
      stopping: () => stopping,
      nextCallId: () => `call_${(++callIds).toString(36).padStart(6, '0')}`,
    };
    const inFlight = new Set<Promise<void>>();
    const schedule = workloadSchedule({ seed, rate, ...(durationMs === undefined ? {} : { durationMs }) });
    let next = schedule.next();
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;

    const launch = (plan: ConversationPlan) => {
      counts.conversationsStarted++;
      counts.conversationsRunning++;
      const run: Promise<void> = runConversation(player, plan).finally(() => {
        counts.conversationsRunning--;
        inFlight.delete(run);
      });
      inFlight.add(run);
    };
    const tick = () => {
      timer = undefined;
      if (stopping) return;
      const now = performance.now() - startedAt;
      while (!next.done && next.value.startMs <= now) {
        launch(next.value);
        next = schedule.next();
      }
      if (!next.done) timer = setTimeout(tick, Math.max(0, next.value.startMs - now));
    };

    const snapshot = (): DemoCounts => {
      const exporter = agentlens.exporterState();
      return {
        ...counts,
        spansSent: exporter?.spansExported ?? 0,
        spansFailed: exporter?.spansFailed ?? 0,
      };
    };

    let resolveDone: (counts: DemoCounts) => void = () => {};
    let rejectDone: (error: unknown) => void = () => {};
    const done = new Promise<DemoCounts>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    let stopped: Promise<DemoCounts> | undefined;
    let durationTimer: NodeJS.Timeout | undefined;
    const stop = (): Promise<DemoCounts> => {
      stopped ??= (async () => {
        stopping = true;
        clearTimeout(timer);
        clearTimeout(durationTimer);
        const finishing = Promise.allSettled([...inFlight]);
        const grace = new AbortController();
        await Promise.race([
          finishing,
          sleepFor(graceMs, undefined, { signal: grace.signal }).catch(() => {}),
        ]);
        grace.abort();
        if (inFlight.size > 0) abort.abort();
        await Promise.allSettled([...inFlight]);
        // shutdown() flushes spans and logs and closes the metrics server; then the rest, in reverse.
        await cleanUp();
        return snapshot();
      })();
      stopped.then(resolveDone, rejectDone);
      return stopped;
    };
    if (durationMs !== undefined) durationTimer = setTimeout(() => void stop(), durationMs);
    tick();

    return {
      hubUrl,
      embeddedHub: hub !== undefined,
      dbPath,
      metricsUrl: `${metrics.url}/metrics`,
      healthUrl: `${metrics.url}/health`,
      providerUrl: provider.url,
      monitorCommand: `npx agentlens monitor --live --hub ${hubUrl}`,
      counts: snapshot,
      stop,
      done,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

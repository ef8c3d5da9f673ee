/**
 * The demo's workload: a seeded, pure schedule of conversations. Everything that makes a run look
 * the way it does (which agent, which models and tools, token counts, latencies, which calls fail
 * and how they are retried, when the error bursts and cost spikes come) is decided here, from the
 * seed and the rate alone, so the same `--seed` and `--rate` give the same sequence on every
 * machine. The app only plays the plans back against the fake provider and the simulated tools.
 */
import { seededRandom } from '@agentlens/core';

/** The agents of the demo app. */
export const DEMO_AGENTS = ['ChatAgent', 'CodeAgent', 'ResearchAgent', 'AnalysisAgent'] as const;
export type DemoAgent = (typeof DEMO_AGENTS)[number];

/** A window that comes back periodically, in milliseconds since the demo started. */
export interface PeriodicWindow {
  /** Start of the first window. */
  readonly firstAtMs: number;
  /** Start-to-start distance between windows. */
  readonly everyMs: number;
  /** How long each window lasts. */
  readonly lengthMs: number;
}

/**
 * The error burst: 20 s every 3 minutes, the first 2 minutes in. Anthropic answers most calls
 * with 529 overloaded, OpenAI rate-limits or fails more than half of its calls, web_search fails
 * most of the time and sql_query a third of the time (a database failover).
 */
export const ERROR_BURST: PeriodicWindow = { firstAtMs: 120_000, everyMs: 180_000, lengthMs: 20_000 };

/**
 * The cost spike: 40 s every 4 minutes, the first at 1:30. ResearchAgent summarises with
 * claude-opus-4-1 over long contexts (60k to 150k input tokens) instead of its usual models.
 */
export const COST_SPIKE: PeriodicWindow = { firstAtMs: 90_000, everyMs: 240_000, lengthMs: 40_000 };

/**
 * The stuck run: every 7 minutes, the first at 3:20, a ChatAgent run whose model call hangs for
 * `lengthMs` (a minute, where the agent's p95 is a few seconds) before the client gives up and
 * retries. A quick web_search comes first: spans arrive when they end, so a hub sees a run in
 * flight only through the calls inside it that have ended. Scheduled only when it can end before
 * the demo's duration does.
 */
export const STUCK_RUN: PeriodicWindow = { firstAtMs: 200_000, everyMs: 420_000, lengthMs: 60_000 };

/** The tool that is always slow (seconds, where the others take milliseconds). */
export const SLOW_TOOL = 'web_scraper';

/** Whether `atMs` (since the demo started) falls inside one of the windows. */
export function inWindow(window: PeriodicWindow, atMs: number): boolean {
  if (atMs < window.firstAtMs) return false;
  return (atMs - window.firstAtMs) % window.everyMs < window.lengthMs;
}

/** Which HTTP API the fake provider answers a model with. */
export type ProviderApi = 'openai' | 'anthropic';

/** A model the demo calls: the provider name as the GenAI conventions spell it, and its API. */
export interface DemoModel {
  readonly provider: string;
  readonly model: string;
  readonly api: ProviderApi;
  /** Time to the first token, in ms. */
  readonly firstTokenMs: number;
  /** Prefill time per uncached input token, in ms. */
  readonly msPerInputToken: number;
  /** Decode time per output token, in ms. */
  readonly msPerOutputToken: number;
}

/** Every model of the demo; all but `vllm/llama-3.1-8b-instruct` are in the price dataset. */
export const DEMO_MODELS = {
  gpt4oMini: {
    provider: 'openai',
    model: 'gpt-4o-mini',
    api: 'openai',
    firstTokenMs: 350,
    msPerInputToken: 0.01,
    msPerOutputToken: 5,
  },
  gpt41: {
    provider: 'openai',
    model: 'gpt-4.1',
    api: 'openai',
    firstTokenMs: 500,
    msPerInputToken: 0.02,
    msPerOutputToken: 8,
  },
  sonnet: {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    api: 'anthropic',
    firstTokenMs: 650,
    msPerInputToken: 0.02,
    msPerOutputToken: 10,
  },
  haiku: {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    api: 'anthropic',
    firstTokenMs: 400,
    msPerInputToken: 0.01,
    msPerOutputToken: 5,
  },
  opus: {
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    api: 'anthropic',
    firstTokenMs: 1200,
    msPerInputToken: 0.03,
    msPerOutputToken: 14,
  },
  geminiFlash: {
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash',
    api: 'openai',
    firstTokenMs: 300,
    msPerInputToken: 0.005,
    msPerOutputToken: 4,
  },
  selfHosted: {
    provider: 'vllm',
    model: 'llama-3.1-8b-instruct',
    api: 'openai',
    firstTokenMs: 200,
    msPerInputToken: 0.01,
    msPerOutputToken: 9,
  },
} as const satisfies Record<string, DemoModel>;

/** How a model call fails, as the fake provider plays it: 429, 500/529, or no answer. */
export type ModelFailure = 'rate_limit' | 'server_error' | 'timeout';

/** How an attempt after a failed one came about (the `strategy` of `recordErrorRecovery`). */
export type RecoveryStrategy = 'retry' | 'exponential_backoff' | 'fallback_model';

/** One HTTP call to a model. */
export interface ModelAttempt {
  readonly provider: string;
  readonly model: string;
  readonly api: ProviderApi;
  /** All input tokens, cached ones included. 0 when the call fails. */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly outputTokens: number;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  /** How long the provider takes to answer; for a timeout, how long the client waits. */
  readonly latencyMs: number;
  readonly failure: ModelFailure | null;
  /** Wait before this attempt (the backoff); 0 for the first. */
  readonly delayMs: number;
  /** Null for the first attempt, else why there is another one. */
  readonly recovery: RecoveryStrategy | null;
}

/** One execution of a tool. */
export interface ToolAttempt {
  readonly latencyMs: number;
  readonly failure: 'error' | 'timeout' | null;
  readonly errorMessage: string | null;
  readonly delayMs: number;
  readonly recovery: 'retry' | null;
}

export interface ModelStep {
  readonly kind: 'model';
  /** Every attempt up to the first success (or the last failure, which fails the run). */
  readonly attempts: readonly ModelAttempt[];
}

export interface ToolStep {
  readonly kind: 'tool';
  readonly tool: string;
  /** When the last attempt fails: true fails the run, false carries on without the result. */
  readonly required: boolean;
  readonly attempts: readonly ToolAttempt[];
}

export interface ReviewStep {
  readonly kind: 'review';
  readonly reason: string;
  /** How long the reviewer takes, in ms. */
  readonly waitMs: number;
  readonly decision: 'approved' | 'edited' | 'rejected';
}

export type Step = ModelStep | ToolStep | ReviewStep;

/** A node of a workflow and what runs inside it. */
export interface WorkflowNodePlan {
  readonly name: string;
  readonly steps: readonly Step[];
}

/** One user message and the agent run that answers it. */
export interface TurnPlan {
  /** The user's pause before this message, in ms (0 for the first turn). */
  readonly thinkMs: number;
  /** The run as a workflow of nodes; null for a plain run of `steps`. */
  readonly workflow: { readonly name: string; readonly nodes: readonly WorkflowNodePlan[] } | null;
  /** The steps of a plain run (empty for a workflow run). */
  readonly steps: readonly Step[];
}

/** One conversation of the schedule. */
export interface ConversationPlan {
  /** Position in the schedule, from 0. */
  readonly index: number;
  /** `gen_ai.conversation.id`. */
  readonly id: string;
  /** When it starts, in ms since the demo started. */
  readonly startMs: number;
  readonly agent: DemoAgent;
  /** The router's confidence in sending it to `agent` (0..1). */
  readonly routeConfidence: number;
  readonly turns: readonly TurnPlan[];
  readonly errorBurst: boolean;
  readonly costSpike: boolean;
  /** The rare run that hangs far longer than usual (see {@link STUCK_RUN}). */
  readonly stuck: boolean;
}

/** Inputs of the schedule. */
export interface WorkloadOptions {
  /** Seed of the generator. */
  readonly seed: number;
  /** Conversations started per second, on average (Poisson arrivals). */
  readonly rate: number;
  /** Plans start before this (ms since the demo started); absent: the schedule never ends. */
  readonly durationMs?: number;
}

type Random = () => number;

interface ToolProfile {
  /** Median latency, ms; each call varies around it. */
  readonly medianMs: number;
  readonly failRate: number;
  readonly timeoutRate: number;
  /** How long the caller waits before calling it a timeout, ms. */
  readonly timeoutMs: number;
  readonly retries: number;
  readonly errors: readonly string[];
}

const TOOLS: Readonly<Record<string, ToolProfile>> = {
  web_search: {
    medianMs: 650,
    failRate: 0.04,
    timeoutRate: 0.01,
    timeoutMs: 5_000,
    retries: 1,
    errors: ['search backend answered 503 Service Unavailable', 'search quota exceeded for this minute'],
  },
  [SLOW_TOOL]: {
    medianMs: 4_500,
    failRate: 0.03,
    timeoutRate: 0.05,
    timeoutMs: 12_000,
    retries: 0,
    errors: ['page answered 403 Forbidden', 'document too large to parse (18 MB)'],
  },
  file_reader: {
    medianMs: 35,
    failRate: 0.05,
    timeoutRate: 0,
    timeoutMs: 2_000,
    retries: 0,
    errors: [
      "ENOENT: no such file or directory, open 'reports/q3-forecast.csv'",
      'EACCES: permission denied',
    ],
  },
  code_exec: {
    medianMs: 1_300,
    failRate: 0.12,
    timeoutRate: 0.02,
    timeoutMs: 8_000,
    retries: 2,
    errors: [
      'tests failed: 2 of 14 (test_parse_dates, test_empty_input)',
      "SyntaxError in sandbox: Unexpected token '}' (line 41)",
      'sandbox exceeded its 512 MB memory limit',
    ],
  },
  sql_query: {
    medianMs: 220,
    failRate: 0.03,
    timeoutRate: 0.01,
    timeoutMs: 5_000,
    retries: 1,
    errors: ['relation "orders_2024" does not exist', 'canceling statement due to lock timeout'],
  },
  calculator: {
    medianMs: 4,
    failRate: 0.01,
    timeoutRate: 0,
    timeoutMs: 1_000,
    retries: 0,
    errors: ['division by zero'],
  },
};

/** During an error burst the search backend is mostly down and the database fails over. */
const BURST_TOOL_FAIL_RATES: Readonly<Record<string, number>> = { web_search: 0.6, sql_query: 0.35 };

const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;
const chance = (random: Random, p: number): boolean => random() < p;

/** A latency around `median`: log-normal-ish, mostly within 0.6x to 1.8x, rarely 3x. */
function jitter(random: Random, median: number): number {
  const spread = Math.exp((random() + random() + random() - 1.5) * 0.7);
  const tail = chance(random, 0.03) ? 2 + random() : 1;
  return Math.max(1, Math.round(median * spread * tail));
}

/** Weighted choice: `[weight, value]` pairs. */
function weighted<T>(random: Random, options: readonly (readonly [number, T])[]): T {
  const total = options.reduce((sum, [w]) => sum + w, 0);
  let r = random() * total;
  for (const [w, value] of options) {
    r -= w;
    if (r < 0) return value;
  }
  return (options[options.length - 1] as readonly [number, T])[1];
}

interface ModelCallShape {
  readonly model: DemoModel;
  readonly inputTokens: number;
  /** The prefix the provider has cached from earlier calls (system prompt, history). */
  readonly cachedPrefix: number;
  /** The prefix this call writes to the cache (Anthropic bills writes; OpenAI does not report them). */
  readonly cacheWrite: number;
  readonly outputTokens: readonly [number, number];
  readonly finishReason?: 'stop' | 'length' | 'tool_calls';
  /** Another provider's model to fall back to on a 5xx. */
  readonly fallback?: DemoModel;
}

interface Phase {
  readonly errorBurst: boolean;
}

function modelFailure(random: Random, model: DemoModel, phase: Phase): ModelFailure | null {
  const r = random();
  if (phase.errorBurst) {
    if (model.provider === 'anthropic') return r < 0.7 ? 'server_error' : r < 0.75 ? 'rate_limit' : null;
    if (model.provider === 'openai') return r < 0.45 ? 'rate_limit' : r < 0.6 ? 'server_error' : null;
    return r < 0.35 ? 'server_error' : null;
  }
  if (r < 0.015) return 'rate_limit';
  if (r < 0.023) return 'server_error';
  if (r < 0.026) return 'timeout';
  return null;
}

/** OpenAI caches prompt prefixes in 128-token steps from 1024 tokens on. */
function openAiCached(prefix: number, input: number): number {
  const usable = Math.min(prefix, input);
  return usable < 1024 ? 0 : 1024 + Math.floor((usable - 1024) / 128) * 128;
}

function planModelStep(random: Random, shape: ModelCallShape, phase: Phase): ModelStep {
  const attempts: ModelAttempt[] = [];
  let model = shape.model;
  let delayMs = 0;
  let recovery: RecoveryStrategy | null = null;
  for (let i = 0; i < 4; i++) {
    const failure = modelFailure(random, model, phase);
    const cacheRead =
      model.api === 'openai'
        ? openAiCached(shape.cachedPrefix, shape.inputTokens)
        : Math.min(shape.cachedPrefix, shape.inputTokens);
    const cacheWrite =
      model.api === 'anthropic' ? Math.min(shape.cacheWrite, shape.inputTokens - cacheRead) : 0;
    const outputTokens = int(random, shape.outputTokens[0], shape.outputTokens[1]);
    const uncached = shape.inputTokens - cacheRead;
    const fullMs =
      model.firstTokenMs + uncached * model.msPerInputToken + outputTokens * model.msPerOutputToken;
    const latencyMs =
      failure === null
        ? jitter(random, fullMs)
        : failure === 'timeout'
          ? 15_000
          : jitter(random, failure === 'rate_limit' ? 60 : 350);
    attempts.push({
      provider: model.provider,
      model: model.model,
      api: model.api,
      inputTokens: failure === null ? shape.inputTokens : 0,
      cacheReadTokens: failure === null ? cacheRead : 0,
      cacheWriteTokens: failure === null ? cacheWrite : 0,
      outputTokens: failure === null ? outputTokens : 0,
      finishReason: shape.finishReason ?? (outputTokens >= shape.outputTokens[1] * 0.98 ? 'length' : 'stop'),
      latencyMs,
      failure,
      delayMs,
      recovery,
    });
    if (failure === null) break;
    if (failure === 'rate_limit' && i < 2) {
      recovery = 'exponential_backoff';
      delayMs = 500 * 2 ** i + int(random, 0, 250);
    } else if (failure === 'server_error' && shape.fallback !== undefined && model !== shape.fallback) {
      recovery = 'fallback_model';
      delayMs = int(random, 50, 150);
      model = shape.fallback;
    } else if (failure === 'timeout' && i === 0) {
      recovery = 'retry';
      delayMs = int(random, 100, 300);
    } else break;
  }
  return { kind: 'model', attempts };
}

function planToolStep(random: Random, tool: string, required: boolean, phase: Phase): ToolStep {
  const profile = TOOLS[tool];
  if (profile === undefined) throw new RangeError(`no tool profile for ${tool}`);
  const failRate = (phase.errorBurst ? BURST_TOOL_FAIL_RATES[tool] : undefined) ?? profile.failRate;
  const attempts: ToolAttempt[] = [];
  for (let i = 0; i <= profile.retries; i++) {
    const r = random();
    const failure = r < profile.timeoutRate ? 'timeout' : r < profile.timeoutRate + failRate ? 'error' : null;
    const latencyMs =
      failure === 'timeout'
        ? profile.timeoutMs
        : jitter(random, failure === 'error' ? profile.medianMs * 0.4 : profile.medianMs);
    attempts.push({
      latencyMs,
      failure,
      errorMessage:
        failure === 'timeout'
          ? `${tool} timed out after ${profile.timeoutMs / 1000} s`
          : failure === 'error'
            ? pick(random, profile.errors)
            : null,
      delayMs: i === 0 ? 0 : int(random, 100, 400),
      recovery: i === 0 ? null : 'retry',
    });
    if (failure === null) break;
  }
  return { kind: 'tool', tool, required, attempts };
}

function planReview(random: Random, reason: string): ReviewStep {
  return {
    kind: 'review',
    reason,
    waitMs: int(random, 2_000, 8_000),
    decision: weighted(random, [
      [70, 'approved'],
      [20, 'edited'],
      [10, 'rejected'],
    ] as const),
  };
}

const SYSTEM_PROMPT_TOKENS = 1_400;

function chatTurns(random: Random, phase: Phase): TurnPlan[] {
  const count = weighted(random, [
    [35, 1],
    [30, 2],
    [20, 3],
    [15, 4],
  ] as const);
  const model = weighted(random, [
    [72, DEMO_MODELS.gpt4oMini as DemoModel],
    [16, DEMO_MODELS.haiku],
    [9, DEMO_MODELS.geminiFlash],
    [3, DEMO_MODELS.selfHosted],
  ]);
  const turns: TurnPlan[] = [];
  let history = 0;
  for (let t = 0; t < count; t++) {
    const steps: Step[] = [];
    if (chance(random, 0.25)) steps.push(planToolStep(random, 'web_search', false, phase));
    if (chance(random, 0.08)) steps.push(planToolStep(random, 'calculator', false, phase));
    const fresh = int(random, 60, 450) + (steps.length > 0 ? int(random, 300, 1_200) : 0);
    const inputTokens = SYSTEM_PROMPT_TOKENS + history + fresh;
    steps.push(
      planModelStep(
        random,
        {
          model,
          inputTokens,
          // The system prompt (and, after the first turn, the history) is served from the cache.
          cachedPrefix:
            t === 0 ? (chance(random, 0.6) ? SYSTEM_PROMPT_TOKENS : 0) : SYSTEM_PROMPT_TOKENS + history,
          cacheWrite: t === 0 ? SYSTEM_PROMPT_TOKENS : fresh,
          outputTokens: [80, 420],
          ...(model === DEMO_MODELS.selfHosted ? {} : { fallback: DEMO_MODELS.gpt4oMini }),
        },
        phase,
      ),
    );
    history += fresh + 250;
    turns.push({ thinkMs: t === 0 ? 0 : int(random, 1_500, 6_000), workflow: null, steps });
  }
  return turns;
}

function codeTurns(random: Random, phase: Phase): TurnPlan[] {
  const count = chance(random, 0.3) ? 2 : 1;
  const main = chance(random, 0.8) ? DEMO_MODELS.sonnet : DEMO_MODELS.gpt41;
  const fallback = main === DEMO_MODELS.sonnet ? DEMO_MODELS.gpt41 : DEMO_MODELS.sonnet;
  const turns: TurnPlan[] = [];
  for (let t = 0; t < count; t++) {
    const context = int(random, 2_000, 9_000);
    const nodes: WorkflowNodePlan[] = [
      {
        name: 'plan',
        steps: [
          planModelStep(
            random,
            {
              model: main,
              inputTokens: 2_200 + context,
              cachedPrefix: t === 0 ? 2_200 : 2_200 + context,
              cacheWrite: 2_200,
              outputTokens: [180, 650],
              fallback,
            },
            phase,
          ),
        ],
      },
    ];
    const reads = int(random, 1, 3);
    const implement: Step[] = [];
    for (let i = 0; i < reads; i++) implement.push(planToolStep(random, 'file_reader', false, phase));
    implement.push(
      planModelStep(
        random,
        {
          model: main,
          inputTokens: 2_200 + context + reads * int(random, 800, 4_000),
          cachedPrefix: 2_200 + context,
          cacheWrite: 1_000,
          outputTokens: [300, 1_400],
          finishReason: chance(random, 0.3) ? 'tool_calls' : 'stop',
          fallback,
        },
        phase,
      ),
    );
    nodes.push({ name: 'implement', steps: implement });
    nodes.push({ name: 'test', steps: [planToolStep(random, 'code_exec', true, phase)] });
    if (chance(random, 0.15)) {
      nodes.push({
        name: 'human_review',
        steps: [planReview(random, 'change touches a production configuration file')],
      });
    }
    turns.push({
      thinkMs: t === 0 ? 0 : int(random, 3_000, 9_000),
      workflow: { name: 'code_change', nodes },
      steps: [],
    });
  }
  return turns;
}

function researchTurns(random: Random, phase: Phase & { costSpike: boolean }): TurnPlan[] {
  const count = chance(random, 0.35) ? 2 : 1;
  const turns: TurnPlan[] = [];
  for (let t = 0; t < count; t++) {
    const steps: Step[] = [
      planModelStep(
        random,
        {
          model: DEMO_MODELS.geminiFlash,
          inputTokens: int(random, 900, 2_400),
          cachedPrefix: t === 0 ? 0 : 800,
          cacheWrite: 0,
          outputTokens: [60, 240],
          finishReason: 'tool_calls',
          fallback: DEMO_MODELS.gpt4oMini,
        },
        phase,
      ),
    ];
    const searches = int(random, 2, phase.costSpike ? 6 : 4);
    for (let i = 0; i < searches; i++) steps.push(planToolStep(random, 'web_search', false, phase));
    const scrapes = int(random, 1, 2);
    for (let i = 0; i < scrapes; i++) steps.push(planToolStep(random, SLOW_TOOL, false, phase));
    const summarizer = phase.costSpike
      ? DEMO_MODELS.opus
      : chance(random, 0.5)
        ? DEMO_MODELS.gpt41
        : DEMO_MODELS.sonnet;
    const inputTokens = phase.costSpike ? int(random, 60_000, 150_000) : int(random, 6_000, 28_000);
    steps.push(
      planModelStep(
        random,
        {
          model: summarizer,
          inputTokens,
          cachedPrefix: t === 0 ? 1_800 : Math.floor(inputTokens * 0.6),
          cacheWrite: Math.floor(inputTokens * 0.3),
          outputTokens: phase.costSpike ? [700, 1_600] : [300, 900],
          fallback: summarizer === DEMO_MODELS.gpt41 ? DEMO_MODELS.sonnet : DEMO_MODELS.gpt41,
        },
        phase,
      ),
    );
    turns.push({ thinkMs: t === 0 ? 0 : int(random, 4_000, 12_000), workflow: null, steps });
  }
  return turns;
}

function analysisTurns(random: Random, phase: Phase): TurnPlan[] {
  const count = chance(random, 0.3) ? 2 : 1;
  const analyst = chance(random, 0.8) ? DEMO_MODELS.gpt41 : DEMO_MODELS.geminiFlash;
  const turns: TurnPlan[] = [];
  for (let t = 0; t < count; t++) {
    const load: Step[] = [planToolStep(random, 'sql_query', true, phase)];
    if (chance(random, 0.5)) load.push(planToolStep(random, 'file_reader', false, phase));
    const analyze: Step[] = [
      planModelStep(
        random,
        {
          model: analyst,
          inputTokens: int(random, 4_000, 14_000),
          cachedPrefix: t === 0 ? 1_500 : 4_000,
          cacheWrite: 0,
          outputTokens: [300, 950],
          fallback: DEMO_MODELS.sonnet,
        },
        phase,
      ),
    ];
    if (chance(random, 0.6)) analyze.push(planToolStep(random, 'code_exec', false, phase));
    const nodes: WorkflowNodePlan[] = [
      { name: 'load_data', steps: load },
      { name: 'analyze', steps: analyze },
    ];
    if (chance(random, 0.2)) {
      nodes.push({
        name: 'human_review',
        steps: [planReview(random, 'finding changes a reported revenue figure')],
      });
    }
    nodes.push({
      name: 'report',
      steps: [
        planModelStep(
          random,
          {
            model: DEMO_MODELS.gpt4oMini,
            inputTokens: int(random, 1_800, 4_500),
            cachedPrefix: 1_200,
            cacheWrite: 0,
            outputTokens: [300, 800],
            fallback: DEMO_MODELS.haiku,
          },
          phase,
        ),
      ],
    });
    turns.push({
      thinkMs: t === 0 ? 0 : int(random, 4_000, 10_000),
      workflow: { name: 'data_analysis', nodes },
      steps: [],
    });
  }
  return turns;
}

/** The stuck run: one ChatAgent turn whose first model call hangs until the client gives up. */
function stuckTurn(random: Random, hangMs: number): TurnPlan {
  const step = planModelStep(
    random,
    {
      model: DEMO_MODELS.gpt4oMini,
      inputTokens: SYSTEM_PROMPT_TOKENS + 600,
      cachedPrefix: SYSTEM_PROMPT_TOKENS,
      cacheWrite: 0,
      outputTokens: [120, 300],
    },
    { errorBurst: false },
  );
  const answer = step.attempts[step.attempts.length - 1] as ModelAttempt;
  const hung: ModelAttempt = {
    ...answer,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    latencyMs: hangMs,
    failure: 'timeout',
    delayMs: 0,
    recovery: null,
  };
  const retried: ModelAttempt = { ...answer, failure: null, delayMs: 250, recovery: 'retry' };
  const search: ToolStep = {
    kind: 'tool',
    tool: 'web_search',
    required: false,
    attempts: [
      { latencyMs: jitter(random, 650), failure: null, errorMessage: null, delayMs: 0, recovery: null },
    ],
  };
  return { thinkMs: 0, workflow: null, steps: [search, { kind: 'model', attempts: [hung, retried] }] };
}

function agentTurns(random: Random, agent: DemoAgent, phase: Phase & { costSpike: boolean }): TurnPlan[] {
  switch (agent) {
    case 'ChatAgent':
      return chatTurns(random, phase);
    case 'CodeAgent':
      return codeTurns(random, phase);
    case 'ResearchAgent':
      return researchTurns(random, phase);
    case 'AnalysisAgent':
      return analysisTurns(random, phase);
  }
}

/**
 * The schedule, lazily, in start order: Poisson arrivals at `rate`, agents weighted 40 / 20 / 20
 * / 20 (Chat / Code / Research / Analysis), error bursts, cost spikes and the occasional stuck run
 * at the times of {@link ERROR_BURST}, {@link COST_SPIKE} and {@link STUCK_RUN}. Pure: the same
 * options give the same plans, whatever the clock says.
 *
 * @example
 * for (const plan of workloadSchedule({ seed: 1, rate: 2, durationMs: 60_000 })) console.log(plan.agent);
 */
export function* workloadSchedule(options: WorkloadOptions): Generator<ConversationPlan, void, undefined> {
  const { seed, rate, durationMs } = options;
  if (!(Number.isFinite(rate) && rate > 0))
    throw new RangeError(`rate must be a positive number, got ${rate}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const random = seededRandom(seed);
  const end = durationMs ?? Number.POSITIVE_INFINITY;
  let at = 0;
  let index = 0;
  let nextStuckMs = STUCK_RUN.firstAtMs;
  while (true) {
    at += (-Math.log(1 - random()) / rate) * 1000;
    const startMs = Math.round(at);
    if (startMs >= end) return;
    if (startMs >= nextStuckMs) {
      // Its own plan beside the regular arrivals; it must end (and be flushed) before the demo does.
      const stuckAt = nextStuckMs;
      nextStuckMs += STUCK_RUN.everyMs;
      if (stuckAt + STUCK_RUN.lengthMs + 15_000 <= end) {
        yield {
          index,
          id: `conv-${seed}-${index}`,
          startMs: stuckAt,
          agent: 'ChatAgent',
          routeConfidence: 0.93,
          turns: [stuckTurn(random, STUCK_RUN.lengthMs)],
          errorBurst: inWindow(ERROR_BURST, stuckAt),
          costSpike: inWindow(COST_SPIKE, stuckAt),
          stuck: true,
        };
        index++;
      }
    }
    const errorBurst = inWindow(ERROR_BURST, startMs);
    const costSpike = inWindow(COST_SPIKE, startMs);
    const agent = weighted(random, [
      [40, 'ChatAgent'],
      [20, 'CodeAgent'],
      [20, 'ResearchAgent'],
      [20, 'AnalysisAgent'],
    ] as const);
    const routeConfidence = Math.round((0.55 + random() * 0.45) * 100) / 100;
    yield {
      index,
      id: `conv-${seed}-${index}`,
      startMs,
      agent,
      routeConfidence,
      turns: agentTurns(random, agent, { errorBurst, costSpike }),
      errorBurst,
      costSpike,
      stuck: false,
    };
    index++;
  }
}

/** The whole schedule up to `durationMs`, as an array (tests, and a look at what a seed does). */
export function planWorkload(options: WorkloadOptions & { readonly durationMs: number }): ConversationPlan[] {
  return [...workloadSchedule(options)];
}

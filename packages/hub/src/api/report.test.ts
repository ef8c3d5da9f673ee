import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENAI_PRICES_DATASET, GENAI_PRICES_DATE, type Report, ReportSchema } from '@agentlens/core';
import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HubApiError, HubClient, type StatsGroup, type WindowQuery } from '../client/index.js';
import { createHub, type Hub } from '../hub.js';

/**
 * `GET /api/report` end to end: spans sent by the official OpenTelemetry exporter over OTLP/HTTP,
 * the report read back through the typed client, checked against the schema and against what
 * `GET /api/stats` answers for the same window.
 */

let dir: string;
let hub: Hub;
let client: HubClient;
const providers: BasicTracerProvider[] = [];
/** Five minutes ago: the workload's spans start here. */
const T0 = Date.now() - 5 * 60_000;
/** The report and stats windows of the checks: explicit, so that both read the same minutes. */
const WINDOW: WindowQuery = { from: T0 - 3_600_000, to: Date.now() + 120_000 };
const BUDGET_USD = 0.001;

function tracerFor(service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${hub.url}/v1/traces` }))],
  });
  providers.push(provider);
  return { tracer: provider.getTracer('report-test'), flush: () => provider.forceFlush() };
}

type Tracer = ReturnType<typeof tracerFor>['tracer'];

function agentSpan(tracer: Tracer, agent: string, startMs: number): { root: Span; ctx: Context } {
  const root = tracer.startSpan(`invoke_agent ${agent}`, {
    kind: SpanKind.INTERNAL,
    startTime: startMs,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent },
  });
  return { root, ctx: trace.setSpan(ROOT_CONTEXT, root) };
}

function chat(
  tracer: Tracer,
  ctx: Context,
  agent: string,
  provider: string,
  model: string,
  startMs: number,
  endMs: number,
  fail?: { type: string; message: string },
): void {
  const span = tracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      startTime: startMs,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': model,
        'gen_ai.agent.name': agent,
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 200,
        'gen_ai.usage.cache_read.input_tokens': 400,
      },
    },
    ctx,
  );
  if (fail !== undefined) {
    span.setAttribute('error.type', fail.type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: fail.message });
  }
  span.end(endMs);
}

function tool(
  tracer: Tracer,
  ctx: Context,
  agent: string,
  name: string,
  startMs: number,
  endMs: number,
  fails = false,
): void {
  const span = tracer.startSpan(
    `execute_tool ${name}`,
    {
      startTime: startMs,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': name,
        'gen_ai.agent.name': agent,
      },
    },
    ctx,
  );
  if (fails) {
    // No status message: the report takes the exception event's.
    span.recordException({ name: 'TimeoutError', message: `${name} timed out` }, endMs - 1);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(endMs);
}

/** Three finished runs: two of `planner` (the second failing) in `checkout`, one of `writer` in `docs`. */
async function sendWorkload(): Promise<void> {
  const checkout = tracerFor('checkout');
  const first = agentSpan(checkout.tracer, 'planner', T0);
  chat(checkout.tracer, first.ctx, 'planner', 'openai', 'gpt-4o', T0 + 100, T0 + 900);
  tool(checkout.tracer, first.ctx, 'planner', 'search', T0 + 1000, T0 + 1500);
  first.root.end(T0 + 2000);
  const second = agentSpan(checkout.tracer, 'planner', T0 + 10_000);
  chat(checkout.tracer, second.ctx, 'planner', 'openai', 'gpt-4o', T0 + 10_100, T0 + 10_700);
  tool(checkout.tracer, second.ctx, 'planner', 'search', T0 + 10_800, T0 + 12_000, true);
  second.root.setAttribute('error.type', 'ToolError');
  second.root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
  second.root.end(T0 + 12_500);
  await checkout.flush();
  const docs = tracerFor('docs');
  const run = agentSpan(docs.tracer, 'writer', T0 + 20_000);
  chat(docs.tracer, run.ctx, 'writer', 'anthropic', 'claude-sonnet-4', T0 + 20_100, T0 + 21_000, {
    type: 'RateLimitError',
    message: 'slow down',
  });
  run.root.end(T0 + 22_000);
  await docs.flush();
}

/** What the report must show for a stats group, in the report's field names. */
function asAgent(g: StatsGroup) {
  return {
    name: g.name,
    requests: g.requests,
    successes: g.requests - g.failures,
    failures: g.failures,
    successRate: g.successRate,
    avgResponseTime: g.avgLatencySeconds,
    p50ResponseTime: g.p50LatencySeconds,
    p95ResponseTime: g.p95LatencySeconds,
    p99ResponseTime: g.p99LatencySeconds,
    tokens: g.tokens.input + g.tokens.output,
    cost: g.costUsd,
  };
}

async function expectStatsFigures(report: Report, query: WindowQuery & { service?: string }): Promise<void> {
  const [overview] = (await client.stats('overview', query)).groups;
  const { name: _name, ...overall } = asAgent(overview);
  expect(report.overview).toEqual({
    ...overall,
    modelCalls: overview.modelCalls,
    toolCalls: overview.toolCalls,
    unpricedCalls: overview.unpricedCalls,
    errors: overview.errorSpans,
  });
  const agents = (await client.stats('agents', query)).groups;
  expect(report.agents.map(({ inFlight: _i, oldestInFlightSeconds: _o, ...rest }) => rest)).toEqual(
    agents.map(asAgent),
  );
  const tools = (await client.stats('tools', query)).groups;
  expect(report.tools.map(({ recentFailures: _r, ...rest }) => rest)).toEqual(
    tools.map((g) => ({
      name: g.name,
      uses: g.requests,
      successes: g.requests - g.failures,
      failures: g.failures,
      successRate: g.successRate,
      avgExecutionTime: g.avgLatencySeconds,
      p95ExecutionTime: g.p95LatencySeconds,
    })),
  );
  const models = (await client.stats('models', query)).groups;
  expect(report.models).toEqual(
    models.map((g) => ({
      provider: g.provider,
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
    })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-report-'));
  hub = await createHub({ port: 0, dbPath: join(dir, 'hub.db'), dailyBudgetUsd: BUDGET_USD });
  client = new HubClient({ baseUrl: hub.url });
  await sendWorkload();
});

afterAll(async () => {
  await Promise.all(providers.map((p) => p.shutdown()));
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/report', () => {
  it('answers one report-schema document whose figures are the stats answers', async () => {
    const report = await client.report(WINDOW);
    expect(ReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({
      schema: 'agentlens.report/v1',
      source: 'hub',
      service: '*',
      window: 'custom',
    });
    await expectStatsFigures(report, WINDOW);
    expect(report.overview).toMatchObject({
      requests: 3,
      failures: 1,
      modelCalls: 3,
      toolCalls: 2,
      errors: 3,
    });
    // Tokens as the SDK counts them: input plus output (the cached ones are part of the input).
    expect(report.overview.tokens).toBe(3 * 1200);
    expect(report.agents.map((a) => [a.name, a.requests, a.inFlight, a.oldestInFlightSeconds])).toEqual([
      ['planner', 2, 0, null],
      ['writer', 1, 0, null],
    ]);
    expect(report.models.map((m) => [m.provider, m.model, m.cacheReadTokens])).toEqual([
      ['openai', 'gpt-4o', 800],
      ['anthropic', 'claude-sonnet-4', 400],
    ]);
  });

  it('lists the newest errors with the component, type and message the SDK would give them', async () => {
    const report = await client.report(WINDOW);
    expect(report.errors.map(({ time: _t, context: _c, ...rest }) => rest)).toEqual([
      {
        component: 'model:anthropic/claude-sonnet-4',
        errorType: 'RateLimitError',
        message: 'slow down',
      },
      { component: 'agent:planner', errorType: 'ToolError', message: 'tool failed' },
      { component: 'tool:search', errorType: 'TimeoutError', message: 'search timed out' },
    ]);
    expect(report.errors.map((e) => Date.parse(e.time) - T0)).toEqual([21_000, 12_500, 12_000]);
    const [first] = report.errors;
    expect(first?.context).toEqual({
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.any(String),
      service: 'docs',
    });
    const detail = await client.getTrace(first?.context.traceId as string);
    expect(detail?.spans.map((s) => s.spanId)).toContain(first?.context.spanId);
    const search = report.tools.find((t) => t.name === 'search');
    expect(search?.recentFailures).toEqual([
      { time: new Date(T0 + 12_000).toISOString(), message: 'search timed out', agentName: 'planner' },
    ]);
  });

  it('judges health by the SDK rules over the window, with the hub process and the daily budget', async () => {
    const report = await client.report(WINDOW);
    const { health } = report;
    const day = Date.now() - (Date.now() % 86_400_000);
    const [today] = (await client.stats('overview', { from: day, to: Date.now() })).groups;
    expect(health).toMatchObject({
      requestsInWindow: 3,
      failuresInWindow: 1,
      errorsInWindow: 3,
      totalRequests: 3,
      activeAgents: 2,
      successRate: 2 / 3,
      windowSeconds: ((WINDOW.to as number) - (WINDOW.from as number)) / 1000,
      instrumentation: {
        exporter: null,
        invalidRecords: 0,
        priceDataset: GENAI_PRICES_DATASET,
        priceDatasetDate: GENAI_PRICES_DATE,
      },
    });
    expect(health.budget).toEqual({
      dailyUsd: BUDGET_USD,
      spentTodayUsd: today.costUsd,
      remainingUsd: BUDGET_USD - today.costUsd,
      exceeded: today.costUsd > BUDGET_USD,
    });
    // Two priced gpt-4o calls are well over a tenth of a cent (unless the run straddles midnight UTC).
    if (today.costUsd > BUDGET_USD) {
      expect(health.status).toBe('degraded');
      expect(health.reasons).toEqual([
        expect.stringMatching(/^spend today \$0\.0\d is over the daily budget of \$0\.00$/),
      ]);
    }
    expect(health.uptimeSeconds).toBeGreaterThan(0);
    expect(health.memory.rssBytes).toBeGreaterThan(0);
  });

  it('narrows every section to one service', async () => {
    const query = { ...WINDOW, service: 'docs' };
    const report = await client.report(query);
    ReportSchema.parse(report);
    expect(report.service).toBe('docs');
    await expectStatsFigures(report, query);
    expect(report.agents.map((a) => a.name)).toEqual(['writer']);
    expect(report.errors.map((e) => e.component)).toEqual(['model:anthropic/claude-sonnet-4']);
    expect(report.tools).toEqual([]);
  });

  it('names a relative window as asked and defaults to the last hour', async () => {
    const fifteen = await client.report({ window: '15m' });
    expect(fifteen.window).toBe('15m');
    expect(fifteen.health.windowSeconds).toBe(900);
    expect(fifteen.overview.requests).toBe(3);
    const week = await client.report({ window: '7d' });
    expect(week.window).toBe('7d');
    const plain = await client.report();
    expect(plain.window).toBe('1h');
    expect(plain.health.windowSeconds).toBe(3600);
  });

  it('answers 400 for a parameter it does not know or cannot read', async () => {
    for (const query of [{ agnet: 'x' }, { window: 'soon' }, { window: '1h', from: '0' }] as const) {
      const error = await client.report(query as WindowQuery).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubApiError);
      expect(error).toMatchObject({ status: 400, code: 'bad_request' });
    }
  });
});

describe('runs in flight', () => {
  it('counts a run whose calls arrived without its agent span, until the agent span comes', async () => {
    const { tracer, flush } = tracerFor('checkout');
    const now = Date.now();
    const run = agentSpan(tracer, 'slowpoke', now - 40_000);
    chat(tracer, run.ctx, 'slowpoke', 'openai', 'gpt-4o', now - 30_000, now - 20_000);
    await flush();
    const open = await client.report({ window: '15m' });
    ReportSchema.parse(open);
    const slowpoke = open.agents.find((a) => a.name === 'slowpoke');
    // No request has finished yet: the run in flight and its call's tokens are all there is.
    expect(slowpoke).toMatchObject({ requests: 0, inFlight: 1, successRate: 1, tokens: 1200 });
    const age = (Date.now() - (now - 30_000)) / 1000;
    expect(slowpoke?.oldestInFlightSeconds).toBeGreaterThanOrEqual(30);
    expect(slowpoke?.oldestInFlightSeconds).toBeLessThanOrEqual(age);
    expect(open.health.activeAgents).toBe(2);
    // The agents stats carry the same runs in flight, for a table that needs no report.
    const stats = await client.stats('agents', { window: '15m' });
    const statsRun = stats.inFlight?.find((r) => r.agentName === 'slowpoke');
    expect(statsRun?.runs).toBe(1);
    expect(statsRun?.oldestInFlightSeconds).toBeGreaterThanOrEqual(30);
    expect(statsRun?.oldestInFlightSeconds).toBeLessThanOrEqual((Date.now() - (now - 30_000)) / 1000);
    expect((await client.stats('agents', { window: '15m', agent: 'nobody' })).inFlight).toEqual([]);
    // The runs in flight are as of now: a past window shows them too, with no figures of its own.
    const past = await client.report({ from: T0 - 7_200_000, to: T0 - 3_600_000 });
    expect(past.agents).toEqual([
      expect.objectContaining({ name: 'slowpoke', requests: 0, tokens: 0, inFlight: 1, p95ResponseTime: 0 }),
    ]);

    run.root.end(Date.now());
    await flush();
    const closed = await client.report({ window: '15m' });
    expect((await client.stats('agents', { window: '15m' })).inFlight).toEqual([]);
    expect(closed.agents.find((a) => a.name === 'slowpoke')).toMatchObject({
      requests: 1,
      inFlight: 0,
      oldestInFlightSeconds: null,
      tokens: 1200,
    });
  });
});

describe('the daily budget option', () => {
  it('comes from AGENTLENS_DAILY_BUDGET_USD when the option is absent, and a bad value means none', async () => {
    vi.stubEnv('AGENTLENS_DAILY_BUDGET_USD', '25');
    const withEnv = await createHub({ port: 0, dbPath: join(dir, 'env.db') });
    try {
      const report = await new HubClient({ baseUrl: withEnv.url }).report();
      expect(report.health.budget).toEqual({
        dailyUsd: 25,
        spentTodayUsd: 0,
        remainingUsd: 25,
        exceeded: false,
      });
    } finally {
      await withEnv.close();
    }
    vi.stubEnv('AGENTLENS_DAILY_BUDGET_USD', 'lots');
    const bad = await createHub({ port: 0, dbPath: join(dir, 'bad-env.db') });
    try {
      expect((await new HubClient({ baseUrl: bad.url }).report()).health.budget).toBeNull();
    } finally {
      await bad.close();
      vi.unstubAllEnvs();
    }
  });

  it('refuses a budget option that is not a positive number', async () => {
    await expect(createHub({ port: 0, dbPath: join(dir, 'x.db'), dailyBudgetUsd: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(
      createHub({ port: 0, dbPath: join(dir, 'x.db'), dailyBudgetUsd: Number.NaN }),
    ).rejects.toThrow('dailyBudgetUsd must be a positive number');
  });
});

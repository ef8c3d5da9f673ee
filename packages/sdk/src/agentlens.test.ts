import { LATENCY_RELATIVE_ACCURACY, PriceCatalog, ReportSchema, seededRandom } from '@agentlens/core';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Agentlens, createAgentlens, InvalidRecordError } from './agentlens.js';
import { AgentlensConfigError } from './config.js';
import { parseSamples, samplesOf, sampleValue } from './test-support/exposition.test-helpers.js';
import { recordEveryFamily } from './test-support/record-everything.test-helpers.js';

function quiet(options: Parameters<typeof createAgentlens>[0] = {}): Agentlens {
  return createAgentlens({ processMetrics: false, ...options });
}

/** Captures the SDK's diagnostics, which go to stderr once a log level is set. */
function captureStderr(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('recording functions', () => {
  it('recordAgentRequest feeds the counter, histogram, tokens, cost and errors from one call', async () => {
    const al = quiet();
    al.recordAgentRequest({
      agentName: 'ChatAgent',
      success: true,
      responseTime: 0.3,
      tokens: 100,
      cost: 0.01,
    });
    al.recordAgentRequest({ agentName: 'ChatAgent', success: true, responseTime: 3, tokens: 50, cost: 0.02 });
    al.recordAgentRequest({
      agentName: 'ChatAgent',
      success: false,
      responseTime: 40,
      errorType: 'TimeoutError',
    });
    const text = await al.metrics();
    const agent = { agent_name: 'ChatAgent' };
    expect(sampleValue(text, 'agent_requests_total', { ...agent, status: 'success' })).toBe(2);
    expect(sampleValue(text, 'agent_requests_total', { ...agent, status: 'error' })).toBe(1);
    expect(sampleValue(text, 'agent_errors_total', { ...agent, error_type: 'TimeoutError' })).toBe(1);
    expect(sampleValue(text, 'agent_tokens_total', agent)).toBe(150);
    expect(sampleValue(text, 'agent_cost_usd_total', agent)).toBeCloseTo(0.03, 12);
    const bucket = (le: string) =>
      sampleValue(text, 'agent_request_duration_seconds_bucket', { ...agent, le });
    expect([
      bucket('0.25'),
      bucket('0.5'),
      bucket('2.5'),
      bucket('5'),
      bucket('30'),
      bucket('60'),
      bucket('+Inf'),
    ]).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(sampleValue(text, 'agent_request_duration_seconds_sum', agent)).toBeCloseTo(43.3, 12);
    expect(sampleValue(text, 'agent_request_duration_seconds_count', agent)).toBe(3);
  });

  it('recordModelCall records tokens by type, cost, unpriced calls and the GenAI histograms', async () => {
    const al = quiet();
    const base = { provider: 'openai', model: 'gpt-4o', duration: 0.5 } as const;
    al.recordModelCall({
      ...base,
      status: 'success',
      inputTokens: 1000,
      outputTokens: 200,
      cachedInputTokens: 600,
      cost: 0.004,
    });
    // No cost given: priced from the dataset, exactly as the price catalog prices it.
    al.recordModelCall({ ...base, status: 'success', inputTokens: 10, outputTokens: 5 });
    al.recordModelCall({
      provider: 'acme',
      model: 'in-house-7b',
      status: 'success',
      duration: 1,
      inputTokens: 3,
    });
    al.recordModelCall({ ...base, status: 'timeout' });
    al.recordModelCall({
      ...base,
      status: 'success',
      responseModel: 'gpt-4o-2024-08-06',
      inputTokens: 7,
      cost: 0.001,
    });
    const text = await al.metrics();
    const model = { provider: 'openai', model: 'gpt-4o' };
    expect(sampleValue(text, 'model_calls_total', { ...model, status: 'success' })).toBe(3);
    expect(sampleValue(text, 'model_calls_total', { ...model, status: 'timeout' })).toBe(1);
    expect(sampleValue(text, 'model_tokens_total', { ...model, type: 'input' })).toBe(1017);
    expect(sampleValue(text, 'model_tokens_total', { ...model, type: 'output' })).toBe(205);
    expect(sampleValue(text, 'model_tokens_total', { ...model, type: 'cache_read' })).toBe(600);
    const listed = new PriceCatalog().price('openai', 'gpt-4o', { inputTokens: 10, outputTokens: 5 });
    if (!listed.priced) throw new Error('gpt-4o has a price in the dataset');
    expect(sampleValue(text, 'model_cost_usd_total', model)).toBeCloseTo(0.005 + listed.usd, 12);
    expect(sampleValue(text, 'model_calls_unpriced_total', model)).toBe(0);
    expect(sampleValue(text, 'model_calls_unpriced_total', { provider: 'acme', model: 'in-house-7b' })).toBe(
      1,
    );
    expect(sampleValue(text, 'model_cost_usd_total', { provider: 'acme', model: 'in-house-7b' })).toBe(0);
    const genAi = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o',
      gen_ai_response_model: 'gpt-4o',
    };
    expect(sampleValue(text, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'input' })).toBe(
      1010,
    );
    expect(
      sampleValue(text, 'gen_ai_client_token_usage_count', { ...genAi, gen_ai_token_type: 'output' }),
    ).toBe(2);
    expect(
      sampleValue(text, 'gen_ai_client_token_usage_sum', {
        ...genAi,
        gen_ai_response_model: 'gpt-4o-2024-08-06',
        gen_ai_token_type: 'input',
      }),
    ).toBe(7);
    expect(
      sampleValue(text, 'gen_ai_client_operation_duration_seconds_count', { ...genAi, error_type: '' }),
    ).toBe(2);
    expect(
      sampleValue(text, 'gen_ai_client_operation_duration_seconds_count', {
        ...genAi,
        error_type: 'timeout',
      }),
    ).toBe(1);
  });

  it('startAgentRequest tracks in-flight requests and measures the duration itself', async () => {
    const al = quiet();
    const end = al.startAgentRequest('SlowAgent');
    expect(sampleValue(await al.metrics(), 'agent_requests_in_flight', { agent_name: 'SlowAgent' })).toBe(1);
    expect(al.snapshot().agents[0]?.inFlight).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    end({ success: true, tokens: 5 });
    end({ success: false });
    const text = await al.metrics();
    expect(sampleValue(text, 'agent_requests_in_flight', { agent_name: 'SlowAgent' })).toBe(0);
    expect(sampleValue(text, 'agent_requests_total', { agent_name: 'SlowAgent', status: 'success' })).toBe(1);
    expect(sampleValue(text, 'agent_requests_total', { agent_name: 'SlowAgent', status: 'error' })).toBe(0);
    expect(
      sampleValue(text, 'agent_request_duration_seconds_sum', { agent_name: 'SlowAgent' }),
    ).toBeGreaterThanOrEqual(0.025);
  });

  it('keeps gauges and pending reviews from going negative', async () => {
    const al = quiet();
    al.recordHumanReviewRequested({ workflowName: 'w', reason: 'quality_check' });
    al.recordHumanReviewCompleted({ workflowName: 'w', decision: 'approved', duration: 60 });
    al.recordHumanReviewCompleted({ workflowName: 'w', decision: 'approved', duration: 60 });
    al.conversationEnded({ agentName: 'a', messages: 3 });
    al.adjustHttpRequestsInFlight(-1);
    const text = await al.metrics();
    expect(sampleValue(text, 'workflow_human_reviews_pending')).toBe(0);
    expect(
      sampleValue(text, 'workflow_human_reviews_completed_total', {
        workflow_name: 'w',
        decision: 'approved',
      }),
    ).toBe(2);
    expect(sampleValue(text, 'active_conversations')).toBe(0);
    expect(sampleValue(text, 'http_requests_in_flight')).toBe(0);
  });
});

describe('bad values', () => {
  const bad: [string, (al: Agentlens) => void][] = [
    [
      'NaN duration',
      (al) => al.recordAgentRequest({ agentName: 'A', success: true, responseTime: Number.NaN }),
    ],
    [
      'negative duration',
      (al) => al.recordAgentRequest({ agentName: 'A', success: true, responseTime: -0.1 }),
    ],
    [
      'infinite duration',
      (al) => al.recordToolUsage({ toolName: 't', success: true, executionTime: Infinity }),
    ],
    ['empty agent name', (al) => al.recordAgentRequest({ agentName: '', success: true, responseTime: 1 })],
    [
      'fractional tokens',
      (al) => al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 1, tokens: 1.5 }),
    ],
    [
      'negative cost',
      (al) => al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 1, cost: -1 }),
    ],
    [
      'unknown model status',
      (al) =>
        al.recordModelCall({ provider: 'p', model: 'm', status: 'ok' as never, duration: 1, inputTokens: 3 }),
    ],
    [
      'unknown workflow status',
      (al) => al.recordWorkflowExecution({ workflowName: 'w', status: 'done' as never, duration: 1 }),
    ],
    [
      'HTTP status 42',
      (al) => al.recordHttpRequest({ method: 'GET', route: '/', status: 42, duration: 0.1 }),
    ],
    ['confidence 1.5', (al) => al.recordRoutingDecision({ route: 'r', confidence: 1.5 })],
    ['negative gauge', (al) => al.setActiveSessions(-3)],
  ];

  it.each(bad)('%s is dropped whole and counted, never corrupting a series', async (_, record) => {
    const al = quiet();
    al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 1, tokens: 10, cost: 0.5 });
    const before = parseSamples(await al.metrics()).filter((s) => !s.name.startsWith('agentlens_sdk_'));
    record(al);
    const text = await al.metrics();
    const after = parseSamples(text).filter((s) => !s.name.startsWith('agentlens_sdk_'));
    expect(after).toEqual(before);
    expect(samplesOf(text, 'agentlens_sdk_invalid_records_total').reduce((sum, s) => sum + s.value, 0)).toBe(
      1,
    );
    expect(after.every((s) => Number.isFinite(s.value) || s.labels.le === '+Inf')).toBe(true);
  });

  it('reports a dropped record once a minute on stderr when diagnostics are on, with the bad field', () => {
    const stderr = captureStderr();
    const al = quiet({ logLevel: 'warn' });
    for (let i = 0; i < 100; i++) al.recordAgentRequest({ agentName: 'A', success: true, responseTime: -1 });
    stderr.restore();
    const lines = stderr.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(String(lines[0]?.msg)).toContain('responseTime=-1');
  });

  it('is silent by default', () => {
    const stderr = captureStderr();
    const al = quiet();
    al.recordAgentRequest({ agentName: 'A', success: true, responseTime: -1 });
    stderr.restore();
    expect(stderr.lines()).toEqual([]);
  });

  it("throws an InvalidRecordError with onInvalidRecord: 'throw'", () => {
    const al = quiet({ onInvalidRecord: 'throw' });
    expect(() => al.recordAgentRequest({ agentName: 'A', success: true, responseTime: Number.NaN })).toThrow(
      InvalidRecordError,
    );
  });

  it('never throws into the app on garbage input', () => {
    const al = quiet();
    expect(() => al.recordAgentRequest(null as never)).not.toThrow();
    expect(() => al.recordModelCall(undefined as never)).not.toThrow();
    expect(() => al.recordToolUsage({} as never)).not.toThrow();
  });
});

describe('cardinality cap', () => {
  it('folds combinations past the cap into one __overflow__ series, counts them, and warns once', async () => {
    const stderr = captureStderr();
    const al = quiet({ seriesCap: 6, logLevel: 'warn' });
    for (let i = 0; i < 10; i++) {
      al.recordAgentRequest({ agentName: `agent-${i}`, success: true, responseTime: 1, tokens: 1 });
    }
    stderr.restore();
    const text = await al.metrics();
    const requests = samplesOf(text, 'agent_requests_total');
    // Each agent takes two series (success, error): three agents fit in six.
    expect(requests).toHaveLength(7);
    const overflow = { agent_name: '__overflow__', status: '__overflow__' };
    expect(sampleValue(text, 'agent_requests_total', overflow)).toBe(7);
    expect(requests.reduce((sum, s) => sum + s.value, 0)).toBe(10);
    expect(sampleValue(text, 'agent_tokens_total', { agent_name: '__overflow__' })).toBe(4);
    expect(
      sampleValue(text, 'agentlens_sdk_series_overflow_total', { metric: 'agent_requests_total' }),
    ).toBeGreaterThan(0);
    const warnings = stderr
      .lines()
      .filter((l) => String(l.msg).includes('agent_requests_total reached its cap'));
    expect(warnings).toHaveLength(1);
    expect(al.snapshot().agents.map((a) => a.name)).toContain('__overflow__');
    expect(al.snapshot().agents).toHaveLength(7);
  });
});

describe('collector', () => {
  it('aggregates equal what was recorded: exact counts and sums, p95 within the stated error', () => {
    const al = quiet();
    const random = seededRandom(1);
    const agents = ['ChatAgent', 'CodeAgent', 'ResearchAgent'];
    const expected = new Map(
      agents.map((a) => [a, { requests: 0, ok: 0, tokens: 0, cost: 0, times: [] as number[] }]),
    );
    for (let i = 0; i < 3000; i++) {
      const name = agents[i % 3] as string;
      const e = expected.get(name);
      if (!e) throw new Error('unreachable');
      const success = random() > 0.1;
      const responseTime = Math.exp(random() * 4 - 2);
      const tokens = Math.floor(random() * 2000);
      const cost = Math.round(random() * 1e6) / 1e8;
      al.recordAgentRequest({ agentName: name, success, responseTime, tokens, cost });
      e.requests++;
      if (success) e.ok++;
      e.tokens += tokens;
      e.cost += cost;
      e.times.push(responseTime);
    }
    const snapshot = al.snapshot();
    for (const stats of snapshot.agents) {
      const e = expected.get(stats.name);
      if (!e) throw new Error(`unexpected agent ${stats.name}`);
      expect(stats.requests).toBe(e.requests);
      expect(stats.successes).toBe(e.ok);
      expect(stats.failures).toBe(e.requests - e.ok);
      expect(stats.successRate).toBeCloseTo(e.ok / e.requests, 12);
      expect(stats.tokens).toBe(e.tokens);
      expect(stats.cost).toBeCloseTo(e.cost, 10);
      expect(stats.avgResponseTime).toBeCloseTo(e.times.reduce((s, t) => s + t, 0) / e.requests, 10);
      const sorted = [...e.times].sort((a, b) => a - b);
      const exactP95 = sorted[Math.floor(0.95 * (sorted.length - 1))] as number;
      expect(Math.abs(stats.p95ResponseTime - exactP95)).toBeLessThanOrEqual(
        exactP95 * LATENCY_RELATIVE_ACCURACY,
      );
    }
    expect(snapshot.overview.requests).toBe(3000);
  });

  it('keeps per-tool failures, newest first and bounded', () => {
    const al = quiet({ recentFailuresPerTool: 3 });
    for (let i = 0; i < 5; i++) {
      al.recordToolUsage({
        toolName: 'web_search',
        agentName: 'R',
        success: false,
        executionTime: 1,
        errorMessage: `e${i}`,
      });
    }
    al.recordToolUsage({ toolName: 'web_search', success: true, executionTime: 3 });
    const [tool] = al.snapshot().tools;
    expect(tool).toMatchObject({
      name: 'web_search',
      uses: 6,
      successes: 1,
      failures: 5,
      avgExecutionTime: 4 / 3,
    });
    expect(tool?.recentFailures.map((f) => f.message)).toEqual(['e4', 'e3', 'e2']);
    expect(tool?.recentFailures[0]?.agentName).toBe('R');
  });

  it('keeps per-model tokens by type and unpriced calls', () => {
    const al = quiet();
    al.recordModelCall({
      provider: 'anthropic',
      model: 'claude',
      status: 'success',
      duration: 1,
      inputTokens: 100,
      outputTokens: 10,
      cachedInputTokens: 40,
      cacheWriteTokens: 20,
      reasoningTokens: 5,
      cost: 0.5,
    });
    al.recordModelCall({
      provider: 'anthropic',
      model: 'claude',
      status: 'error',
      duration: 3,
      inputTokens: 1,
    });
    expect(al.snapshot().models).toEqual([
      {
        provider: 'anthropic',
        model: 'claude',
        requests: 2,
        failures: 1,
        inputTokens: 101,
        outputTokens: 10,
        cacheReadTokens: 40,
        cacheWriteTokens: 20,
        reasoningTokens: 5,
        avgLatency: 2,
        p95Latency: expect.closeTo(1, 2),
        cost: 0.5,
        unpricedCalls: 1,
      },
    ]);
  });

  it('keeps a bounded error log, newest first, with secrets redacted', () => {
    const al = quiet({ errorLogSize: 2 });
    for (const n of [1, 2, 3]) {
      al.recordError({
        component: 'DataProcessor',
        errorType: 'ValidationError',
        errorMessage: `bad input ${n}`,
        context: { input_size: n, apiKey: 'sk-live-123', nested: { a: 1 } },
      });
    }
    const errors = al.snapshot().errors;
    expect(errors.map((e) => e.message)).toEqual(['bad input 3', 'bad input 2']);
    expect(errors[0]?.context).toEqual({ input_size: 3, apiKey: '[REDACTED]', nested: '{"a":1}' });
    expect(JSON.stringify(al.snapshot())).not.toContain('sk-live-123');
  });

  it('snapshot() matches the report schema', () => {
    const al = quiet();
    recordEveryFamily(al);
    const snapshot = al.snapshot();
    expect(ReportSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.overview.toolCalls).toBe(2);
    expect(snapshot.overview.unpricedCalls).toBe(1);
  });
});

describe('getSystemHealth', () => {
  const record = (al: Agentlens, n: number, failures: number, responseTime = 0.5) => {
    for (let i = 0; i < n; i++) {
      al.recordAgentRequest({ agentName: 'A', success: i >= failures, responseTime });
    }
  };

  it('is healthy with no traffic and with good traffic', () => {
    const al = quiet();
    expect(al.getSystemHealth()).toMatchObject({
      status: 'healthy',
      reasons: [],
      totalRequests: 0,
      successRate: 1,
    });
    record(al, 100, 5);
    expect(al.getSystemHealth()).toMatchObject({
      status: 'healthy',
      totalRequests: 100,
      requestsInWindow: 100,
      failuresInWindow: 5,
      activeAgents: 1,
    });
  });

  it('is degraded under 90 % success or over 10 failures in the window', () => {
    const al = quiet();
    record(al, 100, 11);
    const health = al.getSystemHealth();
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual([
      'success rate 89.0 % in the last 300 s is under 90 %',
      '11 failures in the last 300 s (more than 10)',
    ]);
  });

  it('does not judge the success rate on fewer than minRequests requests', () => {
    const al = quiet();
    record(al, 4, 2);
    expect(al.getSystemHealth().status).toBe('healthy');
  });

  it('is unhealthy under 50 % success, and degraded when responses are slow', () => {
    const al = quiet();
    record(al, 20, 12);
    expect(al.getSystemHealth().status).toBe('unhealthy');
    const slow = quiet();
    record(slow, 20, 0, 8);
    expect(slow.getSystemHealth()).toMatchObject({ status: 'degraded' });
    expect(slow.getSystemHealth().reasons[0]).toContain('average response time 8.00 s');
  });

  it('recovers once failures leave the window', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const al = quiet();
    record(al, 20, 20);
    expect(al.getSystemHealth().status).toBe('unhealthy');
    vi.setSystemTime(new Date('2026-11-22T10:05:11Z'));
    expect(al.getSystemHealth()).toMatchObject({ status: 'healthy', requestsInWindow: 0, totalRequests: 20 });
  });

  it('reports spend against the daily budget, and is degraded once it is exceeded', () => {
    const al = quiet({ budget: { dailyUsd: 1 } });
    al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 1, cost: 0.4 });
    expect(al.getSystemHealth()).toMatchObject({
      status: 'healthy',
      budget: { dailyUsd: 1, spentTodayUsd: 0.4, remainingUsd: 0.6, exceeded: false },
    });
    al.recordModelCall({
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      duration: 1,
      inputTokens: 1,
      cost: 0.7,
    });
    al.recordModelCall({
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      duration: 1,
      inputTokens: 1,
      cost: 0.5,
    });
    const health = al.getSystemHealth();
    expect(health.status).toBe('degraded');
    expect(health.budget).toMatchObject({ spentTodayUsd: 1.2, exceeded: true });
    expect(health.reasons).toEqual(['spend today $1.20 is over the daily budget of $1.00']);
    expect(al.snapshot().health.budget?.exceeded).toBe(true);
    expect(quiet().getSystemHealth().budget).toBeNull();
  });

  it('reports the instrumentation itself: dropped records and the price dataset', () => {
    const al = quiet();
    al.recordAgentRequest({ agentName: 'A', success: true, responseTime: -1 });
    expect(al.getSystemHealth().instrumentation).toMatchObject({
      invalidRecords: 1,
      priceDataset: expect.stringMatching(/^genai-prices /),
      priceDatasetDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('follows custom thresholds', () => {
    const al = quiet({ healthThresholds: { degradedFailures: 0, minRequests: 1000 } });
    record(al, 10, 1);
    expect(al.getSystemHealth().status).toBe('degraded');
  });
});

describe('createAgentlens options', () => {
  it('throws one clear error naming every bad option', () => {
    expect(() =>
      createAgentlens({
        metricPrefix: 'my-app',
        seriesCap: -1,
        defaultLabels: { 'bad-label': 'x' },
      } as never),
    ).toThrow(AgentlensConfigError);
    try {
      createAgentlens({ metricPrefix: 'my-app', seriesCap: 0, nope: true } as never);
    } catch (error) {
      expect(String(error)).toMatch(/metricPrefix/);
      expect(String(error)).toMatch(/seriesCap/);
      expect(String(error)).toMatch(/nope/);
    }
  });

  it('throws at construction when the registry already has these metrics', () => {
    const registry = new Registry();
    createAgentlens({ registry, processMetrics: false });
    expect(() => createAgentlens({ registry, processMetrics: false })).toThrow(/already been registered/);
  });

  it("merges into the user's prom-client registry; prom-client's own exposition matches agentlens' fast one", async () => {
    const registry = new Registry();
    const mine = new Counter({ name: 'my_app_signups_total', help: 'Signups.', registers: [registry] });
    mine.inc(3);
    const al = createAgentlens({ registry, metricPrefix: 'app_', defaultLabels: { region: 'eu' } });
    recordEveryFamily(al, undefined);
    const fast = await al.metrics();
    expect(sampleValue(fast, 'my_app_signups_total', { region: 'eu' })).toBe(3);
    expect(
      sampleValue(fast, 'app_agent_requests_total', {
        agent_name: 'ChatAgent',
        status: 'success',
        region: 'eu',
      }),
    ).toBe(1);
    const viaPromClient = await registry.metrics();
    // Same metadata lines and the same samples; only the place of `le` among the labels differs.
    const metadata = (text: string) => text.split('\n').filter((l) => l.startsWith('#'));
    const key = (s: { name: string; labels: Record<string, string>; value: number }) =>
      `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`;
    const samples = (text: string) =>
      parseSamples(text)
        .filter((s) => !/^(app_)?(process|nodejs)_/.test(s.name))
        .map(key)
        .sort();
    expect(metadata(fast)).toEqual(metadata(viaPromClient));
    expect(samples(fast)).toEqual(samples(viaPromClient));
    expect(samples(fast).length).toBeGreaterThan(300);
  });
});

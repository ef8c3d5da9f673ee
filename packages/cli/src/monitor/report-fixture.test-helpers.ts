import { REPORT_SCHEMA_ID, type Report, ReportSchema } from '@agentlens/core';
import type { MonitorSample } from './monitor-data.js';

/** A fixed report with every section filled, for layout and golden-file tests. */
export function fixtureReport(): Report {
  return ReportSchema.parse({
    schema: REPORT_SCHEMA_ID,
    generatedAt: '2026-12-01T09:30:00.000Z',
    source: 'hub',
    service: '*',
    window: '24h',
    overview: {
      requests: 1234,
      successes: 1190,
      failures: 44,
      successRate: 1190 / 1234,
      avgResponseTime: 2.345,
      p50ResponseTime: 1.8,
      p95ResponseTime: 6.2,
      p99ResponseTime: 11.5,
      tokens: 2_345_678,
      cost: 12.3456,
      modelCalls: 3456,
      toolCalls: 2100,
      unpricedCalls: 12,
      errors: 97,
    },
    health: {
      status: 'degraded',
      reasons: [
        'success rate 96.4 % over the last 24h is under 90 %',
        'spend today $12.35 is over the $10 budget',
      ],
      uptimeSeconds: 8100,
      activeAgents: 4,
      totalRequests: 1234,
      successRate: 1190 / 1234,
      windowSeconds: 86_400,
      requestsInWindow: 1234,
      failuresInWindow: 44,
      errorsInWindow: 97,
      memory: { rssBytes: 120_000_000, heapUsedBytes: 50_000_000, heapTotalBytes: 80_000_000 },
      cpu: { utilization: 0.12, userSeconds: 30, systemSeconds: 5 },
      budget: { dailyUsd: 10, spentTodayUsd: 12.3456, remainingUsd: -2.3456, exceeded: true },
      instrumentation: {
        exporter: null,
        invalidRecords: 3,
        priceDataset: '@pydantic/genai-prices',
        priceDatasetDate: '2026-11-20',
      },
    },
    agents: [
      agent('ChatAgent', 600, 590, 1.1, 3.2, 0, null),
      agent('CodeAgent', 300, 280, 2.5, 7.4, 1, 4),
      agent('ResearchAgent', 200, 190, 4.1, 9.9, 2, 185),
      agent('AnalysisAgent', 134, 130, 1.9, 5.1, 0, null),
    ],
    tools: [
      {
        name: 'web_search',
        uses: 900,
        successes: 850,
        failures: 50,
        successRate: 850 / 900,
        avgExecutionTime: 3.4,
        p95ExecutionTime: 8.8,
        recentFailures: [
          {
            time: '2026-12-01T09:29:12.000Z',
            message: 'web_search timed out after 10 s',
            agentName: 'ResearchAgent',
          },
        ],
      },
      {
        name: 'file_reader',
        uses: 700,
        successes: 700,
        failures: 0,
        successRate: 1,
        avgExecutionTime: 0.045,
        p95ExecutionTime: 0.12,
        recentFailures: [],
      },
      {
        name: 'code_exec',
        uses: 500,
        successes: 470,
        failures: 30,
        successRate: 0.94,
        avgExecutionTime: 1.2,
        p95ExecutionTime: 2.9,
        recentFailures: [
          {
            time: '2026-12-01T09:20:01.000Z',
            message: 'exit status 1 | SyntaxError',
            agentName: 'CodeAgent',
          },
        ],
      },
    ],
    models: [
      model('openai', 'gpt-4o-mini', 2000, 0.9, 0),
      model('anthropic', 'claude-sonnet-4-5', 1200, 8.1, 0),
      model('google', 'local-llama', 256, 0, 12),
    ],
    errors: [
      {
        time: '2026-12-01T09:29:12.000Z',
        component: 'tool:web_search',
        errorType: 'TimeoutError',
        message: 'web_search timed out after 10 s',
        context: { traceId: '0af7651916cd43dd8448eb211c80319c' },
      },
      {
        time: '2026-12-01T09:28:40.000Z',
        component: 'model:openai/gpt-4o-mini',
        errorType: 'rate_limited',
        message: '429 Too Many Requests\nretry after 2 s',
        context: {},
      },
    ],
  });
}

function agent(
  name: string,
  requests: number,
  successes: number,
  avg: number,
  p95: number,
  inFlight: number,
  oldestInFlightSeconds: number | null,
): Report['agents'][number] {
  return {
    name,
    requests,
    successes,
    failures: requests - successes,
    successRate: successes / requests,
    avgResponseTime: avg,
    p50ResponseTime: avg * 0.8,
    p95ResponseTime: p95,
    p99ResponseTime: p95 * 1.5,
    tokens: requests * 1900,
    cost: requests * 0.004,
    inFlight,
    oldestInFlightSeconds,
  };
}

function model(
  provider: string,
  name: string,
  requests: number,
  cost: number,
  unpricedCalls: number,
): Report['models'][number] {
  return {
    provider,
    model: name,
    requests,
    failures: Math.floor(requests / 100),
    inputTokens: requests * 1200,
    outputTokens: requests * 300,
    cacheReadTokens: requests * 200,
    cacheWriteTokens: requests * 20,
    reasoningTokens: provider === 'openai' ? requests * 50 : 0,
    avgLatency: 1.4,
    p95Latency: 3.3,
    cost,
    unpricedCalls,
  };
}

export function fixtureSample(): MonitorSample {
  return {
    report: fixtureReport(),
    spentTodayUsd: 12.3456,
    fetchedAtMs: Date.parse('2026-12-01T09:30:00.500Z'),
  };
}

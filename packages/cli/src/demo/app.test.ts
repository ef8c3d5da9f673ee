import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import { describe, expect, it } from 'vitest';
import { type DemoHandle, DemoStartError, runDemo } from './app.js';
import { DEMO_AGENTS } from './workload.js';

/** Every trace of the window, all pages. */
async function allTraces(client: HubClient, q?: string) {
  const traces = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTraces({
      window: '15m',
      limit: 1000,
      ...(q ? { q } : {}),
      ...(cursor ? { cursor } : {}),
    });
    traces.push(...page.traces);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return traces;
}

/** What can be checked while the demo runs: where things are, its /metrics, /health, the hub's report. */
async function checkWhileRunning(demo: DemoHandle, dbPath: string): Promise<void> {
  expect(demo.embeddedHub).toBe(true);
  expect(demo.dbPath).toBe(dbPath);
  expect(demo.monitorCommand).toBe(`npx agentlens monitor --live --hub ${demo.hubUrl}`);

  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const metrics = await fetch(demo.metricsUrl);
  expect(metrics.status).toBe(200);
  const text = await metrics.text();
  expect(text).toContain('agent_requests_total{');
  expect(text).toContain('model_tokens_total{');
  const health = await fetch(demo.healthUrl);
  const report = (await health.json()) as { checks: Record<string, unknown> };
  expect(health.status, JSON.stringify(report)).toBe(200);
  expect(Object.keys(report.checks)).toEqual(expect.arrayContaining(['model_provider', 'hub']));
  const hubReport = (await (await fetch(`${demo.hubUrl}/api/report?window=15m`)).json()) as {
    health: { budget: unknown };
  };
  expect(hubReport.health.budget).toMatchObject({ dailyUsd: 50 });
}

describe('runDemo', () => {
  it('feeds an embedded hub with every agent, model, tool, workflow and review, and flushes all it sent', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'agentlens-demo-')), 'demo.db');
    const demo = await runDemo({
      port: 0,
      metricsPort: 0,
      dbPath,
      rate: 15,
      seed: 1,
      durationMs: 3_000,
      latencyScale: 0.05,
      graceMs: 3_000,
      budgetUsd: 50,
    });
    // Whatever fails, the demo must stop: it holds the process-wide tracer provider.
    const live = checkWhileRunning(demo, dbPath);
    await live.catch(() => demo.stop());
    await live;

    const counts = await demo.done;
    expect(counts.conversationsRunning).toBe(0);
    expect(counts.spansFailed).toBe(0);
    expect(counts.spansSent).toBe(counts.spansRecorded);
    expect(await demo.stop()).toEqual(counts);

    // The embedded hub closed with the demo; what it stored is in the file.
    const hub = await createHub({ port: 0, dbPath });
    try {
      const client = new HubClient({ baseUrl: hub.url });
      const traces = await allTraces(client);
      expect(traces.reduce((sum, t) => sum + t.spanCount, 0)).toBe(counts.spansSent);

      const agents = (await client.stats('agents', { window: '15m' })).groups;
      expect(agents.map((a) => a.name).sort()).toEqual([...DEMO_AGENTS].sort());
      for (const agent of agents) expect(agent.requests).toBeGreaterThan(0);
      expect(agents.reduce((sum, a) => sum + a.requests, 0)).toBe(counts.agentRuns);

      const tools = (await client.stats('tools', { window: '15m' })).groups;
      expect(tools.reduce((sum, t) => sum + t.failures, 0)).toBeGreaterThan(0);
      expect(tools.reduce((sum, t) => sum + t.requests, 0)).toBe(counts.toolCalls);

      const models = (await client.stats('models', { window: '15m' })).groups;
      const pricedProviders = new Set(models.filter((m) => m.costUsd > 0).map((m) => m.provider));
      expect(pricedProviders.size).toBeGreaterThanOrEqual(2);
      expect(models.reduce((sum, m) => sum + m.tokens.cacheRead, 0)).toBeGreaterThan(0);

      expect((await allTraces(client, 'workflow code_change')).length).toBeGreaterThan(0);
      expect((await allTraces(client, 'workflow data_analysis')).length).toBeGreaterThan(0);
      // A workflow run has at most one review, and each run is its own trace.
      expect(counts.humanReviews).toBeGreaterThan(0);
      expect((await allTraces(client, 'workflow.node human_review')).length).toBe(counts.humanReviews);

      const { logs } = await client.logs({ window: '15m', q: 'conversation started', limit: 1000 });
      expect(logs.length).toBe(counts.conversationsStarted);
    } finally {
      await hub.close();
    }
  }, 30_000);

  it('sends to a hub of yours with its token, and counts the same as the hub', async () => {
    const hub = await createHub({ port: 0, dbPath: ':memory:', token: 's3cret-token' });
    try {
      const demo = await runDemo({
        hubUrl: `${hub.url}/`,
        token: 's3cret-token',
        metricsPort: 0,
        rate: 10,
        seed: 4,
        durationMs: 1_000,
        latencyScale: 0.05,
        graceMs: 2_000,
      });
      const counts = await demo.done;
      expect(demo.hubUrl).toBe(hub.url);
      expect(demo.embeddedHub).toBe(false);
      expect(demo.dbPath).toBeNull();
      expect(counts.spansSent).toBeGreaterThan(0);
      const status = await new HubClient({ baseUrl: hub.url, token: 's3cret-token' }).hubStatus();
      expect(status.ingest.received.traces).toBe(counts.spansSent);
      expect(status.ingest.received.logs).toBeGreaterThan(0);
    } finally {
      await hub.close();
    }
  });

  it('says in one line when the hub is out of reach or wants a token', async () => {
    const unreachable = runDemo({ hubUrl: 'http://127.0.0.1:9', metricsPort: 0, durationMs: 1000 });
    await expect(unreachable).rejects.toThrow(DemoStartError);
    await expect(unreachable).rejects.toThrow(
      /^cannot reach the hub at http:\/\/127\.0\.0\.1:9; start one with/,
    );
    const hub = await createHub({ port: 0, dbPath: ':memory:', token: 'right' });
    try {
      await expect(
        runDemo({ hubUrl: hub.url, token: 'wrong', metricsPort: 0, durationMs: 1000 }),
      ).rejects.toThrow(`the hub at ${hub.url} wants a token: set AGENTLENS_TOKEN to the hub's token`);
    } finally {
      await hub.close();
    }
  });
});

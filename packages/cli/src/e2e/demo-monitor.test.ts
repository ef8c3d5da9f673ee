/**
 * The first acceptance line, end to end: the demo feeds a hub, and
 * `agentlens monitor --export json` prints figures that match the hub's API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportSchema } from '@agentlens/core';
import { createHub, type Hub } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo/app.js';
import { agentlens } from '../test-support/cli.test-helpers.js';

describe('the demo, then agentlens monitor --export json', { timeout: 60_000 }, () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await createHub({
      port: 0,
      grpcPort: null,
      dbPath: join(mkdtempSync(join(tmpdir(), 'al-demo-')), 'hub.db'),
    });
    const demo = await runDemo({
      hubUrl: hub.url,
      metricsPort: 0,
      rate: 12,
      seed: 3,
      durationMs: 2_500,
      latencyScale: 0.05,
      graceMs: 3_000,
    });
    const counts = await demo.done;
    expect(counts.spansSent).toBeGreaterThan(100);
  }, 30_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('prints the figures the hub API gives for every agent, tool and model', async () => {
    const run = await agentlens(['monitor', '--export', 'json', '--hub', hub.url, '--window', '15m']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    const client = new HubClient({ baseUrl: hub.url });
    const [overview, agents, tools, models] = await Promise.all([
      client.stats('overview', { window: '15m' }),
      client.stats('agents', { window: '15m' }),
      client.stats('tools', { window: '15m' }),
      client.stats('models', { window: '15m' }),
    ]);

    const o = overview.groups[0];
    expect(report.overview.requests).toBe(o.requests);
    expect(report.overview.failures).toBe(o.failures);
    expect(report.overview.modelCalls).toBe(o.modelCalls);
    expect(report.overview.toolCalls).toBe(o.toolCalls);
    expect(report.overview.cost).toBeCloseTo(o.costUsd, 9);

    expect(report.agents.map((a) => a.name).sort()).toEqual(agents.groups.map((g) => g.name).sort());
    for (const g of agents.groups) {
      const a = report.agents.find((x) => x.name === g.name);
      expect(a, g.name).toMatchObject({ requests: g.requests, failures: g.failures, inFlight: 0 });
      expect(a?.p95ResponseTime).toBeCloseTo(g.p95LatencySeconds, 9);
      expect(a?.tokens).toBe(g.tokens.input + g.tokens.output);
      expect(a?.cost).toBeCloseTo(g.costUsd, 9);
    }
    for (const g of tools.groups) {
      const t = report.tools.find((x) => x.name === g.name);
      expect(t, g.name).toMatchObject({ uses: g.requests, failures: g.failures });
    }
    expect(report.models).toHaveLength(models.groups.length);
    for (const g of models.groups) {
      const m = report.models.find((x) => x.model === g.name && x.provider === g.provider);
      expect(m, `${g.provider}/${g.name}`).toMatchObject({
        requests: g.requests,
        inputTokens: g.tokens.input,
        outputTokens: g.tokens.output,
        cacheReadTokens: g.tokens.cacheRead,
        unpricedCalls: g.unpricedCalls,
      });
      expect(m?.cost).toBeCloseTo(g.costUsd, 9);
    }
    // The demo's workload has failures; they show up, newest first.
    expect(report.errors.length).toBeGreaterThan(0);
    const times = report.errors.map((e) => Date.parse(e.time));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });
});

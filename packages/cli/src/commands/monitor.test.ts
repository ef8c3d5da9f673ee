import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Report, ReportSchema } from '@agentlens/core';
import { createHub, type Hub } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentlens, closedPort, sendKnownData } from '../test-support/cli.test-helpers.js';

// Each test starts the command as a process (tsx compiles it first): slow on a busy 2-core machine.
describe('agentlens monitor --export', { timeout: 60_000 }, () => {
  let hub: Hub;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentlens-monitor-'));
    hub = await createHub({ port: 0, grpcPort: null, dbPath: join(dir, 'hub.db') });
    await sendKnownData(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('prints one agentlens.report/v1 document whose figures are the data that was sent', async () => {
    const run = await agentlens(['monitor', '--export', 'json', '--hub', hub.url, '--window', '1h']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report: Report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.source).toBe('hub');
    expect(report.window).toBe('1h');
    const chat = report.agents.find((a) => a.name === 'ChatAgent');
    expect(chat).toMatchObject({ requests: 3, successes: 2, failures: 1, tokens: 3600, inFlight: 0 });
    expect(chat?.cost).toBeCloseTo(0.03, 10);
    expect(chat?.successRate).toBeCloseTo(2 / 3, 10);
    expect(report.agents.find((a) => a.name === 'CodeAgent')).toMatchObject({ requests: 1, failures: 0 });
    expect(report.models).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o-mini',
        requests: 3,
        inputTokens: 3000,
        outputTokens: 600,
      }),
    ]);
    expect(report.models[0]?.cost).toBeCloseTo(0.03, 10);
    const tool = report.tools.find((t) => t.name === 'code_exec');
    expect(tool).toMatchObject({ uses: 1, failures: 1, successRate: 0 });
    expect(tool?.recentFailures[0]?.message).toContain('exit status 1');
    expect(report.overview).toMatchObject({ requests: 4, failures: 1, modelCalls: 3, toolCalls: 1 });
    expect(report.errors.map((e) => e.message).join('\n')).toContain('the user went away');
  });

  it('gives the same figures as the hub API', async () => {
    const run = await agentlens(['monitor', '--export', 'json', '--hub', hub.url, '--window', '1h']);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    const client = new HubClient({ baseUrl: hub.url });
    const agents = await client.stats('agents', { window: '1h' });
    for (const group of agents.groups) {
      const agent = report.agents.find((a) => a.name === group.name);
      expect(agent?.requests, group.name).toBe(group.requests);
      expect(agent?.failures, group.name).toBe(group.failures);
      expect(agent?.p95ResponseTime, group.name).toBeCloseTo(group.p95LatencySeconds, 9);
      expect(agent?.cost, group.name).toBeCloseTo(group.costUsd, 12);
    }
    expect(report.agents).toHaveLength(agents.groups.length);
  });

  it('writes the Markdown report to --out', async () => {
    const out = join(dir, 'report.md');
    const run = await agentlens([
      'monitor',
      '--export',
      'markdown',
      '--hub',
      hub.url,
      '--window',
      '1h',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`to ${out}`);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('# agentlens report');
    expect(markdown).toMatch(/\| ChatAgent \| 3 \| 66\.7% \|/);
    expect(markdown).toMatch(/\| code_exec \| 1 \| 0% \|/);
  });

  it('without a terminal and without --export, prints the Markdown report', async () => {
    const run = await agentlens(['monitor', '--hub', hub.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('## Agent performance');
  });

  it('exits 1 with one line when the hub cannot be reached', async () => {
    const port = await closedPort();
    const run = await agentlens(['monitor', '--export', 'json', '--hub', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      `agentlens: hub at http://127.0.0.1:${port}: cannot connect`,
    ]);
  });

  it.each([
    [['--export', 'xml'], 'xml'],
    [['--window', 'soon'], 'soon'],
    [['--interval', '10ms'], 'at least 250ms'],
    [['--hub', 'ftp://example'], 'must be an http:// or https:// URL'],
    [['--live', '--export', 'json'], 'cannot be used together'],
    [['--out', 'x.json'], '--out needs --export'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('refuses %j with exit status 2 and says why', async (args, reason) => {
    const run = await agentlens(['monitor', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(reason);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});

describe('agentlens monitor against a hub that requires a token', { timeout: 60_000 }, () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await createHub({ port: 0, grpcPort: null, dbPath: ':memory:', token: 'monitor-secret-token' });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('says a token is needed, and never prints the token', async () => {
    const without = await agentlens(['monitor', '--export', 'json', '--hub', hub.url]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('AGENTLENS_TOKEN');
    const wrong = await agentlens(['monitor', '--export', 'json', '--hub', hub.url], {
      AGENTLENS_TOKEN: 'wrong',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain('wrong');
    const right = await agentlens(['monitor', '--export', 'json', '--hub', hub.url], {
      AGENTLENS_TOKEN: 'monitor-secret-token',
    });
    expect(right.code).toBe(0);
    expect(right.stdout).not.toContain('monitor-secret-token');
    ReportSchema.parse(JSON.parse(right.stdout));
  });
});

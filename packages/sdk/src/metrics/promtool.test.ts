import { spawnSync } from 'node:child_process';
import { METRIC_DEFINITIONS } from '@agentlens/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool, findExecutable } from '../../../../test-support/require-tool.js';
import { type Agentlens, createAgentlens } from '../agentlens.js';
import type { MetricsServer } from '../http/server.js';
import { recordEveryFamily } from '../test-support/record-everything.test-helpers.js';

const promtool = findExecutable('promtool');

describeWithTool(
  { name: 'promtool', found: promtool !== undefined, debianPackage: 'prometheus' },
  'GET /metrics passes promtool check metrics',
  () => {
    let agentlens: Agentlens;
    let server: MetricsServer;

    beforeAll(async () => {
      agentlens = createAgentlens({ serviceName: 'promtool-test', seriesCap: 20 });
      recordEveryFamily(agentlens, 20);
      server = await agentlens.startMetricsServer({ port: 0 });
    });
    afterAll(() => agentlens.shutdown());

    it('has every catalog family recorded, and promtool finds no problem', async () => {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const body = await response.text();
      for (const definition of METRIC_DEFINITIONS) {
        const sample = new RegExp(`^${definition.name}(_bucket|_count)?(\\{| )`, 'm');
        expect(body, `${definition.name} has no sample`).toMatch(sample);
      }
      const result = spawnSync(promtool as string, ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    });

    it('also passes with a prefix and default labels', async () => {
      const prefixed = createAgentlens({ metricPrefix: 'jaf_', defaultLabels: { env: 'test' } });
      recordEveryFamily(prefixed);
      const body = await prefixed.metrics();
      expect(body).toContain(
        'jaf_agent_requests_total{agent_name="ChatAgent",status="success",env="test"} 1',
      );
      expect(body).toContain('jaf_process_cpu_seconds_total{env="test"}');
      const result = spawnSync(promtool as string, ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    });
  },
);

import { spawnSync } from 'node:child_process';
import { HUB_METRIC_CATALOG } from '@agentlens/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool, findExecutable } from '../../../test-support/require-tool.js';
import { createHub, type Hub } from './hub.js';
import { spanBatch } from './otlp/exporter-capture.test-helpers.js';

const promtool = findExecutable('promtool');

describeWithTool(
  { name: 'promtool', found: promtool !== undefined, debianPackage: 'prometheus' },
  "the hub's GET /metrics passes promtool check metrics",
  () => {
    let hub: Hub;
    beforeAll(async () => {
      hub = await createHub({ port: 0, dbPath: ':memory:', retention: { maxAgeMs: 86_400_000 } });
      const { protobuf } = spanBatch(5);
      const post = (body: Uint8Array | string, type: string) =>
        fetch(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post(protobuf, 'application/x-protobuf')).status).toBe(200);
      expect((await post('{oops', 'application/json')).status).toBe(400);
      await hub.applyRetention();
    });
    afterAll(() => hub?.close());

    it('has every hub metric, and promtool finds no problem', async () => {
      const response = await fetch(`${hub.url}/metrics`);
      expect(response.status).toBe(200);
      const body = await response.text();
      for (const definition of Object.values(HUB_METRIC_CATALOG)) {
        const sample = new RegExp(`^${definition.name}(_bucket|_count)?(\\{| )`, 'm');
        expect(body, `${definition.name} has no sample`).toMatch(sample);
      }
      const result = spawnSync(promtool as string, ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    });
  },
);

import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createAgentlens } from '../agentlens.js';
import { prefersOpenMetrics, renderRegistry } from './exposition.js';

describe('prefersOpenMetrics', () => {
  it.each([
    [undefined, false],
    ['text/plain', false],
    ['*/*', false],
    // What Prometheus 2.x sends by default.
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      true,
    ],
    ['text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5', false],
    ['application/openmetrics-text; version=1.0.0', true],
  ])('%s -> %s', (accept, expected) => {
    expect(prefersOpenMetrics(accept)).toBe(expected);
  });
});

describe('OpenMetrics exposition', () => {
  it('names counter families without _total, keeps _total on samples, ends with # EOF and has no blank lines', async () => {
    const registry = new Registry();
    const mine = new Counter({
      name: 'jobs_done_total',
      help: 'Jobs.',
      labelNames: ['queue'],
      registers: [registry],
    });
    mine.inc({ queue: 'a' }, 2);
    new Gauge({ name: 'queue_depth', help: 'Depth.', registers: [registry] }).set(4);
    const al = createAgentlens({ registry, processMetrics: false });
    al.recordAgentRequest({ agentName: 'A', success: true, responseTime: 0.2 });
    const text = await al.metrics({ openMetrics: true });
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).not.toMatch(/\n\n/);
    expect(text).toContain('# TYPE agent_requests counter\n');
    expect(text).toContain('agent_requests_total{agent_name="A",status="success"} 1\n');
    expect(text).toContain('# TYPE jobs_done counter\n');
    expect(text).toContain('jobs_done_total{queue="a"} 2\n');
    expect(text).toContain('queue_depth 4\n');
    expect(text).toContain('agent_request_duration_seconds_bucket{agent_name="A",le="+Inf"} 1\n');
    // Rendering OpenMetrics must not rename the user's counter for later Prometheus-format scrapes.
    const plain = await renderRegistry(registry, false);
    expect(plain).toContain('# TYPE jobs_done_total counter');
    expect(await registry.metrics()).toContain('# HELP jobs_done_total Jobs.');
  });

  it('escapes label values and help text', async () => {
    const al = createAgentlens({ processMetrics: false });
    al.recordToolUsage({ toolName: 'say "hi"\\\n', success: true, executionTime: 1 });
    const text = await al.metrics();
    expect(text).toContain(
      'tool_executions_total{tool_name="say \\"hi\\"\\\\\\n",agent_name="",status="success"} 1',
    );
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('runs with no API key and no network, and shows spans, logs, metrics and cost', () => {
  const run = spawnSync('npx', ['tsx', '--conditions=@agentlens/source', 'examples/basic-agent/index.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OPENAI_API_KEY: '' },
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const out = run.stdout;
  // Spans, from the console exporter.
  for (const name of [
    'invoke_agent ResearchAgent',
    'execute_tool web_search',
    'execute_tool file_reader',
    'chat gpt-4o-mini',
  ]) {
    expect(out).toContain(`name: '${name}'`);
  }
  // The failing tool's error line carries the trace id of the spans printed above.
  const errorLine = JSON.parse(out.split('\n').find((l) => l.includes('"tool file_reader failed"')) ?? '{}');
  expect(errorLine).toMatchObject({ level: 'error', service: 'basic-agent', error: 'file not found' });
  expect(out).toContain(`traceId: '${errorLine.trace_id}'`);
  // The snapshot: the agent's tokens and cost are those of its model call, priced from the dataset.
  const snapshot = JSON.parse(out.slice(out.indexOf('{\n  "agents"'), out.indexOf('\n}\n') + 2));
  expect(snapshot.agents[0]).toMatchObject({ name: 'ResearchAgent', requests: 1, tokens: 876 });
  expect(snapshot.models[0].cost).toBeGreaterThan(0);
  expect(snapshot.agents[0].cost).toBe(snapshot.models[0].cost);
  expect(snapshot.tools.find((t: { name: string }) => t.name === 'file_reader').failures).toBe(1);
});

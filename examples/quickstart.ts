/**
 * The quick start: an app instrumented with @agentlens/sdk, serving /metrics and /health.
 *
 *   npm run example:quickstart      # runs this file; Ctrl-C stops it
 *   curl http://127.0.0.1:9464/metrics
 *   curl http://127.0.0.1:9464/health
 *
 * It simulates a small multi-agent app (agents, tools, model calls) so there is something to see.
 * Options: --port N (default 9464, 0 = any free port), --duration SECONDS (default: until Ctrl-C).
 */
import { parseArgs } from 'node:util';
import { createAgentlens, diskSpaceCheck, eventLoopDelayCheck, memoryCheck } from '@agentlens/sdk';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '9464' }, duration: { type: 'string' } },
});
const port = Number(values.port);
const durationSeconds = values.duration === undefined ? undefined : Number(values.duration);

// 1. Create the instance (options are validated here).
const agentlens = createAgentlens({ serviceName: 'quickstart' });

// 2. Health checks behind /health and /ready.
agentlens.health.register('memory', memoryCheck());
agentlens.health.register('event_loop', eventLoopDelayCheck());
agentlens.health.register('disk', diskSpaceCheck(), { cacheTtlMs: 10_000 });

// 3. Serve /metrics, /health, /health/live, /ready and /health/detailed.
const server = await agentlens.startMetricsServer({ port });
process.stdout.write(
  `agentlens quick start running\n  metrics: ${server.url}/metrics\n  health:  ${server.url}/health\n  details: ${server.url}/health/detailed\nCtrl-C to stop.\n`,
);

// A simulated workload: what an instrumented agent app records.
const agents = ['ChatAgent', 'CodeAgent', 'ResearchAgent'];
const tools = ['web_search', 'file_reader', 'code_exec'];
let tick = 0;
const timer = setInterval(() => {
  tick++;
  const agentName = agents[tick % agents.length] as string;
  const toolName = tools[tick % tools.length] as string;
  const toolOk = tick % 7 !== 0;
  agentlens.recordToolUsage({
    toolName,
    agentName,
    success: toolOk,
    executionTime: 0.05 + (tick % 5) * 0.1,
    ...(toolOk ? {} : { errorMessage: `${toolName} timed out` }),
  });
  const inputTokens = 400 + (tick % 9) * 120;
  const outputTokens = 80 + (tick % 4) * 40;
  agentlens.recordModelCall({
    provider: tick % 2 ? 'openai' : 'anthropic',
    model: tick % 2 ? 'gpt-4o-mini' : 'claude-haiku-4-5',
    status: 'success',
    duration: 0.3 + (tick % 6) * 0.2,
    inputTokens,
    outputTokens,
    cachedInputTokens: tick % 3 === 0 ? 256 : 0,
    cost: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6,
  });
  agentlens.recordAgentRequest({
    agentName,
    success: toolOk,
    responseTime: 0.5 + (tick % 8) * 0.3,
    tokens: inputTokens + outputTokens,
    cost: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6,
    ...(toolOk ? {} : { errorType: 'ToolError' }),
  });
}, 200);

async function stop(): Promise<void> {
  clearInterval(timer);
  await agentlens.shutdown();
  process.stdout.write('stopped\n');
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
if (durationSeconds !== undefined) setTimeout(() => void stop(), durationSeconds * 1000);

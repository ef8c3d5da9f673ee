// An agent with a (fake, local) model and two tools: spans, metrics, logs and cost from one set of
// helpers. No API key, no network. Run: npm run example:basic-agent
import { createAgentlens } from '@agentlens/sdk';

const agentlens = createAgentlens({ serviceName: 'basic-agent', tracing: { exporter: 'console' } });
const server = await agentlens.startMetricsServer({ port: 0 }); // GET /metrics, /health

// A stand-in for a provider SDK call: it answers and reports token usage, as a real one would.
const fakeModel = async (prompt: string) => ({
  text: `Answer to: ${prompt}`,
  usage: { input: 812, output: 64 },
});

await agentlens.withAgent('ResearchAgent', { conversationId: 'conv-1' }, async () => {
  const results = await agentlens.withToolCall('web_search', async () => ['result 1', 'result 2']);
  await agentlens
    .withToolCall('file_reader', async () => {
      throw new Error('file not found'); // a failing tool: span status, error metrics, error log line
    })
    .catch(() => 'carry on without the file');
  return agentlens.withModelCall({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
    const reply = await fakeModel(`summarise ${results.length} results`);
    call.setUsage({ inputTokens: reply.usage.input, outputTokens: reply.usage.output }); // priced from the dataset
    return reply.text;
  });
});

agentlens.logger?.info('run finished', { metrics: `${server.url}/metrics` });
const { agents, models, tools } = agentlens.snapshot();
process.stdout.write(`${JSON.stringify({ agents, models, tools }, null, 2)}\n`);
await agentlens.shutdown(); // flushes spans and logs, closes the server

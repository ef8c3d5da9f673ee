import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agentlens, createAgentlens } from '../agentlens.js';
import type { AgentlensEvent } from '../events.js';
import { sampleValue } from '../test-support/exposition.test-helpers.js';

class RateLimitError extends Error {
  override name = 'RateLimitError';
  status = 429;
}

function setup(options: Parameters<typeof createAgentlens>[0] = {}): {
  al: Agentlens;
  spans: () => ReadableSpan[];
  byName: (name: string) => ReadableSpan;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const al = createAgentlens({ processMetrics: false, tracing: { tracerProvider: provider }, ...options });
  const spans = () => exporter.getFinishedSpans();
  const byName = (name: string) => {
    const found = spans().filter((s) => s.name === name);
    if (found.length !== 1)
      throw new Error(`expected one span ${name}, found ${found.length}: ${spans().map((s) => s.name)}`);
    return found[0] as ReadableSpan;
  };
  return { al, spans, byName };
}

async function* fakeStream(chunks: string[], delayMs = 5): AsyncGenerator<string> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    yield chunk;
  }
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('a realistic nested run', () => {
  let al: Agentlens;
  afterEach(() => al?.shutdown());

  it('produces the GenAI spans, nested, with their attributes, and feeds metrics from the same record', async () => {
    const t = setup();
    al = t.al;
    const events: AgentlensEvent[] = [];
    al.onEvent((e) => events.push(e));

    const answer = await al.withWorkflow('research', async () => {
      await al.withWorkflowNode('plan', async () => {
        await al.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async (call) => {
          call.setUsage({ inputTokens: 1200, outputTokens: 100, cacheReadTokens: 1000 });
          call.setResponseModel('gpt-4o-2024-08-06');
          call.setFinishReasons(['stop']);
          call.setCost(0.002);
          return 'plan';
        });
      });
      return al.withWorkflowNode('act', () =>
        al.withAgent('ResearchAgent', { conversationId: 'conv-1' }, async () => {
          const stream = await al.withModelCall(
            { provider: 'anthropic', model: 'claude-sonnet-4' },
            async (call) => {
              call.setUsage({ inputTokens: 50, outputTokens: 3 });
              call.setCost(0.0001);
              return fakeStream(['a', 'b', 'c']);
            },
          );
          let text = '';
          for await (const chunk of stream) text += chunk;
          await expect(
            al.withModelCall({ provider: 'openai', model: 'gpt-4o-mini' }, async () => {
              throw new RateLimitError('slow down');
            }),
          ).rejects.toThrow('slow down');
          await al.withToolCall('web_search', { callId: 'call_1', type: 'function' }, async () => 'results');
          expect(() =>
            al.withToolCall('code_exec', () => {
              throw new TypeError('sandbox died');
            }),
          ).toThrow(TypeError);
          return text;
        }),
      );
    });
    expect(answer).toBe('abc');

    const workflow = t.byName('workflow research');
    const plan = t.byName('workflow.node plan');
    const act = t.byName('workflow.node act');
    const planCall = t.byName('chat gpt-4o');
    const agent = t.byName('invoke_agent ResearchAgent');
    const streamed = t.byName('chat claude-sonnet-4');
    const failed = t.byName('chat gpt-4o-mini');
    const search = t.byName('execute_tool web_search');
    const exec = t.byName('execute_tool code_exec');
    expect(t.spans()).toHaveLength(9);

    // Nesting through context, without passing anything.
    expect(parentOf(workflow)).toBeUndefined();
    expect(parentOf(plan)).toBe(workflow.spanContext().spanId);
    expect(parentOf(act)).toBe(workflow.spanContext().spanId);
    expect(parentOf(planCall)).toBe(plan.spanContext().spanId);
    expect(parentOf(agent)).toBe(act.spanContext().spanId);
    for (const child of [streamed, failed, search, exec])
      expect(parentOf(child)).toBe(agent.spanContext().spanId);
    expect(new Set(t.spans().map((s) => s.spanContext().traceId)).size).toBe(1);

    expect(planCall.kind).toBe(SpanKind.CLIENT);
    expect(agent.kind).toBe(SpanKind.INTERNAL);
    expect(planCall.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'agentlens.cost.usd': 0.002,
    });
    expect(agent.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'ResearchAgent',
      'gen_ai.conversation.id': 'conv-1',
    });
    expect(search.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'web_search',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
    });
    // Calls inside the agent name it, so a hub can attribute them (and see the run in flight)
    // before the agent's span arrives; calls outside name none.
    for (const child of [streamed, failed, search, exec])
      expect(child.attributes['gen_ai.agent.name']).toBe('ResearchAgent');
    for (const outside of [workflow, plan, act, planCall])
      expect(outside.attributes['gen_ai.agent.name']).toBeUndefined();
    // The calls carry their cost; the agent span does not repeat it (a hub sums both).
    expect(agent.attributes['agentlens.cost.usd']).toBeUndefined();
    expect(workflow.attributes).toMatchObject({ 'agentlens.workflow.name': 'research' });
    expect(act.attributes).toMatchObject({
      'agentlens.workflow.name': 'research',
      'agentlens.workflow.node': 'act',
    });

    // The stream's span ends when the stream does, with the time to its first chunk.
    expect(streamed.attributes['agentlens.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(streamed.duration[0] * 1e3 + streamed.duration[1] / 1e6).toBeGreaterThanOrEqual(14);

    // Errors: status, error.type and the exception event, on the span that failed only.
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('RateLimitError');
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(exec.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'sandbox died' });
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);

    // The same records fed the metrics and the collector.
    const text = await al.metrics();
    expect(
      sampleValue(text, 'model_calls_total', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'rate_limited',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'tool_executions_total', {
        tool_name: 'code_exec',
        agent_name: 'ResearchAgent',
        status: 'error',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'workflow_nodes_executed_total', {
        workflow_name: 'research',
        node_name: 'act',
        status: 'success',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'workflow_executions_total', { workflow_name: 'research', status: 'success' }),
    ).toBe(1);
    expect(sampleValue(text, 'errors_total', { component: 'tool:code_exec', error_type: 'TypeError' })).toBe(
      1,
    );
    const snapshot = al.snapshot();
    const research = snapshot.agents.find((a) => a.name === 'ResearchAgent');
    // The agent's tokens and cost are the sum of the model calls made inside it.
    expect(research).toMatchObject({ requests: 1, successes: 1, tokens: 53, inFlight: 0 });
    expect(research?.cost).toBeCloseTo(0.0001, 12);
    expect(snapshot.tools.find((x) => x.name === 'code_exec')?.recentFailures[0]?.message).toBe(
      'sandbox died',
    );

    expect(events.map((e) => e.type)).toEqual([
      'workflow_start',
      'model_call_end',
      'workflow_node_end',
      'agent_start',
      'model_call_end',
      'error',
      'model_call_end',
      'tool_call_end',
      'error',
      'tool_call_end',
      'agent_end',
      'workflow_node_end',
      'workflow_end',
    ]);
  });
});

describe('pass-through and isolation', () => {
  let al: Agentlens;
  afterEach(() => al?.shutdown());

  it('returns the same value and rethrows the same error object, sync and async', async () => {
    al = setup().al;
    const value = { a: 1 };
    expect(al.withToolCall('t', () => value)).toBe(value);
    expect(await al.withToolCall('t', async () => value)).toBe(value);
    const error = new Error('boom');
    let caught: unknown;
    try {
      await al.withAgent('A', async () => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    // Even a thrown value whose String() throws comes back as itself, never as agentlens' error.
    const hostile = Object.create(null) as object;
    let rethrown: unknown;
    try {
      al.withToolCall('t', () => {
        throw hostile;
      });
    } catch (e) {
      rethrown = e;
    }
    expect(rethrown).toBe(hostile);
    const add = al.traced('add', (x: number, y: number) => x + y);
    expect(add(2, 3)).toBe(5);
  });

  it('keeps a stream usable: its own methods still work through the wrapper', async () => {
    al = setup().al;
    class Stream {
      controller = 'ctl';
      async *[Symbol.asyncIterator]() {
        yield 1;
        yield 2;
      }
      toText() {
        return `stream:${this.controller}`;
      }
    }
    const stream = await al.withModelCall({ provider: 'p', model: 'm' }, async () => new Stream());
    expect(stream.toText()).toBe('stream:ctl');
    const seen: number[] = [];
    for await (const n of stream) seen.push(n);
    expect(seen).toEqual([1, 2]);
  });

  it('a throwing listener is isolated and the others still run', async () => {
    al = setup().al;
    const seen: string[] = [];
    al.onEvent(() => {
      throw new Error('bad listener');
    });
    al.onEvent((e) => seen.push(e.type));
    expect(await al.withToolCall('t', async () => 42)).toBe(42);
    expect(seen).toEqual(['tool_call_end']);
  });

  it('counts operations whose spans were not sampled: sampling never affects metrics', async () => {
    const exporter = new InMemorySpanExporter();
    const { AlwaysOffSampler } = await import('@opentelemetry/sdk-trace-node');
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    al = createAgentlens({ processMetrics: false, tracing: { tracerProvider: provider } });
    await al.withAgent('A', async () => al.withToolCall('t', async () => 1));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const text = await al.metrics();
    expect(sampleValue(text, 'agent_requests_total', { agent_name: 'A', status: 'success' })).toBe(1);
    expect(
      sampleValue(text, 'tool_executions_total', { tool_name: 't', agent_name: 'A', status: 'success' }),
    ).toBe(1);
  });

  it('records prompt and completion only with captureContent', async () => {
    const off = setup();
    al = off.al;
    await al.withModelCall({ provider: 'p', model: 'm' }, async (call) => {
      call.setInputMessages([{ role: 'user', content: 'hello' }]);
    });
    expect(off.byName('chat m').attributes['gen_ai.input.messages']).toBeUndefined();
    const on = setup({ captureContent: true });
    await on.al.withModelCall({ provider: 'p', model: 'm' }, async (call) => {
      call.setInputMessages([{ role: 'user', content: 'hello' }]);
      call.setOutputMessages([{ role: 'assistant', content: 'hi' }]);
    });
    expect(JSON.parse(String(on.byName('chat m').attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', content: 'hello' },
    ]);
    await on.al.shutdown();
  });

  it('marks a model call without a known price as unpriced, never $0', async () => {
    const t = setup();
    al = t.al;
    await al.withModelCall({ provider: 'acme', model: 'secret-model-9' }, async (call) => {
      call.setUsage({ inputTokens: 10, outputTokens: 2 });
    });
    const span = t.byName('chat secret-model-9');
    expect(span.attributes['agentlens.cost.unpriced']).toBe(true);
    expect(span.attributes['agentlens.cost.usd']).toBeUndefined();
    expect(
      sampleValue(await al.metrics(), 'model_calls_unpriced_total', {
        provider: 'acme',
        model: 'secret-model-9',
      }),
    ).toBe(1);
  });
});

describe('logs and redaction', () => {
  it("writes one JSON line per operation whose trace_id and span_id are the operation's own span", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        callback();
      },
    });
    const t = setup({ serviceName: 'log-test', logging: { level: 'debug', destination } });
    await t.al.withAgent('ChatAgent', async () => {
      await t.al.withToolCall('web_search', async () => 'ok');
      await expect(
        t.al.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async () => {
          throw new Error('upstream 500');
        }),
      ).rejects.toThrow();
    });
    await t.al.flush();
    const tool = t.byName('execute_tool web_search');
    const chat = t.byName('chat gpt-4o');
    const agent = t.byName('invoke_agent ChatAgent');
    const lineOf = (message: string) => lines.find((l) => l.message === message);
    expect(lineOf('tool web_search finished')).toMatchObject({
      level: 'debug',
      service: 'log-test',
      trace_id: tool.spanContext().traceId,
      span_id: tool.spanContext().spanId,
      tool_name: 'web_search',
      agent_name: 'ChatAgent',
    });
    expect(lineOf('chat gpt-4o failed')).toMatchObject({
      level: 'error',
      trace_id: chat.spanContext().traceId,
      span_id: chat.spanContext().spanId,
      error: 'upstream 500',
      error_type: 'Error',
    });
    expect(lineOf('agent ChatAgent finished')?.span_id).toBe(agent.spanContext().spanId);
    t.al.logger?.info('inside', {});
    await t.al.shutdown();
  });

  it('redacts secrets in user attributes and captured content before they reach a span', async () => {
    const t = setup({ captureContent: true });
    await t.al.withToolCall(
      'http_fetch',
      { attributes: { 'http.request.header.authorization': 'Bearer abc.def.ghi', note: 'plain' } },
      () => 1,
    );
    await t.al.withModelCall({ provider: 'p', model: 'm' }, async (call) => {
      call.setInputMessages([
        { role: 'user', content: 'my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' },
      ]);
    });
    const tool = t.byName('execute_tool http_fetch');
    expect(tool.attributes['http.request.header.authorization']).toBe('[REDACTED]');
    expect(tool.attributes.note).toBe('plain');
    const input = String(t.byName('chat m').attributes['gen_ai.input.messages']);
    expect(input).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789');
    expect(input).toContain('my key is');
    await t.al.shutdown();
  });
});

describe('the enclosing agent on child spans', () => {
  it('names the innermost agent on workflows, nodes, model and tool calls, and keeps usage outside calls on the agent span', async () => {
    const t = setup();
    await t.al.withAgent('Outer', async (outer) => {
      outer.addUsage(10, 0.25);
      await t.al.withWorkflow('pipeline', () =>
        t.al.withWorkflowNode('step', () =>
          t.al.withAgent('Inner', () => t.al.withToolCall('lookup', () => 'found')),
        ),
      );
      await t.al.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async (call) => {
        call.setUsage({ inputTokens: 5, outputTokens: 1 });
        call.setCost(0.5);
      });
    });
    const agentOf = (name: string) => t.byName(name).attributes['gen_ai.agent.name'];
    expect(agentOf('workflow pipeline')).toBe('Outer');
    expect(agentOf('workflow.node step')).toBe('Outer');
    expect(agentOf('execute_tool lookup')).toBe('Inner');
    expect(agentOf('chat gpt-4o')).toBe('Outer');
    // The span carries only what no child carries; the snapshot still has the whole run's cost.
    expect(t.byName('invoke_agent Outer').attributes['agentlens.cost.usd']).toBe(0.25);
    expect(t.byName('invoke_agent Inner').attributes['agentlens.cost.usd']).toBeUndefined();
    expect(t.al.snapshot().agents.find((a) => a.name === 'Outer')?.cost).toBeCloseTo(0.75, 12);
    await t.al.shutdown();
  });
});

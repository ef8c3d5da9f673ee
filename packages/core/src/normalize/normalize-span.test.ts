import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENAI_PRICES_DATASET } from '../cost/dataset.js';
import { PriceCatalog } from '../cost/price-catalog.js';
import type { Attributes, OtlpSpan, SpanRecord } from '../telemetry-records.js';
import { normalizeSpan } from './normalize-span.js';

/** Spans captured from the real libraries by `fixtures/capture.mjs` (fake OpenAI server on loopback). */
function fixture(name: string): OtlpSpan[] {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as OtlpSpan[];
}

const prices = new PriceCatalog();

/** Token totals of a trace the way a dashboard must add them: wrapper spans skipped. */
function totals(records: readonly SpanRecord[]): { input: number; output: number; usd: number } {
  let input = 0;
  let output = 0;
  let usd = 0;
  for (const r of records) {
    if (r.aggregatesChildren) continue;
    input += r.inputTokens ?? 0;
    output += r.outputTokens ?? 0;
    usd += r.costUsd ?? 0;
  }
  return { input, output, usd };
}

let nextId = 1;
/** A hand-written span: for dialects and shapes not captured from a running library. */
function span(name: string, attributes: Attributes, extra: Partial<OtlpSpan> = {}): OtlpSpan {
  const id = (nextId++).toString(16).padStart(16, '0');
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: id,
    parentSpanId: '',
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    attributes,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    resource: { 'service.name': 'agent-app' },
    scope: { name: 'test', version: '1' },
    ...extra,
  };
}

describe('Vercel AI SDK (ai@6.0.322, captured)', () => {
  const spans = fixture('vercel-ai');
  const records = spans.map((s) => normalizeSpan(s, { prices }));
  const byFunction = (id: string) => records.filter((r) => r.attributes['ai.telemetry.functionId'] === id);

  it.each(['weather-agent', 'weather-agent-stream'])('%s: agent -> model steps -> tool call', (fn) => {
    const trace = byFunction(fn);
    const wrapper = trace.find((r) => r.parentSpanId === null);
    expect(wrapper).toMatchObject({
      category: 'agent',
      operation: 'invoke_agent',
      agentName: fn,
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      inputTokens: 130,
      outputTokens: 22,
      cacheReadTokens: 40,
      reasoningTokens: 8,
      aggregatesChildren: true,
      service: 'capture-vercel-ai',
    });
    const steps = trace.filter((r) => r.category === 'model');
    expect(steps).toHaveLength(2);
    expect(steps.map((s) => [s.inputTokens, s.outputTokens]).sort()).toEqual([
      [50, 10],
      [80, 12],
    ]);
    for (const step of steps) {
      expect(step).toMatchObject({
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini-2024-07-18',
        cacheReadTokens: 20,
        reasoningTokens: 4,
        aggregatesChildren: false,
        unpriced: false,
        costSource: GENAI_PRICES_DATASET,
        agentName: null,
      });
      expect(step.costUsd).toBeGreaterThan(0);
      expect(step.durationMs).toBeGreaterThan(0);
    }
    const tool = trace.find((r) => r.category === 'tool');
    expect(tool).toMatchObject({ operation: 'execute_tool', toolName: 'get_weather', inputTokens: null });
    expect(tool?.toolCallId).toMatch(/^call_\d$/);
  });

  it('counts the wrapper usage once: totals over the trace equal the wrapper, not twice it', () => {
    const trace = byFunction('weather-agent');
    const wrapper = trace.find((r) => r.aggregatesChildren);
    const sum = totals(trace);
    expect(sum.input).toBe(wrapper?.inputTokens);
    expect(sum.output).toBe(wrapper?.outputTokens);
    expect(sum.usd).toBeCloseTo(wrapper?.costUsd ?? Number.NaN, 12);
  });

  it('ai.embed wraps ai.embed.doEmbed: one embeddings call counted', () => {
    const trace = byFunction('embedder');
    expect(trace.find((r) => r.name === 'ai.embed')).toMatchObject({
      category: 'other',
      aggregatesChildren: true,
    });
    expect(trace.find((r) => r.name === 'ai.embed.doEmbed')).toMatchObject({
      category: 'model',
      operation: 'embeddings',
      provider: 'openai',
      requestModel: 'text-embedding-3-small',
      inputTokens: 5,
    });
    expect(totals(trace).input).toBe(5);
  });

  it('a failed call: error status, exception type, no tokens, not flagged unpriced', () => {
    const trace = byFunction('failing');
    expect(trace).toHaveLength(2);
    for (const r of trace) {
      expect(r).toMatchObject({
        statusCode: 2,
        statusMessage: 'upstream exploded',
        errorType: 'AI_APICallError',
        inputTokens: null,
        unpriced: false,
        costUsd: null,
      });
    }
  });

  it('without a catalog, spans with tokens are unpriced, never $0', () => {
    const step = spans.find((s) => s.name === 'ai.generateText.doGenerate' && s.statusCode !== 2);
    const r = normalizeSpan(step as OtlpSpan);
    expect(r).toMatchObject({ unpriced: true, costUsd: null, costSource: null });
  });
});

describe('OpenInference (@arizeai/openinference-instrumentation-openai 4.2.7, captured)', () => {
  const records = fixture('openinference').map((s) => normalizeSpan(s, { prices }));

  it('agent -> model calls, tokens and provider read from llm.*', () => {
    expect(records.find((r) => r.parentSpanId === null)).toMatchObject({
      category: 'agent',
      operation: 'invoke_agent',
      agentName: 'weather-agent',
      conversationId: 'conv-42',
    });
    const llm = records.filter((r) => r.attributes['openinference.span.kind'] === 'LLM');
    const withUsage = llm.filter((r) => r.inputTokens !== null);
    expect(
      withUsage.map((r) => [r.inputTokens, r.outputTokens, r.cacheReadTokens, r.reasoningTokens]),
    ).toEqual([
      [50, 10, 20, 4],
      [80, 12, 20, 4],
    ]);
    for (const r of withUsage) {
      expect(r).toMatchObject({ category: 'model', operation: 'chat', provider: 'openai', unpriced: false });
      expect(r.responseModel).toBe('gpt-4o-mini-2024-07-18');
      expect(r.costSource).toBe(GENAI_PRICES_DATASET);
    }
  });

  it('the streamed call carries no usage: no tokens, no cost, not unpriced', () => {
    const streamed = records.find((r) => String(r.attributes['input.value']).includes('"stream":true'));
    expect(streamed).toMatchObject({ category: 'model', inputTokens: null, costUsd: null, unpriced: false });
  });

  it('embeddings read embedding.model_name', () => {
    expect(records.find((r) => r.attributes['openinference.span.kind'] === 'EMBEDDING')).toMatchObject({
      category: 'model',
      operation: 'embeddings',
      requestModel: 'text-embedding-3-small',
    });
  });

  it('the failed chat call leaves no span (the library drops it), so only the parent can show it', () => {
    // Four chat calls were made; the fourth answered 500 and its span never reached the exporter.
    expect(records.filter((r) => r.attributes['openinference.span.kind'] === 'LLM')).toHaveLength(3);
  });

  it('reads LangChain provider and model from the metadata JSON', () => {
    const r = normalizeSpan(
      span('ChatAnthropic', {
        'openinference.span.kind': 'LLM',
        metadata: JSON.stringify({
          ls_provider: 'anthropic',
          ls_model_name: 'claude-3-5-haiku-latest',
          ls_temperature: 0,
        }),
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 20,
      }),
      { prices },
    );
    expect(r).toMatchObject({
      provider: 'anthropic',
      requestModel: 'claude-3-5-haiku-latest',
      inputTokens: 100,
      unpriced: false,
    });
  });
});

describe('OpenLLMetry (@traceloop/instrumentation-openai 0.27.0, captured)', () => {
  const records = fixture('openllmetry').map((s) => normalizeSpan(s, { prices }));

  it('workflow -> chat calls', () => {
    expect(records.find((r) => r.parentSpanId === null)).toMatchObject({
      category: 'workflow',
      operation: 'invoke_workflow',
      workflowName: 'weather_flow',
      provider: 'openai', // from traceloop.association.properties.ls_provider
    });
    const chats = records.filter((r) => r.category === 'model');
    expect(chats).toHaveLength(3); // the failed fourth call is dropped by the library
    for (const r of chats) {
      expect(r).toMatchObject({
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        unpriced: false,
      });
    }
  });

  it('keeps the streamed call tokens as reported (OpenLLMetry estimates them)', () => {
    // The fake server's usage chunk said 50/10; the library counted the text itself.
    const streamed = records.find((r) => r.attributes['gen_ai.response.id'] === 'chatcmpl-3');
    expect(streamed).toMatchObject({ inputTokens: 2, outputTokens: 6 });
  });

  it('older releases: deprecated GenAI names, llm.request.type, task spans (written from source)', () => {
    const workflow = normalizeSpan(
      span('joke.workflow', {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.name': 'joke',
        'traceloop.workflow.name': 'joke',
      }),
    );
    const task = normalizeSpan(
      span('pick_topic.task', {
        'traceloop.span.kind': 'task',
        'traceloop.entity.name': 'pick_topic',
        'traceloop.workflow.name': 'joke',
      }),
    );
    const tool = normalizeSpan(
      span('search.tool', { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' }),
    );
    const agent = normalizeSpan(
      span('writer.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'writer' }),
    );
    const chat = normalizeSpan(
      span('openai.chat', {
        'llm.request.type': 'chat',
        'gen_ai.system': 'OpenAI',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.prompt_tokens': 15,
        'gen_ai.usage.completion_tokens': 7,
        'llm.usage.total_tokens': 22,
        'llm.is_streaming': false,
        'traceloop.workflow.name': 'joke',
      }),
      { prices },
    );
    expect(workflow).toMatchObject({ category: 'workflow', workflowName: 'joke' });
    expect(task).toMatchObject({ category: 'workflow_node', workflowName: 'joke' });
    expect(tool).toMatchObject({ category: 'tool', toolName: 'search' });
    expect(agent).toMatchObject({ category: 'agent', agentName: 'writer' });
    expect(chat).toMatchObject({
      category: 'model',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      inputTokens: 15,
      outputTokens: 7,
      workflowName: 'joke',
      costSource: GENAI_PRICES_DATASET,
    });
    expect(chat.attributes['llm.usage.total_tokens']).toBe(22);
  });
});

describe('OpenTelemetry GenAI and agentlens spans', () => {
  it('agent -> chat -> tool, current names, cost carried by the span', () => {
    const agent = normalizeSpan(
      span('invoke_agent planner', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'planner',
        'gen_ai.agent.id': 'agt_1',
        'gen_ai.conversation.id': 'conv_9',
        'agentlens.workflow.name': 'trip',
      }),
    );
    const chat = normalizeSpan(
      span('chat claude-sonnet-4', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
        'gen_ai.response.model': 'claude-sonnet-4-20250514',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.cache_creation.input_tokens': 100,
        'gen_ai.usage.reasoning.output_tokens': 50,
        'agentlens.cost.usd': 0.0042,
      }),
      { prices },
    );
    const tool = normalizeSpan(
      span('execute_tool search', {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search',
        'gen_ai.tool.call.id': 'toolu_1',
      }),
    );
    expect(agent).toMatchObject({
      category: 'agent',
      agentName: 'planner',
      agentId: 'agt_1',
      conversationId: 'conv_9',
      workflowName: 'trip',
      service: 'agent-app',
      durationMs: 250,
      parentSpanId: null,
    });
    expect(chat).toMatchObject({
      category: 'model',
      provider: 'anthropic',
      responseModel: 'claude-sonnet-4-20250514',
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      reasoningTokens: 50,
      costUsd: 0.0042,
      costSource: 'span',
      unpriced: false,
    });
    expect(tool).toMatchObject({ category: 'tool', toolName: 'search', toolCallId: 'toolu_1' });
  });

  it('deprecated gen_ai.system and prompt/completion tokens', () => {
    const r = normalizeSpan(
      span('chat gpt-4o', {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 10,
        'gen_ai.usage.completion_tokens': 5,
      }),
      { prices },
    );
    expect(r).toMatchObject({
      category: 'model',
      operation: 'chat',
      provider: 'openai',
      inputTokens: 10,
      outputTokens: 5,
    });
    expect(r.costUsd).toBeGreaterThan(0);
  });

  it('names alone: invoke_agent X, execute_tool X, workflow X, workflow.node X', () => {
    expect(normalizeSpan(span('invoke_agent triage', {}))).toMatchObject({
      category: 'agent',
      agentName: 'triage',
    });
    expect(normalizeSpan(span('execute_tool fetch', {}))).toMatchObject({
      category: 'tool',
      toolName: 'fetch',
    });
    expect(normalizeSpan(span('workflow onboarding', {}))).toMatchObject({
      category: 'workflow',
      workflowName: 'onboarding',
    });
    expect(
      normalizeSpan(
        span('workflow.node review', {
          'agentlens.workflow.name': 'onboarding',
          'agentlens.workflow.node': 'review',
        }),
      ),
    ).toMatchObject({ category: 'workflow_node', workflowName: 'onboarding' });
    expect(normalizeSpan(span('GET /health', {}))).toMatchObject({ category: 'other', operation: null });
  });

  it('an unknown model with tokens is unpriced; agentlens.cost.unpriced is honoured', () => {
    const unknown = normalizeSpan(
      span('chat my-finetune', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'acme-llm',
        'gen_ai.request.model': 'my-finetune',
        'gen_ai.usage.input_tokens': 10,
      }),
      { prices },
    );
    expect(unknown).toMatchObject({ unpriced: true, costUsd: null });
    const flagged = normalizeSpan(span('chat x', { 'agentlens.cost.unpriced': true }), { prices });
    expect(flagged.unpriced).toBe(true);
  });

  it('error type: error.type, else the exception event, else _OTHER', () => {
    const declared = normalizeSpan(span('chat m', { 'error.type': 'rate_limited' }, { statusCode: 2 }));
    const fromEvent = normalizeSpan(
      span(
        'chat m',
        {},
        {
          statusCode: 2,
          statusMessage: 'boom',
          events: [
            { timeUnixNano: '1', name: 'exception', attributes: { 'exception.type': 'TimeoutError' } },
          ],
        },
      ),
    );
    const bare = normalizeSpan(span('chat m', {}, { statusCode: 2 }));
    const ok = normalizeSpan(span('chat m', {}, { statusCode: 1 }));
    expect(declared.errorType).toBe('rate_limited');
    expect(fromEvent).toMatchObject({ errorType: 'TimeoutError', statusMessage: 'boom' });
    expect(bare.errorType).toBe('_OTHER');
    expect(ok).toMatchObject({ errorType: null, statusMessage: null });
  });
});

describe('OpenAI Agents wrappers (written from the brief, not captured)', () => {
  it('task and turn spans repeat their children usage', () => {
    const scope = { name: 'openai-agents', version: '0.1' };
    const task = normalizeSpan(span('task', { 'gen_ai.usage.input_tokens': 30 }, { scope }));
    const turn = normalizeSpan(span('turn', {}, { scope }));
    const generation = normalizeSpan(
      span('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 30 }, { scope }),
    );
    expect(task.aggregatesChildren).toBe(true);
    expect(turn.aggregatesChildren).toBe(true);
    expect(generation.aggregatesChildren).toBe(false);
    expect(totals([task, turn, generation]).input).toBe(30);
    expect(normalizeSpan(span('task', {})).aggregatesChildren).toBe(false);
  });
});

describe('garbage in, no throw, no NaN', () => {
  const countColumns = [
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'reasoningTokens',
  ] as const;

  it.each([
    ['numeric strings', { 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': '3' }, 12, 3],
    ['negative numbers', { 'gen_ai.usage.input_tokens': -5, 'gen_ai.usage.output_tokens': '-1' }, null, null],
    [
      'NaN and Infinity',
      { 'gen_ai.usage.input_tokens': Number.NaN, 'gen_ai.usage.output_tokens': Number.POSITIVE_INFINITY },
      null,
      null,
    ],
    ['wrong types', { 'gen_ai.usage.input_tokens': true, 'gen_ai.usage.output_tokens': [1, 2] }, null, null],
    [
      'non-numeric strings',
      { 'gen_ai.usage.input_tokens': 'lots', 'gen_ai.usage.output_tokens': '' },
      null,
      null,
    ],
    [
      'a bad current value falls back to the deprecated one',
      { 'gen_ai.usage.input_tokens': 'x', 'gen_ai.usage.prompt_tokens': 7 },
      7,
      null,
    ],
  ] as const)('%s', (_, attributes, input, output) => {
    const r = normalizeSpan(span('chat m', attributes as unknown as Attributes), { prices });
    expect(r.inputTokens).toBe(input);
    expect(r.outputTokens).toBe(output);
    for (const column of countColumns) {
      const v = r[column];
      expect(v === null || (Number.isFinite(v) && v >= 0)).toBe(true);
    }
  });

  it('non-string models, providers and names are ignored', () => {
    const r = normalizeSpan(
      span('chat', {
        'gen_ai.operation.name': 42,
        'gen_ai.provider.name': { nested: true },
        'gen_ai.request.model': ['gpt-4o'],
        'gen_ai.agent.name': '   ',
        metadata: '{"ls_provider": broken json',
        'agentlens.cost.usd': -1,
      } as unknown as Attributes),
      { prices },
    );
    expect(r).toMatchObject({
      operation: 'chat',
      provider: null,
      requestModel: null,
      agentName: null,
      costUsd: null,
    });
  });

  it('missing or broken structure: times, resource, attributes, the span itself', () => {
    const broken = [
      { ...span('x', {}), startTimeUnixNano: 'soon', endTimeUnixNano: '1.5' },
      { ...span('x', {}), endTimeUnixNano: '1699999999000000000' },
      { ...span('x', {}), attributes: undefined, resource: null, events: null, scope: undefined },
      { ...span('x', {}), resource: { 'service.name': 7 } },
      { name: 12, statusCode: 2, events: [null, { name: 'exception' }] },
      null,
      undefined,
      'a string',
    ];
    for (const input of broken) {
      const r = normalizeSpan(input as unknown as OtlpSpan, { prices });
      expect(Number.isFinite(r.durationMs) && r.durationMs >= 0).toBe(true);
      expect(typeof r.category).toBe('string');
    }
    expect(normalizeSpan(broken[2] as unknown as OtlpSpan).service).toBe('unknown_service');
    expect(normalizeSpan(broken[4] as unknown as OtlpSpan).errorType).toBe('_OTHER');
  });

  it('durations use exact integer nanoseconds', () => {
    const r = normalizeSpan(
      span('x', {}, { startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000123456790' }),
    );
    expect(r.durationMs).toBe(123.456789);
  });
});

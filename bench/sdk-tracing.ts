/**
 * The SDK's tracing and logging costs against the raw libraries, in one run:
 * - per operation: a raw OpenTelemetry span (`tracer.startActiveSpan` with the GenAI attributes
 *   `withToolCall` sets) against agentlens' `withToolCall` and `withModelCall`, which also feed
 *   metrics, the collector and (for model calls) the price and the log line; sync and async;
 * - per log line: raw pino 10 configured like the agentlens logger against `createLogger`, with
 *   redaction on (the default) and off, writing the same line to the same no-op destination.
 */
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  genAiSpanName,
} from '@agentlens/core';
import { type Agentlens, createAgentlens, createLogger } from '@agentlens/sdk';
import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { pino } from 'pino';
import type { Benchmark, BenchmarkOptions } from './support/benchmark.js';
import { formatCount, formatNs, formatRatio, markdownTable } from './support/markdown.js';
import { type Contender, compareInRounds, type RoundsPlan, type RoundsTiming } from './support/measure.js';

// ---- shared ------------------------------------------------------------------------------------

function planFor(quick: boolean): RoundsPlan {
  return quick
    ? { rounds: 1, warmUpMs: 100, budget: { minMs: 30, minSamples: 12 } }
    : { rounds: 5, warmUpMs: 300, budget: { minMs: 1000, minSamples: 50 } };
}

const spreadOf = (t: RoundsTiming) =>
  (Math.max(...t.roundMediansNs) - Math.min(...t.roundMediansNs)) / t.medianNs;

function methodLine(quick: boolean, plan: RoundsPlan, timings: readonly RoundsTiming[]): string {
  if (quick)
    return `One round of at least ${plan.budget.minMs} ms per operation, after ${plan.warmUpMs} ms of warm-up.`;
  const noisiest = timings.reduce((worst, t) => (spreadOf(t) > spreadOf(worst) ? t : worst));
  return `After ${plan.warmUpMs} ms of warm-up per operation, median of ${plan.rounds} interleaved rounds of at least ${plan.budget.minMs} ms per operation (mitata, batched calls); the widest spread of round medians was ${(spreadOf(noisiest) * 100).toFixed(0)} % (${noisiest.name}: ${noisiest.roundMediansNs.map(formatNs).join(', ')} ns).`;
}

/** A contender that can prove afterwards that every call it was timed on did its work. */
interface CountedContender extends Contender {
  /** Calls made so far, timed or not. */
  calls(): number;
}

// ---- spans ---------------------------------------------------------------------------------------

/** Discards spans: the export costs a callback, so the figures are the instrumentation's own. */
class DiscardingExporter implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Counts ended spans, so a contender that silently used a no-op tracer is caught. */
class EndedSpans implements SpanProcessor {
  ended = 0;

  onStart(): void {}

  onEnd(): void {
    this.ended++;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const TOOL = 'web_search';
const TOOL_SPAN = genAiSpanName('execute_tool', TOOL);
const MODEL_SPAN = genAiSpanName('chat', 'gpt-4o');
const VALUE = { answer: 42 };

/**
 * Options that pin every setting an environment variable could change; the logger stays on at
 * `info` (its default level) but writes to a no-op destination instead of stdout.
 */
function newAgentlens(provider: BasicTracerProvider, logLines: { count: number }): Agentlens {
  return createAgentlens({
    processMetrics: false,
    metricPrefix: '',
    seriesCap: 2000,
    defaultLabels: {},
    captureContent: false,
    tracing: { tracerProvider: provider },
    logging: {
      level: 'info',
      destination: {
        write: () => {
          logLines.count++;
        },
      },
    },
  });
}

// Each contender's `op` is its own function literal: V8 keeps type feedback per closure site.

function spanContenders(provider: BasicTracerProvider) {
  const tracer = provider.getTracer('bench-raw-opentelemetry');
  const toolLogLines = { count: 0 };
  const modelLogLines = { count: 0 };
  const toolAgentlens = newAgentlens(provider, toolLogLines);
  const modelAgentlens = newAgentlens(provider, modelLogLines);
  let rawCalls = 0;
  let rawModelCalls = 0;
  let toolCalls = 0;
  let modelCalls = 0;
  let rawAsyncCalls = 0;
  let toolAsyncCalls = 0;
  let modelAsyncCalls = 0;
  const raw: CountedContender = {
    name: 'raw OpenTelemetry startActiveSpan (tool attributes)',
    op: () => {
      rawCalls++;
      return tracer.startActiveSpan(
        TOOL_SPAN,
        { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR_GEN_AI_TOOL_NAME]: TOOL } },
        (span) => {
          span.end();
          return VALUE;
        },
      );
    },
    calls: () => rawCalls,
  };
  const rawModel: CountedContender = {
    name: 'raw OpenTelemetry startActiveSpan (model attributes + usage, informative)',
    op: () => {
      rawModelCalls++;
      return tracer.startActiveSpan(
        MODEL_SPAN,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
            [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
            [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
          },
        },
        (span) => {
          span.setAttributes({
            [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1200,
            [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300,
          });
          span.end();
          return VALUE;
        },
      );
    },
    calls: () => rawModelCalls,
  };
  const tool: CountedContender = {
    name: 'agentlens withToolCall (sync)',
    op: () => {
      toolCalls++;
      return toolAgentlens.withToolCall(TOOL, () => VALUE);
    },
    calls: () => toolCalls,
  };
  const model: CountedContender = {
    name: 'agentlens withModelCall + setUsage (sync)',
    op: () => {
      modelCalls++;
      return modelAgentlens.withModelCall({ provider: 'openai', model: 'gpt-4o' }, (call) => {
        call.setUsage({ inputTokens: 1200, outputTokens: 300 });
        return VALUE;
      });
    },
    calls: () => modelCalls,
  };
  const rawAsync: CountedContender = {
    name: 'raw OpenTelemetry startActiveSpan, async function',
    op: () => {
      rawAsyncCalls++;
      return tracer.startActiveSpan(
        TOOL_SPAN,
        { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR_GEN_AI_TOOL_NAME]: TOOL } },
        async (span) => {
          const value = await Promise.resolve(VALUE);
          span.end();
          return value;
        },
      );
    },
    calls: () => rawAsyncCalls,
  };
  const toolAsync: CountedContender = {
    name: 'agentlens withToolCall, async function',
    op: () => {
      toolAsyncCalls++;
      return toolAgentlens.withToolCall(TOOL, async () => await Promise.resolve(VALUE));
    },
    calls: () => toolAsyncCalls,
  };
  const modelAsync: CountedContender = {
    name: 'agentlens withModelCall + setUsage, async function',
    op: () => {
      modelAsyncCalls++;
      return modelAgentlens.withModelCall({ provider: 'openai', model: 'gpt-4o' }, async (call) => {
        const value = await Promise.resolve(VALUE);
        call.setUsage({ inputTokens: 1200, outputTokens: 300 });
        return value;
      });
    },
    calls: () => modelAsyncCalls,
  };
  return {
    raw,
    tool,
    model,
    rawAsync,
    toolAsync,
    all: [raw, tool, model, rawModel, rawAsync, toolAsync, modelAsync],
    toolLogLines,
    modelLogLines,
    close: async () => {
      await toolAgentlens.shutdown();
      await modelAgentlens.shutdown();
    },
  };
}

/** Whether the operations' end-of-call log lines were part of what was timed. */
function describeLogLines(toolLines: number, modelLines: number): string {
  const part = (what: string, lines: number) =>
    lines > 0
      ? `${what} wrote ${formatCount(lines)} log lines`
      : `${what} wrote no log line (not at \`info\`)`;
  return `${part('withToolCall', toolLines)}, ${part('withModelCall', modelLines)}.`;
}

/** The target for `withToolCall` against a raw span. */
const SPAN_TARGET = 1.3;

async function spanSection(quick: boolean, progress: (message: string) => void): Promise<string> {
  // Installed before any contender, so the raw spans and agentlens share one context manager
  // (agentlens keeps an existing one).
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new DiscardingExporter();
  const ended = new EndedSpans();
  const provider = new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor(exporter), ended],
  });
  const contenders = spanContenders(provider);
  const plan = planFor(quick);
  try {
    const timings = await compareInRounds(contenders.all, plan, progress);
    const calls = contenders.all.reduce((sum, c) => sum + c.calls(), 0);
    if (ended.ended !== calls) {
      throw new Error(`${ended.ended} spans ended for ${calls} calls; the measurement is not trustworthy`);
    }

    const byName = new Map(timings.map((t) => [t.name, t]));
    const medianOf = (contender: Contender) => byName.get(contender.name)?.medianNs ?? Number.NaN;
    const baseline = medianOf(contenders.raw);
    const asyncBaseline = medianOf(contenders.rawAsync);
    const isAsync = (name: string) => name.includes('async');
    const rows = timings.map((t) => {
      const ratio = t.medianNs / (isAsync(t.name) ? asyncBaseline : baseline);
      return [t.name, formatNs(t.medianNs), formatCount(1e9 / t.medianNs), formatRatio(ratio)];
    });
    const table = markdownTable(
      ['operation', 'median ns/op', 'ops/s', 'ratio to the raw span (sync or async alike)'],
      rows,
    );
    const ratio = medianOf(contenders.tool) / baseline;
    const asyncRatio = medianOf(contenders.toolAsync) / asyncBaseline;
    const smoke = quick ? ' (quick mode: a smoke figure, not one to quote)' : '';
    return [
      table,
      '',
      `withToolCall costs ${formatRatio(ratio)} a raw OpenTelemetry span (target ≤ ${SPAN_TARGET}×): ${ratio <= SPAN_TARGET ? 'met' : 'not met'}${smoke}`,
      '',
      `With async functions, withToolCall costs ${formatRatio(asyncRatio)} the raw async span.`,
      '',
      `${methodLine(quick, plan, timings)} Every contender runs on one \`BasicTracerProvider\` (sdk-trace-node 2.12, always-on sampler) with one \`BatchSpanProcessor\` (default settings) around an exporter whose \`export()\` calls back success, plus a processor counting ended spans; after timing, the spans ended were checked against the calls made. In a synchronous timing loop the batch processor's first export cannot complete (its promise settles only between measurements), so its queue fills at 2 048 spans and the rest are dropped at \`onEnd\`, the same cheap path for every sync contender; async contenders export in batches of 512. agentlens is \`createAgentlens({ processMetrics: false, tracing: { tracerProvider } })\` with env-dependent settings pinned and its logger on at \`info\` writing to a no-op destination: \`withToolCall\` also records the tool metrics and the collector, \`withModelCall\` also prices the call from the dataset and records the model metrics; ${describeLogLines(contenders.toolLogLines.count, contenders.modelLogLines.count)}`,
    ].join('\n');
  } finally {
    await contenders.close();
    await provider.shutdown();
    context.disable();
  }
}

// ---- log lines -----------------------------------------------------------------------------------

const SERVICE = 'bench-svc';
const MESSAGE = 'tool call finished';

/** Counts the lines it is handed and keeps nothing but the last one. */
class DiscardingDestination {
  lines = 0;
  last = '';

  write(chunk: string): void {
    this.lines++;
    this.last = chunk;
  }
}

/**
 * Raw pino with the agentlens logger's line format: same keys, same order, same base fields. With
 * `cachedTimestamp`, it builds the ISO timestamp once per millisecond as the agentlens logger does,
 * so a reader can tell how much of the difference is that trick and how much is redaction.
 */
function rawPino(destination: DiscardingDestination, cachedTimestamp = false) {
  let lastMs = -1;
  let last = '';
  const cached = () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"timestamp":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
  return pino(
    {
      level: 'info',
      messageKey: 'message',
      base: { service: SERVICE },
      timestamp: cachedTimestamp ? cached : () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  ).child({ logger: 'app' });
}

const withoutTimestamp = (line: string) => line.replace(/"timestamp":"[^"]*"/, '"timestamp":""');

async function logSection(quick: boolean, progress: (message: string) => void): Promise<string> {
  const destination = new DiscardingDestination();
  const raw = rawPino(destination);
  const rawCached = rawPino(destination, true);
  const redacted = createLogger({ serviceName: SERVICE, level: 'info', destination });
  const plain = createLogger({ serviceName: SERVICE, level: 'info', destination, redact: false });

  // The same line from each, timestamps aside, or the comparison is void.
  const lineOf = (write: () => void) => {
    write();
    return withoutTimestamp(destination.last);
  };
  const sample = { agent_name: 'ResearchAgent', tool_name: 'web_search', duration_ms: 412.5 };
  const expected = lineOf(() => raw.info({ ...sample, success: true, query: 'q' }, MESSAGE));
  for (const logger of [redacted, plain]) {
    const line = lineOf(() => logger.info(MESSAGE, { ...sample, success: true, query: 'q' }));
    if (line !== expected)
      throw new Error(`the agentlens line differs from raw pino's:\n${line}\n${expected}`);
  }
  const linesBefore = destination.lines;

  let rawCalls = 0;
  let rawCachedCalls = 0;
  let redactedCalls = 0;
  let plainCalls = 0;
  const rawContender: CountedContender = {
    name: 'raw pino 10 (child logger, same format)',
    op: () => {
      rawCalls++;
      raw.info(
        {
          agent_name: 'ResearchAgent',
          tool_name: 'web_search',
          duration_ms: 412.5,
          success: true,
          query: 'quarterly revenue of the three largest cloud providers',
        },
        MESSAGE,
      );
    },
    calls: () => rawCalls,
  };
  const redactedContender: CountedContender = {
    name: 'agentlens logger, default redaction',
    op: () => {
      redactedCalls++;
      redacted.info(MESSAGE, {
        agent_name: 'ResearchAgent',
        tool_name: 'web_search',
        duration_ms: 412.5,
        success: true,
        query: 'quarterly revenue of the three largest cloud providers',
      });
    },
    calls: () => redactedCalls,
  };
  const plainContender: CountedContender = {
    name: 'agentlens logger, redact: false',
    op: () => {
      plainCalls++;
      plain.info(MESSAGE, {
        agent_name: 'ResearchAgent',
        tool_name: 'web_search',
        duration_ms: 412.5,
        success: true,
        query: 'quarterly revenue of the three largest cloud providers',
      });
    },
    calls: () => plainCalls,
  };
  const rawCachedContender: CountedContender = {
    name: 'raw pino 10, timestamp cached per millisecond (informative)',
    op: () => {
      rawCachedCalls++;
      rawCached.info(
        {
          agent_name: 'ResearchAgent',
          tool_name: 'web_search',
          duration_ms: 412.5,
          success: true,
          query: 'quarterly revenue of the three largest cloud providers',
        },
        MESSAGE,
      );
    },
    calls: () => rawCachedCalls,
  };
  const contenders = [rawContender, redactedContender, plainContender, rawCachedContender];
  const plan = planFor(quick);
  const timings = await compareInRounds(contenders, plan, progress);
  const calls = contenders.reduce((sum, c) => sum + c.calls(), 0);
  if (destination.lines - linesBefore !== calls) {
    throw new Error(`${destination.lines - linesBefore} lines written for ${calls} calls`);
  }
  await Promise.all([redacted.close(), plain.close()]);

  const byName = new Map(timings.map((t) => [t.name, t]));
  const medianOf = (contender: Contender) => byName.get(contender.name)?.medianNs ?? Number.NaN;
  const baseline = medianOf(rawContender);
  const rows = timings.map((t) => [
    t.name,
    formatNs(t.medianNs),
    formatCount(1e9 / t.medianNs),
    `${((100 * baseline) / t.medianNs).toFixed(0)} %`,
  ]);
  const table = markdownTable(['logger', 'median ns/line', 'lines/s', "share of raw pino's lines/s"], rows);
  const share = baseline / medianOf(redactedContender);
  const shareOfCached = medianOf(rawCachedContender) / medianOf(redactedContender);
  const smoke = quick ? ' (quick mode: a smoke figure, not one to quote)' : '';
  return [
    table,
    '',
    `agentlens logger writes ${(share * 100).toFixed(0)} % of raw pino's lines per second (target ≥ 85 %): ${share >= 0.85 ? 'met' : 'not met'}${smoke}`,
    '',
    `Most of the margin is the agentlens logger building its ISO timestamp once per millisecond (\`toISOString()\` costs about a third of a line). Against raw pino given the same trick, the agentlens logger with redaction writes ${(shareOfCached * 100).toFixed(0)} % of its lines per second: that is the cost of redaction and the wrapper.`,
    '',
    `${methodLine(quick, plan, timings)} Each call logs \`"${MESSAGE}"\` at \`info\` with the same 5 fields (three strings, one of 55 characters; a number; a boolean), built per call; nothing in it is secret. Raw pino is \`pino({ level, messageKey: 'message', base: { service }, timestamp: ISO, formatters.level: label }).child({ logger: 'app' })\`, which writes byte for byte the agentlens line (checked before timing, timestamps aside). All three write to one destination object whose \`write()\` counts the line and drops it; after timing, the lines counted were checked against the calls made.`,
  ].join('\n');
}

async function run({ quick }: BenchmarkOptions): Promise<string> {
  const progress = (message: string) => console.error(`  sdk-tracing: ${message}`);
  const spans = await spanSection(quick, progress);
  const logs = await logSection(quick, progress);
  return ['#### Cost of one traced operation', '', spans, '', '#### Cost of one log line', '', logs].join(
    '\n',
  );
}

/** See the module comment. */
export const benchmark: Benchmark = {
  title: 'tracing and logging cost of the SDK against raw OpenTelemetry and raw pino',
  run,
};

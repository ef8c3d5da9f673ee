import {
  ATTR_AGENTLENS_COST_UNPRICED,
  ATTR_AGENTLENS_COST_USD,
  ATTR_AGENTLENS_OPERATION_NAME,
  ATTR_AGENTLENS_TIME_TO_FIRST_CHUNK,
  ATTR_AGENTLENS_WORKFLOW_NAME,
  ATTR_AGENTLENS_WORKFLOW_NODE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  genAiSpanName,
} from '@agentlens/core';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  createContextKey,
  context as otelContext,
  type Span,
  SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import type { AgentlensEvent, EventBus, TokenCounts } from '../events.js';
import type { ModelCallStatus } from '../metrics/records.js';
import { errorMessageOf, errorTypeOf, type Outcome, runInSpan } from './run-in-span.js';

/** What the tracer feeds when an operation ends: the recording functions, cost, logs. */
export interface OperationSink {
  recordAgentRequest(r: {
    agentName: string;
    success: boolean;
    responseTime: number;
    tokens: number;
    cost?: number;
    errorType?: string;
  }): void;
  adjustAgentInFlight(agentName: string, delta: number): void;
  recordModelCall(r: {
    provider: string;
    model: string;
    status: ModelCallStatus;
    duration: number;
    inputTokens: number;
    outputTokens: number;
    cachedInputTokens: number;
    cacheWriteTokens: number;
    reasoningTokens: number;
    cost?: number;
    operation: string;
    responseModel?: string;
    errorType?: string;
  }): void;
  recordToolUsage(r: {
    toolName: string;
    agentName?: string;
    success: boolean;
    executionTime: number;
    errorMessage?: string;
  }): void;
  recordWorkflowExecution(r: { workflowName: string; status: 'success' | 'error'; duration: number }): void;
  recordWorkflowNode(r: {
    workflowName: string;
    nodeName: string;
    status: 'success' | 'error';
    duration: number;
  }): void;
  recordError(r: {
    component: string;
    errorType: string;
    errorMessage: string;
    context?: Record<string, unknown>;
  }): void;
  /** The cost of a model call and the span attributes saying where it came from; undefined when unpriced. */
  price(
    provider: string,
    model: string,
    usage: TokenCounts,
  ): { usd: number; attributes: Attributes } | undefined;
  /** One structured log line for the end of an operation, with the span's trace context. */
  log(level: 'debug' | 'error', message: string, fields: Record<string, unknown>, span: Span): void;
  /** Whether a line at `level` would be written (so its fields are built only then). */
  logs(level: 'debug' | 'error'): boolean;
  /** Attributes the user passed, after redaction (a secret never reaches a span). */
  redactAttributes(attributes: Attributes | undefined): Attributes | undefined;
  /** Content attributes are captured only when this is on; the value passes redaction first. */
  readonly captureContent: boolean;
  redactContent(value: unknown): unknown;
  internalError(where: string, error: unknown): void;
}

interface AgentFrame {
  readonly name: string;
  tokens: number;
  cost: number;
  /** The part of `cost` reported through `addUsage`, which no child span carries. */
  ownCost: number;
}

const AGENT = createContextKey('agentlens.agent');
const WORKFLOW = createContextKey('agentlens.workflow');

/** The agent whose run encloses the active context, if any. */
function activeAgent(): AgentFrame | undefined {
  return otelContext.active().getValue(AGENT) as AgentFrame | undefined;
}

export interface AgentOptions {
  /** `gen_ai.agent.id`. */
  agentId?: string;
  /** `gen_ai.conversation.id`: ties the runs of one conversation together. */
  conversationId?: string;
  attributes?: Attributes;
}

/** The handle `withAgent` passes to its function. */
export interface AgentHandle {
  readonly span: Span;
  /** Adds tokens and cost spent outside `withModelCall` (model calls inside add theirs themselves). */
  addUsage(tokens: number, cost?: number): void;
}

export interface ModelCallOptions {
  /** `gen_ai.provider.name`: `openai`, `anthropic`, `aws.bedrock`, ... */
  provider: string;
  /** `gen_ai.request.model`. */
  model: string;
  /** `gen_ai.operation.name`. Default `chat`. */
  operation?: string;
  attributes?: Attributes;
}

/** The handle `withModelCall` passes to its function. */
export interface ModelCallHandle {
  readonly span: Span;
  /** Token usage as the provider reported it; call again (during a stream, say) to replace it. */
  setUsage(usage: Partial<TokenCounts>): void;
  setResponseModel(model: string): void;
  setResponseId(id: string): void;
  setFinishReasons(reasons: readonly string[]): void;
  /** A cost you computed yourself; otherwise agentlens prices the usage with its dataset. */
  setCost(usd: number): void;
  /** Prompt messages; recorded only with `captureContent`, after redaction. */
  setInputMessages(messages: unknown): void;
  /** Completion messages; recorded only with `captureContent`, after redaction. */
  setOutputMessages(messages: unknown): void;
  setSystemInstructions(instructions: unknown): void;
}

export interface ToolCallOptions {
  /** `gen_ai.tool.call.id`. */
  callId?: string;
  /** `gen_ai.tool.type`: `function`, `extension`, `datastore`. */
  type?: string;
  attributes?: Attributes;
}

function statusOf(error: unknown): ModelCallStatus {
  const type = errorTypeOf(error).toLowerCase();
  const status = (error as { status?: unknown } | null)?.status;
  if (type.includes('abort') || type.includes('cancel')) return 'cancelled';
  if (type.includes('timeout')) return 'timeout';
  if (status === 429 || type.includes('ratelimit')) return 'rate_limited';
  return 'error';
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * The agent helpers: each opens the span the GenAI conventions name, nests through the active
 * context, and when the function ends feeds the span, the metrics, the collector, the log line and
 * the event listeners from one record.
 */
export class AgentTracer {
  readonly #tracer: Tracer;
  readonly #sink: OperationSink;
  readonly #events: EventBus;

  constructor(tracer: Tracer, sink: OperationSink, events: EventBus) {
    this.#tracer = tracer;
    this.#sink = sink;
    this.#events = events;
  }

  /** Callers check `this.#events.active` first, so no event object is built when nobody listens. */
  #emit(event: AgentlensEvent): void {
    this.#events.emit(event);
  }

  #ids(span: Span): { traceId: string; spanId: string; time: number } {
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId, time: Date.now() };
  }

  #failed(component: string, outcome: Outcome): string {
    const message = errorMessageOf(outcome.error);
    const errorType = errorTypeOf(outcome.error);
    this.#sink.recordError({
      component,
      errorType,
      errorMessage: message,
      context: { trace_id: outcome.span.spanContext().traceId },
    });
    if (this.#events.active)
      this.#emit({ type: 'error', component, errorType, message, ...this.#ids(outcome.span) });
    return message;
  }

  withAgent<T>(
    name: string,
    optionsOrFn: AgentOptions | ((agent: AgentHandle) => T),
    maybeFn?: (agent: AgentHandle) => T,
  ): T {
    const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (agent: AgentHandle) => T;
    const frame: AgentFrame = { name, tokens: 0, cost: 0, ownCost: 0 };
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent',
      [ATTR_GEN_AI_AGENT_NAME]: name,
      ...(options.agentId ? { [ATTR_GEN_AI_AGENT_ID]: options.agentId } : {}),
      ...(options.conversationId ? { [ATTR_GEN_AI_CONVERSATION_ID]: options.conversationId } : {}),
      ...this.#sink.redactAttributes(options.attributes),
    };
    this.#sink.adjustAgentInFlight(name, 1);
    return runInSpan(
      this.#tracer,
      {
        name: genAiSpanName('invoke_agent', name),
        kind: SpanKind.INTERNAL,
        attributes,
        context: (ctx) => ctx.setValue(AGENT, frame),
        onInternalError: (error) => this.#sink.internalError('withAgent', error),
        finish: (outcome) => {
          this.#sink.adjustAgentInFlight(name, -1);
          const error = outcome.failed ? this.#failed(`agent:${name}`, outcome) : undefined;
          this.#sink.recordAgentRequest({
            agentName: name,
            success: !outcome.failed,
            responseTime: outcome.duration,
            tokens: frame.tokens,
            cost: frame.cost,
            ...(outcome.failed ? { errorType: errorTypeOf(outcome.error) } : {}),
          });
          // Only the cost no child span carries: model calls inside carry theirs, and the hub sums
          // every span of the agent, so the whole run's cost here would count it twice.
          if (frame.ownCost > 0) outcome.span.setAttribute(ATTR_AGENTLENS_COST_USD, frame.ownCost);
          if (this.#sink.logs(outcome.failed ? 'error' : 'debug')) {
            const fields = {
              agent_name: name,
              duration: outcome.duration,
              tokens: frame.tokens,
              cost_usd: frame.cost,
            };
            this.#sink.log(
              outcome.failed ? 'error' : 'debug',
              outcome.failed ? `agent ${name} failed` : `agent ${name} finished`,
              outcome.failed ? { ...fields, error, error_type: errorTypeOf(outcome.error) } : fields,
              outcome.span,
            );
          }
          if (this.#events.active)
            this.#emit({
              type: 'agent_end',
              agentName: name,
              success: !outcome.failed,
              duration: outcome.duration,
              tokens: frame.tokens,
              cost: frame.cost,
              ...(error === undefined ? {} : { error }),
              ...this.#ids(outcome.span),
            });
        },
      },
      (span) => {
        if (this.#events.active) this.#emit({ type: 'agent_start', agentName: name, ...this.#ids(span) });
        return fn({
          span,
          addUsage: (tokens, cost) => {
            frame.tokens += count(tokens);
            if (typeof cost === 'number' && cost >= 0 && Number.isFinite(cost)) {
              frame.cost += cost;
              frame.ownCost += cost;
            }
          },
        });
      },
    );
  }

  withModelCall<T>(call: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
    const operation = call.operation ?? 'chat';
    const { provider, model } = call;
    const usage: TokenCounts = {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    let usageSet = false;
    let responseModel: string | undefined;
    let explicitCost: number | undefined;
    const agent = activeAgent();
    const sink = this.#sink;
    return runInSpan(
      this.#tracer,
      {
        name: genAiSpanName(operation, model),
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: operation,
          [ATTR_GEN_AI_PROVIDER_NAME]: provider,
          [ATTR_GEN_AI_REQUEST_MODEL]: model,
          // The enclosing agent, so that the hub can tell which agent a call belongs to (and that a
          // run is still in flight) before the agent's own span arrives.
          ...(agent ? { [ATTR_GEN_AI_AGENT_NAME]: agent.name } : {}),
          ...sink.redactAttributes(call.attributes),
        },
        streams: true,
        onInternalError: (error) => sink.internalError('withModelCall', error),
        finish: (outcome) => {
          const span = outcome.span;
          if (usageSet) {
            span.setAttributes({
              [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
              [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
              ...(usage.cacheReadTokens
                ? { [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage.cacheReadTokens }
                : {}),
              ...(usage.cacheWriteTokens
                ? { [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: usage.cacheWriteTokens }
                : {}),
              ...(usage.reasoningTokens
                ? { [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: usage.reasoningTokens }
                : {}),
            });
          }
          if (outcome.timeToFirstChunk !== undefined) {
            span.setAttribute(ATTR_AGENTLENS_TIME_TO_FIRST_CHUNK, outcome.timeToFirstChunk);
          }
          let cost = explicitCost;
          if (cost === undefined && usageSet) {
            const priced = sink.price(provider, responseModel ?? model, usage);
            if (priced) {
              cost = priced.usd;
              span.setAttributes(priced.attributes);
            } else span.setAttribute(ATTR_AGENTLENS_COST_UNPRICED, true);
          }
          if (cost !== undefined) span.setAttribute(ATTR_AGENTLENS_COST_USD, cost);
          const error = outcome.failed ? this.#failed(`model:${provider}/${model}`, outcome) : undefined;
          const status = outcome.failed ? statusOf(outcome.error) : 'success';
          sink.recordModelCall({
            provider,
            model,
            status,
            duration: outcome.duration,
            operation,
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            cachedInputTokens: usage.cacheReadTokens,
            cacheWriteTokens: usage.cacheWriteTokens,
            reasoningTokens: usage.reasoningTokens,
            ...(cost === undefined ? {} : { cost }),
            ...(responseModel && responseModel !== model ? { responseModel } : {}),
            ...(outcome.failed ? { errorType: errorTypeOf(outcome.error) } : {}),
          });
          if (agent) {
            agent.tokens += usage.inputTokens + usage.outputTokens;
            if (cost !== undefined) agent.cost += cost;
          }
          if (sink.logs(outcome.failed ? 'error' : 'debug')) {
            const fields: Record<string, unknown> = {
              provider,
              model,
              operation,
              duration: outcome.duration,
              input_tokens: usage.inputTokens,
              output_tokens: usage.outputTokens,
              cost_usd: cost ?? null,
            };
            sink.log(
              outcome.failed ? 'error' : 'debug',
              outcome.failed ? `${operation} ${model} failed` : `${operation} ${model} finished`,
              outcome.failed ? { ...fields, error, error_type: errorTypeOf(outcome.error) } : fields,
              span,
            );
          }
          if (this.#events.active)
            this.#emit({
              type: 'model_call_end',
              provider,
              model,
              operation,
              agentName: agent?.name,
              success: !outcome.failed,
              duration: outcome.duration,
              usage: { ...usage },
              cost,
              timeToFirstChunk: outcome.timeToFirstChunk,
              ...(error === undefined ? {} : { error }),
              ...this.#ids(span),
            });
        },
      },
      (span) => {
        const content = (key: string, value: unknown) => {
          if (!sink.captureContent) return;
          try {
            span.setAttribute(key, JSON.stringify(sink.redactContent(value)) ?? String(value));
          } catch (error) {
            sink.internalError('captureContent', error);
          }
        };
        return fn({
          span,
          setUsage: (next) => {
            usageSet = true;
            if (next.inputTokens !== undefined) usage.inputTokens = count(next.inputTokens);
            if (next.outputTokens !== undefined) usage.outputTokens = count(next.outputTokens);
            if (next.cacheReadTokens !== undefined) usage.cacheReadTokens = count(next.cacheReadTokens);
            if (next.cacheWriteTokens !== undefined) usage.cacheWriteTokens = count(next.cacheWriteTokens);
            if (next.reasoningTokens !== undefined) usage.reasoningTokens = count(next.reasoningTokens);
          },
          setResponseModel: (value) => {
            responseModel = value;
            span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, value);
          },
          setResponseId: (id) => span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, id),
          setFinishReasons: (reasons) => span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [...reasons]),
          setCost: (usd) => {
            if (typeof usd === 'number' && usd >= 0 && Number.isFinite(usd)) explicitCost = usd;
          },
          setInputMessages: (messages) => content(ATTR_GEN_AI_INPUT_MESSAGES, messages),
          setOutputMessages: (messages) => content(ATTR_GEN_AI_OUTPUT_MESSAGES, messages),
          setSystemInstructions: (instructions) => content(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, instructions),
        });
      },
    );
  }

  withToolCall<T>(
    name: string,
    optionsOrFn: ToolCallOptions | ((span: Span) => T),
    maybeFn?: (span: Span) => T,
  ): T {
    const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (span: Span) => T;
    const agent = activeAgent();
    return runInSpan(
      this.#tracer,
      {
        name: genAiSpanName('execute_tool', name),
        kind: SpanKind.INTERNAL,
        attributes: this.#toolAttributes(name, options, agent),
        onInternalError: (error) => this.#sink.internalError('withToolCall', error),
        finish: (outcome) => {
          const error = outcome.failed ? this.#failed(`tool:${name}`, outcome) : undefined;
          this.#sink.recordToolUsage({
            toolName: name,
            ...(agent ? { agentName: agent.name } : {}),
            success: !outcome.failed,
            executionTime: outcome.duration,
            ...(error === undefined ? {} : { errorMessage: error }),
          });
          if (this.#sink.logs(outcome.failed ? 'error' : 'debug')) {
            const fields = { tool_name: name, agent_name: agent?.name ?? null, duration: outcome.duration };
            this.#sink.log(
              outcome.failed ? 'error' : 'debug',
              outcome.failed ? `tool ${name} failed` : `tool ${name} finished`,
              outcome.failed ? { ...fields, error, error_type: errorTypeOf(outcome.error) } : fields,
              outcome.span,
            );
          }
          if (this.#events.active)
            this.#emit({
              type: 'tool_call_end',
              toolName: name,
              agentName: agent?.name,
              success: !outcome.failed,
              duration: outcome.duration,
              ...(error === undefined ? {} : { error }),
              ...this.#ids(outcome.span),
            });
        },
      },
      fn,
    );
  }

  #toolAttributes(name: string, options: ToolCallOptions, agent: AgentFrame | undefined): Attributes {
    // Built field by field: this runs on every tool call, and spreads of conditional objects allocate.
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_NAME]: name,
    };
    if (agent) attributes[ATTR_GEN_AI_AGENT_NAME] = agent.name;
    if (options.callId) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = options.callId;
    if (options.type) attributes[ATTR_GEN_AI_TOOL_TYPE] = options.type;
    if (options.attributes) Object.assign(attributes, this.#sink.redactAttributes(options.attributes));
    return attributes;
  }

  withWorkflow<T>(name: string, fn: (span: Span) => T): T {
    const agent = activeAgent();
    return runInSpan(
      this.#tracer,
      {
        name: `workflow ${name}`,
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_workflow',
          [ATTR_AGENTLENS_WORKFLOW_NAME]: name,
          ...(agent ? { [ATTR_GEN_AI_AGENT_NAME]: agent.name } : {}),
        },
        context: (ctx: Context) => ctx.setValue(WORKFLOW, name),
        onInternalError: (error) => this.#sink.internalError('withWorkflow', error),
        finish: (outcome) => {
          const error = outcome.failed ? this.#failed(`workflow:${name}`, outcome) : undefined;
          this.#sink.recordWorkflowExecution({
            workflowName: name,
            status: outcome.failed ? 'error' : 'success',
            duration: outcome.duration,
          });
          if (this.#sink.logs(outcome.failed ? 'error' : 'debug')) {
            this.#sink.log(
              outcome.failed ? 'error' : 'debug',
              outcome.failed ? `workflow ${name} failed` : `workflow ${name} finished`,
              { workflow_name: name, duration: outcome.duration, ...(error === undefined ? {} : { error }) },
              outcome.span,
            );
          }
          if (this.#events.active)
            this.#emit({
              type: 'workflow_end',
              workflowName: name,
              success: !outcome.failed,
              duration: outcome.duration,
              ...(error === undefined ? {} : { error }),
              ...this.#ids(outcome.span),
            });
        },
      },
      (span) => {
        if (this.#events.active)
          this.#emit({ type: 'workflow_start', workflowName: name, ...this.#ids(span) });
        return fn(span);
      },
    );
  }

  withWorkflowNode<T>(name: string, fn: (span: Span) => T): T {
    const workflowName = (otelContext.active().getValue(WORKFLOW) as string | undefined) ?? 'default';
    const agent = activeAgent();
    return runInSpan(
      this.#tracer,
      {
        name: `workflow.node ${name}`,
        attributes: {
          [ATTR_AGENTLENS_WORKFLOW_NAME]: workflowName,
          [ATTR_AGENTLENS_WORKFLOW_NODE]: name,
          ...(agent ? { [ATTR_GEN_AI_AGENT_NAME]: agent.name } : {}),
        },
        onInternalError: (error) => this.#sink.internalError('withWorkflowNode', error),
        finish: (outcome) => {
          const error = outcome.failed
            ? this.#failed(`workflow:${workflowName}/${name}`, outcome)
            : undefined;
          this.#sink.recordWorkflowNode({
            workflowName,
            nodeName: name,
            status: outcome.failed ? 'error' : 'success',
            duration: outcome.duration,
          });
          if (this.#events.active)
            this.#emit({
              type: 'workflow_node_end',
              workflowName,
              nodeName: name,
              success: !outcome.failed,
              duration: outcome.duration,
              ...(error === undefined ? {} : { error }),
              ...this.#ids(outcome.span),
            });
        },
      },
      fn,
    );
  }

  /**
   * Any other operation (the Ajentik guide's `monitor_operation`): a span named `name` with the
   * context as attributes; with `agentName` in the context it also counts as that agent's request.
   */
  monitorOperation<T>(
    name: string,
    operationContext: Record<string, AttributeValue | undefined>,
    fn: (span: Span) => T,
  ): T {
    const agentName = typeof operationContext.agentName === 'string' ? operationContext.agentName : undefined;
    const attributes: Attributes = { [ATTR_AGENTLENS_OPERATION_NAME]: name };
    for (const [key, value] of Object.entries(operationContext)) {
      if (value === undefined) continue;
      attributes[key === 'agentName' ? ATTR_GEN_AI_AGENT_NAME : key] = value;
    }
    Object.assign(attributes, this.#sink.redactAttributes(attributes));
    if (agentName) this.#sink.adjustAgentInFlight(agentName, 1);
    return runInSpan(
      this.#tracer,
      {
        name,
        attributes,
        onInternalError: (error) => this.#sink.internalError('monitorOperation', error),
        finish: (outcome) => {
          if (outcome.failed) this.#failed(agentName ? `agent:${agentName}` : name, outcome);
          if (agentName) {
            this.#sink.adjustAgentInFlight(agentName, -1);
            this.#sink.recordAgentRequest({
              agentName,
              success: !outcome.failed,
              responseTime: outcome.duration,
              tokens: 0,
              ...(outcome.failed ? { errorType: errorTypeOf(outcome.error) } : {}),
            });
          }
        },
      },
      fn,
    );
  }

  /** A plain span around `fn`, with attributes; errors are recorded on it and rethrown. */
  withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
    return runInSpan(
      this.#tracer,
      {
        name,
        attributes,
        onInternalError: (error) => this.#sink.internalError('withSpan', error),
        finish: () => {},
      },
      fn,
    );
  }
}

/**
 * The records that flow through the hub: OTLP data decoded into plain objects (`Otlp*`, what the
 * receiver produces from protobuf, JSON or gRPC alike), and the normalized rows the store keeps
 * (`SpanRecord`, `LogRecord`). Pure types; the decoder, normalizer and stores share them.
 *
 * Conventions: ids are lower-case hex (trace 32 chars, span 16 chars); times are Unix nanoseconds
 * as decimal strings (int64 does not fit a JS number); attribute values are JSON values
 * (string, number, boolean, arrays of those, or nested objects/arrays from OTLP kvlists and bytes
 * as base64 strings).
 */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** The OTLP `InstrumentationScope`. */
export interface OtlpScope {
  readonly name: string;
  readonly version: string;
  /** The scope's own attributes; absent when it has none. */
  readonly attributes?: Attributes;
}

export interface OtlpSpanEvent {
  readonly timeUnixNano: string;
  readonly name: string;
  readonly attributes: Attributes;
}

export interface OtlpSpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: Attributes;
}

/** One decoded OTLP span with its resource and scope, before normalization. */
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty string when the span is a root. */
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: Attributes;
  readonly events: readonly OtlpSpanEvent[];
  readonly links: readonly OtlpSpanLink[];
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly resource: Attributes;
  readonly scope: OtlpScope;
}

/** One decoded OTLP log record with its resource and scope. */
export interface OtlpLog {
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AttributeValue;
  readonly attributes: Attributes;
  /** Empty strings when the record has no trace context. */
  readonly traceId: string;
  readonly spanId: string;
  readonly resource: Attributes;
  readonly scope: OtlpScope;
}

/** One decoded OTLP metric data point (gauge, sum or histogram), flattened. */
export interface OtlpMetricPoint {
  readonly metricName: string;
  readonly description: string;
  readonly unit: string;
  readonly type: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
  readonly timeUnixNano: string;
  readonly startTimeUnixNano: string;
  readonly attributes: Attributes;
  /** Gauge and sum points. */
  readonly value?: number;
  /** Histogram points. */
  readonly count?: number;
  readonly sum?: number;
  readonly bucketCounts?: readonly number[];
  readonly explicitBounds?: readonly number[];
  readonly resource: Attributes;
  readonly scope: OtlpScope;
}

/** What a span is, in agentlens' model. */
export type SpanCategory = 'agent' | 'model' | 'tool' | 'workflow' | 'workflow_node' | 'other';

/** Every {@link SpanCategory}. */
export const SPAN_CATEGORIES: readonly SpanCategory[] = [
  'agent',
  'model',
  'tool',
  'workflow',
  'workflow_node',
  'other',
];

/**
 * A span as the hub stores it: the GenAI fields as columns (null when the span does not carry
 * them), everything else in `attributes`. Produced from any attribute dialect by the normalizer.
 */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Null for a root span. */
  readonly parentSpanId: string | null;
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly durationMs: number;
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string | null;
  readonly category: SpanCategory;
  /** `gen_ai.operation.name` or its equivalent: chat, embeddings, execute_tool, invoke_agent, ... */
  readonly operation: string | null;
  readonly agentName: string | null;
  readonly agentId: string | null;
  readonly conversationId: string | null;
  readonly provider: string | null;
  readonly requestModel: string | null;
  readonly responseModel: string | null;
  readonly toolName: string | null;
  readonly toolCallId: string | null;
  readonly workflowName: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  readonly reasoningTokens: number | null;
  readonly costUsd: number | null;
  /** True when the span is a model call with tokens but no known price: cost unknown, not zero. */
  readonly unpriced: boolean;
  /** Where the cost came from: `span` (the span carried it), `genai-prices 0.1.8`, an override set. */
  readonly costSource: string | null;
  readonly errorType: string | null;
  /**
   * True when this span repeats the summed usage of its children (Vercel AI SDK `ai.generateText`
   * over its `doGenerate` steps, OpenAI Agents `task` / `turn`): its tokens and cost must not be
   * counted again in totals.
   */
  readonly aggregatesChildren: boolean;
  readonly attributes: Attributes;
  readonly resource: Attributes;
  readonly scope: OtlpScope;
  readonly events: readonly OtlpSpanEvent[];
  readonly links: readonly OtlpSpanLink[];
  /** The W3C `tracestate` the span was exported with; absent when it had none. */
  readonly traceState?: string;
}

/** The GenAI columns of a `SpanRecord`. */
export type GenAiColumns = Pick<
  SpanRecord,
  | 'category'
  | 'operation'
  | 'agentName'
  | 'agentId'
  | 'conversationId'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'toolName'
  | 'toolCallId'
  | 'workflowName'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadTokens'
  | 'cacheWriteTokens'
  | 'reasoningTokens'
  | 'costUsd'
  | 'unpriced'
  | 'costSource'
  | 'errorType'
  | 'aggregatesChildren'
>;

/** The GenAI columns of a span that carries none of them: an `other` span, every column null. */
export const NO_GENAI_COLUMNS: Readonly<GenAiColumns> = Object.freeze({
  category: 'other',
  operation: null,
  agentName: null,
  agentId: null,
  conversationId: null,
  provider: null,
  requestModel: null,
  responseModel: null,
  toolName: null,
  toolCallId: null,
  workflowName: null,
  inputTokens: null,
  outputTokens: null,
  cacheReadTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
  costUsd: null,
  unpriced: false,
  costSource: null,
  errorType: null,
  aggregatesChildren: false,
});

/** A log record as the hub stores it. */
export interface LogRecord {
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly service: string;
  readonly severityNumber: number;
  readonly severityText: string;
  /** The body as text (JSON for structured bodies). */
  readonly body: string;
  readonly traceId: string | null;
  readonly spanId: string | null;
  readonly attributes: Attributes;
  readonly resource: Attributes;
  readonly scope: OtlpScope;
}

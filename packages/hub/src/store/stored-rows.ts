/**
 * The rows both backends read back (snake_case, as the SQL names them) and the one mapping from
 * each to the records the `Store` interface returns, so that the two stores cannot drift apart.
 */
import type {
  TelemetryAttributes as Attributes,
  LogRecord,
  OtlpScope,
  OtlpSpanEvent,
  OtlpSpanLink,
  SpanCategory,
  SpanRecord,
} from '@agentlens/core';
import { decodeAttributes } from './promoted-attributes.js';
import type { TraceSummary } from './store.js';

/** A span row. Flags are booleans in PostgreSQL and 0 / 1 in SQLite. */
export interface SpanRow {
  span_id: Buffer;
  parent_span_id: Buffer | null;
  service: string;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  duration_ms: number;
  status_code: number;
  status_message: string | null;
  category: SpanCategory;
  operation: string | null;
  agent_name: string | null;
  agent_id: string | null;
  conversation_id: string | null;
  provider: string | null;
  request_model: string | null;
  response_model: string | null;
  tool_name: string | null;
  tool_call_id: string | null;
  workflow_name: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  unpriced: boolean | number;
  cost_source: string | null;
  error_type: string | null;
  aggregates_children: boolean | number;
  attributes: string;
  resource_id: number;
  scope_id: number;
  events: string | null;
  links: string | null;
  trace_state: string | null;
  /** Promoted attributes kept only in their columns (SQLite; see promoted-attributes.ts). */
  elided?: number | null;
}

export interface LogRow {
  time_ns: string;
  observed_ns: string;
  service: string;
  severity_number: number;
  severity_text: string;
  body: string;
  trace_id: Buffer | null;
  span_id: Buffer | null;
  attributes: string;
  resource_id: number;
  scope_id: number;
}

export interface TraceRow {
  trace_id: Buffer;
  listed_ns: string;
  start_ns: string;
  end_ns: string;
  duration_ms: number;
  root_name: string | null;
  root_service: string | null;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  unpriced: number;
}

/** The JSON text of an interned resource or scope, by id. */
export type InternedText = (id: number) => string;

const flag = (value: boolean | number): boolean => value === true || value === 1;

/** The span a row holds, exactly as it was written. */
export function spanFromRow(row: SpanRow, traceId: string, interned: InternedText): SpanRecord {
  const span: SpanRecord = {
    traceId,
    spanId: row.span_id.toString('hex'),
    parentSpanId: row.parent_span_id === null ? null : row.parent_span_id.toString('hex'),
    service: row.service,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    category: row.category,
    operation: row.operation,
    agentName: row.agent_name,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    provider: row.provider,
    requestModel: row.request_model,
    responseModel: row.response_model,
    toolName: row.tool_name,
    toolCallId: row.tool_call_id,
    workflowName: row.workflow_name,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    unpriced: flag(row.unpriced),
    costSource: row.cost_source,
    errorType: row.error_type,
    aggregatesChildren: flag(row.aggregates_children),
    attributes: EMPTY_ATTRIBUTES,
    resource: JSON.parse(interned(row.resource_id)) as Attributes,
    scope: JSON.parse(interned(row.scope_id)) as OtlpScope,
    events: row.events === null ? [] : (JSON.parse(row.events) as OtlpSpanEvent[]),
    links: row.links === null ? [] : (JSON.parse(row.links) as OtlpSpanLink[]),
    ...(row.trace_state === null ? {} : { traceState: row.trace_state }),
  };
  // Put back from the columns just read what the store kept only there.
  return { ...span, attributes: decodeAttributes(row.attributes, row.elided ?? null, span) };
}

/** The log record a row holds. */
export function logFromRow(row: LogRow, interned: InternedText): LogRecord {
  return {
    timeUnixNano: row.time_ns,
    observedTimeUnixNano: row.observed_ns,
    service: row.service,
    severityNumber: row.severity_number,
    severityText: row.severity_text,
    body: row.body,
    traceId: row.trace_id === null ? null : row.trace_id.toString('hex'),
    spanId: row.span_id === null ? null : row.span_id.toString('hex'),
    attributes: JSON.parse(row.attributes) as Attributes,
    resource: JSON.parse(interned(row.resource_id)) as Attributes,
    scope: JSON.parse(interned(row.scope_id)) as OtlpScope,
  };
}

/** One line of the trace list. */
export function traceSummaryFromRow(row: TraceRow): TraceSummary {
  const listedNs = BigInt(row.listed_ns);
  return {
    traceId: row.trace_id.toString('hex'),
    rootSpanName: row.root_name,
    rootService: row.root_service,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    durationMs: row.duration_ms,
    listedAtMs: Number(listedNs / 1_000_000n) + Number(listedNs % 1_000_000n) / 1e6,
    spanCount: row.span_count,
    errorCount: row.error_count,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    unpricedCalls: row.unpriced,
  };
}

const EMPTY_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;

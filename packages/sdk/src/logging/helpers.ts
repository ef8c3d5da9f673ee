import { createHash } from 'node:crypto';
import type { LogFields, Logger, LogLevel } from './logger.js';

/** One model call, for {@link logLlmRequest}. Extra fields are logged as given. */
export interface LlmRequestLog extends LogFields {
  model: string;
  provider?: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs?: number;
  costUsd?: number;
  /** Logged at `error` when present. */
  error?: unknown;
  level?: LogLevel;
}

/** One workflow event, for {@link logWorkflowEvent}. Extra fields are logged as given. */
export interface WorkflowEventLog extends LogFields {
  workflowName: string;
  /** `started`, `completed`, `failed`, ... ; `failed` and `error` are logged at `error`. */
  eventType: string;
  level?: LogLevel;
}

/** One cache access, for {@link logCacheOperation}. */
export interface CacheOperationLog extends LogFields {
  operation: string;
  hit: boolean;
  latencyMs: number;
  /** Never written as is: see {@link logCacheOperation}. */
  key: string;
  /** Default `debug`: cache traffic is the loudest thing an app logs. */
  level?: LogLevel;
}

/**
 * Logs a model call as `message: "llm request"` with `model`, `provider`, `input_tokens`,
 * `output_tokens`, `total_tokens`, `latency_ms`, `cost_usd`. Never throws.
 *
 * @example
 * ```ts
 * logLlmRequest(logger, { model: 'claude-3-opus', inputTokens: 150, outputTokens: 300, latencyMs: 2500 });
 * ```
 */
export function logLlmRequest(logger: Logger, request: LlmRequestLog): void {
  try {
    const { model, provider, inputTokens, outputTokens, latencyMs, costUsd, error, level, ...rest } = request;
    const fields: LogFields = {
      event: 'llm_request',
      model,
      provider,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
      latency_ms: latencyMs,
      cost_usd: costUsd,
      ...rest,
    };
    if (error !== undefined) fields.err = error;
    logger[level ?? (error === undefined ? 'info' : 'error')]('llm request', fields);
  } catch {
    // Helpers share the logger's promise: logging never breaks the application.
  }
}

/**
 * Logs a workflow event as `message: "workflow <eventType>"` with `workflow_name` and `event_type`.
 * Never throws.
 */
export function logWorkflowEvent(logger: Logger, event: WorkflowEventLog): void {
  try {
    const { workflowName, eventType, level, ...rest } = event;
    const failed = eventType === 'failed' || eventType === 'error';
    logger[level ?? (failed ? 'error' : 'info')](`workflow ${eventType}`, {
      event: 'workflow_event',
      workflow_name: workflowName,
      event_type: eventType,
      ...rest,
    });
  } catch {
    // See logLlmRequest.
  }
}

const KEY_NAMESPACE = /^([A-Za-z][\w.-]{0,31})[:/]/;

/**
 * Logs a cache access as `message: "cache <operation>"` with `hit`, `latency_ms` and, instead of
 * the key (which often holds user ids, emails or prompts), `key_hash` (the first 16 hex digits of
 * its SHA-256, enough to correlate lines), `key_length` and `key_namespace` (a leading `name:` or
 * `name/` segment, when there is one). Never throws.
 */
export function logCacheOperation(logger: Logger, operation: CacheOperationLog): void {
  try {
    const { operation: op, hit, latencyMs, key, level, ...rest } = operation;
    const text = String(key);
    logger[level ?? 'debug'](`cache ${op}`, {
      event: 'cache_operation',
      operation: op,
      hit,
      latency_ms: latencyMs,
      key_hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
      key_length: text.length,
      key_namespace: KEY_NAMESPACE.exec(text)?.[1],
      ...rest,
    });
  } catch {
    // See logLlmRequest.
  }
}

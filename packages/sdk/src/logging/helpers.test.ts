import { describe, expect, it } from 'vitest';
import { logCacheOperation, logLlmRequest, logWorkflowEvent } from './helpers.js';
import { createLogger } from './logger.js';

function memoryLogger() {
  const chunks: string[] = [];
  const logger = createLogger({
    serviceName: 'svc',
    level: 'trace',
    destination: { write: (chunk: string) => void chunks.push(chunk) },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, raw: () => chunks.join('') };
}

describe('logging helpers', () => {
  it('logLlmRequest writes model, provider, tokens and latency', () => {
    const { logger, lines } = memoryLogger();
    logLlmRequest(logger, {
      model: 'claude-3-opus',
      provider: 'anthropic',
      inputTokens: 150,
      outputTokens: 300,
      latencyMs: 2500,
      temperature: 0.7,
    });
    logLlmRequest(logger, { model: 'gpt-4o', inputTokens: 1, outputTokens: 0, error: new Error('429') });
    const [ok, failed] = lines();
    expect(ok).toMatchObject({
      level: 'info',
      message: 'llm request',
      event: 'llm_request',
      model: 'claude-3-opus',
      provider: 'anthropic',
      input_tokens: 150,
      output_tokens: 300,
      total_tokens: 450,
      latency_ms: 2500,
      temperature: 0.7,
    });
    expect(failed).toMatchObject({ level: 'error', err: { type: 'Error', message: '429' } });
  });

  it('logWorkflowEvent writes the workflow name and event type', () => {
    const { logger, lines } = memoryLogger();
    logWorkflowEvent(logger, { workflowName: 'research_workflow', eventType: 'started', user_id: '123' });
    logWorkflowEvent(logger, { workflowName: 'research_workflow', eventType: 'failed' });
    const [started, failed] = lines();
    expect(started).toMatchObject({
      level: 'info',
      message: 'workflow started',
      workflow_name: 'research_workflow',
      event_type: 'started',
      user_id: '123',
    });
    expect(failed).toMatchObject({ level: 'error', message: 'workflow failed' });
  });

  it('logCacheOperation never writes the key itself', () => {
    const { logger, lines, raw } = memoryLogger();
    logCacheOperation(logger, { operation: 'get', hit: true, latencyMs: 2.5, key: 'user:alice@example.com' });
    logCacheOperation(logger, { operation: 'get', hit: false, latencyMs: 1, key: 'user:bob@example.com' });
    const [first, second] = lines();
    expect(first).toMatchObject({
      level: 'debug',
      message: 'cache get',
      hit: true,
      latency_ms: 2.5,
      key_namespace: 'user',
      key_length: 22,
      key_hash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(first?.key_hash).not.toBe(second?.key_hash);
    expect(raw()).not.toContain('alice');
    expect(first).not.toHaveProperty('key');
  });

  it('helpers do not throw on bad input', () => {
    const { logger } = memoryLogger();
    expect(() => logLlmRequest(logger, null as never)).not.toThrow();
    expect(() => logWorkflowEvent(logger, undefined as never)).not.toThrow();
    expect(() => logCacheOperation(logger, { key: undefined } as never)).not.toThrow();
  });
});

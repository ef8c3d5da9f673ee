import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directiveHeaders,
  type FakeProvider,
  type FakeProviderDirectives,
  startFakeProvider,
} from './fake-provider.js';

let provider: FakeProvider;

beforeAll(async () => {
  provider = await startFakeProvider();
});

afterAll(async () => {
  await provider.close();
});

function post(path: string, body: unknown, directives: FakeProviderDirectives = {}, signal?: AbortSignal) {
  return fetch(`${provider.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...directiveHeaders(directives) },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe('the fake model provider', () => {
  it('answers an OpenAI chat completion with the usage it was told, after the latency', async () => {
    const started = performance.now();
    const response = await post(
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
      { latencyMs: 120, inputTokens: 2400, cacheReadTokens: 1024, outputTokens: 180, finishReason: 'stop' },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string };
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }],
      usage: {
        prompt_tokens: 2400,
        completion_tokens: 180,
        total_tokens: 2580,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
  });

  it('answers an Anthropic message with input reported without the cached part', async () => {
    const response = await post(
      '/v1/messages',
      { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hello' }] },
      {
        latencyMs: 5,
        inputTokens: 10_000,
        cacheReadTokens: 6_000,
        cacheWriteTokens: 1_000,
        outputTokens: 1024,
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      type: 'message',
      model: 'claude-sonnet-4-5-20250929',
      stop_reason: 'max_tokens',
      usage: {
        input_tokens: 3_000,
        cache_read_input_tokens: 6_000,
        cache_creation_input_tokens: 1_000,
        output_tokens: 1024,
      },
    });
  });

  it('estimates usage from the request when not told', async () => {
    const content = 'x'.repeat(4000);
    const response = await post(
      '/v1/chat/completions',
      { model: 'gpt-4.1', max_tokens: 50, messages: [{ role: 'user', content }] },
      { latencyMs: 1 },
    );
    const body = (await response.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number };
      choices: { finish_reason: string }[];
    };
    expect(body.usage.prompt_tokens).toBeGreaterThanOrEqual(1000);
    expect(body.usage.completion_tokens).toBe(50);
    expect(body.choices[0]?.finish_reason).toBe('length');
  });

  it.each([
    ['/v1/chat/completions', 'rate_limit', 429, { error: { code: 'rate_limit_exceeded' } }],
    ['/v1/chat/completions', 'server_error', 500, { error: { type: 'server_error' } }],
    ['/v1/messages', 'rate_limit', 429, { type: 'error', error: { type: 'rate_limit_error' } }],
    ['/v1/messages', 'server_error', 529, { type: 'error', error: { type: 'overloaded_error' } }],
  ] as const)('%s with failure %s answers %i as the real API does', async (path, failure, status, shape) => {
    const response = await post(path, { model: 'm', messages: [] }, { failure, latencyMs: 1 });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject(shape);
    if (status === 429) expect(response.headers.get('retry-after')).toBe('1');
  });

  it('plays a timeout by not answering until the client gives up', async () => {
    const started = performance.now();
    const outcome = await post(
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: [] },
      { failure: 'timeout' },
      AbortSignal.timeout(200),
    ).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('answers its health check, and 404 or 400 to what it does not serve', async () => {
    expect((await fetch(`${provider.url}/health`)).status).toBe(200);
    expect((await post('/v1/embeddings', { model: 'x' })).status).toBe(404);
    expect((await post('/v1/chat/completions', { messages: [] })).status).toBe(400);
    const bad = await fetch(`${provider.url}/v1/messages`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });

  it('closes at once even while it holds a request', async () => {
    const other = await startFakeProvider();
    const pending = fetch(`${other.url}/v1/chat/completions`, {
      method: 'POST',
      headers: directiveHeaders({ failure: 'timeout' }),
      body: JSON.stringify({ model: 'gpt-4o-mini' }),
    }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

/**
 * A local stand-in for the model providers: a real `node:http` server on loopback that answers
 * OpenAI-style `POST /v1/chat/completions` and Anthropic-style `POST /v1/messages` the way the real
 * APIs do (bodies, usage blocks, error shapes, status codes), after a simulated latency. Nothing
 * leaves the machine.
 *
 * The caller may steer each answer with `x-fake-*` request headers (see {@link directiveHeaders}):
 * the token usage to report, the latency, and a failure to play (429, 500/529, or no answer at
 * all). Without them it estimates usage from the request, so it also works as a plain fake.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelFailure } from './workload.js';

/** What a request asks the fake provider to do. Every field is optional. */
export interface FakeProviderDirectives {
  /** Milliseconds before the answer (or the error) is sent. */
  readonly latencyMs?: number;
  /** `rate_limit`: 429; `server_error`: 500 (OpenAI) or 529 overloaded (Anthropic); `timeout`: no answer. */
  readonly failure?: ModelFailure | null;
  /** All input tokens, cached ones included. */
  readonly inputTokens?: number;
  readonly cacheReadTokens?: number;
  /** Tokens written to the prompt cache (reported by the Anthropic API only). */
  readonly cacheWriteTokens?: number;
  readonly outputTokens?: number;
  readonly finishReason?: 'stop' | 'length' | 'tool_calls';
}

const HEADERS = {
  latencyMs: 'x-fake-latency-ms',
  failure: 'x-fake-failure',
  inputTokens: 'x-fake-input-tokens',
  cacheReadTokens: 'x-fake-cache-read-tokens',
  cacheWriteTokens: 'x-fake-cache-write-tokens',
  outputTokens: 'x-fake-output-tokens',
  finishReason: 'x-fake-finish-reason',
} as const;

/** The request headers that carry `directives`. */
export function directiveHeaders(directives: FakeProviderDirectives): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, name] of Object.entries(HEADERS)) {
    const value = directives[key as keyof FakeProviderDirectives];
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return headers;
}

/** A running fake provider. */
export interface FakeProvider {
  /** Base URL, e.g. `http://127.0.0.1:40123`; the APIs are under `/v1`. */
  readonly url: string;
  /** Requests answered or failed so far (a timeout counts when the client gives up). */
  readonly requests: number;
  /** Stops listening, drops the requests it holds and resolves once closed. */
  close(): Promise<void>;
}

/** Dated model ids, as the real APIs report them in the response's `model`. */
const RESPONSE_MODELS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
};

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function count(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

function readDirectives(req: IncomingMessage): FakeProviderDirectives {
  const failure = req.headers[HEADERS.failure];
  const finish = req.headers[HEADERS.finishReason];
  const latencyMs = count(req.headers[HEADERS.latencyMs]);
  const inputTokens = count(req.headers[HEADERS.inputTokens]);
  const cacheReadTokens = count(req.headers[HEADERS.cacheReadTokens]);
  const cacheWriteTokens = count(req.headers[HEADERS.cacheWriteTokens]);
  const outputTokens = count(req.headers[HEADERS.outputTokens]);
  return {
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(failure === 'rate_limit' || failure === 'server_error' || failure === 'timeout' ? { failure } : {}),
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(cacheReadTokens === undefined ? {} : { cacheReadTokens }),
    ...(cacheWriteTokens === undefined ? {} : { cacheWriteTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
    ...(finish === 'stop' || finish === 'length' || finish === 'tool_calls' ? { finishReason: finish } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** About four characters a token, as tokenizers go for English text. */
function estimateTokens(body: Record<string, unknown>): number {
  const text = JSON.stringify(body.messages ?? '') + JSON.stringify(body.system ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function replyText(model: string, outputTokens: number): string {
  return `Simulated answer from ${model} (${outputTokens} tokens). Nothing left this machine.`;
}

interface Usage {
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly output: number;
}

function openAiAnswer(model: string, usage: Usage, finish: string): unknown {
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: RESPONSE_MODELS[model] ?? model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: replyText(model, usage.output), refusal: null },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cacheRead, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    system_fingerprint: 'fp_demo',
  };
}

function anthropicAnswer(model: string, usage: Usage, finish: string): unknown {
  return {
    id: `msg_${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: RESPONSE_MODELS[model] ?? model,
    content: [{ type: 'text', text: replyText(model, usage.output) }],
    stop_reason: finish === 'length' ? 'max_tokens' : finish === 'tool_calls' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      // The Anthropic API reports input without the cached part; the two cache counts are separate.
      input_tokens: Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite),
      cache_read_input_tokens: usage.cacheRead,
      cache_creation_input_tokens: usage.cacheWrite,
      output_tokens: usage.output,
    },
  };
}

function sendFailure(
  res: ServerResponse,
  api: 'openai' | 'anthropic',
  failure: 'rate_limit' | 'server_error',
): void {
  if (failure === 'rate_limit') {
    const body =
      api === 'openai'
        ? {
            error: {
              message:
                'Rate limit reached for requests per min (RPM): Limit 500, Used 500. Please try again in 120ms.',
              type: 'requests',
              param: null,
              code: 'rate_limit_exceeded',
            },
          }
        : {
            type: 'error',
            error: {
              type: 'rate_limit_error',
              message: 'Number of request tokens has exceeded your per-minute rate limit',
            },
          };
    send(res, 429, body, { 'retry-after': '1' });
    return;
  }
  if (api === 'openai') {
    send(res, 500, {
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    return;
  }
  send(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
}

/**
 * Starts the fake provider on `127.0.0.1` at a free port.
 *
 * @example
 * const provider = await startFakeProvider();
 * await fetch(`${provider.url}/v1/chat/completions`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', ...directiveHeaders({ outputTokens: 120, latencyMs: 400 }) },
 *   body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
 * });
 * await provider.close();
 */
export async function startFakeProvider(): Promise<FakeProvider> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, { status: 'ok' });
      return;
    }
    const api = path === '/v1/chat/completions' ? 'openai' : path === '/v1/messages' ? 'anthropic' : null;
    if (api === null || req.method !== 'POST') {
      send(res, 404, {
        error: { message: `no route for ${req.method} ${path}`, type: 'invalid_request_error' },
      });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = await readJson(req);
    } catch (error) {
      send(res, 400, { error: { message: (error as Error).message, type: 'invalid_request_error' } });
      return;
    }
    const model = typeof body.model === 'string' && body.model !== '' ? body.model : null;
    if (model === null) {
      send(res, 400, { error: { message: 'model is required', type: 'invalid_request_error' } });
      return;
    }
    const d = readDirectives(req);
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 1024;
    const output = d.outputTokens ?? Math.min(maxTokens, 160);
    const usage: Usage = {
      input: d.inputTokens ?? estimateTokens(body),
      cacheRead: d.cacheReadTokens ?? 0,
      cacheWrite: api === 'anthropic' ? (d.cacheWriteTokens ?? 0) : 0,
      output,
    };
    const finish = d.finishReason ?? (output >= maxTokens ? 'length' : 'stop');
    const latency = d.latencyMs ?? 300 + output * 8;
    const done = () => {
      requests++;
    };
    if (d.failure === 'timeout') {
      // Hold the request without answering; the client's own timeout ends it.
      res.once('close', done);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, latency);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });
    done();
    if (res.writableEnded || res.destroyed) return;
    if (d.failure === 'rate_limit' || d.failure === 'server_error') {
      sendFailure(res, api, d.failure);
      return;
    }
    send(
      res,
      200,
      api === 'openai' ? openAiAnswer(model, usage, finish) : anthropicAnswer(model, usage, finish),
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        send(res, 500, { error: { message: 'fake provider failed', type: 'server_error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

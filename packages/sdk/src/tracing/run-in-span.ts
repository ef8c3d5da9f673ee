import { ATTR_ERROR_TYPE } from '@agentlens/core';
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { errorMessage } from '../internal/error-message.js';

/** How an operation ended, handed to its `finish` callback before the span ends. */
export interface Outcome {
  readonly error: unknown;
  readonly failed: boolean;
  readonly duration: number;
  readonly span: Span;
  /** Seconds to the first chunk, for a streamed result. */
  readonly timeToFirstChunk: number | undefined;
}

export interface RunOptions {
  readonly name: string;
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** Extra values to put in the context the function runs in (the current agent, say). */
  readonly context?: (ctx: Context) => Context;
  /** End the span when a returned async iterable finishes, not when it is returned (model streams). */
  readonly streams?: boolean;
  /** Called exactly once when the operation ends, before the span ends; must not throw (it is guarded). */
  readonly finish: (outcome: Outcome) => void;
  readonly onInternalError: (error: unknown) => void;
}

/** The error's type for `error.type`: its name (`TimeoutError`), else its constructor, else `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
  return '_OTHER';
}

/** The error's message for the span status and logs; never throws, whatever was thrown. */
export function errorMessageOf(error: unknown): string {
  return errorMessage(error);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** One running operation: its span, clock and the one-time `end`. A class, so the hot path allocates no closures. */
class Operation {
  readonly span: Span;
  readonly options: RunOptions;
  readonly started = performance.now();
  ctx: Context;
  firstChunkAt: number | undefined;
  ended = false;

  constructor(span: Span, ctx: Context, options: RunOptions) {
    this.span = span;
    this.ctx = ctx;
    this.options = options;
  }

  end(error: unknown, failed: boolean): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    const duration = (performance.now() - this.started) / 1000;
    try {
      this.options.finish({
        error,
        failed,
        duration,
        span,
        timeToFirstChunk:
          this.firstChunkAt === undefined ? undefined : (this.firstChunkAt - this.started) / 1000,
      });
    } catch (internal) {
      this.options.onInternalError(internal);
    }
    if (failed) {
      if (error instanceof Error) span.recordException(error);
      span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessageOf(error) });
    }
    span.end();
  }

  settle(value: unknown): unknown {
    if (this.options.streams && isAsyncIterable(value)) return this.wrapStream(value);
    this.end(undefined, false);
    return value;
  }

  /** The stream behind a Proxy that only intercepts iteration, so the stream's own methods still work. */
  wrapStream(stream: AsyncIterable<unknown>): unknown {
    const operation = this;
    return new Proxy(stream, {
      get(target, property) {
        if (property === Symbol.asyncIterator) {
          return () => {
            const iterator = context.bind(operation.ctx, target[Symbol.asyncIterator].bind(target))();
            return {
              next: async (...args: [] | [unknown]) => {
                try {
                  const step = await iterator.next(...args);
                  if (step.done) operation.end(undefined, false);
                  else operation.firstChunkAt ??= performance.now();
                  return step;
                } catch (error) {
                  operation.end(error, true);
                  throw error;
                }
              },
              return: async (value?: unknown) => {
                // The consumer stopped early (break): the call ended, without an error.
                operation.end(undefined, false);
                return iterator.return ? iterator.return(value) : { done: true, value };
              },
              throw: async (error?: unknown) => {
                operation.end(error, true);
                if (iterator.throw) return iterator.throw(error);
                throw error;
              },
              [Symbol.asyncIterator]() {
                return this;
              },
            };
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

/**
 * Runs `fn` inside a new active span, whether it is synchronous, returns a promise, or (with
 * `streams`) returns an async iterable. When it ends, `finish` sees the outcome (error, duration,
 * time to first chunk), then the span gets its status and ends. What `fn` returns or throws
 * reaches the caller unchanged: the same value, the same error object. A returned stream is
 * wrapped in a Proxy that only intercepts iteration, so the stream's own methods still work.
 */
export function runInSpan<T>(tracer: Tracer, options: RunOptions, fn: (span: Span) => T): T {
  const parent = context.active();
  const span = tracer.startSpan(
    options.name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  let ctx = trace.setSpan(parent, span);
  if (options.context) ctx = options.context(ctx);
  const operation = new Operation(span, ctx, options);
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, span);
  } catch (error) {
    operation.end(error, true);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => operation.settle(value),
      (error: unknown) => {
        operation.end(error, true);
        throw error;
      },
    ) as T;
  }
  return operation.settle(result) as T;
}

import type { Diagnostics } from './internal/diagnostics.js';

/** Usage of one model call, as the agent helpers report it. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

interface EventBase {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * What `onEvent` listeners receive (the JAF guide's trace collector), one event per lifecycle step.
 * Durations are seconds; cost is US dollars, `undefined` when the model has no known price.
 */
export type AgentlensEvent =
  | (EventBase & { readonly type: 'agent_start'; readonly agentName: string })
  | (EventBase & {
      readonly type: 'agent_end';
      readonly agentName: string;
      readonly success: boolean;
      readonly duration: number;
      readonly tokens: number;
      readonly cost: number;
      readonly error?: string;
    })
  | (EventBase & {
      readonly type: 'model_call_end';
      readonly provider: string;
      readonly model: string;
      readonly operation: string;
      readonly agentName: string | undefined;
      readonly success: boolean;
      readonly duration: number;
      readonly usage: TokenCounts;
      readonly cost: number | undefined;
      readonly timeToFirstChunk: number | undefined;
      readonly error?: string;
    })
  | (EventBase & {
      readonly type: 'tool_call_end';
      readonly toolName: string;
      readonly agentName: string | undefined;
      readonly success: boolean;
      readonly duration: number;
      readonly error?: string;
    })
  | (EventBase & { readonly type: 'workflow_start'; readonly workflowName: string })
  | (EventBase & {
      readonly type: 'workflow_end' | 'workflow_node_end';
      readonly workflowName: string;
      readonly nodeName?: string;
      readonly success: boolean;
      readonly duration: number;
      readonly error?: string;
    })
  | (EventBase & {
      readonly type: 'error';
      readonly component: string;
      readonly errorType: string;
      readonly message: string;
    });

export type AgentlensEventListener = (event: AgentlensEvent) => void;

/**
 * Delivers events to every listener in registration order. A listener that throws is isolated:
 * the others still run, the app never sees the error, and it is reported once per listener.
 */
export class EventBus {
  readonly #listeners: AgentlensEventListener[] = [];
  readonly #reported = new WeakSet<AgentlensEventListener>();
  readonly #diag: Diagnostics;

  constructor(diag: Diagnostics) {
    this.#diag = diag;
  }

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  add(listener: AgentlensEventListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent takes a function');
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  emit(event: AgentlensEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        if (this.#reported.has(listener)) continue;
        this.#reported.add(listener);
        this.#diag.log(
          'error',
          `listener:${this.#listeners.indexOf(listener)}`,
          'an onEvent listener threw; it keeps receiving events, this is reported once',
          {
            event: event.type,
            error: error instanceof Error ? error.message : String(error),
          },
        );
      }
    }
  }
}

import { context, propagation, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  type ExportResult,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Diagnostics } from '../internal/diagnostics.js';

export const TRACES_EXPORTERS = ['otlp', 'console', 'zipkin', 'none'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Tracing options of `createAgentlens({ tracing })`. */
export interface TracingOptions {
  /** `false` turns spans off (metrics, collector and logs still record). Default true. */
  enabled?: boolean;
  /** Where spans go. Default `AGENTLENS_TRACES_EXPORTER`, then `otlp`. */
  exporter?: TracesExporter;
  /** OTLP encoding. Default `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, then `http/protobuf`. */
  protocol?: OtlpProtocol;
  /**
   * Full traces URL. Default: what the OTLP exporter reads from `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
   * / `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318/v1/traces`, where the hub listens.
   */
  endpoint?: string;
  /** Extra headers for the exporter (for example an `Authorization` for the hub). */
  headers?: Record<string, string>;
  /** How long one export may take, retries included, in ms. Default: the exporter's (10 s). */
  exportTimeoutMs?: number;
  /** Use this provider (yours, already set up) instead of installing one. */
  tracerProvider?: TracerProvider;
  /** More span processors for the provider agentlens installs (tests use an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Export health of the span pipeline, shown in `/health/detailed` and the snapshot. */
export interface ExporterState {
  readonly exporter: string;
  readonly spansExported: number;
  readonly spansFailed: number;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastError: string | null;
  /** Spans waiting in the batch queue. */
  readonly queueDepth: number;
  /** Spans dropped because the queue was full (2048). */
  readonly spansDropped: number;
}

const MAX_QUEUE_SIZE = 2048;

/**
 * The batch processor with its queue made visible: how many spans wait, and how many were dropped
 * because the queue was full (the processor itself only logs drops and resets its count).
 */
class ObservedBatchProcessor implements SpanProcessor {
  readonly #inner: BatchSpanProcessor;
  dropped = 0;

  constructor(exporter: SpanExporter) {
    this.#inner = new BatchSpanProcessor(exporter, { maxQueueSize: MAX_QUEUE_SIZE });
  }

  /** Spans waiting for export; read from the processor's queue, which its API does not expose. */
  get queueDepth(): number {
    const queue = (this.#inner as unknown as { _finishedSpans?: unknown[] })._finishedSpans;
    return Array.isArray(queue) ? queue.length : 0;
  }

  onStart(
    span: Parameters<SpanProcessor['onStart']>[0],
    parent: Parameters<SpanProcessor['onStart']>[1],
  ): void {
    this.#inner.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    if (this.queueDepth >= MAX_QUEUE_SIZE) this.dropped++;
    this.#inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}

/** Wraps the exporter to count what it sends; the exporter's own result passes through unchanged. */
class CountingExporter implements SpanExporter {
  exported = 0;
  failed = 0;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
  lastError: string | null = null;

  constructor(
    readonly inner: SpanExporter,
    readonly label: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.exported += spans.length;
        this.lastSuccessAt = Date.now();
      } else {
        this.failed += spans.length;
        this.lastFailureAt = Date.now();
        this.lastError = result.error?.message ?? 'export failed';
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export interface TracingSetup {
  readonly provider: TracerProvider;
  /** Where agentlens' own OTLP span pipeline sends, so logs can follow; undefined otherwise. */
  readonly otlp?: {
    readonly protocol: OtlpProtocol;
    readonly endpoint?: string;
    readonly headers?: Record<string, string>;
  };
  /** Whether agentlens installed the provider (and so flushes and shuts it down). */
  readonly owned: boolean;
  state(): ExporterState | null;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

function pick<T extends string>(values: readonly T[], raw: string | undefined): T | undefined {
  return raw !== undefined && (values as readonly string[]).includes(raw) ? (raw as T) : undefined;
}

function createExporter(
  options: TracingOptions,
  env: Env,
  diag: Diagnostics,
): { exporter: SpanExporter | undefined; otlp?: TracingSetup['otlp'] } {
  const envExporter = env.AGENTLENS_TRACES_EXPORTER;
  const chosen = options.exporter ?? pick(TRACES_EXPORTERS, envExporter);
  if (envExporter && options.exporter === undefined && chosen === undefined) {
    diag.log(
      'warn',
      'env:AGENTLENS_TRACES_EXPORTER',
      `AGENTLENS_TRACES_EXPORTER=${envExporter} is not one of ${TRACES_EXPORTERS.join(', ')}; using otlp`,
    );
  }
  const exporter = chosen ?? 'otlp';
  if (exporter === 'none') return { exporter: undefined };
  if (exporter === 'console') return { exporter: new ConsoleSpanExporter() };
  if (exporter === 'zipkin')
    return { exporter: new ZipkinExporter(options.endpoint ? { url: options.endpoint } : {}) };
  const rawProtocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const protocol = options.protocol ?? pick(OTLP_PROTOCOLS, rawProtocol) ?? 'http/protobuf';
  if (rawProtocol && options.protocol === undefined && pick(OTLP_PROTOCOLS, rawProtocol) === undefined) {
    diag.log(
      'warn',
      'env:OTEL_EXPORTER_OTLP_PROTOCOL',
      `OTLP protocol ${rawProtocol} is not supported by the agentlens SDK (http/protobuf, http/json); using http/protobuf`,
    );
  }
  const config = {
    ...(options.endpoint ? { url: options.endpoint } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.exportTimeoutMs ? { timeoutMillis: options.exportTimeoutMs } : {}),
  };
  return {
    exporter:
      protocol === 'http/json' ? new OTLPJsonTraceExporter(config) : new OTLPProtoTraceExporter(config),
    otlp: {
      protocol,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    },
  };
}

/**
 * Nesting needs a context manager; the app may have one already (then it stays), else agentlens
 * installs the AsyncLocalStorage one, whichever provider the spans go to.
 */
function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  if (context.setGlobalContextManager(manager.enable())) return;
  manager.disable();
}

/**
 * Sets tracing up, in this order: the provider passed in options; else the one the app already
 * registered globally (agentlens never installs a second); else a `NodeTracerProvider` with a batch
 * processor and the chosen exporter, registered globally with an AsyncLocalStorage context manager
 * and W3C propagation. The sampler follows `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, which
 * the OpenTelemetry SDK reads itself.
 */
export function setupTracing(
  options: TracingOptions,
  serviceName: string,
  diag: Diagnostics,
  env: Env = process.env,
): TracingSetup {
  ensureContextManager();
  if (options.tracerProvider) {
    return {
      provider: options.tracerProvider,
      owned: false,
      state: () => null,
      flush: async () => {},
      shutdown: async () => {},
    };
  }
  const { exporter, otlp } = createExporter(options, env, diag);
  const counting = exporter ? new CountingExporter(exporter, exporter.constructor.name) : undefined;
  const batch = counting ? new ObservedBatchProcessor(counting) : undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [...(batch ? [batch] : []), ...(options.spanProcessors ?? [])],
  });
  if (!trace.setGlobalTracerProvider(provider)) {
    // The app (or an earlier agentlens instance) registered a provider: use it, add nothing.
    void provider.shutdown();
    return {
      provider: trace.getTracerProvider(),
      owned: false,
      state: () => null,
      flush: async () => {},
      shutdown: async () => {},
    };
  }
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  return {
    provider,
    owned: true,
    ...(otlp ? { otlp } : {}),
    state: () =>
      counting
        ? {
            exporter: counting.label,
            spansExported: counting.exported,
            spansFailed: counting.failed,
            lastSuccessAt:
              counting.lastSuccessAt === null ? null : new Date(counting.lastSuccessAt).toISOString(),
            lastFailureAt:
              counting.lastFailureAt === null ? null : new Date(counting.lastFailureAt).toISOString(),
            lastError: counting.lastError,
            queueDepth: batch?.queueDepth ?? 0,
            spansDropped: batch?.dropped ?? 0,
          }
        : null,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}

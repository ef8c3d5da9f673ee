import { readFileSync } from 'node:fs';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  type HealthThresholds,
  isValidLabelName,
  isValidMetricPrefix,
  type PriceOverride,
  parsePriceOverrides,
} from '@agentlens/core';
import type { TracerProvider } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { DIAGNOSTIC_LEVELS, type DiagnosticLevel } from './internal/diagnostics.js';
import type { LoggerOptions } from './logging/index.js';
import { OTLP_PROTOCOLS, TRACES_EXPORTERS, type TracingOptions } from './tracing/setup.js';

/**
 * Every environment variable the SDK reads, in one typed list. Options passed in code win over
 * these; these win over the defaults. A bad value in the environment is reported and ignored (the
 * default applies); a bad option passed in code throws from `createAgentlens`.
 */
export const ENVIRONMENT_VARIABLES = {
  AGENTLENS_SERVICE_NAME: 'service name (falls back to OTEL_SERVICE_NAME)',
  OTEL_SERVICE_NAME: 'service name, the OpenTelemetry standard variable',
  AGENTLENS_METRIC_PREFIX: 'prefix for every metric name, e.g. jaf_',
  AGENTLENS_SERIES_CAP: 'label combinations kept per metric before folding into __overflow__',
  AGENTLENS_PROCESS_METRICS: 'true/false: collect prom-client process metrics',
  AGENTLENS_LOG_LEVEL: 'silent|error|warn|info|debug: the SDK diagnostics on stderr',
  AGENTLENS_TOKEN: 'bearer token the metrics server requires (required off loopback)',
  AGENTLENS_METRICS_HOST: 'address the metrics server binds (default 127.0.0.1)',
  AGENTLENS_METRICS_PORT: 'port of the metrics server (default 9464)',
  AGENTLENS_TRACES_EXPORTER: 'otlp|console|zipkin|none: where spans go (default otlp)',
  AGENTLENS_PRICES_FILE: 'JSON file of price overrides (docs/cost.md)',
  AGENTLENS_CAPTURE_CONTENT: 'true/false: record prompt and completion messages on spans (default false)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTLP base URL (default http://localhost:4318, the hub)',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'OTLP traces URL, wins over OTEL_EXPORTER_OTLP_ENDPOINT',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf (default) or http/json',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'protocol for traces, wins over OTEL_EXPORTER_OTLP_PROTOCOL',
  OTEL_TRACES_SAMPLER:
    'sampler (always_on, traceidratio, parentbased_traceidratio, ...); metrics are never sampled',
  OTEL_TRACES_SAMPLER_ARG: 'sampler argument, e.g. 0.1',
} as const;
export type EnvironmentVariable = keyof typeof ENVIRONMENT_VARIABLES;

// The health rules and their thresholds live in @agentlens/core, so that the SDK's
// getSystemHealth() and the hub's report judge alike; re-exported here under their old names.
export type { HealthThresholds };
export { DEFAULT_HEALTH_THRESHOLDS };

const ratio = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();

const OptionsSchema = z
  .object({
    serviceName: z.string().min(1).optional(),
    metricPrefix: z
      .string()
      .refine(isValidMetricPrefix, 'must match [a-zA-Z_:][a-zA-Z0-9_:]* (for example "jaf_") or be empty')
      .optional(),
    defaultLabels: z
      .record(
        z
          .string()
          .refine(isValidLabelName, 'label names must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __'),
        z.string(),
      )
      .optional(),
    seriesCap: positiveInt.optional(),
    registry: z
      .custom<Registry>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as Registry).registerMetric === 'function' &&
          typeof (v as Registry).getMetricsAsArray === 'function',
        'must be a prom-client Registry',
      )
      .optional(),
    processMetrics: z.boolean().optional(),
    logLevel: z.enum(DIAGNOSTIC_LEVELS).optional(),
    onInvalidRecord: z.enum(['warn', 'throw']).optional(),
    errorLogSize: positiveInt.max(100_000).optional(),
    recentFailuresPerTool: positiveInt.max(1000).optional(),
    healthWindowSeconds: positiveInt.max(86_400).optional(),
    healthThresholds: z
      .object({
        degradedSuccessRate: ratio,
        unhealthySuccessRate: ratio,
        degradedFailures: z.number().int().nonnegative(),
        unhealthyFailures: z.number().int().nonnegative(),
        degradedResponseTime: z.number().positive(),
        minRequests: z.number().int().nonnegative(),
        degradedHeapRatio: ratio,
      })
      .partial()
      .strict()
      .optional(),
    readiness: z.enum(['auto', 'manual']).optional(),
    tracing: z
      .object({
        enabled: z.boolean().optional(),
        exporter: z.enum(TRACES_EXPORTERS).optional(),
        protocol: z.enum(OTLP_PROTOCOLS).optional(),
        endpoint: z.url().optional(),
        headers: z.record(z.string(), z.string()).optional(),
        exportTimeoutMs: z.number().int().positive().optional(),
        tracerProvider: z
          .custom<TracerProvider>(
            (v) => typeof (v as TracerProvider)?.getTracer === 'function',
            'must be an OpenTelemetry TracerProvider',
          )
          .optional(),
        spanProcessors: z
          .array(
            z.custom<SpanProcessor>(
              (v) => typeof (v as SpanProcessor)?.onEnd === 'function',
              'must be span processors',
            ),
          )
          .optional(),
      })
      .strict()
      .optional(),
    captureContent: z.boolean().optional(),
    budget: z.object({ dailyUsd: z.number().positive() }).strict().optional(),
    // The logger validates its own options when it is created, still inside createAgentlens.
    logging: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
    prices: z
      .object({ overrides: z.array(z.unknown()).optional(), file: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

/** Options of {@link createAgentlens}. Every one is optional. */
export interface AgentlensOptions {
  /** Service name in health reports and snapshots. Env: AGENTLENS_SERVICE_NAME, OTEL_SERVICE_NAME. */
  serviceName?: string;
  /** Prefix for every metric name (`jaf_`, `mega_agent_`). Default none. Env: AGENTLENS_METRIC_PREFIX. */
  metricPrefix?: string;
  /** Labels added to every series of the registry (prom-client `setDefaultLabels`). */
  defaultLabels?: Record<string, string>;
  /** Label combinations per metric before new ones fold into `__overflow__`. Default 2000. */
  seriesCap?: number;
  /** The prom-client registry to register in; pass prom-client's global `register` to merge with your own metrics. Default: a new registry. */
  registry?: Registry;
  /** Collect prom-client's process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
  /** Level of the SDK's own diagnostics on stderr. Default `silent`. Env: AGENTLENS_LOG_LEVEL. */
  logLevel?: DiagnosticLevel;
  /** What a recording with a bad value does: `warn` (drop it, count it, log once a minute) or `throw`. Default `warn`. */
  onInvalidRecord?: 'warn' | 'throw';
  /** Errors kept in the collector's error log. Default 100. */
  errorLogSize?: number;
  /** Failures kept per tool. Default 10. */
  recentFailuresPerTool?: number;
  /** Window of the recent figures in `getSystemHealth()`, in seconds. Default 300. */
  healthWindowSeconds?: number;
  /** Thresholds of `getSystemHealth()`. */
  healthThresholds?: Partial<HealthThresholds>;
  /** `auto`: `/ready` is ready at once (while critical checks pass); `manual`: 503 until `setReady(true)`. Default `auto`. */
  readiness?: 'auto' | 'manual';
  /** Spans: exporter, protocol, endpoint, or your own provider. See docs/tracing.md. */
  tracing?: TracingOptions;
  /** Record prompt and completion messages on model-call spans (after redaction). Default false. Env: AGENTLENS_CAPTURE_CONTENT. */
  captureContent?: boolean;
  /**
   * The structured logger (`agentlens.logger`): level, stdout, rotated file, error file, redaction.
   * Operations log their end at `debug` and their failures at `error`. `false` turns it off.
   * See docs/logging.md.
   */
  logging?: AgentlensLoggingOptions | false;
  /** A daily budget: today's spend and what is left appear in `getSystemHealth()`; over it, the system is degraded. */
  budget?: { dailyUsd: number };
  /**
   * Prices you add or override (fine-tuned or self-hosted models, negotiated rates), in code or in a
   * JSON file (env AGENTLENS_PRICES_FILE); they win over the dataset. See docs/cost.md.
   */
  prices?: { overrides?: PriceOverride[]; file?: string };
}

/** The logger options `createAgentlens` takes (the service name and trace context come from agentlens). */
export type AgentlensLoggingOptions = Omit<
  LoggerOptions,
  'serviceName' | 'traceContext' | 'extraDestinations'
> & {
  /**
   * Also send each line as an OTLP log record to where agentlens sends its spans (`/v1/logs` beside
   * `/v1/traces`), with its trace context, so a backend shows logs next to their spans. Default:
   * on when agentlens installed the OTLP span pipeline itself.
   */
  otlp?: boolean;
};

/** Options after defaults and environment are applied. */
export interface ResolvedConfig {
  readonly serviceName: string;
  readonly metricPrefix: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
  readonly seriesCap: number;
  readonly registry: Registry | undefined;
  readonly processMetrics: boolean;
  readonly logLevel: DiagnosticLevel;
  readonly onInvalidRecord: 'warn' | 'throw';
  readonly errorLogSize: number;
  readonly recentFailuresPerTool: number;
  readonly healthWindowSeconds: number;
  readonly healthThresholds: HealthThresholds;
  readonly readiness: 'auto' | 'manual';
  readonly tracing: TracingOptions;
  readonly captureContent: boolean;
  readonly dailyBudgetUsd: number | undefined;
  readonly logging: AgentlensLoggingOptions | false;
  readonly priceOverrides: readonly PriceOverride[];
  readonly priceOverridesName: string | undefined;
}

/** An error in the options passed to `createAgentlens`; the message lists every problem. */
export class AgentlensConfigError extends Error {
  override readonly name = 'AgentlensConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Price overrides from options and from a JSON file; a bad file is a configuration error. */
function loadPriceOverrides(
  prices: { overrides?: unknown[]; file?: string } | undefined,
  env: Env,
): { priceOverrides: PriceOverride[]; priceOverridesName: string | undefined } {
  const file = prices?.file ?? env.AGENTLENS_PRICES_FILE;
  const fromOptions = prices?.overrides ? parsePriceOverrides(prices.overrides) : [];
  if (!file)
    return { priceOverrides: fromOptions, priceOverridesName: fromOptions.length ? 'options' : undefined };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AgentlensConfigError(
      `invalid agentlens options: prices file ${file} cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    // Overrides in code win over the file's: they come first, and the first match wins.
    return { priceOverrides: [...fromOptions, ...parsePriceOverrides(json)], priceOverridesName: file };
  } catch (error) {
    throw new AgentlensConfigError(
      `invalid agentlens options: prices file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Resolves options: explicit option, then environment variable, then default. Throws
 * {@link AgentlensConfigError} on a bad option; returns the problems found in the environment so
 * the caller can report them once its diagnostics exist.
 */
export function resolveConfig(
  options: AgentlensOptions = {},
  env: Env = process.env,
): { config: ResolvedConfig; envProblems: string[] } {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new AgentlensConfigError(`invalid agentlens options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  const envProblems: string[] = [];
  const fromEnv = <T>(name: EnvironmentVariable, parse: (raw: string) => T | undefined): T | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = parse(raw);
    if (value === undefined)
      envProblems.push(
        `${name}=${JSON.stringify(raw)} is not valid (${ENVIRONMENT_VARIABLES[name]}); ignored`,
      );
    return value;
  };
  const envPrefix = fromEnv('AGENTLENS_METRIC_PREFIX', (raw) => (isValidMetricPrefix(raw) ? raw : undefined));
  const envCap = fromEnv('AGENTLENS_SERIES_CAP', (raw) =>
    /^[1-9][0-9]*$/.test(raw) ? Number(raw) : undefined,
  );
  const envProcess = fromEnv('AGENTLENS_PROCESS_METRICS', (raw) =>
    raw === 'true' ? true : raw === 'false' ? false : undefined,
  );
  const envLevel = fromEnv('AGENTLENS_LOG_LEVEL', (raw) =>
    (DIAGNOSTIC_LEVELS as readonly string[]).includes(raw) ? (raw as DiagnosticLevel) : undefined,
  );
  const envCapture = fromEnv('AGENTLENS_CAPTURE_CONTENT', (raw) =>
    raw === 'true' ? true : raw === 'false' ? false : undefined,
  );
  const thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...o.healthThresholds };
  if (thresholds.unhealthySuccessRate > thresholds.degradedSuccessRate) {
    throw new AgentlensConfigError(
      'invalid agentlens options: healthThresholds.unhealthySuccessRate must not exceed degradedSuccessRate',
    );
  }
  return {
    config: {
      serviceName:
        o.serviceName ?? env.AGENTLENS_SERVICE_NAME ?? env.OTEL_SERVICE_NAME ?? 'unknown_service:node',
      metricPrefix: o.metricPrefix ?? envPrefix ?? '',
      defaultLabels: o.defaultLabels ?? {},
      seriesCap: o.seriesCap ?? envCap ?? 2000,
      registry: o.registry,
      processMetrics: o.processMetrics ?? envProcess ?? true,
      logLevel: o.logLevel ?? envLevel ?? 'silent',
      onInvalidRecord: o.onInvalidRecord ?? 'warn',
      errorLogSize: o.errorLogSize ?? 100,
      recentFailuresPerTool: o.recentFailuresPerTool ?? 10,
      healthWindowSeconds: o.healthWindowSeconds ?? 300,
      healthThresholds: thresholds,
      readiness: o.readiness ?? 'auto',
      tracing: (o.tracing ?? {}) as TracingOptions,
      captureContent: o.captureContent ?? envCapture ?? false,
      dailyBudgetUsd: o.budget?.dailyUsd,
      logging: (o.logging ?? {}) as AgentlensLoggingOptions | false,
      ...loadPriceOverrides(o.prices, env),
    },
    envProblems,
  };
}

import { z } from 'zod';

/**
 * The report document: what the SDK's `snapshot()` returns, what the hub's stats answers contain
 * and what `agentlens monitor --export json` writes. One schema so that a figure means the same
 * everywhere. Units: durations in seconds, rates as ratios between 0 and 1, cost in US dollars.
 */
export const REPORT_SCHEMA_ID = 'agentlens.report/v1';

const ratio = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
const usd = z.number().nonnegative();

export const HealthStatusSchema = z.enum(['healthy', 'degraded', 'unhealthy']);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

export const ExporterStateSchema = z.object({
  exporter: z.string(),
  spansExported: count,
  spansFailed: count,
  lastSuccessAt: z.iso.datetime().nullable(),
  lastFailureAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  queueDepth: count,
  spansDropped: count,
});
export type ExporterStateReport = z.infer<typeof ExporterStateSchema>;

/** The health of the instrumentation itself, next to the app's. */
export const InstrumentationSchema = z.object({
  /** The span exporter's counts and last results; null when agentlens does not own the pipeline. */
  exporter: ExporterStateSchema.nullable(),
  /** Recordings dropped for bad values. */
  invalidRecords: count,
  /** The price dataset behind every cost, and the date of its prices. */
  priceDataset: z.string().nullable(),
  priceDatasetDate: z.string().nullable(),
});
export type Instrumentation = z.infer<typeof InstrumentationSchema>;

export const BudgetSchema = z.object({
  dailyUsd: usd,
  /** Spend since 00:00 UTC. */
  spentTodayUsd: usd,
  /** Negative once the budget is exceeded. */
  remainingUsd: z.number(),
  exceeded: z.boolean(),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const SystemHealthSchema = z.object({
  status: HealthStatusSchema,
  /** Why the status is not `healthy`, one sentence per broken rule; empty when healthy. */
  reasons: z.array(z.string()),
  uptimeSeconds: seconds,
  /** Agents that recorded at least one request. */
  activeAgents: count,
  totalRequests: count,
  /** Success ratio of agent requests over the health window (all time when the window is empty). */
  successRate: ratio,
  /** Length of the window the recent figures below cover. */
  windowSeconds: seconds,
  requestsInWindow: count,
  failuresInWindow: count,
  errorsInWindow: count,
  memory: z.object({
    rssBytes: count,
    heapUsedBytes: count,
    heapTotalBytes: count,
  }),
  cpu: z.object({
    /** Process CPU time over wall time since the previous reading, 1 = one core busy. */
    utilization: z.number().nonnegative(),
    userSeconds: seconds,
    systemSeconds: seconds,
  }),
  /** The daily budget and today's spend; null when no budget is set. */
  budget: BudgetSchema.nullable(),
  instrumentation: InstrumentationSchema,
});
export type SystemHealth = z.infer<typeof SystemHealthSchema>;

export const AgentStatsSchema = z.object({
  name: z.string(),
  requests: count,
  successes: count,
  failures: count,
  successRate: ratio,
  avgResponseTime: seconds,
  p50ResponseTime: seconds,
  p95ResponseTime: seconds,
  p99ResponseTime: seconds,
  tokens: count,
  cost: usd,
  inFlight: count,
  /**
   * How long the oldest run still in flight has been running, null when none is. Absent where it
   * is not known (the SDK snapshot counts runs in flight but does not time them).
   */
  oldestInFlightSeconds: seconds.nullable().optional(),
});
export type AgentStats = z.infer<typeof AgentStatsSchema>;

export const FailureSchema = z.object({
  time: z.iso.datetime(),
  message: z.string(),
  agentName: z.string().nullable(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const ToolStatsSchema = z.object({
  name: z.string(),
  uses: count,
  successes: count,
  failures: count,
  successRate: ratio,
  avgExecutionTime: seconds,
  p95ExecutionTime: seconds,
  /** Most recent failures, newest first, bounded. */
  recentFailures: z.array(FailureSchema),
});
export type ToolStats = z.infer<typeof ToolStatsSchema>;

export const ModelStatsSchema = z.object({
  provider: z.string(),
  model: z.string(),
  requests: count,
  failures: count,
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  cacheWriteTokens: count,
  reasoningTokens: count,
  avgLatency: seconds,
  p95Latency: seconds,
  cost: usd,
  /** Calls with no known price; their cost is missing from `cost`, not zero. */
  unpricedCalls: count,
});
export type ModelStats = z.infer<typeof ModelStatsSchema>;

export const ErrorEntrySchema = z.object({
  time: z.iso.datetime(),
  component: z.string(),
  errorType: z.string(),
  message: z.string(),
  context: z.record(z.string(), z.unknown()),
});
export type ErrorEntry = z.infer<typeof ErrorEntrySchema>;

export const OverviewSchema = z.object({
  requests: count,
  successes: count,
  failures: count,
  successRate: ratio,
  avgResponseTime: seconds,
  p50ResponseTime: seconds,
  p95ResponseTime: seconds,
  p99ResponseTime: seconds,
  tokens: count,
  cost: usd,
  modelCalls: count,
  toolCalls: count,
  unpricedCalls: count,
  errors: count,
});
export type Overview = z.infer<typeof OverviewSchema>;

export const ReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  generatedAt: z.iso.datetime(),
  /** `sdk` for an in-process snapshot, `hub` for figures computed from stored data. */
  source: z.enum(['sdk', 'hub']),
  service: z.string(),
  /** The window the figures cover: `process` (since the SDK started) or a duration such as `15m`. */
  window: z.string(),
  overview: OverviewSchema,
  health: SystemHealthSchema,
  agents: z.array(AgentStatsSchema),
  tools: z.array(ToolStatsSchema),
  models: z.array(ModelStatsSchema),
  /** Most recent errors, newest first, bounded. */
  errors: z.array(ErrorEntrySchema),
});
export type Report = z.infer<typeof ReportSchema>;

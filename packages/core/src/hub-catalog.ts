import type { MetricDefinition } from './catalog.js';

/** Store transactions: a fraction of a millisecond to a slow disk's seconds. */
export const STORE_WRITE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/**
 * The hub's own metrics, at the hub's `/metrics` (not the SDK's: an app's registry never carries
 * them). Their names live here with every other name agentlens emits.
 */
export const HUB_METRIC_CATALOG = {
  hubRequests: {
    name: 'agentlens_hub_requests_total',
    type: 'counter',
    help: 'OTLP export requests received, by transport (http, grpc), signal and outcome (ok or the refusal reason).',
    labelNames: ['transport', 'signal', 'outcome'],
    group: 'instrumentation',
  },
  hubReceivedItems: {
    name: 'agentlens_hub_received_items_total',
    type: 'counter',
    help: 'Spans and log records committed to the store, and metric data points accepted, by signal.',
    labelNames: ['signal'],
    group: 'instrumentation',
  },
  hubRejectedItems: {
    name: 'agentlens_hub_rejected_items_total',
    type: 'counter',
    help: 'Spans, log records and data points refused, by signal and reason (invalid, overloaded, store_failed).',
    labelNames: ['signal', 'reason'],
    group: 'instrumentation',
  },
  hubStoreWriteDuration: {
    name: 'agentlens_hub_store_write_duration_seconds',
    type: 'histogram',
    help: 'Time of one store transaction (a group of export requests committed together), by signal.',
    labelNames: ['signal'],
    buckets: STORE_WRITE_BUCKETS,
    unit: 'seconds',
    group: 'instrumentation',
  },
  hubStoreWriteFailures: {
    name: 'agentlens_hub_store_write_failures_total',
    type: 'counter',
    help: 'Store transactions that failed (their senders were answered 503 and retry), by signal.',
    labelNames: ['signal'],
    group: 'instrumentation',
  },
  hubQueueItems: {
    name: 'agentlens_hub_ingest_queue_items',
    type: 'gauge',
    help: 'Spans and log records decoded and waiting for the store.',
    labelNames: [],
    group: 'instrumentation',
  },
  hubQueueCapacity: {
    name: 'agentlens_hub_ingest_queue_capacity_items',
    type: 'gauge',
    help: 'Items the ingest queue holds before it answers 429.',
    labelNames: [],
    group: 'instrumentation',
  },
  hubDatabaseSize: {
    name: 'agentlens_hub_database_size_bytes',
    type: 'gauge',
    help: 'Disk the stored data occupies (SQLite: the database file and its WAL).',
    labelNames: [],
    unit: 'bytes',
    group: 'instrumentation',
  },
  hubHeapLimit: {
    name: 'agentlens_hub_heap_limit_bytes',
    type: 'gauge',
    help: "The V8 heap limit of the hub's thread: what nodejs_heap_size_used_bytes may reach before it fails.",
    labelNames: [],
    unit: 'bytes',
    group: 'instrumentation',
  },
  hubRetentionDeleted: {
    name: 'agentlens_hub_retention_deleted_total',
    type: 'counter',
    help: 'Rows removed by retention, by kind (traces, spans, logs, rollups).',
    labelNames: ['kind'],
    group: 'instrumentation',
  },
  hubBuildInfo: {
    name: 'agentlens_hub_build_info',
    type: 'gauge',
    help: 'Always 1; the labels say which hub version runs on which store.',
    labelNames: ['version', 'store'],
    group: 'instrumentation',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The hub's name for one of its metrics. */
export type HubMetricKey = keyof typeof HUB_METRIC_CATALOG;

import { getHeapStatistics } from 'node:v8';
import { HUB_METRIC_CATALOG, MISNAMED_PROCESS_METRICS } from '@agentlens/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OtlpSignal } from './otlp/index.js';
import type { IngestObserver, RejectReason } from './receiver/index.js';
import type { RetentionResult } from './store/index.js';

/** How an export request ended, as `agentlens_hub_requests_total{outcome}` says it. */
export type RequestOutcome =
  | 'ok'
  | 'malformed'
  | 'unauthorized'
  | 'method_not_allowed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'overloaded'
  | 'unavailable'
  | 'internal';

/** The outcome of an OTLP/HTTP answer by its status. */
export function outcomeOfStatus(status: number): RequestOutcome {
  if (status < 300) return 'ok';
  switch (status) {
    case 400:
      return 'malformed';
    case 401:
      return 'unauthorized';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'overloaded';
    case 503:
      return 'unavailable';
    default:
      return status < 500 ? 'malformed' : 'internal';
  }
}

export interface HubMetricsOptions {
  readonly version: string;
  readonly storeKind: string;
  /** Read at every scrape. */
  readonly queueItems: () => number;
  /** Read at every scrape. */
  readonly queueCapacity: () => number;
  /** Read at every scrape; a failure leaves the gauge at its last value. */
  readonly databaseSizeBytes: () => Promise<number>;
}

/**
 * The hub's own Prometheus metrics (names in `HUB_METRIC_CATALOG` of `@agentlens/core`) and the
 * process metrics, in a registry of the hub's own. Also the running totals `GET /api/hub` shows.
 */
export class HubMetrics {
  readonly registry = new Registry();
  /** Items committed or accepted since start, by signal. */
  readonly received = { traces: 0, logs: 0, metrics: 0 };
  /** Items and requests refused since start, by reason. */
  readonly rejected: Record<string, number> = {};
  readonly observer: IngestObserver;
  readonly #requests: Counter<string>;
  readonly #retention: Counter<string>;

  constructor(options: HubMetricsOptions) {
    const c = HUB_METRIC_CATALOG;
    const registers = [this.registry];
    this.#requests = new Counter({ ...meta(c.hubRequests), registers });
    const receivedItems = new Counter({ ...meta(c.hubReceivedItems), registers });
    const rejectedItems = new Counter({ ...meta(c.hubRejectedItems), registers });
    const writeDuration = new Histogram({
      ...meta(c.hubStoreWriteDuration),
      buckets: [...c.hubStoreWriteDuration.buckets],
      registers,
    });
    const writeFailures = new Counter({ ...meta(c.hubStoreWriteFailures), registers });
    new Gauge({
      ...meta(c.hubQueueItems),
      registers,
      collect() {
        this.set(options.queueItems());
      },
    });
    new Gauge({
      ...meta(c.hubQueueCapacity),
      registers,
      collect() {
        this.set(options.queueCapacity());
      },
    });
    new Gauge({
      ...meta(c.hubDatabaseSize),
      registers,
      async collect() {
        try {
          this.set(await options.databaseSizeBytes());
        } catch {
          // A store that cannot say its size right now keeps the last reading.
        }
      },
    });
    // Set once: the limit is fixed when the thread starts (`agentlens serve` sets it, HUB_HEAP_LIMITS).
    new Gauge({ ...meta(c.hubHeapLimit), registers }).set(getHeapStatistics().heap_size_limit);
    this.#retention = new Counter({ ...meta(c.hubRetentionDeleted), registers });
    new Gauge({ ...meta(c.hubBuildInfo), registers })
      .labels({ version: options.version, store: options.storeKind })
      .set(1);
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_PROCESS_METRICS) this.registry.removeSingleMetric(name);

    // Series a dashboard or alert reads start at 0, so that rate() and absent() behave from the start.
    for (const kind of ['traces', 'spans', 'logs', 'rollups'] as const)
      this.#retention.labels({ kind }).inc(0);
    for (const signal of ['traces', 'logs'] as const) writeFailures.labels({ signal }).inc(0);
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      receivedItems.labels({ signal }).inc(0);
      rejectedItems.labels({ signal, reason: 'invalid' }).inc(0);
      for (const outcome of ['ok', 'malformed', 'overloaded'] as const) {
        this.#requests.labels({ transport: 'http', signal, outcome }).inc(0);
      }
    }

    const tallyRejected = (reason: string, n: number) => {
      this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
    };
    this.observer = {
      accepted: (signal: OtlpSignal, items: number) => {
        receivedItems.labels({ signal }).inc(items);
        this.received[signal] += items;
      },
      rejected: (signal: OtlpSignal, reason: RejectReason, items: number) => {
        if (items > 0) rejectedItems.labels({ signal, reason }).inc(items);
        tallyRejected(reason, Math.max(items, 1));
      },
      wrote: (signal: 'traces' | 'logs', seconds: number, _items: number, ok: boolean) => {
        writeDuration.labels({ signal }).observe(seconds);
        if (!ok) writeFailures.labels({ signal }).inc();
      },
    };
  }

  /** Counts one export request by how it ended. */
  request(transport: 'http' | 'grpc', signal: OtlpSignal, outcome: RequestOutcome): void {
    this.#requests.labels({ transport, signal, outcome }).inc();
  }

  /** Counts what a retention pass removed. */
  retention(result: RetentionResult): void {
    this.#retention.labels({ kind: 'traces' }).inc(result.tracesDeleted);
    this.#retention.labels({ kind: 'spans' }).inc(result.spansDeleted);
    this.#retention.labels({ kind: 'logs' }).inc(result.logsDeleted);
    this.#retention.labels({ kind: 'rollups' }).inc(result.rollupRowsDeleted);
  }
}

function meta(definition: { name: string; help: string; labelNames: readonly string[] }) {
  return { name: definition.name, help: definition.help, labelNames: [...definition.labelNames] };
}

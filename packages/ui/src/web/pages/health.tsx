import type { HubStatusResponse, ReportResponse, ServiceSummary } from '@agentlens/hub/client';
import { useRef } from 'preact/hooks';
import { POLL_MS, useQuery } from '../api.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { StatCard } from '../components/stat-card.js';
import { ErrorNote, Loading, toneOfHealth } from '../components/status.js';
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDurationMs,
  formatPercent,
  formatSeconds,
  formatTime,
} from '../format.js';
import { hrefOf } from '../router.js';

/** Services reported on at most; the rest are listed without their health. */
const SERVICES_WITH_HEALTH = 12;
/** The window of each service's health: the recent past, as the SDK's own health rules read it. */
const SERVICE_WINDOW = '15m';

interface ServiceHealth {
  readonly service: ServiceSummary;
  /** Undefined past {@link SERVICES_WITH_HEALTH}, or from a hub without `/api/report`. */
  readonly report: ReportResponse | undefined;
}

/** Items per second between two samples of the hub's counters; null until there are two. */
interface IngestRates {
  readonly spans: number;
  readonly logs: number;
  readonly points: number;
  readonly refused: number;
}

function refusedOf(status: HubStatusResponse): number {
  return Object.values(status.ingest.rejected).reduce((sum, n) => sum + n, 0);
}

function ratesBetween(
  before: { status: HubStatusResponse; atMs: number },
  after: { status: HubStatusResponse; atMs: number },
): IngestRates | null {
  const seconds = (after.atMs - before.atMs) / 1000;
  // A restarted hub counts from zero again: no rate across it.
  if (seconds <= 0 || after.status.startedAt !== before.status.startedAt) return null;
  const per = (a: number, b: number) => Math.max(0, b - a) / seconds;
  const [b, a] = [before.status.ingest.received, after.status.ingest.received];
  return {
    spans: per(b.traces, a.traces),
    logs: per(b.logs, a.logs),
    points: per(b.metrics, a.metrics),
    refused: per(refusedOf(before.status), refusedOf(after.status)),
  };
}

/** `0/s`, `0.2/s`, `38,000/s`: a tenth of a unit under 10 per second, whole units above. */
function rate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${formatCount(Math.round(perSecond))}/s`;
}

function ServicesTable({ services, nowMs }: { readonly services: ServiceHealth[]; readonly nowMs: number }) {
  const columns: Column<ServiceHealth>[] = [
    {
      key: 'name',
      label: 'Service',
      nowrap: true,
      sort: (s) => s.service.name,
      render: (s) => <Link href={hrefOf('/traces', { service: s.service.name })}>{s.service.name}</Link>,
    },
    {
      key: 'seen',
      label: 'Last data',
      sort: (s) => s.service.lastSeenMs,
      render: (s) => formatAgo(s.service.lastSeenMs, nowMs),
    },
    {
      key: 'status',
      label: `Health (${SERVICE_WINDOW})`,
      sort: (s) => s.report?.health.status ?? '',
      render: (s) => {
        const health = s.report?.health;
        if (health === undefined) return '–';
        return (
          <span>
            <span class={`badge badge-${toneOfHealth(health.status)}`} data-testid="service-health">
              {health.status}
            </span>
            {health.reasons.length > 0 && <span class="muted"> {health.reasons.join(' ')}</span>}
          </span>
        );
      },
    },
    {
      key: 'requests',
      label: 'Runs',
      numeric: true,
      sort: (s) => s.report?.overview.requests ?? -1,
      render: (s) => (s.report === undefined ? '–' : formatCount(s.report.overview.requests)),
    },
    {
      key: 'errors',
      label: 'Failed spans',
      numeric: true,
      sort: (s) => s.report?.overview.errors ?? -1,
      render: (s) => (s.report === undefined ? '–' : formatCount(s.report.overview.errors)),
    },
  ];
  return (
    <DataTable
      label="Services"
      columns={columns}
      rows={services}
      rowKey={(s) => s.service.name}
      rowHref={(s) => hrefOf('/traces', { service: s.service.name })}
      defaultSort="-seen"
    />
  );
}

/**
 * `/health`: the hub itself (version, uptime, store, ingest queue, rates, what it received and
 * refused) and the services sending to it, each with its health over the last 15 minutes.
 */
export function HealthPage() {
  const previous = useRef<{ status: HubStatusResponse; atMs: number } | undefined>(undefined);
  const { data, error } = useQuery('hub-status', async (hub) => {
    const [status, list] = await Promise.all([hub.hubStatus(), hub.services()]);
    const sample = { status, atMs: Date.now() };
    const rates = previous.current === undefined ? null : ratesBetween(previous.current, sample);
    previous.current = sample;
    const services = await Promise.all(
      list.services.map(
        async (service, i): Promise<ServiceHealth> => ({
          service,
          report:
            i < SERVICES_WITH_HEALTH
              ? await hub.report({ window: SERVICE_WINDOW, service: service.name }).catch(() => undefined)
              : undefined,
        }),
      ),
    );
    return { status, rates, services, nowMs: sample.atMs };
  });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const { rates, services, nowMs } = data;
  const status = data.status;
  const rejected = Object.entries(status.ingest.rejected);
  const fill = status.ingest.capacity > 0 ? status.ingest.queuedItems / status.ingest.capacity : 0;
  return (
    <div class="page">
      <ErrorNote error={error} />
      <div class="cards">
        <StatCard
          label="Hub"
          value={`v${status.version}`}
          detail={`up ${formatSeconds(status.uptimeSeconds)}, since ${formatTime(Date.parse(status.startedAt))}`}
        />
        <StatCard
          label="Store"
          value={status.store.kind}
          detail={formatBytes(status.store.sizeBytes)}
          testId="health-store"
        />
        <StatCard
          label="Ingest queue"
          value={`${formatCount(status.ingest.queuedItems)} / ${formatCount(status.ingest.capacity)}`}
          detail={`${formatPercent(fill)} full; past it, ingest answers 429`}
          {...(fill > 0.8 ? { tone: 'warn' as const } : {})}
        />
        <StatCard
          label="Ingest rate"
          value={rates === null ? '…' : `${rate(rates.spans)} spans`}
          testId="health-rate"
          detail={
            rates === null
              ? `measured between two refreshes, every ${POLL_MS / 1000} s`
              : `${rate(rates.logs)} log records · ${rate(rates.points)} metric points · ${rate(rates.refused)} refused`
          }
        />
        <StatCard
          label="Received"
          value={`${formatCount(status.ingest.received.traces)} spans`}
          detail={`${formatCount(status.ingest.received.logs)} log records · ${formatCount(status.ingest.received.metrics)} metric points`}
        />
        <StatCard
          label="Refused"
          value={formatCount(rejected.reduce((sum, [, n]) => sum + n, 0))}
          detail={
            rejected.length === 0
              ? 'nothing refused'
              : rejected.map(([why, n]) => `${why}: ${formatCount(n)}`).join(' · ')
          }
          {...(rejected.length > 0 ? { tone: 'warn' as const } : {})}
        />
      </div>
      <section class="panel">
        <h2>Services sending data</h2>
        {services.length === 0 ? (
          <Nothing>No service has sent spans or logs yet.</Nothing>
        ) : (
          <ServicesTable services={services} nowMs={nowMs} />
        )}
      </section>
      <section class="panel">
        <h2>Listeners and retention</h2>
        <dl class="fields">
          <dt>OTLP/HTTP and API</dt>
          <dd>
            <code>{status.listeners.http}</code>
          </dd>
          <dt>OTLP/gRPC</dt>
          <dd>{status.listeners.grpc === null ? 'off' : <code>{status.listeners.grpc}</code>}</dd>
          <dt>Keep data for</dt>
          <dd>
            {status.retention.maxAgeMs === null
              ? 'no age limit'
              : formatDurationMs(status.retention.maxAgeMs)}
          </dd>
          <dt>Keep at most</dt>
          <dd>
            {status.retention.maxBytes === null ? 'no size limit' : formatBytes(status.retention.maxBytes)}
          </dd>
        </dl>
      </section>
    </div>
  );
}

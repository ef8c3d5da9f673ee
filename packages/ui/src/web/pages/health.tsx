import { useQuery } from '../api.js';
import { StatCard } from '../components/stat-card.js';
import { ErrorNote, Loading } from '../components/status.js';
import {
  formatBytes,
  formatCount,
  formatDurationMs,
  formatPercent,
  formatSeconds,
  formatTime,
} from '../format.js';

/** `/health`: the hub itself: version, uptime, store, ingest queue, what it received and refused. */
export function HealthPage() {
  const { data, error } = useQuery('hub-status', (hub) => hub.hubStatus());
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const rejected = Object.entries(data.ingest.rejected);
  const fill = data.ingest.capacity > 0 ? data.ingest.queuedItems / data.ingest.capacity : 0;
  return (
    <div class="page">
      <ErrorNote error={error} />
      <div class="cards">
        <StatCard
          label="Hub"
          value={`v${data.version}`}
          detail={`up ${formatSeconds(data.uptimeSeconds)}, since ${formatTime(Date.parse(data.startedAt))}`}
        />
        <StatCard
          label="Store"
          value={data.store.kind}
          detail={formatBytes(data.store.sizeBytes)}
          testId="health-store"
        />
        <StatCard
          label="Ingest queue"
          value={`${formatCount(data.ingest.queuedItems)} / ${formatCount(data.ingest.capacity)}`}
          detail={`${formatPercent(fill)} full; past it, ingest answers 429`}
          {...(fill > 0.8 ? { tone: 'warn' as const } : {})}
        />
        <StatCard
          label="Received"
          value={`${formatCount(data.ingest.received.traces)} spans`}
          detail={`${formatCount(data.ingest.received.logs)} log records · ${formatCount(data.ingest.received.metrics)} metric points`}
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
        <h2>Listeners and retention</h2>
        <dl class="fields">
          <dt>OTLP/HTTP and API</dt>
          <dd>
            <code>{data.listeners.http}</code>
          </dd>
          <dt>OTLP/gRPC</dt>
          <dd>{data.listeners.grpc === null ? 'off' : <code>{data.listeners.grpc}</code>}</dd>
          <dt>Keep data for</dt>
          <dd>
            {data.retention.maxAgeMs === null ? 'no age limit' : formatDurationMs(data.retention.maxAgeMs)}
          </dd>
          <dt>Keep at most</dt>
          <dd>{data.retention.maxBytes === null ? 'no size limit' : formatBytes(data.retention.maxBytes)}</dd>
        </dl>
      </section>
    </div>
  );
}

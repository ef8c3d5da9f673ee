import type { LogQuery } from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { ErrorNote, Loading } from '../components/status.js';
import { formatCount, formatTime, nanosToMs } from '../format.js';
import { hrefOf, setQuery, usePlace } from '../router.js';
import { rangeOf, rangeParams, windowOf } from '../time-range.js';
import { levelOf } from './trace.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** `/logs`: log records, newest first, by service, minimum level and text; each links to its trace. */
export function LogsPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const service = query.get('service') ?? '';
  const level = query.get('level') ?? '';
  const text = query.get('q') ?? '';
  const logQuery: LogQuery = {
    ...windowOf(range),
    ...(service ? { service } : {}),
    ...(level ? { level } : {}),
    ...(text ? { q: text } : {}),
    limit: 500,
  };
  const { data, error } = useQuery(`logs:${JSON.stringify(logQuery)}`, async (hub) => {
    const [logs, services] = await Promise.all([hub.logs(logQuery), hub.services()]);
    return { logs: logs.logs, services: services.services.map((s) => s.name) };
  });
  return (
    <div class="page">
      <form class="filters" aria-label="Log filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Service
          <select
            name="service"
            value={service}
            onChange={(e) => setQuery({ service: e.currentTarget.value })}
          >
            <option value="">any</option>
            {(data?.services ?? (service ? [service] : [])).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          At least
          <select name="level" value={level} onChange={(e) => setQuery({ level: e.currentTarget.value })}>
            <option value="">any level</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Text
          <input
            key={text}
            name="q"
            type="search"
            defaultValue={text}
            placeholder="in the message"
            onChange={(e) => setQuery({ q: e.currentTarget.value.trim() })}
          />
        </label>
      </form>
      <ErrorNote error={error} />
      {data === undefined ? (
        error ? null : (
          <Loading />
        )
      ) : data.logs.length === 0 ? (
        <Nothing>
          No logs in this time range. Logs arrive by OTLP at <code>/v1/logs</code>: turn on the SDK logger's{' '}
          <code>otlp</code> option, or point any OpenTelemetry log exporter at this hub.
        </Nothing>
      ) : (
        <>
          <p class="summary">
            {formatCount(data.logs.length)} {data.logs.length === 1 ? 'record' : 'records'}, newest first
            {data.logs.length === 500 ? ' (the first 500; narrow the filters to see others)' : ''}
          </p>
          <table class="data-table logs-table" aria-label="Logs">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Service</th>
                <th scope="col">Message</th>
                <th scope="col">Trace</th>
              </tr>
            </thead>
            <tbody>
              {data.logs.map((log, i) => (
                <tr key={i} class={`level-${levelOf(log.severityNumber)}`}>
                  <td>{formatTime(nanosToMs(log.timeUnixNano))}</td>
                  <td class="level">{log.severityText || levelOf(log.severityNumber)}</td>
                  <td>{log.service}</td>
                  <td class="log-body">{log.body}</td>
                  <td>
                    {log.traceId ? (
                      <Link
                        href={hrefOf(`/traces/${log.traceId}`, { ...keep, span: log.spanId ?? undefined })}
                      >
                        {log.traceId.slice(0, 8)}…
                      </Link>
                    ) : (
                      '–'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

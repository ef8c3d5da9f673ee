import type { TraceListQuery, TraceSummary } from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { ErrorNote, Loading, StatusBadge } from '../components/status.js';
import { formatCount, formatDurationMs, formatTime, formatUsd, nanosToMs } from '../format.js';
import { hrefOf, setQuery, usePlace } from '../router.js';
import { rangeOf, rangeParams, windowOf } from '../time-range.js';

/** The trace-list filters, each a query parameter of the same name as the API's. */
const FILTERS = ['service', 'agent', 'model', 'tool', 'status', 'minDuration', 'q'] as const;
const PAGE = 50;

/** A list of traces linking to each; used by the trace list and the agent page. */
export function TraceTable({ traces, empty }: { readonly traces: TraceSummary[]; readonly empty: string }) {
  const { query } = usePlace();
  const keep = rangeParams(query);
  if (traces.length === 0) return <Nothing>{empty}</Nothing>;
  const href = (t: TraceSummary) => hrefOf(`/traces/${t.traceId}`, keep);
  const columns: Column<TraceSummary>[] = [
    {
      key: 'time',
      label: 'Started',
      sort: (t) => t.listedAtMs,
      render: (t) => formatTime(nanosToMs(t.startTimeUnixNano)),
    },
    {
      key: 'name',
      label: 'Trace',
      sort: (t) => t.rootSpanName ?? '',
      render: (t) => (
        <Link href={href(t)}>{t.rootSpanName ?? `${t.traceId.slice(0, 8)}… (root not arrived)`}</Link>
      ),
    },
    {
      key: 'service',
      label: 'Service',
      sort: (t) => t.rootService ?? '',
      render: (t) => t.rootService ?? '–',
    },
    {
      key: 'status',
      label: 'Status',
      sort: (t) => t.errorCount,
      render: (t) => <StatusBadge error={t.errorCount > 0} />,
    },
    {
      key: 'duration',
      label: 'Duration',
      numeric: true,
      sort: (t) => t.durationMs,
      render: (t) => formatDurationMs(t.durationMs),
    },
    {
      key: 'spans',
      label: 'Spans',
      numeric: true,
      sort: (t) => t.spanCount,
      render: (t) => formatCount(t.spanCount),
    },
    {
      key: 'tokens',
      label: 'Tokens',
      numeric: true,
      sort: (t) => t.inputTokens + t.outputTokens,
      render: (t) => formatCount(t.inputTokens + t.outputTokens),
    },
    {
      key: 'cost',
      label: 'Cost',
      numeric: true,
      sort: (t) => t.costUsd,
      render: (t) => formatUsd(t.costUsd),
    },
  ];
  return (
    <DataTable
      label="Traces"
      columns={columns}
      rows={traces}
      rowKey={(t) => t.traceId}
      rowHref={href}
      sortParam="tsort"
    />
  );
}

function TextFilter({
  name,
  label,
  value,
  list,
  placeholder,
}: {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly list?: string[];
  readonly placeholder?: string;
}) {
  return (
    <label>
      {label}
      <input
        // Re-created when the URL changes the value (back / forward); typing is never overwritten
        // by a poll's re-render.
        key={value}
        name={name}
        type="search"
        defaultValue={value}
        placeholder={placeholder ?? 'any'}
        list={list ? `${name}-options` : undefined}
        // Committed on Enter or leaving the field: one history entry per filter, not per key.
        onChange={(event) => setQuery({ [name]: event.currentTarget.value.trim(), limit: undefined })}
      />
      {list && (
        <datalist id={`${name}-options`}>
          {list.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      )}
    </label>
  );
}

/** `/traces`: the trace list, newest first, with every filter in the URL. */
export function TracesPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const limit = Math.min(1000, Math.max(PAGE, Number(query.get('limit')) || PAGE));
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value !== null && value !== '') filters[name] = value;
  }
  const listQuery: TraceListQuery = { ...windowOf(range), ...filters, limit };
  const { data, error } = useQuery(`traces:${JSON.stringify(listQuery)}`, (hub) => hub.listTraces(listQuery));
  const options = useQuery(`trace-options:${JSON.stringify(range)}`, async (hub) => {
    const window = windowOf(range);
    const [services, agents, models, tools] = await Promise.all([
      hub.services(),
      hub.stats('agents', window),
      hub.stats('models', window),
      hub.stats('tools', window),
    ]);
    return {
      services: services.services.map((s) => s.name),
      agents: agents.groups.map((g) => g.name),
      models: [...new Set(models.groups.map((g) => g.name))],
      tools: tools.groups.map((g) => g.name),
    };
  });
  const o = options.data;
  const active = Object.keys(filters).length > 0;

  return (
    <div class="page">
      <form class="filters" aria-label="Trace filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Service
          <select
            name="service"
            value={filters.service ?? ''}
            onChange={(event) => setQuery({ service: event.currentTarget.value, limit: undefined })}
          >
            <option value="">any</option>
            {(o?.services ?? (filters.service ? [filters.service] : [])).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <TextFilter name="agent" label="Agent" value={filters.agent ?? ''} list={o?.agents ?? []} />
        <TextFilter name="model" label="Model" value={filters.model ?? ''} list={o?.models ?? []} />
        <TextFilter name="tool" label="Tool" value={filters.tool ?? ''} list={o?.tools ?? []} />
        <label>
          Status
          <select
            name="status"
            value={filters.status ?? ''}
            onChange={(event) => setQuery({ status: event.currentTarget.value, limit: undefined })}
          >
            <option value="">any</option>
            <option value="error">error</option>
            <option value="ok">ok</option>
          </select>
        </label>
        <TextFilter
          name="minDuration"
          label="At least"
          value={filters.minDuration ?? ''}
          placeholder="e.g. 500ms, 2s"
        />
        <TextFilter name="q" label="Text" value={filters.q ?? ''} placeholder="in names and attributes" />
        {active && (
          <button
            type="button"
            onClick={() =>
              setQuery(Object.fromEntries([...FILTERS, 'limit'].map((name) => [name, undefined])))
            }
          >
            Clear filters
          </button>
        )}
      </form>
      <ErrorNote error={error} />
      {data === undefined ? (
        error ? null : (
          <Loading />
        )
      ) : (
        <>
          <p class="summary" data-testid="trace-count">
            {formatCount(data.traces.length)}
            {data.nextCursor !== null ? '+' : ''} {data.traces.length === 1 ? 'trace' : 'traces'}
            {active ? ' matching the filters' : ''}
          </p>
          <TraceTable
            traces={data.traces}
            empty={
              active
                ? 'No trace matches these filters in this time range. Loosen a filter or pick a longer range.'
                : 'No traces in this time range; pick a longer range.'
            }
          />
          {data.nextCursor !== null && limit < 1000 && (
            <button
              type="button"
              class="more"
              onClick={() => setQuery({ limit: String(limit + PAGE) }, true)}
            >
              Show {PAGE} more
            </button>
          )}
        </>
      )}
    </div>
  );
}

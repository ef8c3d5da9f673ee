import type { StatsGroup } from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { Chart } from '../components/chart.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { callColumns } from '../components/stats-columns.js';
import { ErrorNote, Loading } from '../components/status.js';
import { formatCount } from '../format.js';
import { hrefOf, usePlace } from '../router.js';
import { rangeOf, rangeParams, stepOf, windowOf } from '../time-range.js';

/** `/tools`: calls, failures and latency per tool. */
export function ToolsPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const { data, error } = useQuery(`tools:${JSON.stringify(range)}`, async (hub) => {
    const window = windowOf(range);
    const [stats, calls] = await Promise.all([
      hub.stats('tools', window),
      hub.timeseries({ ...window, measure: 'requests', step: stepOf(range), groupBy: 'tool' }),
    ]);
    return { groups: stats.groups, calls };
  });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const href = (g: StatsGroup) => hrefOf('/traces', { ...keep, tool: g.name });
  const columns: Column<StatsGroup>[] = [
    { key: 'name', label: 'Tool', sort: (g) => g.name, render: (g) => <Link href={href(g)}>{g.name}</Link> },
    ...callColumns('Calls'),
  ];
  return (
    <div class="page">
      <ErrorNote error={error} />
      {data.groups.length === 0 ? (
        <Nothing>
          No tool calls in this time range. Tool calls are spans named <code>execute_tool …</code> (the SDK's{' '}
          <code>withToolCall</code>).
        </Nothing>
      ) : (
        <>
          <section class="panel">
            <h2>Calls per tool</h2>
            <Chart data={data.calls} format={formatCount} label="Calls per tool over time" />
          </section>
          <DataTable
            label="Tools"
            columns={columns}
            rows={data.groups}
            rowKey={(g) => g.name}
            rowHref={href}
            defaultSort="-requests"
          />
        </>
      )}
    </div>
  );
}

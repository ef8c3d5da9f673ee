import type { StatsGroup } from '@agentlens/hub/client';
import { useQuery } from '../api.js';
import { Chart } from '../components/chart.js';
import { type Column, DataTable } from '../components/data-table.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { numericColumn, statsColumn } from '../components/stats-columns.js';
import { ErrorNote, Loading } from '../components/status.js';
import { formatCount, formatUsd, plural } from '../format.js';
import { findModelPrice, labelOfModelPrice, priceLabelText } from '../price.js';
import { hrefOf, usePlace } from '../router.js';
import { rangeOf, rangeParams, stepOf, windowOf } from '../time-range.js';

/** `/models`: calls, tokens by type and cost per model, and spend over time. */
export function ModelsPage() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const keep = rangeParams(query);
  const { data, error } = useQuery(`models:${JSON.stringify(range)}`, async (hub) => {
    const window = windowOf(range);
    const step = stepOf(range);
    const [stats, cost, providerCost, tokens] = await Promise.all([
      hub.stats('models', window),
      hub.timeseries({ ...window, measure: 'cost', step, groupBy: 'model' }),
      hub.timeseries({ ...window, measure: 'cost', step, groupBy: 'provider' }),
      hub.timeseries({ ...window, measure: 'tokens', step, groupBy: 'model' }),
    ]);
    return {
      groups: stats.groups,
      prices: stats.prices,
      cost,
      providerCost,
      tokens,
    };
  });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  const total = data.groups.reduce((sum, g) => sum + g.costUsd, 0);
  const unpriced = data.groups.reduce((sum, g) => sum + g.unpricedCalls, 0);
  const priceOf = (g: StatsGroup) => {
    const price = findModelPrice(data.prices, g.provider, g.name);
    return price === undefined ? null : labelOfModelPrice(price);
  };
  const datasets = [
    ...new Set(
      (data.prices ?? []).flatMap((p) =>
        p.entry === null || p.entry.source === 'override'
          ? []
          : [`${p.entry.dataset}${p.entry.datasetDate === null ? '' : `, data of ${p.entry.datasetDate}`}`],
      ),
    ),
  ];
  const columns: Column<StatsGroup>[] = [
    {
      key: 'name',
      label: 'Model',
      nowrap: true,
      sort: (g) => g.name,
      render: (g) => <Link href={hrefOf('/traces', { ...keep, model: g.name })}>{g.name}</Link>,
    },
    { key: 'provider', label: 'Provider', sort: (g) => g.provider ?? '', render: (g) => g.provider ?? '–' },
    statsColumn.requests('Calls'),
    statsColumn.success(),
    statsColumn.p95(),
    numericColumn<StatsGroup>('input', 'Input', (g) => g.tokens.input, formatCount),
    numericColumn<StatsGroup>('output', 'Output', (g) => g.tokens.output, formatCount),
    {
      key: 'cache',
      label: 'Cache read / write',
      numeric: true,
      sort: (g) => g.tokens.cacheRead + g.tokens.cacheWrite,
      render: (g) => `${formatCount(g.tokens.cacheRead)} / ${formatCount(g.tokens.cacheWrite)}`,
    },
    numericColumn<StatsGroup>('reasoning', 'Reasoning', (g) => g.tokens.reasoning, formatCount),
    statsColumn.cost(),
    {
      key: 'unpriced',
      label: 'Unpriced',
      numeric: true,
      sort: (g) => g.unpricedCalls,
      render: (g) => (g.unpricedCalls > 0 ? <span class="warn">{formatCount(g.unpricedCalls)}</span> : '0'),
    },
    {
      key: 'price',
      label: 'Price entry',
      nowrap: true,
      sort: (g) => priceOf(g)?.entry ?? '',
      render: (g) => {
        const price = priceOf(g);
        if (price === null) return '–';
        if (price.entry === null) {
          return (
            <span class="warn" title={price.note ?? undefined}>
              no price
            </span>
          );
        }
        return (
          <span title={priceLabelText(price)}>
            {price.entry}
            <span class="muted cell-note">
              {price.override ? 'override' : `data of ${price.datasetDate ?? 'unknown date'}`}
            </span>
          </span>
        );
      },
    },
  ];
  return (
    <div class="page">
      <ErrorNote error={error} />
      {data.groups.length === 0 ? (
        <Nothing>
          No model calls in this time range. Model calls are spans such as <code>chat gpt-4o</code> (the SDK's{' '}
          <code>withModelCall</code>).
        </Nothing>
      ) : (
        <>
          <p class="summary">
            Spend in this range: <strong>{formatUsd(total)}</strong>
            {unpriced > 0 && (
              <span class="warn">
                {' '}
                · {plural(unpriced, 'call')} of models with no known price not included
              </span>
            )}
            {datasets.length > 0 && (
              <span class="muted" data-testid="price-dataset">
                {' '}
                · prices: {datasets.join('; ')}
              </span>
            )}
          </p>
          <div class="columns">
            <section class="panel">
              <h2>Cost per provider</h2>
              <Chart data={data.providerCost} format={formatUsd} label="Cost per provider over time" />
            </section>
            <section class="panel">
              <h2>Cost per model</h2>
              <Chart data={data.cost} format={formatUsd} label="Cost per model over time" />
            </section>
            <section class="panel">
              <h2>Tokens per model</h2>
              <Chart data={data.tokens} format={formatCount} label="Tokens per model over time" />
            </section>
          </div>
          <DataTable
            label="Models"
            columns={columns}
            rows={data.groups}
            rowKey={(g) => `${g.provider ?? ''}/${g.name}`}
            rowHref={(g) => hrefOf('/traces', { ...keep, model: g.name })}
            defaultSort="-cost"
          />
        </>
      )}
    </div>
  );
}

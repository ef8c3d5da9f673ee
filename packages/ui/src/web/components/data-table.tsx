import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { navigate, setQuery, usePlace } from '../router.js';

export interface Column<Row> {
  /** Also the name in the URL's `sort` parameter. */
  readonly key: string;
  readonly label: string;
  /** What the column sorts by; a column without it does not sort. */
  readonly sort?: (row: Row) => number | string;
  readonly render: (row: Row) => ComponentChildren;
  readonly numeric?: boolean;
  /** Keeps the cell on one line (names and ids that must not break). */
  readonly nowrap?: boolean;
}

function cellClass(column: Column<unknown>): string | undefined {
  const classes = [column.numeric ? 'num' : '', column.nowrap ? 'nowrap' : ''].filter((c) => c !== '');
  return classes.length === 0 ? undefined : classes.join(' ');
}

export interface DataTableProps<Row> {
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => string;
  /** Where a row leads; Enter or a click on the row goes there. */
  readonly rowHref?: (row: Row) => string;
  /** `requests` or `-requests` (descending) when the URL names no sort. */
  readonly defaultSort?: string;
  /** The URL parameter holding the sort, for pages with two tables. Default `sort`. */
  readonly sortParam?: string;
  readonly label: string;
}

/**
 * A table sortable by its headers (the sort lives in the URL) whose rows are reached with the
 * keyboard: Tab into the table, ↑ / ↓ (or j / k) move, Enter opens.
 */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { columns, rows, rowKey, rowHref, label } = props;
  const sortParam = props.sortParam ?? 'sort';
  const { query } = usePlace();
  const sortText = query.get(sortParam) ?? props.defaultSort ?? '';
  const descending = sortText.startsWith('-');
  const sortKey = descending ? sortText.slice(1) : sortText;
  const sortColumn = columns.find((c) => c.key === sortKey && c.sort !== undefined);
  const body = useRef<HTMLTableSectionElement>(null);

  const sorted = sortColumn?.sort
    ? [...rows].sort((a, b) => {
        const get = sortColumn.sort as (row: Row) => number | string;
        const x = get(a);
        const y = get(b);
        const order =
          typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      })
    : rows;

  const onKeyDown = (event: KeyboardEvent, index: number, row: Row) => {
    const rowsOf = body.current?.querySelectorAll<HTMLTableRowElement>('tr');
    const move = (to: number) => {
      const target = rowsOf?.[Math.max(0, Math.min((rowsOf?.length ?? 1) - 1, to))];
      target?.focus();
      event.preventDefault();
    };
    if (event.key === 'ArrowDown' || event.key === 'j') move(index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(sorted.length - 1);
    else if (event.key === 'Enter' && rowHref) {
      event.preventDefault();
      navigate(rowHref(row));
    }
  };

  return (
    // Scrolls sideways in a narrow window instead of pushing the page wider.
    <div class="table-scroll">
      <table class="data-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = sortColumn?.key === column.key;
              const next = active && !descending ? `-${column.key}` : active ? column.key : `-${column.key}`;
              return (
                <th
                  key={column.key}
                  class={column.numeric ? 'num' : undefined}
                  aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
                  scope="col"
                >
                  {column.sort ? (
                    <button type="button" class="sort" onClick={() => setQuery({ [sortParam]: next }, true)}>
                      {column.label}
                      <span aria-hidden="true">{active ? (descending ? ' ▾' : ' ▴') : ''}</span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody ref={body}>
          {sorted.map((row, index) => (
            <tr
              key={rowKey(row)}
              tabIndex={index === 0 ? 0 : -1}
              class={rowHref ? 'clickable' : undefined}
              onKeyDown={(event) => onKeyDown(event, index, row)}
              onClick={(event) => {
                if (!rowHref || (event.target as HTMLElement).closest('a, button')) return;
                navigate(rowHref(row));
              }}
            >
              {columns.map((column) => (
                <td key={column.key} class={cellClass(column as Column<unknown>)}>
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

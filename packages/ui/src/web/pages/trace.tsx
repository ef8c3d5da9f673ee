import type { ModelPrice, TraceDetail } from '@agentlens/hub/client';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useQuery } from '../api.js';
import { Nothing } from '../components/empty-state.js';
import { Link } from '../components/link.js';
import { ErrorNote, Loading, StatusBadge } from '../components/status.js';
import { formatCount, formatDurationMs, formatTime, formatUsd, nanosToMs } from '../format.js';
import { priceLabelText, spanPriceLabel } from '../price.js';
import { hrefOf, setQuery, usePlace } from '../router.js';
import { rangeParams } from '../time-range.js';

type SpanRecord = TraceDetail['spans'][number];
type LogRecord = TraceDetail['logs'][number];

/** Height of one waterfall row in pixels; rows are fixed-height so the list can be virtualised. */
const ROW = 26;
/** Rows drawn beyond the visible ones on each side, so fast scrolling shows no gap. */
const OVERSCAN = 12;

interface Row {
  readonly span: SpanRecord;
  readonly depth: number;
  readonly childCount: number;
  readonly startMs: number;
}

/** Children by parent id; spans whose parent is not stored (yet) count as roots. */
function childrenOf(spans: readonly SpanRecord[]): Map<string | null, SpanRecord[]> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, SpanRecord[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  }
  // The API orders spans by start time, so every list already is.
  return children;
}

/** The visible rows, depth first, skipping what is under a collapsed span. */
function flatten(children: Map<string | null, SpanRecord[]>, collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  // An explicit stack: a 10 000-span chain must not overflow the call stack.
  const stack: { span: SpanRecord; depth: number }[] = [];
  const roots = children.get(null) ?? [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ span: roots[i] as SpanRecord, depth: 0 });
  while (stack.length > 0) {
    const { span, depth } = stack.pop() as { span: SpanRecord; depth: number };
    const kids = children.get(span.spanId) ?? [];
    rows.push({ span, depth, childCount: kids.length, startMs: nanosToMs(span.startTimeUnixNano) });
    if (collapsed.has(span.spanId)) continue;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i] as SpanRecord, depth: depth + 1 });
  }
  return rows;
}

function categoryLabel(span: SpanRecord): string {
  switch (span.category) {
    case 'agent':
      return 'agent';
    case 'model':
      return 'model';
    case 'tool':
      return 'tool';
    case 'workflow':
    case 'workflow_node':
      return 'workflow';
    default:
      return 'span';
  }
}

/** `/traces/<id>`: the waterfall of a trace, the selected span's details and the trace's logs. */
export function TracePage({ traceId }: { readonly traceId: string }) {
  const { query } = usePlace();
  const keep = rangeParams(query);
  const { data, error } = useQuery(`trace:${traceId}`, (hub) => hub.getTrace(traceId), { poll: false });
  if (data === undefined) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data === null)
    return (
      <div class="page">
        <Nothing>
          No trace {traceId} on this hub: it may have been removed by retention, or its spans have not arrived
          yet. <Link href={hrefOf('/traces', keep)}>Back to the traces</Link>
        </Nothing>
      </div>
    );
  return (
    <TraceView
      spans={data.spans}
      logs={data.logs}
      prices={data.prices}
      traceId={traceId}
      selectedId={query.get('span')}
    />
  );
}

function TraceView({
  spans,
  logs,
  prices,
  traceId,
  selectedId,
}: {
  readonly spans: SpanRecord[];
  readonly logs: LogRecord[];
  readonly prices: readonly ModelPrice[] | undefined;
  readonly traceId: string;
  readonly selectedId: string | null;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(520);
  const scroller = useRef<HTMLDivElement>(null);
  const children = useMemo(() => childrenOf(spans), [spans]);
  const rows = useMemo(() => flatten(children, collapsed), [children, collapsed]);
  const { startMs, totalMs } = useMemo(() => {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const span of spans) {
      start = Math.min(start, nanosToMs(span.startTimeUnixNano));
      end = Math.max(end, nanosToMs(span.endTimeUnixNano));
    }
    return { startMs: start, totalMs: Math.max(end - start, 0.001) };
  }, [spans]);
  const selected = spans.find((s) => s.spanId === selectedId) ?? rows[0]?.span;
  const selectedIndex = rows.findIndex((r) => r.span.spanId === selected?.spanId);

  useEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setViewHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const select = (span: SpanRecord) => setQuery({ span: span.spanId }, true);
  const toggle = (spanId: string, open?: boolean) => {
    const next = new Set(collapsed);
    const isOpen = !next.has(spanId);
    if (open === undefined ? isOpen : !open) next.add(spanId);
    else next.delete(spanId);
    setCollapsed(next);
  };
  const reveal = (index: number) => {
    const element = scroller.current;
    if (element === null) return;
    const top = index * ROW;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW > element.scrollTop + element.clientHeight)
      element.scrollTop = top + ROW - element.clientHeight;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const row = rows[selectedIndex];
    let next = selectedIndex;
    if (event.key === 'ArrowDown' || event.key === 'j') next = Math.min(rows.length - 1, selectedIndex + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') next = Math.max(0, selectedIndex - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rows.length - 1;
    else if (event.key === 'ArrowLeft' && row) {
      if (row.childCount > 0 && !collapsed.has(row.span.spanId)) toggle(row.span.spanId, false);
      else {
        const parent = rows.findIndex((r) => r.span.spanId === row.span.parentSpanId);
        if (parent >= 0) next = parent;
      }
    } else if (event.key === 'ArrowRight' && row && row.childCount > 0) toggle(row.span.spanId, true);
    else return;
    event.preventDefault();
    const target = rows[next];
    if (target && next !== selectedIndex) {
      select(target.span);
      reveal(next);
    }
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / ROW) + OVERSCAN);
  const errors = spans.filter((s) => s.statusCode === 2).length;
  const root = rows[0]?.span;
  const tokens = spans.reduce(
    (sum, s) => (s.aggregatesChildren ? sum : sum + (s.inputTokens ?? 0) + (s.outputTokens ?? 0)),
    0,
  );
  const cost = spans.reduce((sum, s) => (s.aggregatesChildren ? sum : sum + (s.costUsd ?? 0)), 0);

  return (
    <div class="page trace-page">
      <header class="trace-head">
        <h2>{root?.name ?? traceId}</h2>
        <p class="muted">
          {root?.service ?? ''} · {formatTime(startMs)} · {formatDurationMs(totalMs)} ·{' '}
          {formatCount(spans.length)} spans · {formatCount(errors)} {errors === 1 ? 'error' : 'errors'} ·{' '}
          {formatCount(tokens)} tokens · {formatUsd(cost)} · <code>{traceId}</code>
        </p>
      </header>
      <div class="trace-body">
        <section class="waterfall" aria-label="Spans">
          <div class="waterfall-axis" aria-hidden="true">
            <span>0</span>
            <span>{formatDurationMs(totalMs / 4)}</span>
            <span>{formatDurationMs(totalMs / 2)}</span>
            <span>{formatDurationMs((totalMs * 3) / 4)}</span>
            <span>{formatDurationMs(totalMs)}</span>
          </div>
          <div
            class="waterfall-rows"
            ref={scroller}
            role="tree"
            tabIndex={0}
            aria-label="Span tree: arrows move, left and right fold"
            aria-activedescendant={selected ? `span-${selected.spanId}` : undefined}
            onKeyDown={onKeyDown}
            onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
          >
            <div
              style={{ height: `${rows.length * ROW}px`, position: 'relative' }}
              data-testid="waterfall-inner"
            >
              {rows.slice(first, last).map((row, i) => {
                const index = first + i;
                const { span } = row;
                const left = ((row.startMs - startMs) / totalMs) * 100;
                const width = Math.max((span.durationMs / totalMs) * 100, 0.2);
                const isSelected = span.spanId === selected?.spanId;
                const isOpen = !collapsed.has(span.spanId);
                return (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the tree handles the keys for its rows (aria-activedescendant)
                  <div
                    key={span.spanId}
                    id={`span-${span.spanId}`}
                    tabIndex={-1}
                    role="treeitem"
                    aria-level={row.depth + 1}
                    aria-selected={isSelected}
                    aria-expanded={row.childCount > 0 ? isOpen : undefined}
                    data-span-id={span.spanId}
                    data-depth={row.depth}
                    class={`wf-row${isSelected ? ' selected' : ''}${span.statusCode === 2 ? ' failed' : ''}`}
                    style={{ top: `${index * ROW}px` }}
                    onClick={() => select(span)}
                  >
                    <div class="wf-name" style={{ paddingLeft: `${row.depth * 14 + 4}px` }}>
                      {row.childCount > 0 ? (
                        <button
                          type="button"
                          class="fold"
                          tabIndex={-1}
                          aria-label={isOpen ? 'collapse' : 'expand'}
                          onClick={(event) => {
                            event.stopPropagation();
                            toggle(span.spanId);
                          }}
                        >
                          {isOpen ? '▾' : '▸'}
                        </button>
                      ) : (
                        <span class="fold" />
                      )}
                      <span class={`cat cat-${categoryLabel(span)}`}>{categoryLabel(span)}</span>
                      <span class="wf-label" title={span.name}>
                        {span.statusCode === 2 && (
                          <span class="err-mark" role="img" aria-label="error">
                            !
                          </span>
                        )}
                        {span.name}
                      </span>
                    </div>
                    <div class="wf-track">
                      <div class="wf-bar" style={{ left: `${left}%`, width: `${width}%` }} />
                    </div>
                    <span class="wf-dur">{formatDurationMs(span.durationMs)}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </section>
        {selected && <SpanPanel span={selected} logs={logs} prices={prices} />}
      </div>
      <section class="panel">
        <h2>Logs of this trace</h2>
        <TraceLogs logs={logs} selected={selected?.spanId} />
      </section>
    </div>
  );
}

function Field({ label, children }: { readonly label: string; readonly children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface Message {
  readonly role: string;
  readonly text: string;
}

/** Messages of `gen_ai.input.messages` / `gen_ai.output.messages` (JSON text), in any common shape. */
export function messagesOf(value: unknown): Message[] {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [{ role: '', text: value }];
    }
  }
  if (!Array.isArray(parsed)) return parsed === undefined ? [] : [{ role: '', text: valueText(parsed) }];
  return parsed.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) return { role: '', text: valueText(item) };
    const m = item as { role?: unknown; content?: unknown; parts?: unknown };
    const role = typeof m.role === 'string' ? m.role : '';
    if (Array.isArray(m.parts)) {
      const text = m.parts
        .map((part: unknown) => {
          const p = part as {
            type?: string;
            content?: unknown;
            name?: string;
            arguments?: unknown;
            response?: unknown;
          };
          if (p.type === 'text' || (p.type === undefined && p.content !== undefined))
            return valueText(p.content);
          if (p.type === 'tool_call') return `→ ${p.name ?? 'tool'}(${valueText(p.arguments ?? '')})`;
          if (p.type === 'tool_call_response') return `← ${valueText(p.response ?? '')}`;
          return valueText(part);
        })
        .join('\n');
      return { role, text };
    }
    return { role, text: m.content === undefined ? valueText(item) : valueText(m.content) };
  });
}

function Conversation({ span }: { readonly span: SpanRecord }) {
  const system = span.attributes['gen_ai.system_instructions'];
  const input = span.attributes['gen_ai.input.messages'];
  const output = span.attributes['gen_ai.output.messages'];
  if (system === undefined && input === undefined && output === undefined) return null;
  const messages = [
    ...(system === undefined ? [] : messagesOf(system).map((m) => ({ ...m, role: m.role || 'system' }))),
    ...messagesOf(input),
    ...messagesOf(output).map((m) => ({ ...m, role: m.role || 'assistant' })),
  ];
  return (
    <section>
      <h3>Conversation</h3>
      <ol class="conversation">
        {messages.map((m, i) => (
          <li key={i} class={`msg msg-${m.role || 'other'}`}>
            <span class="msg-role">{m.role || 'message'}</span>
            <pre>{m.text}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}

function SpanPanel({
  span,
  logs,
  prices,
}: {
  readonly span: SpanRecord;
  readonly logs: LogRecord[];
  readonly prices: readonly ModelPrice[] | undefined;
}) {
  const price = spanPriceLabel(span, prices);
  const exceptions = span.events.filter((e) => e.name === 'exception');
  const others = span.events.filter((e) => e.name !== 'exception');
  const isModel = span.category === 'model' || span.inputTokens !== null || span.costUsd !== null;
  const spanLogs = logs.filter((l) => l.spanId === span.spanId).length;
  return (
    <aside class="span-panel" aria-label="Selected span" data-testid="span-panel">
      <h3 class="span-title">{span.name}</h3>
      <dl class="fields">
        <Field label="Status">
          <StatusBadge error={span.statusCode === 2} />
          {span.statusMessage ? ` ${span.statusMessage}` : ''}
          {span.errorType ? ` (${span.errorType})` : ''}
        </Field>
        <Field label="Duration">{formatDurationMs(span.durationMs)}</Field>
        <Field label="Started">{formatTime(nanosToMs(span.startTimeUnixNano))}</Field>
        <Field label="Service">{span.service}</Field>
        <Field label="Kind">{span.category}</Field>
        {span.agentName && <Field label="Agent">{span.agentName}</Field>}
        {span.toolName && <Field label="Tool">{span.toolName}</Field>}
        {span.operation && <Field label="Operation">{span.operation}</Field>}
        <Field label="Span id">
          <code>{span.spanId}</code>
        </Field>
        {spanLogs > 0 && <Field label="Logs">{formatCount(spanLogs)} (highlighted below)</Field>}
      </dl>
      {isModel && (
        <section>
          <h3>Model call</h3>
          <dl class="fields" data-testid="model-call">
            {(span.responseModel || span.requestModel) && (
              <Field label="Model">
                {span.provider ? `${span.provider} / ` : ''}
                {span.responseModel ?? span.requestModel}
              </Field>
            )}
            <Field label="Input tokens">
              <span data-testid="span-input-tokens">{formatCount(span.inputTokens ?? 0)}</span>
            </Field>
            <Field label="Output tokens">
              <span data-testid="span-output-tokens">{formatCount(span.outputTokens ?? 0)}</span>
            </Field>
            {(span.cacheReadTokens ?? 0) > 0 && (
              <Field label="Cache read">{formatCount(span.cacheReadTokens ?? 0)}</Field>
            )}
            {(span.cacheWriteTokens ?? 0) > 0 && (
              <Field label="Cache write">{formatCount(span.cacheWriteTokens ?? 0)}</Field>
            )}
            {(span.reasoningTokens ?? 0) > 0 && (
              <Field label="Reasoning">{formatCount(span.reasoningTokens ?? 0)}</Field>
            )}
            <Field label="Cost">
              <span data-testid="span-cost">
                {span.unpriced ? 'unknown (no price for this model)' : formatUsd(span.costUsd ?? 0)}
              </span>
              {span.aggregatesChildren && (
                <span class="muted"> · sum of its children, not counted twice</span>
              )}
            </Field>
            {price && (
              <Field label="Price entry">
                <span data-testid="span-price">{priceLabelText(price)}</span>
              </Field>
            )}
          </dl>
        </section>
      )}
      <Conversation span={span} />
      {exceptions.length > 0 && (
        <section>
          <h3>Exceptions</h3>
          {exceptions.map((e) => (
            <div class="exception" key={e.timeUnixNano}>
              <strong>{valueText(e.attributes['exception.type'] ?? 'exception')}</strong>:{' '}
              {valueText(e.attributes['exception.message'] ?? '')}
              {e.attributes['exception.stacktrace'] !== undefined && (
                <pre>{valueText(e.attributes['exception.stacktrace'])}</pre>
              )}
            </div>
          ))}
        </section>
      )}
      {others.length > 0 && (
        <section>
          <h3>Events</h3>
          <ul class="events">
            {others.map((e, i) => (
              <li key={i}>
                <span class="muted">
                  +{formatDurationMs(nanosToMs(e.timeUnixNano) - nanosToMs(span.startTimeUnixNano))}
                </span>{' '}
                {e.name} {Object.keys(e.attributes).length > 0 && <code>{JSON.stringify(e.attributes)}</code>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <AttributeTable title="Attributes" attributes={span.attributes} />
      <AttributeTable title="Resource" attributes={span.resource} />
      {span.links.length > 0 && (
        <section>
          <h3>Links</h3>
          <ul>
            {span.links.map((link) => (
              <li key={`${link.traceId}/${link.spanId}`}>
                <Link href={`/traces/${link.traceId}?span=${link.spanId}`}>
                  {link.traceId.slice(0, 8)}… / {link.spanId}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}

function AttributeTable({
  title,
  attributes,
}: {
  readonly title: string;
  readonly attributes: Record<string, unknown>;
}) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return null;
  return (
    <section>
      <h3>{title}</h3>
      <table class="attrs">
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>{valueText(attributes[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Log lines, oldest first; those of the selected span are highlighted. */
function TraceLogs({
  logs,
  selected,
}: {
  readonly logs: LogRecord[];
  readonly selected: string | undefined;
}) {
  if (logs.length === 0)
    return (
      <Nothing>
        No logs carry this trace id. The SDK's logger sends them when its <code>otlp</code> logging option is
        on.
      </Nothing>
    );
  return (
    <ol class="log-lines">
      {logs.map((log, i) => (
        <li
          key={i}
          class={`log-line${log.spanId === selected ? ' selected' : ''} level-${levelOf(log.severityNumber)}`}
        >
          <span class="muted">{formatTime(nanosToMs(log.timeUnixNano))}</span>{' '}
          <span class="level">{log.severityText || levelOf(log.severityNumber)}</span> {log.body}
        </li>
      ))}
    </ol>
  );
}

/** The OTLP severity number as a level word. */
export function levelOf(severity: number): string {
  if (severity >= 21) return 'fatal';
  if (severity >= 17) return 'error';
  if (severity >= 13) return 'warn';
  if (severity >= 9) return 'info';
  if (severity >= 5) return 'debug';
  return severity > 0 ? 'trace' : 'unset';
}

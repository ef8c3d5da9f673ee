import type { SpanCategory, SpanRecord } from '@agentlens/core';

/**
 * The agent runs in flight, kept at ingest. Spans arrive when they end, so a run still going shows
 * only through the calls made inside it (children carrying `agentName`): each backend keeps one
 * `open_runs` row per (trace, agent) whose children no agent span of that agent has closed yet,
 * written in the batch's transaction and deleted when the agent span arrives. Reading the runs in
 * flight then costs what the open runs cost, not what the last minutes of calls cost.
 *
 * A batch is applied in two steps, after its spans are stored: first its agent spans close (delete)
 * the rows they end, or, when they end before some of a row's children (a later run of the same
 * agent in the trace), have the row's earliest start recomputed from the children still open; then
 * its children open or extend rows, except those an agent span (stored before or in this batch)
 * already closes. A child is closed by an agent span of its agent and trace that ends at or after
 * the child's end, less {@link RUN_END_SLACK_NS}.
 */

/** The categories of a run's children. */
export const RUN_CHILD_CATEGORIES: readonly SpanCategory[] = ['model', 'tool', 'workflow', 'workflow_node'];
/** {@link RUN_CHILD_CATEGORIES} as SQL. */
export const RUN_CHILD_CATEGORY_SQL = `category IN (${RUN_CHILD_CATEGORIES.map((c) => `'${c}'`).join(', ')})`;

/**
 * How much earlier than a child's end an agent span may end and still close it. OpenTelemetry JS
 * takes a span's start from `Date.now()` (whole milliseconds) and its end as start plus a
 * `performance.now()` duration, so an agent span can show an end up to 1 ms before the end of a
 * call made inside it (measured with the SDK); a second of slack covers that, and a clock that
 * steps between the two spans. A later run of the same agent in the same trace is seen once its
 * calls end more than this after the earlier run.
 */
export const RUN_END_SLACK_NS = 1_000_000_000n;

/** An agent span of the batch: the latest end per (trace, agent). */
export interface RunEnd {
  /** Trace id, lower-case hex. */
  readonly traceId: string;
  readonly agentName: string;
  readonly endNs: bigint;
}

/** The children of one run in the batch. */
export interface RunChildren {
  readonly traceId: string;
  readonly agentName: string;
  /** Service of the first child. */
  readonly service: string;
  /** Each child's start and end, Unix nanoseconds. */
  readonly spans: { readonly startNs: bigint; readonly endNs: bigint }[];
}

/** A row of `open_runs` to add into the stored one (earliest start, latest end). */
export interface OpenRunDelta {
  readonly traceId: string;
  readonly agentName: string;
  readonly service: string;
  readonly minStartNs: bigint;
  readonly maxEndNs: bigint;
}

function key(traceId: string, agentName: string): string {
  return `${traceId}\u0001${agentName}`;
}

function byTraceThenAgent(a: { traceId: string; agentName: string }, b: typeof a): number {
  if (a.traceId !== b.traceId) return a.traceId < b.traceId ? -1 : 1;
  return a.agentName === b.agentName ? 0 : a.agentName < b.agentName ? -1 : 1;
}

/** Collects the agent spans and run children of one batch; add only the spans actually inserted. */
export class OpenRunsAccumulator {
  readonly #ends = new Map<string, RunEnd>();
  readonly #children = new Map<string, RunChildren>();

  add(
    span: Pick<SpanRecord, 'traceId' | 'agentName' | 'category' | 'service'>,
    startNs: bigint,
    endNs: bigint,
  ): void {
    const agentName = span.agentName;
    if (agentName === null) return;
    const traceId = span.traceId.toLowerCase();
    const id = key(traceId, agentName);
    if (span.category === 'agent') {
      const seen = this.#ends.get(id);
      if (seen === undefined || seen.endNs < endNs) this.#ends.set(id, { traceId, agentName, endNs });
    } else if (RUN_CHILD_CATEGORIES.includes(span.category)) {
      let run = this.#children.get(id);
      if (run === undefined) {
        run = { traceId, agentName, service: span.service, spans: [] };
        this.#children.set(id, run);
      }
      run.spans.push({ startNs, endNs });
    }
  }

  /** The agent spans, one per (trace, agent), in lock order (trace, then agent). */
  ends(): RunEnd[] {
    return [...this.#ends.values()].sort(byTraceThenAgent);
  }

  /**
   * The children by run that the batch's own agent spans leave open, in lock order (trace, then
   * agent). Most batches carry a run's agent span with its last calls, so most runs need no look
   * at the stored agent spans at all.
   */
  children(): RunChildren[] {
    const open: RunChildren[] = [];
    for (const [id, run] of this.#children) {
      const end = this.#ends.get(id);
      if (end === undefined) {
        open.push(run);
        continue;
      }
      const spans = run.spans.filter((child) => end.endNs < child.endNs - RUN_END_SLACK_NS);
      if (spans.length > 0) open.push({ ...run, spans });
    }
    return open.sort(byTraceThenAgent);
  }
}

/**
 * The row a run's children open or extend, given the latest end of the agent spans of that run
 * already stored (null when none is): only the children that agent span does not close count.
 * Null when it closes all of them.
 */
export function openRunDelta(run: RunChildren, agentEndNs: bigint | null): OpenRunDelta | null {
  let minStartNs: bigint | null = null;
  let maxEndNs: bigint | null = null;
  for (const child of run.spans) {
    if (agentEndNs !== null && agentEndNs >= child.endNs - RUN_END_SLACK_NS) continue;
    if (minStartNs === null || child.startNs < minStartNs) minStartNs = child.startNs;
    if (maxEndNs === null || child.endNs > maxEndNs) maxEndNs = child.endNs;
  }
  if (minStartNs === null || maxEndNs === null) return null;
  return { traceId: run.traceId, agentName: run.agentName, service: run.service, minStartNs, maxEndNs };
}

/**
 * Fills a `SqliteStore` with realistic agent traces, the way `bench/hub-query.ts` loads its store
 * (same generator, same 7-day spread, same 2 000-span batches, normalized and priced by
 * `normalizeSpan`), so the figures of the benchmarks that use it are comparable with hub-query's.
 * One difference: a trace's start follows the share of the spans written so far, so the newest
 * traces start a minute before the fill ends. hub-query spaces its traces by an estimate of their
 * count, which leaves about the last hour empty (the UI's default range). Plus
 * {@link writeBigTrace}: one agent run of any number of spans.
 */
import { normalizeSpan, type OtlpSpan, PriceCatalog } from '@agentlens/core';
import type { SqliteStore } from '@agentlens/hub';
import { agentTrace, mix32, traceIdOf } from './agent-spans.js';
import { formatCount } from './markdown.js';

const DAY_MS = 86_400_000;

/** How to fill. */
export interface FillPlan {
  readonly spans: number;
  /** Spans per `writeSpans` call. */
  readonly batch: number;
  /** The traces start evenly over this many milliseconds before the load. */
  readonly spreadMs: number;
}

/** What {@link fillStore} wrote. */
export interface FillResult {
  readonly spans: number;
  readonly traces: number;
  /** Time spent in `writeSpans` only. */
  readonly writeSeconds: number;
  /** The whole fill: generating, normalizing and writing. */
  readonly wallSeconds: number;
}

/**
 * Writes `plan.spans` spans, oldest trace first, generating each batch just before writing it, so
 * memory holds one batch at a time. Trace `n` (from 0) has the id `traceIdOf(n + 1)`.
 */
export async function fillStore(
  store: SqliteStore,
  plan: FillPlan = { spans: 1_000_000, batch: 2_000, spreadMs: 7 * DAY_MS },
  progress: (message: string) => void = () => {},
): Promise<FillResult> {
  const prices = new PriceCatalog();
  const endMs = Date.now() - 60_000;
  const spanUs = (plan.spreadMs - 60_000) * 1000;
  const firstUs = (endMs - plan.spreadMs + 60_000) * 1000;
  const started = performance.now();
  let writeMs = 0;
  let written = 0;
  let traces = 0;
  let pending: OtlpSpan[] = [];
  const flush = async () => {
    const records = pending.map((span) => normalizeSpan(span, { prices }));
    pending = [];
    const t0 = performance.now();
    await store.writeSpans(records);
    writeMs += performance.now() - t0;
    written += records.length;
    if (written % 100_000 < plan.batch) progress(`loaded ${formatCount(written)} spans`);
  };
  while (written + pending.length < plan.spans) {
    const startUs = firstUs + Math.floor(((written + pending.length) / plan.spans) * spanUs);
    const trace = agentTrace(traces, { traceId: traceIdOf(traces + 1), startUs });
    traces++;
    pending.push(...trace.slice(0, plan.spans - written - pending.length));
    if (pending.length >= plan.batch) await flush();
  }
  if (pending.length > 0) await flush();
  return {
    spans: written,
    traces,
    writeSeconds: writeMs / 1000,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** Where {@link writeBigTrace} puts its trace. */
export interface BigTracePlan {
  /** 32 lower-case hex characters. */
  readonly traceId: string;
  /** Exactly this many spans, the root included. */
  readonly spans: number;
  /** Start of the root, Unix milliseconds. */
  readonly startMs: number;
  /** A sub-run starts every this many milliseconds (they overlap, as parallel workers do). */
  readonly runGapMs: number;
}

/**
 * One long agent run: an `invoke_agent orchestrator` root over as many sub-agent runs as fit (each
 * a whole trace of the generator, its root re-parented under the orchestrator, so three levels),
 * truncated to exactly `plan.spans` spans; normalized and written in one `writeSpans` call.
 */
export async function writeBigTrace(store: SqliteStore, plan: BigTracePlan): Promise<void> {
  const prices = new PriceCatalog();
  const rootId = `${mix32(0xb16).toString(16).padStart(8, '0')}00000001`;
  const startUs = plan.startMs * 1000;
  const spans: OtlpSpan[] = [];
  let endUs = startUs + 1000;
  // Indices far above any trace of the fill, so no sub-run repeats a listed trace's content.
  for (let run = 0; spans.length < plan.spans - 1; run++) {
    const trace = agentTrace(50_000_000 + run, {
      traceId: plan.traceId,
      startUs: startUs + 2000 + Math.round(run * plan.runGapMs * 1000),
    });
    for (const span of trace.slice(0, plan.spans - 1 - spans.length)) {
      spans.push(span.parentSpanId === '' ? { ...span, parentSpanId: rootId } : span);
      endUs = Math.max(endUs, Number(BigInt(span.endTimeUnixNano) / 1000n));
    }
  }
  const first = spans[0];
  if (first === undefined) throw new Error('a big trace needs at least 2 spans');
  const root: OtlpSpan = {
    ...first,
    spanId: rootId,
    parentSpanId: '',
    name: 'invoke_agent orchestrator',
    kind: 1,
    startTimeUnixNano: `${startUs}000`,
    endTimeUnixNano: `${endUs + 500}000`,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'orchestrator',
      'gen_ai.agent.id': 'agent-orchestrator-v1',
      'app.request_id': 'req-batch-0001',
    },
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  await store.writeSpans([root, ...spans].map((span) => normalizeSpan(span, { prices })));
}

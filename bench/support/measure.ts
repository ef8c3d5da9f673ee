import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measure } from 'mitata';

/**
 * A garbage-collection function, obtained without `--expose-gc` on the command line (the npm
 * scripts run plain `tsx`). mitata collects garbage before each measurement so one benchmark's
 * garbage is not billed to the next; when it finds no `gc` it allocates a 1 GiB buffer instead,
 * which costs more time than the whole quick mode has.
 */
function exposeGc(): (() => void) | false {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => void gc() : false;
  } catch {
    return false;
  }
}

const collectGarbage = exposeGc();

/** How long to sample one operation. */
export interface Budget {
  /** Sample until at least this much time was spent in the operation... */
  readonly minMs: number;
  /** ...and at least this many samples were taken. */
  readonly minSamples: number;
}

/** One mitata measurement of one operation. */
export interface Timing {
  /** Median time of one call, in nanoseconds. */
  readonly medianNs: number;
}

/**
 * Times `op` with mitata. Fast operations are batched by mitata (thousands of calls per sample)
 * and the median is per call; an `op` returning a promise is awaited, one call per sample.
 */
export async function time(op: () => unknown, budget: Budget): Promise<Timing> {
  const stats = await measure(op, {
    gc: collectGarbage,
    min_cpu_time: budget.minMs * 1e6,
    min_samples: budget.minSamples,
  });
  return { medianNs: stats.p50 };
}

/** A named operation to time against others. */
export interface Contender {
  readonly name: string;
  readonly op: () => unknown;
}

/** The result of {@link compareInRounds} for one contender. */
export interface RoundsTiming {
  readonly name: string;
  /** Median of the per-round medians, in nanoseconds per call. */
  readonly medianNs: number;
  /** Each round's median, in nanoseconds per call. */
  readonly roundMediansNs: readonly number[];
}

/** How {@link compareInRounds} spends its time. */
export interface RoundsPlan {
  /** Timed passes over every contender; the figure kept is the median of the rounds' medians. */
  readonly rounds: number;
  /** Untimed calls of each contender, in ms, before the first round. */
  readonly warmUpMs: number;
  /** Sampling of one contender in one round. */
  readonly budget: Budget;
}

/**
 * Times every contender `rounds` times, interleaved (A B C, A B C, ...), so that a slow phase of a
 * shared machine (another tenant, a frequency change) spreads over every contender instead of
 * landing on one. Contenders run one after another, never in parallel.
 */
export async function compareInRounds(
  contenders: readonly Contender[],
  plan: RoundsPlan,
  progress: (message: string) => void,
): Promise<RoundsTiming[]> {
  const { rounds, warmUpMs, budget } = plan;
  const medians = contenders.map((): number[] => []);
  // An untimed pass first. Without it the first figures catch V8 before its optimised code has
  // settled: on a 2-core machine, 30 ms of prom-client measured 750 ns/op where 100 ms of warm-up
  // first gave the steady 490 ns/op that longer runs show.
  for (const contender of contenders) {
    progress(`warm-up: ${contender.name}`);
    await time(contender.op, { minMs: warmUpMs, minSamples: 1 });
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      const timing = await time(contender.op, budget);
      medians[index]?.push(timing.medianNs);
      progress(`round ${round}/${rounds}: ${contender.name}: ${timing.medianNs.toPrecision(3)} ns/op`);
    }
  }
  return contenders.map((contender, index) => {
    const roundMediansNs = medians[index] ?? [];
    return { name: contender.name, medianNs: median(roundMediansNs), roundMediansNs };
  });
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

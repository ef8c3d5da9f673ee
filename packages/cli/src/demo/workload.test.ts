import { describe, expect, it } from 'vitest';
import {
  COST_SPIKE,
  type ConversationPlan,
  DEMO_AGENTS,
  ERROR_BURST,
  inWindow,
  type ModelAttempt,
  planWorkload,
  SLOW_TOOL,
  STUCK_RUN,
  type Step,
  type ToolAttempt,
  workloadSchedule,
} from './workload.js';

const TEN_MINUTES = 600_000;

function steps(plan: ConversationPlan): Step[] {
  return plan.turns.flatMap((t) => (t.workflow ? t.workflow.nodes.flatMap((n) => n.steps) : t.steps));
}

function modelAttempts(plans: ConversationPlan[]): ModelAttempt[] {
  return plans.flatMap((p) => steps(p).flatMap((s) => (s.kind === 'model' ? s.attempts : [])));
}

function toolAttempts(plans: ConversationPlan[], tool?: string): ToolAttempt[] {
  return plans.flatMap((p) =>
    steps(p).flatMap((s) => (s.kind === 'tool' && (tool === undefined || s.tool === tool) ? s.attempts : [])),
  );
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const failedShare = (attempts: { failure: unknown }[]): number =>
  attempts.filter((a) => a.failure !== null).length / attempts.length;

describe('the demo workload', () => {
  const plans = planWorkload({ seed: 1, rate: 1, durationMs: TEN_MINUTES });

  it('is the same schedule for the same seed and rate, and another one for another seed', () => {
    expect(planWorkload({ seed: 1, rate: 1, durationMs: TEN_MINUTES })).toEqual(plans);
    const other = planWorkload({ seed: 2, rate: 1, durationMs: TEN_MINUTES });
    expect(other.slice(0, 20).map((p) => p.agent)).not.toEqual(plans.slice(0, 20).map((p) => p.agent));
    expect(other.map((p) => p.startMs)).not.toEqual(plans.map((p) => p.startMs));
  });

  it('plays out lazily exactly as the finite plan does', () => {
    const lazy: ConversationPlan[] = [];
    for (const plan of workloadSchedule({ seed: 1, rate: 1 })) {
      if (plan.startMs >= TEN_MINUTES) break;
      lazy.push(plan);
    }
    // Without a duration the stuck run is always scheduled; with one it must fit, as it does here.
    expect(lazy).toEqual(plans);
  });

  it('starts about `rate` conversations a second, in start order, within the duration', () => {
    const fast = planWorkload({ seed: 3, rate: 5, durationMs: 60_000 });
    expect(fast.length).toBeGreaterThan(5 * 60 * 0.85);
    expect(fast.length).toBeLessThan(5 * 60 * 1.15);
    expect(plans.length).toBeGreaterThan(600 * 0.85);
    expect(plans.length).toBeLessThan(600 * 1.15);
    const starts = plans.map((p) => p.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(Math.max(...starts)).toBeLessThan(TEN_MINUTES);
    expect(plans.map((p) => p.index)).toEqual(plans.map((_, i) => i));
  });

  it('has every agent, several providers, cache reads, retries, fallbacks and human reviews', () => {
    expect(new Set(plans.map((p) => p.agent))).toEqual(new Set(DEMO_AGENTS));
    const attempts = modelAttempts(plans);
    expect(new Set(attempts.map((a) => a.provider))).toEqual(
      new Set(['openai', 'anthropic', 'gcp.gemini', 'vllm']),
    );
    expect(attempts.some((a) => a.cacheReadTokens > 0 && a.failure === null)).toBe(true);
    expect(attempts.some((a) => a.recovery === 'exponential_backoff')).toBe(true);
    expect(attempts.some((a) => a.recovery === 'fallback_model')).toBe(true);
    expect(toolAttempts(plans).some((a) => a.recovery === 'retry')).toBe(true);
    const reviews = plans.flatMap((p) => steps(p).filter((s) => s.kind === 'review'));
    expect(reviews.length).toBeGreaterThan(10);
    expect(new Set(reviews.map((r) => (r.kind === 'review' ? r.decision : '')))).toEqual(
      new Set(['approved', 'edited', 'rejected']),
    );
  });

  it('has an error burst for 20 s every 3 minutes from 2:00, and only then', () => {
    expect(ERROR_BURST).toEqual({ firstAtMs: 120_000, everyMs: 180_000, lengthMs: 20_000 });
    for (const plan of plans) expect(plan.errorBurst).toBe(inWindow(ERROR_BURST, plan.startMs));
    const within = (p: ConversationPlan) =>
      [120_000, 300_000, 480_000].some((at) => p.startMs >= at && p.startMs < at + 20_000);
    expect(plans.filter((p) => p.errorBurst)).toEqual(plans.filter(within));
    const burst = plans.filter((p) => p.errorBurst);
    const calm = plans.filter((p) => !p.errorBurst);
    expect(failedShare(modelAttempts(burst))).toBeGreaterThan(0.3);
    expect(failedShare(modelAttempts(calm))).toBeLessThan(0.05);
    expect(failedShare(toolAttempts(burst, 'web_search'))).toBeGreaterThan(0.4);
    expect(failedShare(toolAttempts(calm, 'web_search'))).toBeLessThan(0.1);
  });

  it('has a cost spike for 40 s every 4 minutes from 1:30: ResearchAgent on claude-opus-4-1 with long contexts', () => {
    expect(COST_SPIKE).toEqual({ firstAtMs: 90_000, everyMs: 240_000, lengthMs: 40_000 });
    for (const plan of plans) expect(plan.costSpike).toBe(inWindow(COST_SPIKE, plan.startMs));
    const opus = plans.filter((p) => modelAttempts([p]).some((a) => a.model === 'claude-opus-4-1'));
    expect(opus.length).toBeGreaterThan(3);
    for (const plan of opus) {
      expect(plan.agent).toBe('ResearchAgent');
      expect([90_000, 330_000, 570_000].some((at) => plan.startMs >= at && plan.startMs < at + 40_000)).toBe(
        true,
      );
    }
    const spiked = modelAttempts(opus).filter((a) => a.model === 'claude-opus-4-1' && a.failure === null);
    for (const attempt of spiked) expect(attempt.inputTokens).toBeGreaterThanOrEqual(60_000);
    const research = plans.filter((p) => p.agent === 'ResearchAgent' && p.costSpike);
    expect(research.every((p) => opus.includes(p))).toBe(true);
  });

  it(`has one consistently slow tool, ${SLOW_TOOL}`, () => {
    const byTool = new Map<string, number[]>();
    for (const plan of plans) {
      for (const step of steps(plan)) {
        if (step.kind !== 'tool') continue;
        const ok = step.attempts.filter((a) => a.failure === null).map((a) => a.latencyMs);
        byTool.set(step.tool, [...(byTool.get(step.tool) ?? []), ...ok]);
      }
    }
    const slow = median(byTool.get(SLOW_TOOL) ?? []);
    expect(slow).toBeGreaterThan(3_000);
    for (const [tool, latencies] of byTool) {
      if (tool !== SLOW_TOOL) expect(median(latencies) * 3).toBeLessThan(slow);
    }
    // Consistently: nine in ten of its calls take over two seconds.
    const latencies = byTool.get(SLOW_TOOL) ?? [];
    expect(latencies.filter((ms) => ms > 2_000).length / latencies.length).toBeGreaterThan(0.9);
  });

  it('has a rare stuck ChatAgent run at 3:20, then every 7 minutes, only when it fits the duration', () => {
    const stuck = plans.filter((p) => p.stuck);
    expect(stuck.map((p) => p.startMs)).toEqual([STUCK_RUN.firstAtMs]);
    const [run] = stuck;
    expect(run?.agent).toBe('ChatAgent');
    // A call that ends first shows a hub the run is in flight; then the model call hangs.
    expect(run && steps(run).map((s) => s.kind)).toEqual(['tool', 'model']);
    const [hung, retried] = modelAttempts(stuck);
    expect(hung).toMatchObject({ failure: 'timeout', latencyMs: STUCK_RUN.lengthMs });
    expect(retried).toMatchObject({ failure: null, recovery: 'retry' });
    const long = planWorkload({ seed: 1, rate: 0.2, durationMs: 20 * 60_000 });
    expect(long.filter((p) => p.stuck).map((p) => p.startMs)).toEqual([200_000, 620_000, 1_040_000]);
    // 3:20 plus the one-minute hang does not end before 4:00.
    expect(planWorkload({ seed: 1, rate: 1, durationMs: 240_000 }).some((p) => p.stuck)).toBe(false);
  });

  it('refuses a rate that is not positive and a seed that is not an integer', () => {
    expect(() => planWorkload({ seed: 1, rate: 0, durationMs: 1000 })).toThrow(/rate/);
    expect(() => planWorkload({ seed: 1.5, rate: 1, durationMs: 1000 })).toThrow(/seed/);
  });
});

import type { Budget, HealthStatus } from './report.js';

/**
 * The system-health rules, written once: the SDK's `getSystemHealth()` applies them to what the
 * process recorded, the hub's `GET /api/report` to what it stored. Pure: the caller measures
 * (window figures, heap, spend) and these functions only judge.
 */

/** Thresholds of the health rules; see docs/health.md for the rules they feed. */
export interface HealthThresholds {
  /** Success rate (0..1) under which the system is degraded. Default 0.9. */
  readonly degradedSuccessRate: number;
  /** Success rate (0..1) under which the system is unhealthy. Default 0.5. */
  readonly unhealthySuccessRate: number;
  /** Failures in the window above which the system is degraded. Default 10. */
  readonly degradedFailures: number;
  /** Failures in the window above which the system is unhealthy. Default 50. */
  readonly unhealthyFailures: number;
  /** Average agent response time (seconds) in the window above which the system is degraded. Default 5. */
  readonly degradedResponseTime: number;
  /** Requests the window needs before the success-rate rules apply. Default 10. */
  readonly minRequests: number;
  /** Heap used over the heap limit above which the system is degraded. Default 0.9. */
  readonly degradedHeapRatio: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = Object.freeze({
  degradedSuccessRate: 0.9,
  unhealthySuccessRate: 0.5,
  degradedFailures: 10,
  unhealthyFailures: 50,
  degradedResponseTime: 5,
  minRequests: 10,
  degradedHeapRatio: 0.9,
});

/** What the health rules judge: agent requests of one window, the process's heap, the budget. */
export interface HealthFigures {
  /** Length of the window the request figures cover, in seconds (named in the reasons). */
  readonly windowSeconds: number;
  /** Agent requests that ended in the window. */
  readonly requests: number;
  /** Of those, the failed ones. */
  readonly failures: number;
  /** Mean response time of those requests in seconds; 0 when there are none. */
  readonly avgResponseTime: number;
  /** Heap used over the heap's limit (0..1). */
  readonly heapRatio: number;
  /** The daily budget in US dollars; null when none is set. */
  readonly dailyBudgetUsd: number | null;
  /** Spend since 00:00 UTC in US dollars. */
  readonly spentTodayUsd: number;
  /**
   * Further reasons for `degraded` that the caller found itself (the SDK: its span export is
   * failing), reported after the heap rule and before the budget rule.
   */
  readonly problems?: readonly string[];
}

/** What {@link evaluateHealth} concludes. */
export interface HealthVerdict {
  readonly status: HealthStatus;
  /** One sentence per broken rule, the `unhealthy` ones first; empty when healthy. */
  readonly reasons: string[];
  /** `(requests - failures) / requests`, 1 without requests. */
  readonly successRate: number;
  /** The budget figures; null without a budget. */
  readonly budget: Budget | null;
}

/**
 * Judges the figures: `unhealthy` when the success rate is under `unhealthySuccessRate` or
 * failures exceed `unhealthyFailures`; `degraded` when the success rate is under
 * `degradedSuccessRate`, failures exceed `degradedFailures`, the average response time exceeds
 * `degradedResponseTime`, the heap is above `degradedHeapRatio` of its limit, a caller's problem
 * is given, or today's spend is over the daily budget; `healthy` otherwise. The success-rate
 * rules apply only from `minRequests` requests in the window.
 *
 * @example
 * const verdict = evaluateHealth({
 *   windowSeconds: 300, requests: 100, failures: 11, avgResponseTime: 1.2,
 *   heapRatio: 0.4, dailyBudgetUsd: null, spentTodayUsd: 0,
 * });
 * // verdict.status === 'degraded', verdict.reasons[0] === 'success rate 89.0 % in the last 300 s is under 90 %'
 */
export function evaluateHealth(
  figures: HealthFigures,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthVerdict {
  const t = thresholds;
  const { requests, failures } = figures;
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  const successRate = requests === 0 ? 1 : (requests - failures) / requests;
  const windowText = `in the last ${figures.windowSeconds} s`;
  if (requests >= t.minRequests) {
    const pct = `${(successRate * 100).toFixed(1)} %`;
    if (successRate < t.unhealthySuccessRate) {
      unhealthy.push(`success rate ${pct} ${windowText} is under ${t.unhealthySuccessRate * 100} %`);
    } else if (successRate < t.degradedSuccessRate) {
      degraded.push(`success rate ${pct} ${windowText} is under ${t.degradedSuccessRate * 100} %`);
    }
  }
  if (failures > t.unhealthyFailures) {
    unhealthy.push(`${failures} failures ${windowText} (more than ${t.unhealthyFailures})`);
  } else if (failures > t.degradedFailures) {
    degraded.push(`${failures} failures ${windowText} (more than ${t.degradedFailures})`);
  }
  if (figures.avgResponseTime > t.degradedResponseTime) {
    degraded.push(
      `average response time ${figures.avgResponseTime.toFixed(2)} s ${windowText} is over ${t.degradedResponseTime} s`,
    );
  }
  if (figures.heapRatio > t.degradedHeapRatio) {
    degraded.push(`heap at ${(figures.heapRatio * 100).toFixed(0)} % of its limit`);
  }
  if (figures.problems !== undefined) degraded.push(...figures.problems);
  const dailyUsd = figures.dailyBudgetUsd;
  const spent = figures.spentTodayUsd;
  if (dailyUsd !== null && spent > dailyUsd) {
    degraded.push(`spend today $${spent.toFixed(2)} is over the daily budget of $${dailyUsd.toFixed(2)}`);
  }
  return {
    status: unhealthy.length > 0 ? 'unhealthy' : degraded.length > 0 ? 'degraded' : 'healthy',
    reasons: [...unhealthy, ...degraded],
    successRate,
    budget:
      dailyUsd === null
        ? null
        : { dailyUsd, spentTodayUsd: spent, remainingUsd: dailyUsd - spent, exceeded: spent > dailyUsd },
  };
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS, evaluateHealth, type HealthFigures } from './health-rules.js';

const quiet: HealthFigures = {
  windowSeconds: 300,
  requests: 0,
  failures: 0,
  avgResponseTime: 0,
  heapRatio: 0.2,
  dailyBudgetUsd: null,
  spentTodayUsd: 0,
};

describe('evaluateHealth', () => {
  it('is healthy without traffic and with good traffic', () => {
    expect(evaluateHealth(quiet)).toEqual({ status: 'healthy', reasons: [], successRate: 1, budget: null });
    expect(evaluateHealth({ ...quiet, requests: 100, failures: 5, avgResponseTime: 1 })).toMatchObject({
      status: 'healthy',
      successRate: 0.95,
    });
  });

  it('is degraded under 90 % success or over 10 failures, naming the window', () => {
    const verdict = evaluateHealth({ ...quiet, requests: 100, failures: 11 });
    expect(verdict.status).toBe('degraded');
    expect(verdict.reasons).toEqual([
      'success rate 89.0 % in the last 300 s is under 90 %',
      '11 failures in the last 300 s (more than 10)',
    ]);
  });

  it('judges the success rate only from minRequests requests', () => {
    expect(evaluateHealth({ ...quiet, requests: 4, failures: 2 }).status).toBe('healthy');
    expect(evaluateHealth({ ...quiet, requests: 10, failures: 6 }).status).toBe('unhealthy');
  });

  it('lists the unhealthy reasons before the degraded ones', () => {
    const verdict = evaluateHealth({ ...quiet, requests: 200, failures: 120, avgResponseTime: 9 });
    expect(verdict.status).toBe('unhealthy');
    expect(verdict.reasons).toEqual([
      'success rate 40.0 % in the last 300 s is under 50 %',
      '120 failures in the last 300 s (more than 50)',
      'average response time 9.00 s in the last 300 s is over 5 s',
    ]);
  });

  it('is degraded by a full heap, by the caller’s problems and by spend over the budget, in that order', () => {
    const verdict = evaluateHealth({
      ...quiet,
      heapRatio: 0.95,
      problems: ['span export failing'],
      dailyBudgetUsd: 1,
      spentTodayUsd: 1.2,
    });
    expect(verdict.status).toBe('degraded');
    expect(verdict.reasons).toEqual([
      'heap at 95 % of its limit',
      'span export failing',
      'spend today $1.20 is over the daily budget of $1.00',
    ]);
    expect(verdict.budget).toEqual({
      dailyUsd: 1,
      spentTodayUsd: 1.2,
      remainingUsd: expect.closeTo(-0.2, 12),
      exceeded: true,
    });
  });

  it('reports the budget without judging spend under it', () => {
    expect(evaluateHealth({ ...quiet, dailyBudgetUsd: 5, spentTodayUsd: 5 })).toMatchObject({
      status: 'healthy',
      budget: { dailyUsd: 5, spentTodayUsd: 5, remainingUsd: 0, exceeded: false },
    });
  });

  it('takes other thresholds', () => {
    const strict = { ...DEFAULT_HEALTH_THRESHOLDS, degradedFailures: 0, minRequests: 100 };
    expect(evaluateHealth({ ...quiet, requests: 1, failures: 1 }, strict)).toMatchObject({
      status: 'degraded',
      successRate: 0,
    });
    expect(Object.isFrozen(DEFAULT_HEALTH_THRESHOLDS)).toBe(true);
  });
});

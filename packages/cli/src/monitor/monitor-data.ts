import type { Report } from '@agentlens/core';
import type { HubClient } from '@agentlens/hub/client';
import { parseDuration } from '@agentlens/hub/options';

/** What one refresh of the dashboard (or one report) reads from the hub. */
export interface MonitorSample {
  /** The hub's report for the window: overview, health, agents, tools, models, errors. */
  readonly report: Report;
  /** Model spend since 00:00 UTC, whether or not a budget is set. */
  readonly spentTodayUsd: number;
  /** When the answer came, Unix milliseconds. */
  readonly fetchedAtMs: number;
}

export interface SampleQuery {
  /** A duration such as `5m` or `24h`. */
  readonly window: string;
  readonly service?: string;
}

function startOfUtcDay(ms: number): number {
  return ms - (ms % 86_400_000);
}

/**
 * Reads one sample: the report, and today's spend (from the budget when the hub has one, else from
 * the per-model stats since midnight UTC). Throws `HubApiError` as the client does: status 0 when
 * the hub cannot be reached.
 */
export async function fetchSample(
  client: HubClient,
  query: SampleQuery,
  now = Date.now,
): Promise<MonitorSample> {
  const service = query.service === undefined ? {} : { service: query.service };
  const report = await client.report({ window: query.window, ...service });
  let spentTodayUsd = report.health.budget?.spentTodayUsd;
  if (spentTodayUsd === undefined) {
    const models = await client.stats('models', { from: startOfUtcDay(now()), to: now() + 1 });
    spentTodayUsd = models.groups.reduce((sum, group) => sum + group.costUsd, 0);
  }
  return { report, spentTodayUsd, fetchedAtMs: now() };
}

/**
 * The minutes a per-minute rate divides by: the report's window, or the hub's uptime when the hub
 * has been up for less (a demo started a minute ago has one minute of data, not five). At least
 * ten seconds, so the first refresh does not show a burst.
 */
export function rateMinutes(report: Report): number {
  const windowMinutes = report.window === 'custom' ? 60 : parseDuration(report.window) / 60_000;
  return Math.max(1 / 6, Math.min(windowMinutes, report.health.uptimeSeconds / 60));
}

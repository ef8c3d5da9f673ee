/**
 * When an agent looks stuck, by the report's figures. A module of its own, free of the report's
 * zod schemas, so that a browser bundle can use the rule without them.
 */

/** An agent looks stuck when a run has been in flight this many times its p95 (and at least {@link STUCK_MIN_SECONDS}). */
export const STUCK_P95_FACTOR = 5;
/** Runs younger than this are never called stuck, however fast the agent usually is. */
export const STUCK_MIN_SECONDS = 30;

/** What {@link isStuck} reads of an agent (`AgentStats` of the report). */
export interface StuckInputs {
  /** How long the oldest run in flight has been running, seconds; null or absent when none is (or unknown). */
  readonly oldestInFlightSeconds?: number | null | undefined;
  readonly p95ResponseTime: number;
}

/** Whether the agent has a run in flight far past its usual p95 latency. */
export function isStuck(agent: StuckInputs): boolean {
  const age = agent.oldestInFlightSeconds;
  if (age === undefined || age === null) return false;
  return age >= STUCK_MIN_SECONDS && age >= STUCK_P95_FACTOR * agent.p95ResponseTime;
}

import { jobsConfig } from "@/lib/config/server";
import { MS_PER_SECOND } from "@/lib/units";

/** How long an agent holds a job before it is handed out again, in ms (JOB_LEASE_SECONDS). */
export function leaseMs(): number {
  return jobsConfig().JOB_LEASE_SECONDS * MS_PER_SECOND;
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed, in ms: JOB_BACKOFF_SECONDS
 * doubled per attempt (attempt 1 → base), scaled by a jitter factor in [0.75, 1.25) drawn
 * from `random` (injected for tests), then capped at JOB_BACKOFF_MAX_SECONDS: the cap is a
 * promise to the operator, so jitter never takes a delay past it.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cfg = jobsConfig();
  const baseMs = cfg.JOB_BACKOFF_SECONDS * MS_PER_SECOND;
  const maxMs = cfg.JOB_BACKOFF_MAX_SECONDS * MS_PER_SECOND;
  const raw = baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 40);
  return Math.round(Math.min(maxMs, raw * (0.75 + random() * 0.5)));
}

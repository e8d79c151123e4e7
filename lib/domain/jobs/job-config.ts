// Timing of the job queue, from the environment so tests can shorten it.
export function jobConfig() {
  return {
    /** How long an agent holds a job before it is handed out again. */
    leaseMs: Number(process.env.JOB_LEASE_SECONDS ?? 300) * 1000,
    /** First retry delay; doubles each attempt, capped, with ±25 % jitter. */
    backoffBaseMs: Number(process.env.JOB_BACKOFF_SECONDS ?? 5) * 1000,
    backoffMaxMs: Number(process.env.JOB_BACKOFF_MAX_SECONDS ?? 300) * 1000,
  };
}

export function backoffMs(attempt: number, random = Math.random): number {
  const { backoffBaseMs, backoffMaxMs } = jobConfig();
  const raw = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + random() * 0.5));
}

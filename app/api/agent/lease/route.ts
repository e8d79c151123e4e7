import { agentRoute } from "@/lib/http/agent-route";
import { AppError } from "@/lib/errors";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { jobNotifier } from "@/lib/server/job-notifier";
import { metrics } from "@/lib/server/metrics";
import { AGENT_BODY_LIMIT, leaseRequest } from "@/lib/schemas/agent";

// Long-poll: answer at once when there is work; otherwise hold the request until a job for
// this host is queued (NOTIFY) or the wait runs out. Jobs whose backoff ended or whose lease
// expired, which no NOTIFY announces, wake the host through the notifier's due poll; only
// while the notifier cannot listen does each request re-check on its own every RECHECK_MS.
const RECHECK_MS = 2000;

export const POST = agentRoute(leaseRequest, AGENT_BODY_LIMIT, async ({ host, body, req }) => {
  if (body.hostId && body.hostId !== host.id) throw new AppError("FORBIDDEN", "A host can only lease its own jobs.");
  const leasedBy = `${host.id}:${req.headers.get("x-agent-instance")?.slice(0, 64) ?? "agent"}`;
  const deadline = Date.now() + body.waitSeconds * 1000;
  // Subscribe before looking, so a job queued while we look still wakes us.
  const subscription = await jobNotifier.subscribe(host.id);
  try {
    for (;;) {
      const jobs = await leaseJobs({ hostId: host.id, leasedBy, max: body.max });
      const remaining = deadline - Date.now();
      for (const j of jobs) {
        // First leases only: how long a due job waited for an agent (queue → host).
        if (j.attempts === 1)
          metrics().leaseLatency.observe(Math.max(0, (Date.now() - Math.max(j.createdAt.getTime(), j.runAfter.getTime())) / 1000));
      }
      if (jobs.length || remaining <= 0 || req.signal.aborted) {
        return {
          jobs: jobs.map((j) => ({
            id: j.id,
            type: j.type,
            jailId: j.jailId,
            payload: j.payload,
            attempt: j.attempts,
            leaseExpiresAt: j.leaseExpiresAt!.toISOString(),
          })),
        };
      }
      await subscription.wait(jobNotifier.live ? remaining : Math.min(remaining, RECHECK_MS), req.signal);
    }
  } finally {
    subscription.close();
  }
});

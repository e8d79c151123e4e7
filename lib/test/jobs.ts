// The job machinery as tests drive it: queue the way ordering does, and play the agent's side
// through the real lease and completion functions (never by writing job or jail rows).
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { completeJob, type Completion } from "@/lib/domain/jobs/complete-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";

export async function queueCreate(jail: { id: string; hostId: string }) {
  const row = await db.jail.findUniqueOrThrow({
    where: { id: jail.id },
    include: { plan: true, template: true, host: true, ipAddresses: { include: { range: { select: { cidr: true } } } } },
  });
  return db.$transaction((tx) =>
    enqueueJob(tx, { hostId: row.hostId, jailId: row.id, type: "CREATE", payload: { jail: jailSpecOf(row), sshKeys: [], start: true } }),
  );
}

/** What a real agent reports for a job type that succeeded (jid and host key for builds). */
function successFor(type: string): Completion {
  switch (type) {
    case "CREATE":
    case "REINSTALL":
    case "START":
    case "RESTART":
      return { status: "SUCCEEDED", result: { jid: 7, running: true } };
    case "STOP":
      return { status: "SUCCEEDED", result: { jid: null, running: false } };
    case "DESTROY":
      return { status: "SUCCEEDED", result: { destroyed: true, running: false } };
    default:
      return { status: "SUCCEEDED", result: {} };
  }
}

/**
 * Plays the host agent for every open job of `jailId`, in order: leases each through
 * leaseJobs and reports through completeJob — success, or a fatal failure with `failed` as
 * the reason. The jail's host must have no other open jobs (test factories give each jail its own).
 * @returns the number of jobs completed.
 */
export async function agentCompletesJobs(jailId: string, outcome: { failed?: string } = {}): Promise<number> {
  const { hostId } = await db.jail.findUniqueOrThrow({ where: { id: jailId }, select: { hostId: true } });
  let done = 0;
  for (;;) {
    const leased = await leaseJobs({ hostId, leasedBy: "test-agent", max: 1 });
    if (leased.length === 0) return done;
    const job = leased[0]!;
    if (job.jailId !== jailId) throw new Error(`agentCompletesJobs: host ${hostId} has another jail's job ${job.id}`);
    const report: Completion = outcome.failed ? { status: "FAILED", error: outcome.failed, retryable: false } : successFor(job.type);
    await completeJob({ hostId, jobId: job.id, report });
    done++;
  }
}

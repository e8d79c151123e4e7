// The customer's dashboard: every live jail with its status at a glance, and the things that
// need the customer's attention — a jail over a limit, a failed job, a failed install.
import { db } from "@/lib/db";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { JOB_IN_PROGRESS, OPEN_JOB_STATUSES } from "@/lib/domain/jails/jail-capabilities";
import { monthTransferBytes } from "@/lib/domain/usage/month-transfer";
import { explainJobFailure } from "@/lib/domain/jobs/explain-job-failure";
import type { JobType } from "@/lib/generated/prisma/enums";
import { gibToBytes, mibToBytes } from "@/lib/units";

export const DASHBOARD_JAIL_LIMIT = 50;

export type Notice = { jailId: string; hostname: string; tone: "error" | "warning"; text: string };

/**
 * What the customer dashboard shows: the account, its live jails at a glance (at most
 * DASHBOARD_JAIL_LIMIT, newest first; `jailCount` is all of them) and what needs attention.
 */
export async function getCustomerDashboard({ actor, now = new Date() }: { actor: CustomerActor; now?: Date }) {
  assertScope(actor);
  const accountId = actor.accountId;
  const [account, jails, total] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true, status: true } }),
    db.jail.findMany({
      where: { accountId, destroyedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: DASHBOARD_JAIL_LIMIT,
      select: {
        id: true,
        hostname: true,
        state: true,
        lastError: true,
        plan: { select: { name: true, diskQuotaMb: true, memoryLimitMb: true, bandwidthGb: true } },
        ipAddresses: { where: { kind: "PUBLIC" }, select: { address: true } },
        jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { type: true }, take: 1, orderBy: { createdAt: "asc" } },
      },
    }),
    db.jail.count({ where: { accountId, destroyedAt: null } }),
  ]);
  const ids = jails.map((j) => j.id);
  const [latestSamples, lastJobs, transferOf] = ids.length
    ? await Promise.all([
        // Each jail's newest sample: one backward step on (jailId, sampledAt) per jail, not
        // every sample of the last week sorted.
        db.$queryRaw<Array<{ jailId: string; diskBytes: bigint; memoryBytes: bigint }>>`
          SELECT j."id" AS "jailId", s."diskBytes", s."memoryBytes"
          FROM "Jail" j
          CROSS JOIN LATERAL (
            SELECT s."diskBytes", s."memoryBytes" FROM "UsageSample" s
            WHERE s."jailId" = j."id" ORDER BY s."sampledAt" DESC LIMIT 1
          ) s
          WHERE j."id" = ANY(${ids}) AND j."accountId" = ${accountId}`,
        db.$queryRaw<Array<{ jailId: string; type: string; status: string; error: string | null }>>`
          SELECT DISTINCT ON (jb."jailId") jb."jailId", jb."type"::text AS "type", jb."status"::text AS "status", jb."error"
          FROM "Job" jb JOIN "Jail" j ON j."id" = jb."jailId"
          WHERE jb."jailId" = ANY(${ids}) AND j."accountId" = ${accountId} AND jb."status" IN ('SUCCEEDED', 'FAILED')
          ORDER BY jb."jailId", jb."finishedAt" DESC NULLS LAST`,
        // The month's transfer as the jail page counts it (rollups, and samples of days not
        // rolled up yet): raw samples alone miss every day already pruned.
        monthTransferBytes({ accountId, jailIds: ids, now }),
      ])
    : [[], [], new Map<string, bigint>()];
  const sampleOf = new Map(latestSamples.map((s) => [s.jailId, s]));
  const lastJobOf = new Map(lastJobs.map((j) => [j.jailId, j]));

  const notices: Notice[] = [];
  const rows = jails.map((j) => {
    const sample = sampleOf.get(j.id);
    const overDisk = !!sample && sample.diskBytes > mibToBytes(j.plan.diskQuotaMb);
    const overMemory = !!sample && sample.memoryBytes > mibToBytes(j.plan.memoryLimitMb);
    const overTransfer = (transferOf.get(j.id) ?? 0n) > gibToBytes(j.plan.bandwidthGb);
    const lastJob = lastJobOf.get(j.id);
    const base = { jailId: j.id, hostname: j.hostname };
    if (j.state === "FAILED")
      notices.push({
        ...base,
        tone: "error",
        text: `Installing ${j.hostname} failed: ${explainJobFailure({ type: "CREATE", error: j.lastError })} You can reinstall it from its page, or cancel it.`,
      });
    else if (lastJob?.status === "FAILED")
      notices.push({
        ...base,
        tone: "error",
        text: `The last task on ${j.hostname} failed: ${explainJobFailure({ type: lastJob.type as JobType, error: lastJob.error })}`,
      });
    if (overDisk)
      notices.push({
        ...base,
        tone: "warning",
        text: `${j.hostname} uses more disk than its plan allows. Delete files or upgrade: after a month's grace the excess is charged.`,
      });
    if (overMemory)
      notices.push({
        ...base,
        tone: "warning",
        text: `${j.hostname} is over its process space (memory) limit: processes may be killed. Consider upgrading.`,
      });
    if (overTransfer)
      notices.push({
        ...base,
        tone: "warning",
        text: `${j.hostname} has used more transfer this month than its plan includes: the excess is charged per GB.`,
      });
    return {
      id: j.id,
      hostname: j.hostname,
      state: j.state,
      plan: j.plan.name,
      publicIp: j.ipAddresses[0]?.address ?? null,
      inProgress: j.jobs[0] ? JOB_IN_PROGRESS[j.jobs[0].type] : null,
      attention: overDisk || overMemory || overTransfer || j.state === "FAILED" || lastJob?.status === "FAILED",
    };
  });
  return { accountName: account.name, accountStatus: account.status, jailCount: total, jails: rows, notices };
}

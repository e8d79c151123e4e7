import { db } from "@/lib/db";
import type { Job } from "@/lib/generated/prisma/client";
import { leaseMs } from "./job-config";
import { settleExpiredLeases } from "./end-job";

/**
 * Hands the host's next jobs to its agent. A job is leasable when it is QUEUED and due, or
 * RUNNING with an expired lease (its agent died or lost touch — it is handed out again, and
 * the idempotent job types make the second run safe). Jobs of one jail run strictly in order:
 * a job waits while an earlier job of its jail is still open. FOR UPDATE SKIP LOCKED lets
 * concurrent lease requests never hand out the same job twice. A host declared dead (DEAD) is
 * handed only the DESTROY jobs of jails moved off it, which an admin confirmed.
 */
export async function leaseJobs({
  hostId,
  leasedBy,
  max,
  now = new Date(),
}: {
  hostId: string;
  leasedBy: string;
  max: number;
  now?: Date;
}): Promise<Job[]> {
  if (!hostId) throw new Error("leaseJobs: hostId is required");
  const leaseUntil = new Date(now.getTime() + leaseMs());
  return db.$transaction(async (tx) => {
    // Expired leases that have used every attempt end here (their jails converge); the
    // others are handed out again below.
    await settleExpiredLeases(tx, { now, hostId, requeue: false });
    // A host declared dead is fenced: it gets only the wipes of moved jails an admin confirmed.
    const host = await tx.host.findUnique({ where: { id: hostId }, select: { status: true } });
    const onlyWipes = host?.status === "DEAD";
    const jobs = await tx.$queryRaw<Job[]>`
      WITH picked AS (
        SELECT j."id" FROM "Job" j
        WHERE j."hostId" = ${hostId}
          AND j."runAfter" <= ${now}
          AND (NOT ${onlyWipes} OR (j."type" = 'DESTROY' AND j."jailId" IS NULL))
          AND (j."status" = 'QUEUED' OR (j."status" = 'RUNNING' AND j."leaseExpiresAt" < ${now}))
          AND (j."dependsOnId" IS NULL OR EXISTS (SELECT 1 FROM "Job" d WHERE d."id" = j."dependsOnId" AND d."status" = 'SUCCEEDED'))
          AND NOT EXISTS (
            SELECT 1 FROM "Job" e
            WHERE j."jailId" IS NOT NULL AND e."jailId" = j."jailId" AND e."id" <> j."id"
              AND e."status" IN ('QUEUED', 'RUNNING')
              AND (e."createdAt", e."id") < (j."createdAt", j."id"))
        ORDER BY j."createdAt", j."id"
        LIMIT ${max}
        FOR UPDATE OF j SKIP LOCKED
      )
      UPDATE "Job" SET "status" = 'RUNNING', "attempts" = "attempts" + 1, "leasedBy" = ${leasedBy},
        "leaseExpiresAt" = ${leaseUntil}, "startedAt" = COALESCE("startedAt", ${now}), "updatedAt" = ${now}
      FROM picked WHERE "Job"."id" = picked."id"
      RETURNING "Job".*`;
    const provisioning = jobs
      .filter((j) => (j.type === "CREATE" || j.type === "REINSTALL" || j.type === "MIGRATE_IN") && j.jailId)
      .map((j) => j.jailId!);
    if (provisioning.length) {
      await tx.jail.updateMany({ where: { id: { in: provisioning }, hostId, destroyedAt: null }, data: { state: "PROVISIONING" } });
    }
    const builds = jobs.filter((j) => j.type === "BUILD_TEMPLATE").map((j) => j.id);
    if (builds.length) await tx.templateBuild.updateMany({ where: { jobId: { in: builds } }, data: { status: "BUILDING" } });
    return jobs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  });
}

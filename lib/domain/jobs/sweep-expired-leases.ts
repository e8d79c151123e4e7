import { db } from "@/lib/db";

/**
 * Nothing stays RUNNING forever: a job whose lease ran out (its agent died or its host went
 * silent) goes back to the queue for its host, or ends FAILED when its attempts are used up.
 * The lease endpoint does the same when the agent asks; this sweep covers hosts that never ask
 * again.
 */
export async function sweepExpiredLeases(now = new Date()) {
  const failed = await db.$executeRaw`
    UPDATE "Job" SET "status" = 'FAILED', "finishedAt" = ${now}, "leasedBy" = NULL, "leaseExpiresAt" = NULL,
      "error" = COALESCE("error" || ' — ', '') || 'The host agent stopped reporting on this job ' || "attempts" || ' times; giving up.'
    WHERE "status" = 'RUNNING' AND "leaseExpiresAt" < ${now} AND "attempts" >= "maxAttempts"`;
  const requeued = await db.$executeRaw`
    UPDATE "Job" SET "status" = 'QUEUED', "leasedBy" = NULL, "leaseExpiresAt" = NULL
    WHERE "status" = 'RUNNING' AND "leaseExpiresAt" < ${now}`;
  if (failed) {
    await db.$executeRaw`
      UPDATE "Jail" j SET "state" = 'FAILED', "lastError" = 'Provisioning did not finish: the host agent stopped reporting.'
      FROM "Job" job WHERE job."jailId" = j."id" AND job."status" = 'FAILED' AND job."finishedAt" = ${now}
        AND job."type" IN ('CREATE', 'REINSTALL') AND j."destroyedAt" IS NULL`;
  }
  return { failed, requeued };
}

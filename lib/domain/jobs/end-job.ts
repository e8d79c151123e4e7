// The one way a job ends — success, failure, retries used up, lease given up, cancelled — and
// the one way it goes back to the queue. Each converges the job's jail in the caller's
// transaction, so a job can never be over while its jail still says "Provisioning".
import type { Tx } from "@/lib/db";
import type { Job, JobType, Prisma } from "@/lib/generated/prisma/client";
import { releaseAddresses } from "@/lib/domain/ipam/allocate-address";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { SECRET_PAYLOAD_FIELDS, type JobResult } from "@/lib/schemas/jobs";
import { outputTail } from "./host-report";
import { migrationCopied, migrationFailed, migrationLanded } from "@/lib/domain/migrations/advance-migration";

/** How a job ends. `error` and `reason` are read by people: say what happened in words. */
export type JobEnding =
  | { status: "SUCCEEDED"; result: JobResult; output?: string | null }
  | { status: "FAILED"; error: string; output?: string | null }
  | { status: "CANCELLED"; reason: string };

/** The rule for giving up, in one place: a job may run `maxAttempts` times, no more. */
export function hasAttemptsLeft(job: Pick<Job, "attempts" | "maxAttempts">): boolean {
  return job.attempts < job.maxAttempts;
}

/** Jobs that build the jail's root: while one is open the jail is QUEUED / PROVISIONING. */
const BUILDS: ReadonlySet<JobType> = new Set(["CREATE", "REINSTALL"]);
/** Jobs whose end can end a migration (lib/domain/migrations/advance-migration.ts). */
const MIGRATION_JOBS: ReadonlySet<JobType> = new Set(["MIGRATE_OUT", "MIGRATE_IN", "CREATE"]);
const POWER: ReadonlySet<JobType> = new Set(["START", "STOP", "RESTART"]);

/**
 * Ends `job` (a row the caller has locked FOR UPDATE and found open) and converges its jail,
 * in `tx`. Clears the lease, records when, and removes the payload's secret fields
 * (SECRET_PAYLOAD_FIELDS). The jail, by ending:
 * - SUCCEEDED: the observed state the job produced (running / stopped / destroyed, jid, host key);
 *   a destroyed jail's addresses return to the pools and an audit row records it;
 * - FAILED: a build (CREATE / REINSTALL) leaves the jail FAILED with the error; any other job
 *   leaves its state and records the error as `lastError`;
 * - CANCELLED: a build that never ran leaves the jail FAILED with the reason (so the customer
 *   can reinstall or cancel); a power job that never ran sets the desired state back to what
 *   the jail is, so the two do not disagree; other jobs leave the jail as it is.
 * @throws Error when `job` is already over (a caller bug: check the status under the lock first).
 */
export async function endJob(tx: Tx, { job, ending, now }: { job: Job; ending: JobEnding; now: Date }): Promise<void> {
  if (job.status !== "QUEUED" && job.status !== "RUNNING") throw new Error(`endJob: job ${job.id} has already ended (${job.status})`);
  const common = { finishedAt: now, leasedBy: null, leaseExpiresAt: null, payload: scrubbed(job) };
  switch (ending.status) {
    case "SUCCEEDED":
      await tx.job.update({
        where: { id: job.id },
        data: { ...common, status: "SUCCEEDED", result: ending.result as Prisma.InputJsonValue, output: outputTail(ending.output) },
      });
      return convergeOnSuccess(tx, job, ending.result, now);
    case "FAILED":
      await tx.job.update({
        where: { id: job.id },
        data: { ...common, status: "FAILED", error: ending.error, output: outputTail(ending.output) },
      });
      await convergeOnFailure(tx, job, ending.error, now);
      return failDependents(tx, job, ending.error, now);
    case "CANCELLED":
      await tx.job.update({ where: { id: job.id }, data: { ...common, status: "CANCELLED", error: ending.reason } });
      await convergeOnCancel(tx, job, ending.reason, now);
      if (MIGRATION_JOBS.has(job.type)) await migrationFailed(tx, { job, error: ending.reason, now });
      return failDependents(tx, job, ending.reason, now);
  }
}

/** Jobs waiting on `job` can never run now: each ends FAILED (its jail converging) with the reason. */
async function failDependents(tx: Tx, job: Job, reason: string, now: Date) {
  const waiting = await tx.$queryRaw<Job[]>`
    SELECT * FROM "Job" WHERE "dependsOnId" = ${job.id} AND "status" IN ('QUEUED', 'RUNNING') ORDER BY "createdAt", "id" FOR UPDATE`;
  const why =
    job.type === "BUILD_TEMPLATE"
      ? `The host could not prepare the template: ${reason}`
      : `A job this one needed did not succeed: ${reason}`;
  for (const dependent of waiting) await endJob(tx, { job: dependent, ending: { status: "FAILED", error: why }, now });
}

/**
 * Puts a RUNNING job back in the queue, to run again from `runAfter` (a retryable failure, or
 * a lease that ran out with attempts left). A build's jail goes back to QUEUED: nothing is being
 * built on the host until an agent leases the job again.
 */
export async function requeueJob(
  tx: Tx,
  { job, runAfter, error, output }: { job: Job; runAfter: Date; error?: string | null; output?: string | null },
): Promise<void> {
  await tx.job.update({
    where: { id: job.id },
    data: {
      status: "QUEUED",
      leasedBy: null,
      leaseExpiresAt: null,
      runAfter,
      ...(error !== undefined ? { error } : {}),
      ...(output !== undefined ? { output: outputTail(output) } : {}),
    },
  });
  if (job.jailId && BUILDS.has(job.type)) {
    await tx.jail.updateMany({
      where: { id: job.jailId, hostId: job.hostId, destroyedAt: null, state: "PROVISIONING" },
      data: { state: "QUEUED" },
    });
  }
}

/** The payload without its secret fields (see SECRET_PAYLOAD_FIELDS). */
export function scrubbed(job: Pick<Job, "type" | "payload">): Prisma.InputJsonValue {
  const secret = SECRET_PAYLOAD_FIELDS[job.type] ?? {};
  const payload = { ...(job.payload as Record<string, unknown>) };
  for (const [field, replacement] of Object.entries(secret)) if (field in payload) payload[field] = replacement;
  return payload as Prisma.InputJsonValue;
}

async function convergeOnSuccess(tx: Tx, job: Job, result: JobResult, now: Date) {
  if (job.type === "BUILD_TEMPLATE") {
    const sizeBytes = result.templateBytes === undefined ? null : BigInt(result.templateBytes);
    await tx.templateBuild.updateMany({ where: { jobId: job.id }, data: { status: "READY", readyAt: now, sizeBytes, error: null } });
    return;
  }
  if (!job.jailId) return;
  const live = { id: job.jailId, hostId: job.hostId, destroyedAt: null };
  switch (job.type) {
    case "BACKUP":
    case "MIGRATE_OUT":
      await tx.backup.updateMany({
        where: { jobId: job.id, status: "PENDING" },
        data: result.backup
          ? {
              status: "SUCCEEDED",
              finishedAt: now,
              snapshotId: result.backup.snapshotId,
              sizeBytes: BigInt(result.backup.sizeBytes),
              addedBytes: BigInt(result.backup.addedBytes),
              error: null,
            }
          : { status: "FAILED", finishedAt: now, error: "The host reported no snapshot." },
      });
      if (job.type === "MIGRATE_OUT") {
        // Stopped on the source for good: the target takes it from the final copy.
        await tx.jail.updateMany({ where: live, data: { state: "STOPPED", jid: null, initPid: null } });
        await migrationCopied(tx, { job, now });
      }
      return;
    case "MIGRATE_IN":
      await tx.jail.updateMany({ where: live, data: runningAsReported(result) });
      await migrationLanded(tx, { job, now });
      return;
    case "RESTORE":
      await tx.jail.updateMany({
        where: live,
        data: runningAsReported(result),
      });
      return;
    case "CREATE":
    case "REINSTALL":
      await tx.jail.updateMany({
        where: live,
        data: {
          ...runningAsReported(result),
          sshHostKeyFingerprint: result.sshHostKeyFingerprint ?? null,
          // A new root has root's password only if the job carried one and set it.
          rootPasswordSetAt: result.rootPasswordSet ? now : null,
        },
      });
      // An evacuated jail that had no backup is made again by a CREATE.
      if (job.type === "CREATE") await migrationLanded(tx, { job, now });
      return;
    case "SET_PASSWORD":
      await tx.jail.updateMany({ where: live, data: { rootPasswordSetAt: now, lastError: null } });
      return;
    case "START":
    case "RESTART":
      await tx.jail.updateMany({
        where: live,
        data: { state: "RUNNING", jid: result.jid ?? null, initPid: result.initPid ?? null, lastError: null },
      });
      return;
    case "STOP":
      await tx.jail.updateMany({ where: live, data: { state: "STOPPED", jid: null, initPid: null, lastError: null } });
      return;
    case "DESTROY": {
      const { count } = await tx.jail.updateMany({
        where: live,
        data: { state: "DESTROYED", destroyedAt: now, jid: null, initPid: null, rootPasswordSetAt: null },
      });
      if (count) {
        await releaseAddresses(tx, { jailId: job.jailId });
        await recordAudit(tx, {
          actor: { kind: "agent", hostId: job.hostId },
          action: "jail.destroyed",
          targetType: "Jail",
          targetId: job.jailId,
        });
      }
      return;
    }
    default:
      await tx.jail.updateMany({ where: live, data: { lastError: null } });
  }
}

/** A jail's state as a job that made or restored it reported it: running (or not), its jid and init pid; its last error cleared. */
function runningAsReported(result: JobResult) {
  return {
    state: result.running === false ? ("STOPPED" as const) : ("RUNNING" as const),
    jid: result.jid ?? null,
    initPid: result.initPid ?? null,
    lastError: null,
  };
}

async function convergeOnFailure(tx: Tx, job: Job, error: string, now: Date) {
  if (job.type === "BUILD_TEMPLATE") {
    await tx.templateBuild.updateMany({ where: { jobId: job.id }, data: { status: "FAILED", error } });
    return;
  }
  if (!job.jailId) return;
  if (job.type === "BACKUP" || job.type === "MIGRATE_OUT") {
    await tx.backup.updateMany({ where: { jobId: job.id, status: "PENDING" }, data: { status: "FAILED", finishedAt: now, error } });
    if (job.type === "MIGRATE_OUT") await migrationFailed(tx, { job, error, now });
    return;
  }
  const live = { id: job.jailId, hostId: job.hostId, destroyedAt: null };
  if (job.type === "MIGRATE_IN" || job.type === "CREATE") await migrationFailed(tx, { job, error, now });
  if (BUILDS.has(job.type) || job.type === "MIGRATE_IN")
    await tx.jail.updateMany({ where: live, data: { state: "FAILED", lastError: error } });
  else await tx.jail.updateMany({ where: live, data: { lastError: error } });
}

async function convergeOnCancel(tx: Tx, job: Job, reason: string, now: Date) {
  if (job.type === "BUILD_TEMPLATE") {
    await tx.templateBuild.updateMany({ where: { jobId: job.id }, data: { status: "FAILED", error: reason } });
    return;
  }
  if (!job.jailId) return;
  if (job.type === "BACKUP" || job.type === "MIGRATE_OUT") {
    await tx.backup.updateMany({ where: { jobId: job.id, status: "PENDING" }, data: { status: "FAILED", finishedAt: now, error: reason } });
    return;
  }
  const live = { id: job.jailId, hostId: job.hostId, destroyedAt: null };
  if (BUILDS.has(job.type) || job.type === "MIGRATE_IN") {
    await tx.jail.updateMany({
      where: { ...live, state: { in: ["QUEUED", "PROVISIONING"] } },
      data: { state: "FAILED", lastError: reason },
    });
  } else if (POWER.has(job.type)) {
    // The jail stays as it is: its desired state follows, so no drift is reported for a change nobody made.
    const jail = await tx.jail.findFirst({ where: live, select: { state: true } });
    if (jail?.state === "RUNNING" || jail?.state === "STOPPED") {
      await tx.jail.updateMany({
        where: { ...live, state: jail.state, desiredState: { not: "DESTROYED" } },
        data: { desiredState: jail.state },
      });
    }
  }
}

/**
 * Settles leases that ran out before `now` (their agent died or went silent), on one host or
 * all: a job with no attempts left ends FAILED with the reason in words; with `requeue`, the
 * others go back to the queue at once (the worker's sweep; the lease path hands them out
 * directly instead). Each jail converges. Rows another transaction holds are skipped: they
 * are being completed or leased right now.
 */
export async function settleExpiredLeases(
  tx: Tx,
  { now, hostId, requeue }: { now: Date; hostId?: string; requeue: boolean },
): Promise<{ failed: number; requeued: number }> {
  const expired = hostId
    ? await tx.$queryRaw<
        Job[]
      >`SELECT * FROM "Job" WHERE "hostId" = ${hostId} AND "status" = 'RUNNING' AND "leaseExpiresAt" < ${now} ORDER BY "id" FOR UPDATE SKIP LOCKED`
    : await tx.$queryRaw<
        Job[]
      >`SELECT * FROM "Job" WHERE "status" = 'RUNNING' AND "leaseExpiresAt" < ${now} ORDER BY "id" FOR UPDATE SKIP LOCKED`;
  let failed = 0;
  let requeued = 0;
  for (const job of expired) {
    if (!hasAttemptsLeft(job)) {
      const why = `The host agent stopped reporting on this job ${job.attempts} times; giving up.`;
      await endJob(tx, { job, ending: { status: "FAILED", error: job.error ? `${job.error} — ${why}` : why }, now });
      failed++;
    } else if (requeue) {
      await requeueJob(tx, { job, runAfter: now });
      requeued++;
    }
  }
  return { failed, requeued };
}

/**
 * Calls off a jail's jobs that no agent has started yet (optionally only of `types`), each
 * ending CANCELLED with `reason` through endJob. Used when newer work makes them pointless (a
 * newer password or key list) or the jail is being cancelled.
 * @returns how many jobs were cancelled.
 */
export async function cancelQueuedJobs(
  tx: Tx,
  { jailId, types, reason, now }: { jailId: string; types?: JobType[]; reason: string; now: Date },
): Promise<number> {
  if (!jailId) throw new Error("cancelQueuedJobs: jailId is required");
  const queued = await tx.$queryRaw<
    Job[]
  >`SELECT * FROM "Job" WHERE "jailId" = ${jailId} AND "status" = 'QUEUED' ORDER BY "createdAt", "id" FOR UPDATE`;
  const matching = queued.filter((job) => !types || types.includes(job.type));
  for (const job of matching) await endJob(tx, { job, ending: { status: "CANCELLED", reason }, now });
  return matching.length;
}

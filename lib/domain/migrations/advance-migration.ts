// What the end of a migration's job means for the migration, called by endJob in the job's own
// transaction: the final copy done → the jail changes hosts and its target job is queued; the
// target running it → done (downtime recorded, the source's copy wiped for a move); a failure →
// the migration fails with the reason, a moved-out jail restarted where it was.
import type { Tx } from "@/lib/db";
import type { Job } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { jailBackupTarget } from "@/lib/domain/backups/jail-backup-target";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { queueMail } from "@/lib/domain/mail/send-mail";
import { rehomeJail } from "./rehome-jail";
import type { JailSpec } from "@/lib/schemas/jobs";

/**
 * Queues the MIGRATE_IN that makes jail `jailId` on `targetHostId` from `spec` and restores
 * restic snapshot `snapshotId` of its repository into it, with the jail's backup credential.
 * @returns the job and whether the jail's backup user is new (rewrite the htpasswd file after commit).
 */
export async function queueMigrateIn(
  tx: Tx,
  {
    jailId,
    targetHostId,
    spec,
    snapshotId,
    start,
    requestedById,
  }: { jailId: string; targetHostId: string; spec: JailSpec; snapshotId: string; start: boolean; requestedById: string | null },
) {
  const { target, newUser } = await jailBackupTarget(tx, { jailId });
  const job = await enqueueJob(tx, {
    hostId: targetHostId,
    jailId,
    type: "MIGRATE_IN",
    payload: { jail: spec, repository: target.repository, username: target.username, secrets: target.secrets, snapshotId, start },
    requestedById,
    maxAttempts: 3,
  });
  return { job, newUser };
}

/**
 * MIGRATE_OUT succeeded (the jail is stopped on the source, its final copy is the job's
 * Backup): the jail moves to the target in the record and a MIGRATE_IN is queued there.
 * Does nothing for a job that belongs to no open migration.
 */
export async function migrationCopied(tx: Tx, { job, now }: { job: Job; now: Date }): Promise<void> {
  const migration = await tx.migration.findUnique({ where: { outJobId: job.id } });
  if (!migration || migration.status !== "COPYING" || !job.jailId) return;
  const backup = await tx.backup.findUnique({ where: { jobId: job.id }, select: { id: true, snapshotId: true } });
  if (!backup?.snapshotId) return migrationFailed(tx, { job, error: "The final copy reported no snapshot.", now });
  const jail = await tx.jail.findUniqueOrThrow({ where: { id: job.jailId }, select: { desiredState: true } });
  const { spec } = await rehomeJail(tx, { jailId: job.jailId, targetHostId: migration.targetHostId });
  const { job: into } = await queueMigrateIn(tx, {
    jailId: job.jailId,
    targetHostId: migration.targetHostId,
    spec,
    snapshotId: backup.snapshotId,
    start: jail.desiredState !== "STOPPED",
    requestedById: migration.requestedById,
  });
  await tx.migration.update({
    where: { id: migration.id },
    data: { status: "RESTORING", inJobId: into.id, backupId: backup.id, stoppedAt: job.startedAt ?? now },
  });
  await tx.jail.update({ where: { id: job.jailId }, data: { state: "PROVISIONING", jid: null, initPid: null, lastError: null } });
}

/**
 * The target's job (MIGRATE_IN, or CREATE for an evacuated jail that had no backup) succeeded:
 * the migration is done, its downtime recorded (a move); a move's stopped copy on the source is
 * destroyed there (a DESTROY by name, tied to no jail); an evacuated jail's customer is mailed.
 * Does nothing for a job that belongs to no migration.
 */
export async function migrationLanded(tx: Tx, { job, now }: { job: Job; now: Date }): Promise<void> {
  const migration = await tx.migration.findUnique({
    where: { inJobId: job.id },
    include: { jail: { select: { id: true, name: true, hostname: true, accountId: true, account: { select: { billingEmail: true } } } } },
  });
  if (!migration || migration.status !== "RESTORING") return;
  const downtimeMs = migration.stoppedAt ? Math.max(0, now.getTime() - migration.stoppedAt.getTime()) : null;
  let sourceWipedAt: Date | null = null;
  if (migration.kind === "MOVE") {
    await enqueueJob(tx, { hostId: migration.sourceHostId, type: "DESTROY", payload: { name: migration.jail.name }, maxAttempts: 5 });
    sourceWipedAt = now;
  } else {
    const backup = migration.backupId
      ? await tx.backup.findUnique({ where: { id: migration.backupId }, select: { finishedAt: true } })
      : null;
    await queueMail(tx, {
      to: migration.jail.account.billingEmail,
      kind: "jail-evacuated",
      subject: `${migration.jail.hostname} runs again on another server`,
      text:
        `The server your jail ${migration.jail.hostname} ran on failed. It runs again on another server` +
        (backup?.finishedAt
          ? `, restored from its backup of ${backup.finishedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: changes made after that are lost.`
          : `. It had no backup, so it was made again from its template: its files are lost.`) +
        `\n\nIts addresses are on the jail's page.\n`,
    });
  }
  await tx.migration.update({ where: { id: migration.id }, data: { status: "DONE", finishedAt: now, downtimeMs, sourceWipedAt } });
  await recordAudit(tx, {
    actor: { kind: "agent", hostId: job.hostId },
    action: migration.kind === "MOVE" ? "jail.moved" : "jail.evacuated",
    targetType: "Jail",
    targetId: migration.jailId,
    accountId: migration.jail.accountId,
    data: { migrationId: migration.id, from: migration.sourceHostId, to: migration.targetHostId, downtimeMs },
  });
}

/**
 * A migration's job failed for good: the migration fails with the reason. When the final copy
 * failed the jail is still on its source; if it should run, a START is queued there.
 */
export async function migrationFailed(tx: Tx, { job, error, now }: { job: Job; error: string; now: Date }): Promise<void> {
  const migration = await tx.migration.findFirst({ where: { OR: [{ outJobId: job.id }, { inJobId: job.id }] } });
  if (!migration || (migration.status !== "COPYING" && migration.status !== "RESTORING")) return;
  await tx.migration.update({ where: { id: migration.id }, data: { status: "FAILED", error, finishedAt: now } });
  if (migration.status === "COPYING" && job.jailId) {
    const jail = await tx.jail.findUniqueOrThrow({ where: { id: job.jailId }, select: { desiredState: true, name: true } });
    if (jail.desiredState === "RUNNING") {
      await enqueueJob(tx, { hostId: migration.sourceHostId, jailId: job.jailId, type: "START", payload: { name: jail.name } });
    }
    await tx.jail.update({ where: { id: job.jailId }, data: { lastError: `The move failed: ${error}` } });
  }
}

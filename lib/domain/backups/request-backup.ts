// "Back up now" (a customer) and the plan's schedule (the worker): a Backup row and its BACKUP
// job, with the audit row, in one transaction on the locked jail.
import crypto from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor, StaffActor, SystemActor } from "@/lib/domain/actor";
import { assertCapability } from "@/lib/domain/jails/jail-capabilities";
import { lockOwnedJail } from "@/lib/domain/jails/lock-owned-jail";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import type { BackupTrigger } from "@/lib/generated/prisma/enums";
import { jailBackupTarget } from "./jail-backup-target";

/**
 * Queues a backup of the caller's jail now.
 * @returns the Backup row's id and its job's id.
 * @throws AppError NOT_FOUND for a jail not of the actor's account; PRECONDITION when the jail
 *   cannot be backed up now (not installed, another task open) or backups are not configured.
 */
export async function requestBackup({ actor, jailId }: { actor: CustomerActor; jailId: string }) {
  const made = await db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.backup);
    return queueBackup(tx, { jailId: jail.id, hostId: jail.hostId, accountId: actor.accountId, trigger: "MANUAL", actor });
  });
  if (made.newUser) await writeBackupHtpasswd(db);
  return { backupId: made.backupId, jobId: made.jobId };
}

/**
 * The Backup row and BACKUP job for a jail whose row the caller has locked, in `tx`, and the
 * audit row. `idempotencyKey` (the schedule's slot) makes a repeated tick queue nothing more.
 */
export async function queueBackup(
  tx: Tx,
  {
    jailId,
    hostId,
    accountId,
    trigger,
    actor,
    idempotencyKey,
  }: {
    jailId: string;
    hostId: string;
    accountId: string;
    trigger: BackupTrigger;
    actor: CustomerActor | StaffActor | SystemActor;
    idempotencyKey?: string;
  },
): Promise<{ backupId: string; jobId: string; newUser: boolean; existed: boolean }> {
  if (idempotencyKey) {
    const existing = await tx.job.findUnique({ where: { idempotencyKey }, select: { id: true } });
    if (existing) {
      const backup = await tx.backup.findUnique({ where: { jobId: existing.id }, select: { id: true } });
      return { backupId: backup?.id ?? "", jobId: existing.id, newUser: false, existed: true };
    }
  }
  const { target, newUser } = await jailBackupTarget(tx, { jailId });
  // The Backup row's id is the snapshot's tag on the host, so it is chosen before the job.
  const backupId = crypto.randomBytes(12).toString("hex");
  const job = await enqueueJob(tx, {
    hostId,
    jailId,
    type: "BACKUP",
    payload: { ...target, backupId },
    requestedById: actor.kind === "system" ? null : actor.userId,
    idempotencyKey,
    maxAttempts: 3,
  });
  const backup = await tx.backup.create({ data: { id: backupId, jailId, hostId, trigger, jobId: job.id } });
  await recordAudit(tx, {
    actor,
    action: trigger === "MANUAL" ? "jail.backup" : "jail.backup.scheduled",
    targetType: "Jail",
    targetId: jailId,
    accountId,
    data: { backupId: backup.id },
  });
  return { backupId: backup.id, jobId: job.id, newUser, existed: false };
}

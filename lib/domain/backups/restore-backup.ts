// Restore in place: the jail's root is replaced by one of its backups. Confirmed by typing the
// hostname, like a reinstall: the files written since that backup are gone afterwards.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertHostnameConfirmed } from "@/lib/domain/jails/confirm-hostname";
import { assertCapability } from "@/lib/domain/jails/jail-capabilities";
import { lockOwnedJail } from "@/lib/domain/jails/lock-owned-jail";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import { notFound } from "@/lib/errors";
import { jailBackupTarget } from "./jail-backup-target";

/**
 * Queues a RESTORE of backup `backupId` over the caller's jail (stop, restore, start again if it
 * was meant to run).
 * @throws AppError NOT_FOUND for a jail not of the actor's account or a backup that is not one of
 *   this jail's successful, kept backups; VALIDATION when `confirmHostname` is not the jail's
 *   hostname; PRECONDITION when the jail cannot be restored now.
 */
export async function restoreBackup({
  actor,
  jailId,
  backupId,
  confirmHostname,
}: {
  actor: CustomerActor;
  jailId: string;
  backupId: string;
  confirmHostname: string;
}) {
  if (!backupId) throw notFound("That backup");
  const made = await db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    const backup = await tx.backup.findFirst({
      where: { id: backupId, jailId: jail.id, jail: { accountId: actor.accountId }, status: "SUCCEEDED", forgottenAt: null },
      select: { id: true, snapshotId: true, finishedAt: true },
    });
    if (!backup?.snapshotId) throw notFound("That backup");
    assertCapability(capabilities.restore);
    assertHostnameConfirmed(jail.hostname, confirmHostname);
    const { target, newUser } = await jailBackupTarget(tx, { jailId: jail.id });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "RESTORE",
      payload: { ...target, snapshotId: backup.snapshotId, start: jail.desiredState !== "STOPPED" },
      requestedById: actor.userId,
      maxAttempts: 3,
    });
    await recordAudit(tx, {
      actor,
      action: "jail.restore",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { backupId: backup.id, backupTakenAt: backup.finishedAt?.toISOString() ?? null },
    });
    return { jobId: job.id, newUser };
  });
  if (made.newUser) await writeBackupHtpasswd(db);
  return { jobId: made.jobId };
}

// The worker's part of the backup policy: queue each jail's scheduled backup when its slot has
// come (backup-schedule.ts), once per slot, and not while other work on the jail is open.
import { db } from "@/lib/db";
import { backupConfig } from "@/lib/config/server";
import { systemActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES, jailCapabilities } from "@/lib/domain/jails/jail-capabilities";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import { lastBackupSlot } from "./backup-schedule";
import { queueBackup } from "./request-backup";

const BATCH = 500;

/**
 * Queues a SCHEDULED backup for every installed jail whose plan takes backups, whose latest slot
 * is at or before `now` (and after the jail was made) and which has no backup asked for since that slot. The job's
 * idempotency key is the slot, so a repeated or concurrent tick queues nothing twice. A jail
 * busy with another task is left for the next tick. Does nothing when BACKUP_URL is unset.
 * Reads at most 500 jails at a time (keyset pagination by id), so 100,000 jails stay cheap.
 * @returns how many backups were queued.
 */
export async function scheduleBackups({
  now,
  hostIds,
}: {
  now: Date;
  /** Only these hosts' jails (a test's own hosts); all hosts when absent. */
  hostIds?: string[];
}): Promise<number> {
  const cfg = backupConfig();
  if (!cfg.BACKUP_URL) return 0;
  let queued = 0;
  let newUser = false;
  let cursor: string | undefined;
  for (;;) {
    const jails = await db.jail.findMany({
      where: {
        destroyedAt: null,
        state: { in: ["RUNNING", "STOPPED"] },
        plan: { backupEveryHours: { gt: 0 } },
        ...(hostIds ? { hostId: { in: hostIds } } : {}),
      },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true,
        hostId: true,
        accountId: true,
        state: true,
        createdAt: true,
        plan: { select: { backupEveryHours: true } },
        account: { select: { status: true } },
        jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { type: true } },
        backups: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } },
      },
    });
    if (jails.length === 0) break;
    cursor = jails[jails.length - 1]!.id;
    for (const jail of jails) {
      const slot = lastBackupSlot({
        jailId: jail.id,
        everyHours: jail.plan.backupEveryHours,
        now,
        windowStartHour: cfg.BACKUP_WINDOW_START_HOUR,
        windowHours: cfg.BACKUP_WINDOW_HOURS,
      });
      // A jail's first scheduled backup is the first slot after it was made, not at once.
      if (!slot || slot < jail.createdAt) continue;
      const latest = jail.backups[0]?.createdAt;
      if (latest && latest >= slot) continue;
      const caps = jailCapabilities({ state: jail.state, accountStatus: jail.account.status, openJobs: jail.jobs });
      if (!caps.backup.allowed) continue;
      const made = await db.$transaction(async (tx) => {
        // The same lock every change of this jail takes; re-check under it.
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT "id" FROM "Jail" WHERE "id" = ${jail.id} AND "destroyedAt" IS NULL FOR UPDATE`;
        if (locked.length === 0) return null;
        return queueBackup(tx, {
          jailId: jail.id,
          hostId: jail.hostId,
          accountId: jail.accountId,
          trigger: "SCHEDULED",
          actor: systemActor("backup-schedule"),
          idempotencyKey: `backup:${jail.id}:${slot.toISOString()}`,
        });
      });
      if (made && !made.existed) queued++;
      if (made?.newUser) newUser = true;
    }
    if (jails.length < BATCH) break;
  }
  if (newUser) await writeBackupHtpasswd(db);
  return queued;
}

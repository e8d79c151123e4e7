// An admin moves a jail to another host, through the jail's restic repository (the one
// mechanism for backups, moves and evacuations): a live copy while the jail runs (BACKUP), then
// on the source the jail stops and a final copy takes what changed since (MIGRATE_OUT, quick:
// restic stores only new data), then on the target the jail is made, its root restored from the
// final copy and started (MIGRATE_IN). Downtime runs from the stop to the target's report.
import crypto from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { queueBackup } from "@/lib/domain/backups/request-backup";
import { jailBackupTarget } from "@/lib/domain/backups/jail-backup-target";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { assertHostnameConfirmed } from "@/lib/domain/jails/confirm-hostname";
import { queueMail } from "@/lib/domain/mail/send-mail";
import { hostCapabilities } from "@/lib/schemas/capabilities";
import { migrationTargets } from "./migration-targets";
import { OPEN_MIGRATION_STATUSES } from "./migration-status";

/**
 * Queues the move of jail `jailId` to `targetHostId` in `tx` (see moveJail): the live pre-copy of
 * a running jail, the final copy, the Migration, the customer's mail when the public address
 * changes, the audit row. `confirmHostname` null: the caller confirmed otherwise (a drain, by the
 * host's name).
 * @returns the Migration's id and whether the jail's backup user is new (rewrite the htpasswd file after commit).
 * @throws as moveJail.
 */
export async function queueMove(
  tx: Tx,
  {
    actor,
    jailId,
    targetHostId,
    confirmHostname,
    now,
  }: { actor: StaffActor; jailId: string; targetHostId: string; confirmHostname: string | null; now: Date },
): Promise<{ migrationId: string; newUser: boolean }> {
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Jail" WHERE "id" = ${jailId} AND "destroyedAt" IS NULL FOR UPDATE`;
  if (!locked) throw notFound("That jail");
  const jail = await tx.jail.findUniqueOrThrow({
    where: { id: jailId },
    include: {
      host: true,
      account: { select: { id: true, billingEmail: true } },
      ipAddresses: { select: { kind: true, address: true, pool: true } },
    },
  });
  if (confirmHostname !== null) assertHostnameConfirmed(jail.hostname, confirmHostname);
  if (jail.state !== "RUNNING" && jail.state !== "STOPPED") {
    throw new AppError("PRECONDITION", "Only a running or stopped jail can be moved; wait for its current work to finish.");
  }
  if (await tx.migration.count({ where: { jailId, status: { in: OPEN_MIGRATION_STATUSES } } })) {
    throw new AppError("PRECONDITION", "This jail is already being moved.");
  }
  if (await tx.job.count({ where: { jailId, status: { in: ["QUEUED", "RUNNING"] } } })) {
    throw new AppError("PRECONDITION", "This jail has work queued or running; move it when that has finished.");
  }
  if (hostCapabilities(jail.host.facts)?.migration !== true) {
    throw new AppError("PRECONDITION", `${jail.host.name} cannot move jails (its agent reports no backup tool).`);
  }
  const target = (await migrationTargets(tx, { sourceHostId: jail.hostId, now })).find((t) => t.id === targetHostId);
  if (!target) {
    const msg = "That host cannot take this jail now (not active, full, out of addresses, another driver, or not heard from).";
    throw new AppError("VALIDATION", msg, { targetHostId: [msg] });
  }
  const targetHost = await tx.host.findUniqueOrThrow({ where: { id: target.id }, select: { id: true, groupId: true } });
  const pub = jail.ipAddresses.find((a) => a.kind === "PUBLIC");
  const keepsPublic = !!pub && (pub.pool.hostId === targetHost.id || (!!pub.pool.groupId && pub.pool.groupId === targetHost.groupId));

  let dependsOnId: string | null = null;
  let newUser = false;
  if (jail.state === "RUNNING") {
    const pre = await queueBackup(tx, { jailId, hostId: jail.hostId, accountId: jail.accountId, trigger: "MIGRATION", actor });
    dependsOnId = pre.jobId;
    newUser = pre.newUser;
  }
  const { target: backupTarget, newUser: created } = await jailBackupTarget(tx, { jailId });
  const backupId = crypto.randomBytes(12).toString("hex");
  const out = await enqueueJob(tx, {
    hostId: jail.hostId,
    jailId,
    type: "MIGRATE_OUT",
    payload: { ...backupTarget, backupId },
    requestedById: actor.userId,
    dependsOnId,
    maxAttempts: 3,
  });
  await tx.backup.create({ data: { id: backupId, jailId, hostId: jail.hostId, trigger: "MIGRATION", jobId: out.id } });
  const migration = await tx.migration.create({
    data: {
      jailId,
      kind: "MOVE",
      status: "COPYING",
      sourceHostId: jail.hostId,
      targetHostId: target.id,
      outJobId: out.id,
      requestedById: actor.userId,
    },
  });
  if (pub && !keepsPublic) {
    await queueMail(tx, {
      to: jail.account.billingEmail,
      kind: "jail-move-address",
      subject: `${jail.hostname} is moving to another server: its public address changes`,
      text:
        `We are moving your jail ${jail.hostname} to another server now. It stops for a short while and starts again there.\n\n` +
        `Its public address ${pub.address} changes: the new address is on the jail's page once it runs again. ` +
        `Update any DNS records that point at ${pub.address}.\n`,
    });
  }
  await recordAudit(tx, {
    actor,
    action: "jail.move",
    targetType: "Jail",
    targetId: jailId,
    accountId: jail.accountId,
    data: { migrationId: migration.id, from: jail.hostId, to: target.id, keepsPublicAddress: keepsPublic },
  });
  return { migrationId: migration.id, newUser: newUser || created };
}

/**
 * Starts moving jail `jailId` to host `targetHostId` (confirmed by typing the jail's hostname).
 * A running jail gets a live pre-copy first; a stopped one goes straight to the final copy.
 * When the target does not serve the jail's public address pool the address changes, and the
 * customer is mailed before the move.
 * @returns the Migration's id.
 * @throws AppError FORBIDDEN (not an admin), NOT_FOUND (no such live jail or target),
 *   VALIDATION (hostname not confirmed; a target that cannot take it, named), PRECONDITION
 *   (the jail is not running or stopped, already moving, or its host cannot move jails).
 */
export async function moveJail({
  actor,
  jailId,
  targetHostId,
  confirmHostname,
  now = new Date(),
}: {
  actor: StaffActor;
  jailId: string;
  targetHostId: string;
  confirmHostname: string;
  now?: Date;
}): Promise<{ migrationId: string }> {
  assertStaff(actor, "ADMIN");
  const made = await db.$transaction((tx) => queueMove(tx, { actor, jailId, targetHostId, confirmHostname, now }));
  if (made.newUser) await writeBackupHtpasswd(db);
  return { migrationId: made.migrationId };
}

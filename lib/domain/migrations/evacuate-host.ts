// A dead host's jails "rapidly re-distributed across the entire cluster, with an administrator
// deciding" (the seed's jumping jails): the admin declares the host dead, which fences it; sees
// the plan — each jail, the host it goes to, the backup it is restored from and what the
// customer loses; confirms; the targets restore them (each agent runs at most its concurrency,
// AGENT_MAX_CONCURRENT, at once). The dead host's copies are destroyed only when an admin says so.
import { db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { assertStaff } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import { endJob } from "@/lib/domain/jobs/end-job";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { releaseAddresses } from "@/lib/domain/ipam/allocate-address";
import { queueMail } from "@/lib/domain/mail/send-mail";
import type { Job } from "@/lib/generated/prisma/client";
import { migrationTargets, takeTarget, type HostPlanRequest } from "./migration-targets";
import { OPEN_MIGRATION_STATUSES } from "./migration-status";
import { rehomeJail } from "./rehome-jail";
import { queueMigrateIn } from "./advance-migration";
import { assertHostNameConfirmed, type HostConfirmation } from "@/lib/domain/hosts/confirm-host-name";

async function lockHost(tx: Tx, hostId: string) {
  const [host] = await tx.$queryRaw<Array<{ id: string; name: string; status: string; removedAt: Date | null }>>`
    SELECT "id", "name", "status"::text AS "status", "removedAt" FROM "Host" WHERE "id" = ${hostId} FOR UPDATE`;
  if (!host || host.removedAt) throw notFound("That host");
  return host;
}

/**
 * Declares host `hostId` dead (the admin typed its name): it is fenced (status DEAD: its agent, if
 * it comes back, starts none of its jails and is handed only confirmed wipes), its open jobs are
 * cancelled (their jails converge), and its jails that were being destroyed are destroyed in the
 * record with their addresses released — nothing waits on a host that will not answer.
 * @returns how many jobs were cancelled and jails' destructions completed.
 * @throws AppError FORBIDDEN, NOT_FOUND, VALIDATION (name not confirmed), PRECONDITION (dead already).
 */
export async function declareHostDead({
  actor,
  hostId,
  confirmName,
  now = new Date(),
}: HostConfirmation): Promise<{ cancelledJobs: number; destroyedJails: number }> {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const host = await lockHost(tx, hostId);
    assertHostNameConfirmed(host.name, confirmName);
    if (host.status === "DEAD") throw new AppError("PRECONDITION", `${host.name} was declared dead already.`);
    await tx.host.update({ where: { id: hostId }, data: { status: "DEAD", declaredDeadAt: now, declaredDeadById: actor.userId } });
    const open = await tx.$queryRaw<Job[]>`
      SELECT * FROM "Job" WHERE "hostId" = ${hostId} AND "status" IN ('QUEUED', 'RUNNING') ORDER BY "createdAt", "id" FOR UPDATE`;
    let cancelledJobs = 0;
    for (const job of open) {
      // A dependent may have ended already with the job it waited on.
      const current = await tx.job.findUniqueOrThrow({ where: { id: job.id } });
      if (current.status !== "QUEUED" && current.status !== "RUNNING") continue;
      await endJob(tx, { job: current, ending: { status: "CANCELLED", reason: `${host.name} was declared dead.` }, now });
      cancelledJobs++;
    }
    const dying = await tx.jail.findMany({
      where: { hostId, destroyedAt: null, OR: [{ state: "DESTROYING" }, { desiredState: "DESTROYED" }] },
      select: { id: true, accountId: true },
    });
    for (const jail of dying) {
      await tx.jail.update({ where: { id: jail.id }, data: { state: "DESTROYED", destroyedAt: now, jid: null, initPid: null } });
      await releaseAddresses(tx, { jailId: jail.id });
      await recordAudit(tx, {
        actor,
        action: "jail.destroyed",
        targetType: "Jail",
        targetId: jail.id,
        accountId: jail.accountId,
        data: { hostDead: true },
      });
    }
    await recordAudit(tx, {
      actor,
      action: "host.declare_dead",
      targetType: "Host",
      targetId: hostId,
      data: { name: host.name, cancelledJobs },
    });
    return { cancelledJobs, destroyedJails: dying.length };
  });
}

/** One jail of a dead host and where the plan sends it. */
export type EvacuationRow = {
  jail: { id: string; hostname: string; name: string; account: { id: string; name: string } };
  /** Null: no host has room (add or activate one, then evacuate again). */
  target: { id: string; name: string } | null;
  /** The backup it is restored from; null: none, so it is made again, empty, from its template. */
  backup: { id: string; finishedAt: Date; sizeBytes: number | null } | null;
};

async function evacuationRows(
  tx: Tx,
  { hostId, now, targetHostIds }: { hostId: string; now: Date; targetHostIds?: string[] },
): Promise<EvacuationRow[]> {
  const jails = await tx.jail.findMany({
    where: { hostId, destroyedAt: null, migrations: { none: { status: { in: OPEN_MIGRATION_STATUSES } } } },
    select: { id: true, hostname: true, name: true, account: { select: { id: true, name: true } } },
    orderBy: [{ hostname: "asc" }, { id: "asc" }],
  });
  const targets = (await migrationTargets(tx, { sourceHostId: hostId, now })).filter((t) => !targetHostIds || targetHostIds.includes(t.id));
  const rows: EvacuationRow[] = [];
  for (const jail of jails) {
    const target = takeTarget(targets);
    const backup = await tx.backup.findFirst({
      where: { jailId: jail.id, status: "SUCCEEDED", forgottenAt: null, snapshotId: { not: null } },
      orderBy: { finishedAt: "desc" },
      select: { id: true, finishedAt: true, sizeBytes: true },
    });
    rows.push({
      jail,
      target: target && { id: target.id, name: target.name },
      backup: backup?.finishedAt
        ? { id: backup.id, finishedAt: backup.finishedAt, sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes) }
        : null,
    });
  }
  return rows;
}

/**
 * The evacuation plan for dead host `hostId`, as the admin confirms it: every live jail not
 * already moving, its target and its latest backup.
 * @throws AppError FORBIDDEN, NOT_FOUND, PRECONDITION (the host is not declared dead).
 */
export async function planEvacuation({ actor, hostId, targetHostIds, now = new Date() }: HostPlanRequest) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const host = await tx.host.findFirst({
      where: { id: hostId, removedAt: null },
      select: { id: true, name: true, status: true, declaredDeadAt: true },
    });
    if (!host) throw notFound("That host");
    if (host.status !== "DEAD") throw new AppError("PRECONDITION", `Declare ${host.name} dead before evacuating it.`);
    const targets = await migrationTargets(tx, { sourceHostId: hostId, now });
    return { host, targets, rows: await evacuationRows(tx, { hostId, now, targetHostIds }) };
  });
}

/**
 * Carries out the plan (computed again under the host's lock): each jail with a target moves to
 * it in the record (new addresses, the dead host's released) and a MIGRATE_IN restores its latest
 * backup there, or a CREATE makes it again when it had none; its customer is mailed now and
 * again when it runs. Jails without a target stay, to evacuate again once there is room.
 * @returns how many jails were sent and how many are left for want of room.
 * @throws AppError FORBIDDEN, NOT_FOUND, VALIDATION (name not confirmed), PRECONDITION (not dead).
 */
export async function evacuateHost({
  actor,
  hostId,
  confirmName,
  targetHostIds,
  now = new Date(),
}: HostConfirmation & {
  /** As for planEvacuation. */
  targetHostIds?: string[];
}): Promise<{ sent: number; leftForRoom: number }> {
  assertStaff(actor, "ADMIN");
  const made = await db.$transaction(async (tx) => {
    const host = await lockHost(tx, hostId);
    assertHostNameConfirmed(host.name, confirmName);
    if (host.status !== "DEAD") throw new AppError("PRECONDITION", `Declare ${host.name} dead before evacuating it.`);
    const rows = await evacuationRows(tx, { hostId, now, targetHostIds });
    let sent = 0;
    let newUser = false;
    for (const row of rows) {
      if (!row.target) continue;
      await tx.$queryRaw`SELECT "id" FROM "Jail" WHERE "id" = ${row.jail.id} FOR UPDATE`;
      const jail = await tx.jail.findUniqueOrThrow({
        where: { id: row.jail.id },
        select: { id: true, hostname: true, accountId: true, desiredState: true, account: { select: { billingEmail: true } } },
      });
      const { spec } = await rehomeJail(tx, { jailId: jail.id, targetHostId: row.target.id });
      const start = jail.desiredState !== "STOPPED";
      let inJobId: string;
      if (row.backup) {
        const snapshot = await tx.backup.findUniqueOrThrow({ where: { id: row.backup.id }, select: { snapshotId: true } });
        const { job, newUser: created } = await queueMigrateIn(tx, {
          jailId: jail.id,
          targetHostId: row.target.id,
          spec,
          snapshotId: snapshot.snapshotId!,
          start,
          requestedById: actor.userId,
        });
        newUser ||= created;
        inJobId = job.id;
      } else {
        const job = await enqueueJob(tx, {
          hostId: row.target.id,
          jailId: jail.id,
          type: "CREATE",
          payload: { jail: spec, sshKeys: [], start },
          requestedById: actor.userId,
        });
        inJobId = job.id;
      }
      await tx.jail.update({ where: { id: jail.id }, data: { state: "PROVISIONING", jid: null, initPid: null, lastError: null } });
      await tx.migration.create({
        data: {
          jailId: jail.id,
          kind: "EVACUATE",
          status: "RESTORING",
          sourceHostId: hostId,
          targetHostId: row.target.id,
          backupId: row.backup?.id ?? null,
          inJobId,
          requestedById: actor.userId,
        },
      });
      await queueMail(tx, {
        to: jail.account.billingEmail,
        kind: "jail-evacuating",
        subject: `${jail.hostname}: its server failed; we are restoring it on another`,
        text:
          `The server your jail ${jail.hostname} ran on has failed. We are bringing the jail up on another server now` +
          (row.backup
            ? `, from its backup of ${row.backup.finishedAt.toISOString().slice(0, 16).replace("T", " ")} UTC. Changes made after that backup are lost.`
            : `. It has no backup, so it is made again from its template, empty.`) +
          `\n\nIts addresses change; the new ones are on the jail's page. We will write again when it runs.\n`,
      });
      await recordAudit(tx, {
        actor,
        action: "jail.evacuate",
        targetType: "Jail",
        targetId: jail.id,
        accountId: jail.accountId,
        data: { from: hostId, to: row.target.id, backupId: row.backup?.id ?? null },
      });
      sent++;
    }
    await recordAudit(tx, {
      actor,
      action: "host.evacuate",
      targetType: "Host",
      targetId: hostId,
      data: { sent, leftForRoom: rows.length - sent },
    });
    return { sent, leftForRoom: rows.length - sent, newUser };
  });
  if (made.newUser) await writeBackupHtpasswd(db);
  return { sent: made.sent, leftForRoom: made.leftForRoom };
}

/**
 * The admin confirms (typing the host's name) that the dead host's copies of the jails evacuated
 * from it may be destroyed: a DESTROY by name, tied to no jail, is queued on it for each, which
 * its agent runs if it ever comes back (a fenced agent runs nothing else).
 * @returns how many wipes were queued.
 * @throws AppError FORBIDDEN, NOT_FOUND, VALIDATION, PRECONDITION (not dead).
 */
export async function wipeEvacuatedCopies({ actor, hostId, confirmName, now = new Date() }: HostConfirmation): Promise<{ queued: number }> {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const host = await lockHost(tx, hostId);
    assertHostNameConfirmed(host.name, confirmName);
    if (host.status !== "DEAD") throw new AppError("PRECONDITION", `Only a host declared dead has evacuated copies to destroy.`);
    const moved = await tx.migration.findMany({
      where: { sourceHostId: hostId, kind: "EVACUATE", sourceWipedAt: null, status: { in: ["RESTORING", "DONE"] } },
      select: { id: true, jail: { select: { name: true } } },
    });
    for (const m of moved) {
      await enqueueJob(tx, { hostId, type: "DESTROY", payload: { name: m.jail.name }, requestedById: actor.userId });
      await tx.migration.update({ where: { id: m.id }, data: { sourceWipedAt: now } });
    }
    await recordAudit(tx, { actor, action: "host.wipe_evacuated", targetType: "Host", targetId: hostId, data: { queued: moved.length } });
    return { queued: moved.length };
  });
}

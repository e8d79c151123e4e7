// Draining a live host with the same plan-and-confirm flow as an evacuation, with moves instead
// of restores: the host stops taking jails (DRAINING), and each of its jails is moved — a live
// copy, a stop, the final copy, a start on the target (move-jail.ts).
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { assertStaff } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { writeBackupHtpasswd } from "@/lib/backups/backup-users";
import { assertHostNameConfirmed, type HostConfirmation } from "@/lib/domain/hosts/confirm-host-name";
import type { Tx } from "@/lib/db";
import { migrationTargets, takeTarget, type HostPlanRequest } from "./migration-targets";
import { OPEN_MIGRATION_STATUSES } from "./migration-status";
import { queueMove } from "./move-jail";

/** One jail of the host and where the drain sends it; `waits` says in words why it is not moved now. */
export type DrainRow = {
  jail: { id: string; hostname: string; account: { id: string; name: string } };
  target: { id: string; name: string } | null;
  waits: string | null;
};

async function drainRows(tx: Tx, { hostId, now, targetHostIds }: { hostId: string; now: Date; targetHostIds?: string[] }) {
  const jails = await tx.jail.findMany({
    where: { hostId, destroyedAt: null, migrations: { none: { status: { in: OPEN_MIGRATION_STATUSES } } } },
    select: {
      id: true,
      hostname: true,
      state: true,
      account: { select: { id: true, name: true } },
      _count: { select: { jobs: { where: { status: { in: ["QUEUED", "RUNNING"] } } } } },
    },
    orderBy: [{ hostname: "asc" }, { id: "asc" }],
  });
  const targets = await migrationTargets(tx, { sourceHostId: hostId, now });
  const chosen = targets.filter((t) => !targetHostIds || targetHostIds.includes(t.id));
  const rows: DrainRow[] = jails.map((j) => {
    const waits =
      j.state !== "RUNNING" && j.state !== "STOPPED"
        ? `it is ${j.state.toLowerCase()}`
        : j._count.jobs > 0
          ? "it has work queued or running"
          : null;
    const target = waits ? null : takeTarget(chosen);
    return { jail: { id: j.id, hostname: j.hostname, account: j.account }, target: target && { id: target.id, name: target.name }, waits };
  });
  return { rows, targets };
}

/**
 * The drain plan for live host `hostId`: every jail not already moving, the host it would move to
 * (among `targetHostIds` when given), or why it waits.
 * @throws AppError FORBIDDEN, NOT_FOUND, PRECONDITION (the host is dead: evacuate it instead).
 */
export async function planDrain({ actor, hostId, targetHostIds, now = new Date() }: HostPlanRequest) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const host = await tx.host.findFirst({ where: { id: hostId, removedAt: null }, select: { id: true, name: true, status: true } });
    if (!host) throw notFound("That host");
    if (host.status === "DEAD") throw new AppError("PRECONDITION", `${host.name} was declared dead: evacuate it instead.`);
    return { host, ...(await drainRows(tx, { hostId, now, targetHostIds })) };
  });
}

/**
 * Drains host `hostId` (its name typed): DRAINING, so it takes no new jails, and a move queued
 * for each jail of the plan (computed again under the host's lock). Jails that wait (busy, not
 * installed) or for which no host has room stay, to drain again later.
 * @returns how many moves were queued and how many jails stay.
 * @throws AppError FORBIDDEN, NOT_FOUND, VALIDATION (name), PRECONDITION (dead, or not enrolled).
 */
export async function drainHost({
  actor,
  hostId,
  confirmName,
  targetHostIds,
  now = new Date(),
}: HostConfirmation & { targetHostIds?: string[] }): Promise<{ moving: number; left: number }> {
  assertStaff(actor, "ADMIN");
  const made = await db.$transaction(async (tx) => {
    const [host] = await tx.$queryRaw<Array<{ id: string; name: string; status: string; removedAt: Date | null; enrolledAt: Date | null }>>`
      SELECT "id", "name", "status"::text AS "status", "removedAt", "enrolledAt" FROM "Host" WHERE "id" = ${hostId} FOR UPDATE`;
    if (!host || host.removedAt) throw notFound("That host");
    assertHostNameConfirmed(host.name, confirmName);
    if (host.status === "DEAD") throw new AppError("PRECONDITION", `${host.name} was declared dead: evacuate it instead.`);
    if (!host.enrolledAt) throw new AppError("PRECONDITION", `${host.name} has not enrolled yet.`);
    if (host.status !== "DRAINING") await tx.host.update({ where: { id: hostId }, data: { status: "DRAINING" } });
    const { rows } = await drainRows(tx, { hostId, now, targetHostIds });
    let moving = 0;
    let newUser = false;
    for (const row of rows) {
      if (!row.target) continue;
      const r = await queueMove(tx, { actor, jailId: row.jail.id, targetHostId: row.target.id, confirmHostname: null, now });
      newUser ||= r.newUser;
      moving++;
    }
    await recordAudit(tx, {
      actor,
      action: "host.drain",
      targetType: "Host",
      targetId: hostId,
      data: { moving, left: rows.length - moving },
    });
    return { moving, left: rows.length - moving, newUser };
  });
  if (made.newUser) await writeBackupHtpasswd(db);
  return { moving: made.moving, left: made.left };
}

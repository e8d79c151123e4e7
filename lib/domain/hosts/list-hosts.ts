import { getBackupHealth } from "@/lib/domain/backups/get-backup-health";
import { db } from "@/lib/db";
import { hostHealth } from "./host-health";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { notFound } from "@/lib/errors";

export const HOSTS_PAGE_SIZE = 50;
export const HOST_JAILS_PAGE_SIZE = 50;

/** Hosts in the fleet with their load and health, for the admin console. Counts are grouped queries, not N+1. */
export async function listHosts({ actor, page, now = new Date() }: { actor: StaffActor; page: number; now?: Date }) {
  assertStaff(actor);
  const where = { removedAt: null };
  const [hosts, total] = await Promise.all([
    db.host.findMany({ where, orderBy: [{ name: "asc" }], skip: (page - 1) * HOSTS_PAGE_SIZE, take: HOSTS_PAGE_SIZE }),
    db.host.count({ where }),
  ]);
  const ids = hosts.map((h) => h.id);
  const [jails, drift] = await Promise.all([
    db.jail.groupBy({ by: ["hostId"], where: { hostId: { in: ids }, destroyedAt: null }, _count: { _all: true } }),
    db.hostDrift.groupBy({ by: ["hostId"], where: { hostId: { in: ids }, resolvedAt: null }, _count: { _all: true } }),
  ]);
  const jailCount = new Map(jails.map((j) => [j.hostId, j._count._all]));
  const driftCount = new Map(drift.map((d) => [d.hostId, d._count._all]));
  return {
    total,
    rows: hosts.map((h) => ({
      ...h,
      health: hostHealth(h.lastHeartbeatAt, now),
      jails: jailCount.get(h.id) ?? 0,
      drift: driftCount.get(h.id) ?? 0,
    })),
  };
}

/**
 * One host with a page of its jails, its drift, the pools it takes addresses from (its own and
 * its group's, with use) and recent jobs. @throws AppError NOT_FOUND.
 */
export async function getHost({
  actor,
  hostId,
  jailsPage = 1,
  now = new Date(),
}: {
  actor: StaffActor;
  hostId: string;
  jailsPage?: number;
  now?: Date;
}) {
  assertStaff(actor);
  const host = await db.host.findUnique({ where: { id: hostId }, include: { group: { select: { id: true, name: true } } } });
  if (!host) throw notFound("That host");
  const [jails, liveJails, drift, pools, recentJobs] = await Promise.all([
    db.jail.findMany({
      where: { hostId, destroyedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (jailsPage - 1) * HOST_JAILS_PAGE_SIZE,
      take: HOST_JAILS_PAGE_SIZE,
      select: {
        id: true,
        name: true,
        hostname: true,
        state: true,
        createdAt: true,
        account: { select: { id: true, name: true } },
        plan: { select: { name: true } },
      },
    }),
    db.jail.count({ where: { hostId, destroyedAt: null } }),
    db.hostDrift.findMany({
      where: { hostId, resolvedAt: null },
      orderBy: { detectedAt: "desc" },
      take: 100,
    }),
    db.ipPool.findMany({
      where: { OR: [{ hostId }, ...(host.groupId ? [{ groupId: host.groupId }] : [])], retiredAt: null },
      orderBy: [{ kind: "asc" }, { name: "asc" }],
      include: { ranges: { where: { retiredAt: null }, select: { cidr: true } } },
    }),
    db.job.findMany({
      where: { hostId },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, type: true, status: true, createdAt: true, error: true },
    }),
  ]);
  const usage = pools.length
    ? await db.$queryRaw<Array<{ poolId: string; total: number; assigned: number }>>`
        SELECT "poolId", count(*)::int AS "total", count("jailId")::int AS "assigned"
        FROM "IpAddress" WHERE "poolId" = ANY(${pools.map((p) => p.id)}) GROUP BY "poolId"`
    : [];
  const driftJails = drift.some((d) => d.jailId)
    ? await db.jail.findMany({
        where: { id: { in: drift.flatMap((d) => (d.jailId ? [d.jailId] : [])) } },
        select: { id: true, hostname: true, state: true, desiredState: true, templateId: true },
      })
    : [];
  const repairJobs = drift.some((d) => d.repairJobId)
    ? await db.job.findMany({
        where: { id: { in: drift.flatMap((d) => (d.repairJobId ? [d.repairJobId] : [])) } },
        select: { id: true, type: true, status: true, error: true },
      })
    : [];
  const backupHealth = await getBackupHealth({ actor, jailIds: jails.map((j) => j.id) });
  return {
    host,
    health: hostHealth(host.lastHeartbeatAt, now),
    jails,
    liveJails,
    drift: drift.map((d) => ({
      ...d,
      jail: driftJails.find((j) => j.id === d.jailId) ?? null,
      repairJob: repairJobs.find((j) => j.id === d.repairJobId) ?? null,
    })),
    pools: pools.map((p) => {
      const u = usage.find((x) => x.poolId === p.id);
      return { ...p, shared: p.hostId === null, total: u?.total ?? 0, assigned: u?.assigned ?? 0 };
    }),
    recentJobs,
    backupHealth,
  };
}

/** The host's form values and the groups it may join. @throws AppError NOT_FOUND. */
export async function getHostForEdit({ actor, hostId }: { actor: StaffActor; hostId: string }) {
  assertStaff(actor, "ADMIN");
  const host = await db.host.findFirst({ where: { id: hostId, removedAt: null } });
  if (!host) throw notFound("That host");
  const [groups, liveJails, everHeld] = await Promise.all([
    db.hostGroup.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true }, take: 1000 }),
    db.jail.count({ where: { hostId, destroyedAt: null } }),
    db.jail.count({ where: { hostId } }),
  ]);
  return { host, groups, liveJails, everHeld };
}

import { getBackupHealth } from "@/lib/domain/backups/get-backup-health";
import { db } from "@/lib/db";
import { hostHealth } from "./host-health";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { notFound } from "@/lib/errors";

export const HOSTS_PAGE_SIZE = 50;

/** Hosts with their load and health, for the admin console. Counts are grouped queries, not N+1. */
export async function listHosts({ actor, page, now = new Date() }: { actor: StaffActor; page: number; now?: Date }) {
  assertStaff(actor);
  const [hosts, total] = await Promise.all([
    db.host.findMany({ orderBy: [{ name: "asc" }], skip: (page - 1) * HOSTS_PAGE_SIZE, take: HOSTS_PAGE_SIZE }),
    db.host.count(),
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

/** One host with its jails, drift, address use and recent jobs. @throws AppError NOT_FOUND. */
export async function getHost({ actor, hostId, now = new Date() }: { actor: StaffActor; hostId: string; now?: Date }) {
  assertStaff(actor);
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host) throw notFound("That host");
  const [jails, drift, addresses, recentJobs] = await Promise.all([
    db.jail.findMany({
      where: { hostId, destroyedAt: null },
      orderBy: { createdAt: "desc" },
      take: 100,
      select: {
        id: true,
        name: true,
        hostname: true,
        state: true,
        createdAt: true,
        account: { select: { name: true } },
        plan: { select: { name: true } },
      },
    }),
    db.hostDrift.findMany({ where: { hostId, resolvedAt: null }, orderBy: { detectedAt: "desc" }, take: 100 }),
    db.ipAddress.groupBy({ by: ["kind"], where: { hostId }, _count: { _all: true, jailId: true } }),
    db.job.findMany({
      where: { hostId },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, type: true, status: true, createdAt: true, error: true },
    }),
  ]);
  const liveJails = await db.jail.count({ where: { hostId, destroyedAt: null } });
  const backupHealth = await getBackupHealth({ actor, jailIds: jails.map((j) => j.id) });
  return { host, health: hostHealth(host.lastHeartbeatAt, now), jails, liveJails, drift, addresses, recentJobs, backupHealth };
}

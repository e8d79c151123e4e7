// What the admin console reads about moves and evacuations.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { migrationTargets, type MigrationTarget } from "./migration-targets";

const migrationSelect = {
  id: true,
  kind: true,
  status: true,
  error: true,
  downtimeMs: true,
  stoppedAt: true,
  createdAt: true,
  finishedAt: true,
  sourceWipedAt: true,
  sourceHostId: true,
  targetHostId: true,
  outJobId: true,
  inJobId: true,
  jail: { select: { id: true, hostname: true, account: { select: { id: true, name: true } } } },
} as const;

async function withHostsAndJobs<T extends { sourceHostId: string; targetHostId: string; outJobId: string | null; inJobId: string | null }>(
  rows: T[],
) {
  const hostIds = [...new Set(rows.flatMap((r) => [r.sourceHostId, r.targetHostId]))];
  const jobIds = rows.flatMap((r) => [r.outJobId, r.inJobId]).filter((x): x is string => !!x);
  const [hosts, jobs] = await Promise.all([
    db.host.findMany({ where: { id: { in: hostIds } }, select: { id: true, name: true } }),
    db.job.findMany({
      where: { id: { in: jobIds } },
      select: { id: true, type: true, status: true, progressPercent: true, progressMessage: true },
    }),
  ]);
  const hostName = new Map(hosts.map((h) => [h.id, h.name]));
  const job = new Map(jobs.map((j) => [j.id, j]));
  return rows.map((r) => ({
    ...r,
    source: { id: r.sourceHostId, name: hostName.get(r.sourceHostId) ?? "?" },
    target: { id: r.targetHostId, name: hostName.get(r.targetHostId) ?? "?" },
    /** The job that runs now (the target's once it is queued). */
    job: (r.inJobId && job.get(r.inJobId)) || (r.outJobId && job.get(r.outJobId)) || null,
  }));
}

/**
 * The moves and evacuations out of host `hostId`, newest first (at most 200).
 * @throws AppError FORBIDDEN (not an admin), NOT_FOUND (no such host).
 */
export async function listHostMigrations({ actor, hostId }: { actor: StaffActor; hostId: string }) {
  assertStaff(actor, "ADMIN");
  const host = await db.host.findUnique({ where: { id: hostId }, select: { id: true } });
  if (!host) throw notFound("That host");
  const rows = await db.migration.findMany({
    where: { sourceHostId: hostId },
    select: migrationSelect,
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return withHostsAndJobs(rows);
}

/**
 * The jail's moves, newest first, and the hosts it could move to now.
 * @throws AppError FORBIDDEN, NOT_FOUND.
 */
export async function getJailMoves({ actor, jailId, now = new Date() }: { actor: StaffActor; jailId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const jail = await db.jail.findUnique({ where: { id: jailId }, select: { id: true, hostId: true } });
  if (!jail) throw notFound("That jail");
  const rows = await db.migration.findMany({ where: { jailId }, select: migrationSelect, orderBy: { createdAt: "desc" }, take: 20 });
  const targets = await db.$transaction((tx) => migrationTargets(tx, { sourceHostId: jail.hostId, now }));
  return { migrations: await withHostsAndJobs(rows), targets: targets satisfies MigrationTarget[] };
}

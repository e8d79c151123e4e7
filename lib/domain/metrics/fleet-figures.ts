// The few figures an operator watches, computed one way for the admin overview and for the
// Prometheus scrape: the job queue by status, how long the oldest queued job has waited, and
// hosts by health. Each is one indexed query.
import { db } from "@/lib/db";
import { healthThresholds } from "@/lib/domain/hosts/host-health";
import type { JobStatus } from "@/lib/generated/prisma/enums";

export type FleetFigures = {
  jobsByStatus: Record<JobStatus, number>;
  /** Seconds the oldest due QUEUED job has waited (0 when none is waiting). */
  oldestQueuedSeconds: number;
  hostsByHealth: { online: number; stale: number; offline: number; never: number };
};

/** Open jobs counted exactly; ended ones only over the last day (the table grows without bound). */
export async function getFleetFigures({ now = new Date() }: { now?: Date } = {}): Promise<FleetFigures> {
  const { staleAfterMs, offlineAfterMs } = healthThresholds();
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [open, ended, oldest, hosts] = await Promise.all([
    db.job.groupBy({ by: ["status"], where: { status: { in: ["QUEUED", "RUNNING"] } }, _count: { _all: true } }),
    db.job.groupBy({
      by: ["status"],
      where: { status: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] }, finishedAt: { gte: dayAgo } },
      _count: { _all: true },
    }),
    db.job.findFirst({ where: { status: "QUEUED", runAfter: { lte: now } }, orderBy: { runAfter: "asc" }, select: { runAfter: true } }),
    db.$queryRaw<Array<{ online: number; stale: number; offline: number; never: number }>>`
      SELECT
        count(*) FILTER (WHERE "lastHeartbeatAt" > ${new Date(now.getTime() - staleAfterMs)})::int AS "online",
        count(*) FILTER (WHERE "lastHeartbeatAt" <= ${new Date(now.getTime() - staleAfterMs)} AND "lastHeartbeatAt" > ${new Date(now.getTime() - offlineAfterMs)})::int AS "stale",
        count(*) FILTER (WHERE "lastHeartbeatAt" <= ${new Date(now.getTime() - offlineAfterMs)})::int AS "offline",
        count(*) FILTER (WHERE "lastHeartbeatAt" IS NULL)::int AS "never"
      FROM "Host"`,
  ]);
  const jobsByStatus = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 } as Record<JobStatus, number>;
  for (const g of [...open, ...ended]) jobsByStatus[g.status] = g._count._all;
  return {
    jobsByStatus,
    oldestQueuedSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.runAfter.getTime()) / 1000)) : 0,
    hostsByHealth: hosts[0] ?? { online: 0, stale: 0, offline: 0, never: 0 },
  };
}

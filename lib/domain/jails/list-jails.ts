import { db } from "@/lib/db";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES, JOB_IN_PROGRESS } from "./jail-capabilities";

export const JAILS_PAGE_SIZE = 25;

/** The caller's jails, newest first, live ones only unless asked; one page at a time. */
export async function listJails({
  actor,
  page: requested = 1,
  includeDestroyed = false,
}: {
  actor: CustomerActor;
  page?: number;
  includeDestroyed?: boolean;
}) {
  assertScope(actor);
  const page = Math.max(1, requested);
  const where = { accountId: actor.accountId, ...(includeDestroyed ? {} : { destroyedAt: null }) };
  const [rows, total] = await Promise.all([
    db.jail.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * JAILS_PAGE_SIZE,
      take: JAILS_PAGE_SIZE,
      select: {
        id: true,
        hostname: true,
        state: true,
        desiredState: true,
        lastError: true,
        createdAt: true,
        plan: { select: { name: true } },
        ipAddresses: { where: { kind: "PUBLIC" }, select: { address: true } },
        jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { type: true }, take: 1, orderBy: { createdAt: "asc" } },
      },
    }),
    db.jail.count({ where }),
  ]);
  return {
    page,
    pageSize: JAILS_PAGE_SIZE,
    total,
    jails: rows.map(({ ipAddresses, jobs, ...j }) => ({
      ...j,
      publicIp: ipAddresses[0]?.address ?? null,
      inProgress: jobs[0] ? JOB_IN_PROGRESS[jobs[0].type] : null,
    })),
  };
}

// A jail's history: every job asked of its host, newest first, with who asked for it.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope } from "./customer-actor";

export const ACTIVITY_PAGE_SIZE = 20;

export async function listJailActivity(accountId: string, jailId: string, opts: { page?: number; pageSize?: number } = {}) {
  assertScope(accountId, jailId);
  const jail = await db.jail.findFirst({ where: { id: jailId, accountId }, select: { id: true, hostname: true } });
  if (!jail) throw notFound("That jail");
  const pageSize = opts.pageSize ?? ACTIVITY_PAGE_SIZE;
  const page = Math.max(1, opts.page ?? 1);
  const where = { jailId: jail.id, jail: { accountId } };
  const [jobs, total] = await Promise.all([
    db.job.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      // Never the payload: it may hold a password hash until the job ends.
      select: {
        id: true,
        type: true,
        status: true,
        error: true,
        attempts: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        requestedBy: { select: { name: true, role: true } },
      },
    }),
    db.job.count({ where }),
  ]);
  return {
    jail,
    page,
    pageSize,
    total,
    jobs: jobs.map(({ requestedBy, ...j }) => ({
      ...j,
      // Staff names are not shown to customers; jobs without a requester come from Cellblock itself.
      requestedBy: !requestedBy ? "Cellblock" : requestedBy.role === "CUSTOMER" ? requestedBy.name : "Cellblock staff",
    })),
  };
}

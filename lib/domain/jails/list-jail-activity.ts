// A jail's history: every job asked of its host, newest first, with who asked for it.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { explainJobFailure } from "@/lib/domain/jobs/explain-job-failure";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";

export const ACTIVITY_PAGE_SIZE = 20;

/** One page of the jail's jobs, newest first. @throws AppError NOT_FOUND for another account's jail. */
export async function listJailActivity({
  actor,
  jailId,
  page: requested = 1,
  pageSize = ACTIVITY_PAGE_SIZE,
}: {
  actor: CustomerActor;
  jailId: string;
  page?: number;
  pageSize?: number;
}) {
  assertScope(actor, jailId);
  const accountId = actor.accountId;
  const jail = await db.jail.findFirst({ where: { id: jailId, accountId }, select: { id: true, hostname: true } });
  if (!jail) throw notFound("That jail");
  const page = Math.max(1, requested);
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
    jobs: jobs.map(({ requestedBy, error, ...j }) => ({
      ...j,
      // The host's raw words stay with staff; the customer reads what happened, in words.
      errorText: j.status === "FAILED" ? explainJobFailure({ type: j.type, error }) : null,
      // Staff names are not shown to customers; jobs without a requester come from Cellblock itself.
      requestedBy: !requestedBy ? "Cellblock" : requestedBy.role === "CUSTOMER" ? requestedBy.name : "Cellblock staff",
    })),
  };
}

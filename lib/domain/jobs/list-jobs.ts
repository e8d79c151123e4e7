import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { JOB_TYPES } from "@/lib/schemas/jobs";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { notFound } from "@/lib/errors";
import { keysetPage, type ListCursor } from "@/lib/domain/keyset";

export const JOBS_PAGE_SIZE = 50;
export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;

export type JobFilter = { hostId?: string; status?: (typeof JOB_STATUSES)[number]; type?: (typeof JOB_TYPES)[number] };

/**
 * One page of the fleet's jobs (JOBS_PAGE_SIZE), newest first by (createdAt, id), filtered by
 * host, status and type. Keyset-paged: `cursor` is where the page starts (see lib/domain/keyset),
 * and the result carries the cursors of the newer and older pages — no OFFSET, no count.
 */
export async function listJobs({ actor, filter, cursor = {} }: { actor: StaffActor; filter: JobFilter; cursor?: ListCursor }) {
  assertStaff(actor);
  const where: Prisma.JobWhereInput = {};
  if (filter.hostId) where.hostId = filter.hostId;
  if (filter.status) where.status = filter.status;
  if (filter.type) where.type = filter.type;
  return keysetPage({
    cursor,
    pageSize: JOBS_PAGE_SIZE,
    fetch: (q) =>
      db.job.findMany({
        where: { AND: [where, q.where] },
        orderBy: q.orderBy,
        take: q.take,
        select: {
          id: true,
          type: true,
          status: true,
          attempts: true,
          maxAttempts: true,
          createdAt: true,
          finishedAt: true,
          error: true,
          host: { select: { id: true, name: true } },
          jail: { select: { id: true, hostname: true, name: true } },
          requestedBy: { select: { email: true } },
        },
      }),
  });
}

/** One job with its host, jail and requester. @throws AppError NOT_FOUND. */
export async function getJob({ actor, jobId }: { actor: StaffActor; jobId: string }) {
  assertStaff(actor);
  const job = await db.job.findUnique({
    where: { id: jobId },
    include: {
      host: { select: { id: true, name: true } },
      jail: { select: { id: true, hostname: true, name: true } },
      requestedBy: { select: { email: true } },
    },
  });
  if (!job) throw notFound("That job");
  return job;
}

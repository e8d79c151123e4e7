import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { JOB_TYPES } from "@/lib/schemas/jobs";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { notFound } from "@/lib/errors";

export const JOBS_PAGE_SIZE = 50;
export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;

export type JobFilter = { hostId?: string; status?: (typeof JOB_STATUSES)[number]; type?: (typeof JOB_TYPES)[number] };

export async function listJobs({ actor, filter, page }: { actor: StaffActor; filter: JobFilter; page: number }) {
  assertStaff(actor);
  const where: Prisma.JobWhereInput = {};
  if (filter.hostId) where.hostId = filter.hostId;
  if (filter.status) where.status = filter.status;
  if (filter.type) where.type = filter.type;
  const rows = await db.job.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * JOBS_PAGE_SIZE,
    take: JOBS_PAGE_SIZE + 1,
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
  });
  return { rows: rows.slice(0, JOBS_PAGE_SIZE), hasMore: rows.length > JOBS_PAGE_SIZE };
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

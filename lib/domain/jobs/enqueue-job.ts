// The one way work reaches a host: a Job row, written in the caller's transaction next to the
// state change it serves. A trigger (see schema.prisma) NOTIFYs the host's long-polling agent
// when the transaction commits.
import crypto from "node:crypto";
import type { Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { jobPayloads, type JobPayload, type JobType } from "@/lib/schemas/jobs";

export type EnqueueJobInput<T extends JobType> = {
  hostId: string;
  jailId?: string | null;
  type: T;
  payload: JobPayload<T>;
  requestedById?: string | null;
  /** Same key → same job: a resubmitted request finds the job it already queued. */
  idempotencyKey?: string;
  maxAttempts?: number;
  /** Not before this job has succeeded (a CREATE waiting for its template's build). */
  dependsOnId?: string | null;
};

/**
 * Queues a job in the caller's transaction after checking its payload against the job type's
 * schema; a known idempotency key returns the job it already made.
 * @throws ZodError when the payload does not fit the job type.
 */
export async function enqueueJob<T extends JobType>(tx: Tx, input: EnqueueJobInput<T>) {
  if (!input.hostId) throw new Error("enqueueJob: hostId is required");
  const payload = jobPayloads[input.type].parse(input.payload) as Prisma.InputJsonValue;
  const idempotencyKey = input.idempotencyKey ?? `${input.type.toLowerCase()}:${input.jailId ?? input.hostId}:${crypto.randomUUID()}`;
  const existing = await tx.job.findUnique({ where: { idempotencyKey } });
  if (existing) return existing;
  return tx.job.create({
    data: {
      hostId: input.hostId,
      jailId: input.jailId ?? null,
      type: input.type,
      payload,
      idempotencyKey,
      requestedById: input.requestedById ?? null,
      maxAttempts: input.maxAttempts ?? 5,
      dependsOnId: input.dependsOnId ?? null,
    },
  });
}

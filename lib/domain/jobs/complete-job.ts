import type { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";
import type { completeRequest } from "@/lib/schemas/agent";
import { backoffMs } from "./job-config";
import { endJob, hasAttemptsLeft, requeueJob } from "./end-job";
import type { HostJobReport } from "./host-report";

export type Completion = z.infer<typeof completeRequest>;

/**
 * The agent's report on a job it leased. Success ends the job and applies it to the jail; a
 * retryable failure with attempts left goes back to the queue with capped exponential backoff
 * (backoffMs); a fatal one, or the last attempt, ends FAILED with the reason — all in one
 * transaction through endJob / requeueJob. A repeated report (the agent retrying after a lost
 * response) changes nothing and says so (`duplicate: true`).
 * @throws AppError NOT_FOUND for an unknown job, FORBIDDEN for another host's job, CONFLICT for a
 *   report from an attempt whose lease was handed on (or for a job back in the queue).
 */
export async function completeJob({ hostId, jobId, report, now = new Date() }: HostJobReport<Completion>) {
  if (!hostId || !jobId) throw new Error("completeJob: hostId and jobId are required");
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Job[]>`SELECT * FROM "Job" WHERE "id" = ${jobId} FOR UPDATE`;
    const job = rows[0];
    if (!job) throw new AppError("NOT_FOUND", "No such job.");
    // Scoped to the reporting host: another host's job is refused.
    if (job.hostId !== hostId) throw new AppError("FORBIDDEN", "This job belongs to another host.");
    if (job.status !== "QUEUED" && job.status !== "RUNNING") return { status: job.status, duplicate: true };
    // The lease was handed to another attempt (this one's ran out): only that attempt may report.
    if (report.attempt !== undefined && (job.status !== "RUNNING" || job.attempts !== report.attempt)) {
      throw new AppError(
        "CONFLICT",
        `This job's lease was handed to attempt ${job.attempts}; the report of attempt ${report.attempt} is refused.`,
      );
    }
    if (report.status === "SUCCEEDED") {
      await endJob(tx, { job, ending: { status: "SUCCEEDED", result: report.result, output: report.output }, now });
      return { status: "SUCCEEDED" as const, duplicate: false };
    }
    if (report.retryable && hasAttemptsLeft(job)) {
      const runAfter = new Date(now.getTime() + backoffMs(job.attempts));
      await requeueJob(tx, { job, runAfter, error: report.error, output: report.output ?? null });
      return { status: "QUEUED" as const, duplicate: false };
    }
    await endJob(tx, { job, ending: { status: "FAILED", error: report.error, output: report.output }, now });
    return { status: "FAILED" as const, duplicate: false };
  });
}

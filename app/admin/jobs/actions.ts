"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { cancelJob, retryJob } from "@/lib/domain/jobs/admin-jobs";
import { jobIdSchema } from "@/lib/schemas/hosts";

export const retryJobAction = adminAction(jobIdSchema, async ({ jobId }, { actor }) => {
  await retryJob({ actor, jobId });
  revalidatePath("/admin/jobs");
  return { ok: true, message: "Queued again." };
});

export const cancelJobAction = adminAction(jobIdSchema, async ({ jobId }, { actor }) => {
  await cancelJob({ actor, jobId });
  revalidatePath("/admin/jobs");
  return { ok: true, message: "Cancelled." };
});

import { agentRoute } from "@/lib/http/agent-route";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { AGENT_BODY_LIMIT, completeRequest } from "@/lib/schemas/agent";
import { id as idSchema } from "@/lib/schemas/common";
import { AppError } from "@/lib/errors";

type Ctx = { params: Promise<{ id: string }> };

export const POST = agentRoute<typeof completeRequest, Ctx>(completeRequest, AGENT_BODY_LIMIT, async ({ host, body, ctx }) => {
  const jobId = idSchema.safeParse((await ctx.params).id);
  if (!jobId.success) throw new AppError("NOT_FOUND", "No such job.");
  return completeJob({ hostId: host.id, jobId: jobId.data, report: body });
});

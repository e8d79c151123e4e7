import { agentRoute } from "@/lib/http/agent-route";
import { recordJobProgress } from "@/lib/domain/jobs/record-job-progress";
import { AppError } from "@/lib/errors";
import { AGENT_BODY_LIMIT, jobProgressRequest } from "@/lib/schemas/agent";
import { id as idSchema } from "@/lib/schemas/common";

type Ctx = { params: Promise<{ id: string }> };

export const POST = agentRoute<typeof jobProgressRequest, Ctx>(jobProgressRequest, AGENT_BODY_LIMIT, async ({ host, body, ctx }) => {
  const jobId = idSchema.safeParse((await ctx.params).id);
  if (!jobId.success) throw new AppError("NOT_FOUND", "No such job.");
  const { leaseExpiresAt } = await recordJobProgress({ hostId: host.id, jobId: jobId.data, report: body });
  return { leaseExpiresAt: leaseExpiresAt.toISOString() };
});

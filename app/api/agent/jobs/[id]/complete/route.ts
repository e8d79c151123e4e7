import { agentRoute } from "@/lib/http/agent-route";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { AGENT_BODY_LIMIT, completeRequest } from "@/lib/schemas/agent";

type Ctx = { params: Promise<{ id: string }> };

export const POST = agentRoute<typeof completeRequest, Ctx>(completeRequest, AGENT_BODY_LIMIT, async ({ host, body, ctx }) => {
  const { id } = await ctx.params;
  return completeJob(host.id, id.slice(0, 64), body);
});

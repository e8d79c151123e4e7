import { agentRoute } from "@/lib/http/agent-route";
import { recordHeartbeat } from "@/lib/domain/hosts/record-heartbeat";
import { AGENT_USAGE_BODY_LIMIT, heartbeatRequest } from "@/lib/schemas/agent";

export const POST = agentRoute(heartbeatRequest, AGENT_USAGE_BODY_LIMIT, async ({ host, body }) => {
  await recordHeartbeat(host.id, body);
  return {
    serverTime: new Date().toISOString(),
    usageIntervalSeconds: Number(process.env.USAGE_INTERVAL ?? 300),
    hogCpuPercent: Number(process.env.HOG_CPU_PERCENT ?? 80),
    hogSeconds: Number(process.env.HOG_SECONDS ?? 300),
  };
});

import { hostsConfig } from "@/lib/config/server";
import { metrics } from "@/lib/server/metrics";
import { agentRoute } from "@/lib/http/agent-route";
import { recordHeartbeat } from "@/lib/domain/hosts/record-heartbeat";
import { fleetHeartbeatIntervalSeconds } from "@/lib/domain/hosts/heartbeat-interval";
import { AGENT_USAGE_BODY_LIMIT, heartbeatRequest } from "@/lib/schemas/agent";

export const POST = agentRoute(heartbeatRequest, AGENT_USAGE_BODY_LIMIT, async ({ host, body }) => {
  await recordHeartbeat(host.id, body);
  metrics().heartbeats.inc();
  return {
    serverTime: new Date().toISOString(),
    heartbeatIntervalSeconds: await fleetHeartbeatIntervalSeconds(),
    usageIntervalSeconds: hostsConfig().USAGE_INTERVAL,
    hogCpuPercent: hostsConfig().HOG_CPU_PERCENT,
    hogSeconds: hostsConfig().HOG_SECONDS,
    // Declared dead: its jails were evacuated, so its agent must start none of them.
    fenced: host.status === "DEAD",
  };
});

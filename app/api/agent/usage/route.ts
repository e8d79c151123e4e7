import { agentRoute } from "@/lib/http/agent-route";
import { ingestUsage } from "@/lib/domain/usage/ingest-usage";
import { AGENT_USAGE_BODY_LIMIT, usageRequest } from "@/lib/schemas/agent";
import { metrics } from "@/lib/server/metrics";

export const POST = agentRoute(usageRequest, AGENT_USAGE_BODY_LIMIT, async ({ host, body }) => {
  const result = await ingestUsage(host.id, body);
  metrics().usageSamples.inc(body.samples.length);
  return result;
});

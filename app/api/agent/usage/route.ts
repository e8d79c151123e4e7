import { agentRoute } from "@/lib/http/agent-route";
import { ingestUsage } from "@/lib/domain/usage/ingest-usage";
import { AGENT_USAGE_BODY_LIMIT, usageRequest } from "@/lib/schemas/agent";

export const POST = agentRoute(usageRequest, AGENT_USAGE_BODY_LIMIT, ({ host, body }) => ingestUsage(host.id, body));

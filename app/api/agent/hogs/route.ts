import { agentRoute } from "@/lib/http/agent-route";
import { recordHogEvents } from "@/lib/domain/usage/ingest-usage";
import { AGENT_BODY_LIMIT, hogsRequest } from "@/lib/schemas/agent";

export const POST = agentRoute(hogsRequest, AGENT_BODY_LIMIT, ({ host, body }) => recordHogEvents(host.id, body));

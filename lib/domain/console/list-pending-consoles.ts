// What the agent's console long poll answers (app/api/agent/consoles).
import { db } from "@/lib/db";
import { AGENT_DIAL_SECONDS } from "./console-rules";

/**
 * The sessions host `hostId`'s agent should dial in for: spent tickets of the last
 * AGENT_DIAL_SECONDS whose agent has not attached yet, with the jail's name on the host.
 */
export async function listPendingConsoles({ hostId, now = new Date() }: { hostId: string; now?: Date }) {
  if (!hostId) throw new Error("listPendingConsoles: hostId is required");
  const rows = await db.consoleSession.findMany({
    where: { hostId, status: "CONNECTING", connectedAt: { gt: new Date(now.getTime() - AGENT_DIAL_SECONDS * 1000) } },
    select: { id: true, jail: { select: { name: true } } },
    orderBy: { connectedAt: "asc" },
    take: 20,
  });
  return rows.map((r) => ({ id: r.id, jail: r.jail.name }));
}

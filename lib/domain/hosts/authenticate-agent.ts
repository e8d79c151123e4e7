import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashSecret, sameHash } from "./agent-secrets";

export type AgentHost = { id: string; name: string; driver: "LXC" | "FREEBSD"; status: string };

/**
 * Resolves `Authorization: Bearer <secret>` to its host. Every agent endpoint scopes all it
 * does to the host returned here: a host can never see or touch another host's jobs or jails.
 */
export async function authenticateAgent(authorization: string | null): Promise<AgentHost> {
  const secret = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(authorization ?? "")?.[1];
  if (!secret) throw new AppError("UNAUTHENTICATED", "Missing or malformed agent credentials.");
  const digest = hashSecret(secret);
  const host = await db.host.findUnique({
    where: { agentTokenHash: digest },
    select: { id: true, name: true, driver: true, status: true, agentTokenHash: true },
  });
  // The lookup is by digest; the constant-time compare guards against any index quirk.
  if (!host || !host.agentTokenHash || !sameHash(host.agentTokenHash, digest)) {
    throw new AppError("UNAUTHENTICATED", "Unknown agent credentials. Enrol the host again.");
  }
  return { id: host.id, name: host.name, driver: host.driver, status: host.status };
}

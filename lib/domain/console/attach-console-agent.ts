// The host's agent dials in for a session (lib/server/console-gateway.ts).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

/**
 * The agent of host `hostId` attaches to session `sessionId`: CONNECTING → OPEN.
 * @returns the jail's name on the host.
 * @throws AppError NOT_FOUND for a session that is not this host's or not waiting for an agent.
 */
export async function attachConsoleAgent({ hostId, sessionId, now = new Date() }: { hostId: string; sessionId: string; now?: Date }) {
  if (!hostId || !sessionId) throw notFound("That console session");
  const updated = await db.consoleSession.updateMany({
    where: { id: sessionId, hostId, status: "CONNECTING" },
    data: { status: "OPEN", openedAt: now, seenAt: now },
  });
  if (updated.count !== 1) throw notFound("That console session");
  const row = await db.consoleSession.findUniqueOrThrow({ where: { id: sessionId }, select: { jail: { select: { name: true } } } });
  return { jail: row.jail.name };
}

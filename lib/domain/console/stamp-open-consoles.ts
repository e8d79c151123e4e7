// The relay's periodic look at the sessions it carries (lib/server/console-gateway.ts).
import { db } from "@/lib/db";
import type { ConsoleEndReason } from "./console-rules";

/**
 * Stamps the sessions this process relays (so they keep their place under the cap) and names
 * those that must close now: the account is no longer active, or the jail no longer runs.
 */
export async function stampOpenConsoles({ sessionIds, now = new Date() }: { sessionIds: string[]; now?: Date }) {
  if (sessionIds.length === 0) return { close: [] as Array<{ id: string; reason: ConsoleEndReason }> };
  await db.consoleSession.updateMany({ where: { id: { in: sessionIds }, status: { in: ["CONNECTING", "OPEN"] } }, data: { seenAt: now } });
  const rows = await db.consoleSession.findMany({
    where: { id: { in: sessionIds } },
    select: { id: true, status: true, jail: { select: { state: true, account: { select: { status: true } } } } },
  });
  const close: Array<{ id: string; reason: ConsoleEndReason }> = [];
  for (const r of rows) {
    if (r.jail.account.status !== "ACTIVE") close.push({ id: r.id, reason: "suspended" });
    else if (r.jail.state !== "RUNNING") close.push({ id: r.id, reason: "jail-stopped" });
  }
  return { close };
}

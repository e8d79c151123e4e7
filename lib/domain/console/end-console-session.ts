// The end of a console session and its one audit row.
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { END_REASONS, type ConsoleEndReason } from "./console-rules";

/**
 * Ends a session (once: a second call changes nothing) and writes its one audit row,
 * "jail.console": who, which jail, when it started and ended, how long, and why it ended —
 * never what was typed. `ip` is the browser's address as the front door saw it.
 * @returns whether this call ended it.
 */
export async function endConsoleSession({
  sessionId,
  reason,
  ip = null,
  now = new Date(),
}: {
  sessionId: string;
  reason: ConsoleEndReason;
  ip?: string | null;
  now?: Date;
}): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await tx.consoleSession.findUnique({
      where: { id: sessionId },
      select: { status: true, userId: true, accountId: true, jailId: true, hostId: true, connectedAt: true, openedAt: true },
    });
    if (!row || row.status === "ENDED") return false;
    const ended = await tx.consoleSession.updateMany({
      where: { id: sessionId, status: { not: "ENDED" } },
      data: { status: "ENDED", endedAt: now, endReason: reason },
    });
    if (ended.count !== 1) return false;
    const startedAt = row.openedAt ?? row.connectedAt ?? now;
    const actor: CustomerActor = { kind: "customer", userId: row.userId, accountId: row.accountId, ip };
    await recordAudit(tx, {
      actor,
      action: "jail.console",
      targetType: "Jail",
      targetId: row.jailId,
      accountId: row.accountId,
      data: {
        sessionId,
        hostId: row.hostId,
        startedAt: startedAt.toISOString(),
        endedAt: now.toISOString(),
        durationSeconds: Math.max(0, Math.round((now.getTime() - startedAt.getTime()) / 1000)),
        shellStarted: row.openedAt !== null,
        reason,
        reasonText: END_REASONS[reason],
      },
    });
    return true;
  });
}

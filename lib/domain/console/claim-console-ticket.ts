// A browser's WebSocket spends its ticket (lib/server/console-gateway.ts), and the jail's host is
// woken to dial in: a NOTIFY on the job channel, which the agent's console long poll listens to.
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { JOBS_CHANNEL, TICKET_PATTERN, consoleEvent, hashTicket, ticketRefusal } from "./console-rules";

/**
 * Spends a ticket for the WebSocket of login `userId` (read from its session cookie): the ticket
 * must be that login's, unspent, unexpired, the account active and the jail running
 * (ticketRefusal). The session becomes CONNECTING and the jail's host is woken (NOTIFY) to dial in.
 * @returns the session's id, jail, host, account and user.
 * @throws AppError FORBIDDEN with the refusal in words.
 */
export async function claimConsoleTicket({ ticket, userId, now = new Date() }: { ticket: string; userId: string; now?: Date }) {
  if (!TICKET_PATTERN.test(ticket) || !userId) throw new AppError("FORBIDDEN", "This console ticket is not valid.");
  return db.$transaction(async (tx) => {
    const row = await tx.consoleSession.findUnique({
      where: { ticketHash: hashTicket(ticket) },
      select: {
        id: true,
        status: true,
        ticketExpiresAt: true,
        userId: true,
        accountId: true,
        hostId: true,
        jailId: true,
        jail: { select: { state: true, hostId: true, account: { select: { status: true } } } },
      },
    });
    const refusal = ticketRefusal(
      row && { ...row, accountStatus: row.jail.account.status, jailState: row.jail.hostId === row.hostId ? row.jail.state : "MOVED" },
      { userId, now },
    );
    if (refusal || !row) throw new AppError("FORBIDDEN", refusal ?? "This console ticket is not valid.");
    // Spent exactly once: a second socket racing with the same ticket updates no row.
    const spent = await tx.consoleSession.updateMany({
      where: { id: row.id, status: "PENDING" },
      data: { status: "CONNECTING", connectedAt: now, seenAt: now },
    });
    if (spent.count !== 1) throw new AppError("FORBIDDEN", "This console ticket was already used.");
    await tx.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, ${consoleEvent(row.hostId)})`;
    return { sessionId: row.id, jailId: row.jailId, hostId: row.hostId, accountId: row.accountId, userId: row.userId };
  });
}

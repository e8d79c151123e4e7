// The jail page's "Open console": a one-time ticket (lib/domain/console/console-rules.ts).
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { consoleConfig } from "@/lib/config/server";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "@/lib/domain/jails/jail-capabilities";
import { lockOwnedJail } from "@/lib/domain/jails/lock-owned-jail";
import { TICKET_TTL_SECONDS, capWhere, hashTicket, newTicket } from "./console-rules";

/**
 * Issues a one-time console ticket for the caller's jail: the jail must be theirs, running and
 * not busy, their account active (jailCapabilities().console), and the jail below
 * CONSOLE_MAX_SESSIONS_PER_JAIL sessions (console-rules.ts, countsAgainstCap). The jail row is
 * locked, so two requests cannot both take the last place.
 * @returns `{ sessionId, ticket, expiresAt }` — the ticket in clear, once; only its hash is kept.
 * @throws AppError NOT_FOUND (not the caller's live jail), PRECONDITION (not running, suspended,
 *   busy, or the cap reached).
 */
export async function requestConsoleTicket({ actor, jailId, now = new Date() }: { actor: CustomerActor; jailId: string; now?: Date }) {
  const { CONSOLE_MAX_SESSIONS_PER_JAIL: cap } = consoleConfig();
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.console);
    const open = await tx.consoleSession.count({ where: { jailId: jail.id, ...capWhere(now) } });
    if (open >= cap)
      throw new AppError(
        "PRECONDITION",
        `This jail already has ${open} console session${open === 1 ? "" : "s"} open, the most it may have. Close one first.`,
      );
    const ticket = newTicket();
    const expiresAt = new Date(now.getTime() + TICKET_TTL_SECONDS * 1000);
    const session = await tx.consoleSession.create({
      data: {
        jailId: jail.id,
        accountId: actor.accountId,
        userId: actor.userId,
        hostId: jail.hostId,
        ticketHash: hashTicket(ticket),
        ticketExpiresAt: expiresAt,
      },
      select: { id: true },
    });
    return { sessionId: session.id, ticket, expiresAt };
  });
}

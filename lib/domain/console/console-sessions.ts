// A browser console session from ticket to audit row. The jail page asks for a ticket
// (requestConsoleTicket); the browser's WebSocket spends it (claimConsoleTicket), which wakes the
// host's agent through the job channel's NOTIFY; the agent dials in (listPendingConsoles,
// attachConsoleAgent); the relay stamps what it carries (stampOpenConsoles) and ends it
// (endConsoleSession), which writes the one audit row. Rules: console-rules.ts.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { consoleConfig } from "@/lib/config/server";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "@/lib/domain/jails/jail-capabilities";
import { lockOwnedJail } from "@/lib/domain/jails/lock-owned-jail";
import {
  AGENT_DIAL_SECONDS,
  END_REASONS,
  TICKET_PATTERN,
  TICKET_TTL_SECONDS,
  capWhere,
  hashTicket,
  newTicket,
  ticketRefusal,
  type ConsoleEndReason,
} from "./console-rules";

/** The NOTIFY channel the agents' long polls listen on (lib/server/job-notifier.ts). */
const CHANNEL = "cellblock_jobs";
/** The notifier event (and NOTIFY payload) that wakes host `hostId`'s console poll. */
export const consoleEvent = (hostId: string) => `console:${hostId}`;

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
    await tx.$executeRaw`SELECT pg_notify(${CHANNEL}, ${consoleEvent(row.hostId)})`;
    return { sessionId: row.id, jailId: row.jailId, hostId: row.hostId, accountId: row.accountId, userId: row.userId };
  });
}

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

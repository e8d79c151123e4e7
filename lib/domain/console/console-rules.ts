// The rules of a browser console session, pure so they can be tested without a database:
// what a ticket is, how long it lives, which sessions count against a jail's cap, and how a
// session's end reads in the audit log.
//
// A ticket is 32 random bytes (base64url), handed to the browser once by a server action and
// stored only as its sha256: a database read cannot replay it. It is spent by the first
// WebSocket that presents it, from the login it was issued to, within TICKET_TTL_SECONDS.
import crypto from "node:crypto";

/** How long an issued ticket may wait for its WebSocket, in seconds. */
export const TICKET_TTL_SECONDS = 60;
/** How often the relaying web process stamps its open sessions (`seenAt`), in seconds. */
export const SEEN_EVERY_SECONDS = 15;
/**
 * A CONNECTING or OPEN session whose relay has not stamped it for this long (its web process
 * died) no longer counts against the cap, in seconds.
 */
export const SEEN_STALE_SECONDS = 3 * SEEN_EVERY_SECONDS;
/** How long a browser that presented its ticket waits for the host's agent to dial in, in seconds. */
export const AGENT_DIAL_SECONDS = 30;

/** Why a session ended, as the audit log and the browser say it. */
export const END_REASONS = {
  idle: "closed after the idle timeout",
  closed: "closed by the browser",
  exited: "the shell exited",
  suspended: "the account was suspended",
  "jail-stopped": "the jail stopped",
  "agent-unavailable": "the host's agent did not connect",
  "agent-closed": "the host's agent closed the connection",
  "server-shutdown": "the web server shut down",
} as const;
export type ConsoleEndReason = keyof typeof END_REASONS;

/** The NOTIFY channel the agents' long polls listen on (lib/server/job-notifier.ts). */
export const JOBS_CHANNEL = "cellblock_jobs";
/** The notifier event (and NOTIFY payload) that wakes host `hostId`'s console poll. */
export const consoleEvent = (hostId: string) => `console:${hostId}`;

/** A fresh ticket: 256 random bits, base64url (43 characters). */
export function newTicket(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** The stored form of a ticket: sha256, hex. */
export function hashTicket(ticket: string): string {
  return crypto.createHash("sha256").update(ticket, "utf8").digest("hex");
}

/** The shape of a ticket as the browser sends it; anything else is refused before a lookup. */
export const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

type CapRow = { status: "PENDING" | "CONNECTING" | "OPEN" | "ENDED"; ticketExpiresAt: Date; seenAt: Date | null };

/**
 * Whether a session takes one of its jail's CONSOLE_MAX_SESSIONS_PER_JAIL places at `now`: an
 * unexpired unspent ticket does, and so does a session being opened or open whose relay stamped
 * it within SEEN_STALE_SECONDS. (Kept in step with `capWhere`, which asks the database the same.)
 */
export function countsAgainstCap(row: CapRow, now: Date): boolean {
  if (row.status === "PENDING") return row.ticketExpiresAt > now;
  if (row.status === "CONNECTING" || row.status === "OPEN")
    return row.seenAt !== null && row.seenAt.getTime() > now.getTime() - SEEN_STALE_SECONDS * 1000;
  return false;
}

/** The Prisma filter for the sessions `countsAgainstCap` counts. */
export function capWhere(now: Date) {
  return {
    OR: [
      { status: "PENDING" as const, ticketExpiresAt: { gt: now } },
      { status: { in: ["CONNECTING" as const, "OPEN" as const] }, seenAt: { gt: new Date(now.getTime() - SEEN_STALE_SECONDS * 1000) } },
    ],
  };
}

/**
 * Why a presented ticket is refused, in words, or null when it may be spent. `userId` is the
 * login on the WebSocket's session cookie; the ticket is bound to the login that asked for it.
 */
export function ticketRefusal(
  row: { status: CapRow["status"]; ticketExpiresAt: Date; userId: string; accountStatus: string; jailState: string } | null,
  { userId, now }: { userId: string; now: Date },
): string | null {
  if (!row) return "This console ticket is not valid.";
  // Same words as an unknown ticket: another login learns nothing about whose it is.
  if (row.userId !== userId) return "This console ticket is not valid.";
  if (row.status !== "PENDING") return "This console ticket was already used.";
  if (row.ticketExpiresAt <= now) return "This console ticket has expired. Open the console again.";
  if (row.accountStatus !== "ACTIVE") return "Your account is suspended: the console is closed until it is settled.";
  if (row.jailState !== "RUNNING") return "The console opens on a running jail.";
  return null;
}

// The "password ok" ticket of a two-step sign-in.
//
// Design: after a correct password for a user with two-factor sign-in, no session is issued.
// The server sets this ticket instead — a short-lived (5 minutes), httpOnly cookie scoped to
// /login, HMAC-signed, naming the user and their sessionVersion — and the login page asks for the
// code. The code step reads the ticket from the cookie (never from the form), checks the code
// under the sign-in rate limit, and only then starts the session. So:
//   - the password is not sent twice nor kept in the browser between the steps;
//   - a ticket is not a session: its key is derived for this purpose only and its format is not
//     next-auth's JWE, so it can never be replayed as a session cookie (next-auth's `encode`
//     with the same secret would have made exactly that possible);
//   - a password change, reset or logout (a sessionVersion bump) kills outstanding tickets;
//   - guessing codes with one ticket is bounded by the same per-address and per-IP counters as
//     guessing passwords, and a correct password does not forgive earlier code failures.
// A simpler "one form, optional code field" design would need the password re-entered or echoed
// back into the page after the first step; the ticket avoids both.
import crypto from "node:crypto";
import { cookies } from "next/headers";
import { authConfig, cookiesSecure } from "@/lib/config/server";

export const SECOND_FACTOR_TICKET_TTL_SECONDS = 5 * 60;

export type SecondFactorTicket = { userId: string; sessionVersion: number; expiresAt: number };

function key(): Buffer {
  return crypto.createHmac("sha256", authConfig().NEXTAUTH_SECRET).update("cellblock second-factor ticket v1").digest();
}

const mac = (payload: string) => crypto.createHmac("sha256", key()).update(payload).digest("base64url");

/** A signed ticket for `userId` at `sessionVersion`, valid for SECOND_FACTOR_TICKET_TTL_SECONDS from `now`. */
export function signSecondFactorTicket({ userId, sessionVersion }: { userId: string; sessionVersion: number }, now = Date.now()): string {
  const body: SecondFactorTicket = { userId, sessionVersion, expiresAt: now + SECOND_FACTOR_TICKET_TTL_SECONDS * 1000 };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `sf1.${payload}.${mac(payload)}`;
}

/** The ticket's contents if it is ours, untampered and unexpired; null otherwise. */
export function readSecondFactorTicket(value: string | undefined | null, now = Date.now()): SecondFactorTicket | null {
  if (!value || value.length > 1000) return null;
  const [prefix, payload, sig] = value.split(".");
  if (prefix !== "sf1" || !payload || !sig) return null;
  const expected = Buffer.from(mac(payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  try {
    const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<SecondFactorTicket>;
    if (typeof body.userId !== "string" || !Number.isInteger(body.sessionVersion) || typeof body.expiresAt !== "number") return null;
    if (body.expiresAt <= now) return null;
    return { userId: body.userId, sessionVersion: body.sessionVersion!, expiresAt: body.expiresAt };
  } catch {
    return null;
  }
}

// ─── the cookie that carries it (server actions and pages only) ───

function ticketCookieName(): string {
  return `${cookiesSecure() ? "__Secure-" : ""}cellblock.second-factor`;
}

/** Sets the ticket after a correct password: httpOnly, for /login only, gone after 5 minutes. */
export async function setSecondFactorTicket(subject: { userId: string; sessionVersion: number }): Promise<void> {
  (await cookies()).set(ticketCookieName(), signSecondFactorTicket(subject), {
    httpOnly: true,
    sameSite: "lax",
    secure: cookiesSecure(),
    path: "/login",
    maxAge: SECOND_FACTOR_TICKET_TTL_SECONDS,
  });
}

/**
 * The current request's valid ticket, or null. `ticketHash` is the sha256 of the cookie's value:
 * what a passkey challenge is bound to (lib/domain/accounts/passkeys.ts), so it answers only to
 * this very ticket.
 */
export async function currentSecondFactorTicket(): Promise<(SecondFactorTicket & { ticketHash: string }) | null> {
  const value = (await cookies()).get(ticketCookieName())?.value;
  const ticket = readSecondFactorTicket(value);
  return ticket && value ? { ...ticket, ticketHash: crypto.createHash("sha256").update(value).digest("hex") } : null;
}

export async function clearSecondFactorTicket(): Promise<void> {
  (await cookies()).set(ticketCookieName(), "", { httpOnly: true, sameSite: "lax", secure: cookiesSecure(), path: "/login", maxAge: 0 });
}

// Who is calling /api/v1: the bearer token (RFC 6750 §2.1) → the same Actor the portal's and
// consoles' guards build from a session (lib/auth/session.ts), so every domain function scopes
// the call exactly as it scopes a click. A cookie never authenticates an API request: this is
// the only way in.
//
// A token works while it is not revoked, not expired, its user is not disabled, its scopes
// are ones its user's role may hold, and — for a customer — the account is ACTIVE (a suspended
// or closed account's tokens stop; the portal still lets the person in to settle). Tokens are
// not tied to sessionVersion: that is bumped by every log-out, which must not end the
// integrations a customer runs. A token is ended by revoking it.
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { customerActor, staffActor, type CustomerActor, type StaffActor } from "@/lib/domain/actor";
import { TOKEN_PATTERN, hashApiToken, scopesAllowedFor } from "./api-token-rules";

export type ApiCaller = {
  tokenId: string;
  scopes: string[];
  actor: CustomerActor | StaffActor;
  /** The user signs in with a second factor (staff routes ask lib/auth/console-access.ts, as the consoles do). */
  twoFactorEnabled: boolean;
};

/** lastUsedAt is written at most this often per token (one UPDATE a minute, not one per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

const unauthenticated = (why: string) => new AppError("UNAUTHENTICATED", why);

/**
 * The caller of an API request, from its `Authorization` header.
 * @param header the raw header value ("Bearer cbk_…").
 * @param ip the client's address (lib/http/client-ip.ts), for the audit log.
 * @throws AppError UNAUTHENTICATED (no bearer token, unknown, revoked or expired token, disabled
 *   login), FORBIDDEN (the customer's account is not active).
 */
export async function authenticateApiToken({
  header,
  ip,
  now = new Date(),
}: {
  header: string | null;
  ip: string | null;
  now?: Date;
}): Promise<ApiCaller> {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  if (!m) throw unauthenticated("Send a personal access token: Authorization: Bearer cbk_…");
  const token = m[1]!;
  if (!TOKEN_PATTERN.test(token)) throw unauthenticated("That is not a Cellblock API token.");
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: {
        select: {
          id: true,
          role: true,
          accountId: true,
          disabledAt: true,
          account: { select: { status: true } },
          twoFactor: { select: { confirmedAt: true } },
        },
      },
    },
  });
  if (!row) throw unauthenticated("This token is not valid.");
  if (row.revokedAt) throw unauthenticated("This token was revoked.");
  if (row.expiresAt <= now) throw unauthenticated("This token has expired. Make a new one under your account settings.");
  const { user } = row;
  if (user.disabledAt) throw unauthenticated("This login is disabled.");
  const allowed = scopesAllowedFor(user.role);
  if (row.scopes.length === 0 || row.scopes.some((s) => !(allowed as readonly string[]).includes(s)))
    throw unauthenticated("This token no longer fits its login's role. Make a new one.");
  let actor: CustomerActor | StaffActor;
  if (user.role === "CUSTOMER") {
    if (!user.accountId || !user.account) throw unauthenticated("This login has no customer account.");
    if (user.account.status !== "ACTIVE")
      throw new AppError("FORBIDDEN", `The account is ${user.account.status.toLowerCase()}: its API tokens work again once it is active.`);
    actor = customerActor({ id: user.id, accountId: user.accountId, ip });
  } else {
    actor = staffActor({ id: user.id, role: user.role, ip });
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests of one token write it once.
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { tokenId: row.id, scopes: row.scopes, actor, twoFactorEnabled: user.twoFactor?.confirmedAt != null };
}

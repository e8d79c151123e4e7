// Who is on a WebSocket. A WebSocket upgrade is handled by the front door (scripts/serve.ts),
// outside Next.js, so getServerSession is not available there; this reads the same session
// cookie with next-auth's own decoder and makes the same check the jwt callback makes on every
// request (lib/auth/options.ts): the token's sessionVersion must still be the user's, so a
// logged-out or password-changed cookie opens nothing.
import "server-only";
import { decode } from "next-auth/jwt";
import { db } from "@/lib/db";
import { authConfig } from "@/lib/config/server";
import { sessionCookieName } from "./options";

/** The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * The signed-in login on a request's `Cookie` header: `{ userId, role, accountId }`, or null when
 * there is no session cookie, it does not decrypt, or it was revoked (sessionVersion bumped).
 */
export async function socketSessionUser(cookieHeader: string | undefined) {
  const value = readCookie(cookieHeader, sessionCookieName());
  if (!value) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: value, secret: authConfig().NEXTAUTH_SECRET });
  } catch {
    return null;
  }
  if (!token?.sub) return null;
  const user = await db.user.findUnique({
    where: { id: token.sub },
    select: { id: true, role: true, accountId: true, sessionVersion: true, disabledAt: true },
  });
  if (!user || user.sessionVersion !== token.sv || user.disabledAt) return null;
  return { userId: user.id, role: user.role, accountId: user.accountId };
}

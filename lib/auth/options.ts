// next-auth configuration: e-mail + password credentials, JWT sessions.
//
// A JWT alone cannot be revoked, so each token carries the user's `sessionVersion` and every
// session read (the jwt callback runs on each getServerSession) compares it with the database.
// Logging out, changing or resetting a password bumps the version: every older cookie, copied
// or not, stops working at once. The same read refreshes role and account from the database,
// so a role change or suspension takes effect on the next request.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { authConfig, cookiesSecure } from "@/lib/config/server";
import { AppError } from "@/lib/errors";
import { authenticate } from "@/lib/domain/accounts/authenticate";
import { completeSecondFactorSignIn } from "@/lib/domain/accounts/two-factor";
import { endAllSessions } from "@/lib/domain/accounts/end-all-sessions";
import { hasSecondFactor, secondFactorSelect } from "@/lib/domain/accounts/second-factor-state";
import { clientIp } from "@/lib/http/client-ip";

class SessionRevoked extends Error {
  constructor() {
    super("session revoked");
    this.name = "SessionRevoked";
  }
}

export const SESSION_MAX_AGE = 60 * 60 * 24 * 7; // a week; refreshed while in use

/**
 * The session cookie's name: `__Secure-` prefixed when cookies are Secure (RFC 6265bis §4.1.3.1).
 * Also read by the front door's WebSocket check (lib/auth/socket-session.ts), which cannot build
 * the full options outside Next.js.
 */
export function sessionCookieName(): string {
  return `${cookiesSecure() ? "__Secure-" : ""}cellblock.session`;
}

export function authOptions(): NextAuthOptions {
  const secure = cookiesSecure();
  const prefix = secure ? "__Secure-" : "";
  const cookie = (name: string, httpOnly = true) => ({
    name: `${prefix}${name}`,
    options: { httpOnly, sameSite: "lax" as const, path: "/", secure },
  });
  return {
    secret: authConfig().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE, updateAge: 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    cookies: {
      sessionToken: { ...cookie("cellblock.session"), name: sessionCookieName() },
      callbackUrl: cookie("cellblock.callback-url"),
      csrfToken: { ...cookie("cellblock.csrf"), name: secure ? "__Host-cellblock.csrf" : "cellblock.csrf" },
    },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        // The login page signs in through its own server action (app/(public)/login/actions.ts);
        // this endpoint stays for API clients and asks for the same second factor: with 2FA on,
        // a password without `code` gets no session.
        credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
        async authorize(credentials, req) {
          const headers = new Headers(req?.headers as Record<string, string> | undefined);
          try {
            const ip = clientIp(headers);
            const outcome = await authenticate({
              email: String(credentials?.email ?? ""),
              password: String(credentials?.password ?? ""),
              ip,
            });
            const user =
              outcome.status === "signed-in"
                ? outcome.user
                : await completeSecondFactorSignIn({ ...outcome, code: String(credentials?.code ?? ""), ip });
            return { id: user.id, email: user.email, name: user.name, role: user.role, sv: user.sessionVersion };
          } catch (err) {
            // next-auth passes the message of an Error thrown here to the sign-in form.
            if (err instanceof AppError) throw new Error(err.message);
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as unknown as { id: string; role: string; sv: number };
          return { ...token, sub: u.id, role: u.role, sv: u.sv };
        }
        if (!token.sub) throw new SessionRevoked();
        const current = await db.user.findUnique({
          where: { id: token.sub },
          select: {
            sessionVersion: true,
            role: true,
            name: true,
            email: true,
            accountId: true,
            ...secondFactorSelect,
          },
        });
        if (!current || current.sessionVersion !== token.sv) throw new SessionRevoked();
        return {
          ...token,
          role: current.role,
          name: current.name,
          email: current.email,
          accountId: current.accountId,
          // Read fresh on every request, like the role: the staff guards depend on it.
          tfa: hasSecondFactor(current),
        };
      },
      async session({ session, token }) {
        return {
          ...session,
          user: {
            id: token.sub!,
            name: token.name ?? "",
            email: token.email ?? "",
            role: token.role as "CUSTOMER" | "ADMIN" | "BILLING",
            accountId: (token.accountId as string | null | undefined) ?? null,
            twoFactorEnabled: token.tfa === true,
          },
        };
      },
    },
    events: {
      async signOut({ token }) {
        // Logging out ends every session of this user, including copies of the cookie.
        if (token?.sub) await endAllSessions(token.sub);
      },
    },
    logger: {
      error(code, metadata) {
        // A revoked or expired cookie is an everyday event, not a server error.
        const err = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (
          code === "JWT_SESSION_ERROR" &&
          (err instanceof SessionRevoked || /decryption|JWT invalid|revoked/i.test(String((err as Error)?.message)))
        )
          return;
        console.error(`[auth] ${code}`, metadata);
      },
      warn(code) {
        if (code === "NEXTAUTH_URL" || code === "DEBUG_ENABLED") return;
        console.warn(`[auth] ${code}`);
      },
      debug() {},
    },
  };
}

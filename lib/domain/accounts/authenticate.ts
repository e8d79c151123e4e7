import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { assertLoginAllowed, recordLoginAttempt } from "@/lib/domain/accounts/login-rate-limit";
import { hasSecondFactor, secondFactorSelect } from "@/lib/domain/accounts/second-factor-state";

const WRONG = "Wrong e-mail address or password.";

/** A user as sign-in hands it on: never the password hash. */
export type AuthenticatedUser = {
  id: string;
  email: string;
  name: string;
  role: "CUSTOMER" | "ADMIN" | "BILLING";
  accountId: string | null;
  sessionVersion: number;
};

/**
 * The outcome of a correct password. A user with two-factor sign-in is not signed in yet: the
 * caller must finish with completeSecondFactorSignIn (lib/domain/accounts/two-factor.ts) or
 * completePasskeySignIn (lib/domain/accounts/passkeys.ts) before
 * starting a session. The union makes that branch impossible to forget: only "signed-in" carries
 * the user a session is made from.
 */
export type PasswordOutcome =
  { status: "signed-in"; user: AuthenticatedUser } | { status: "second-factor"; userId: string; sessionVersion: number };

/** Checks credentials under the sign-in rate limit. Throws an AppError when they are wrong. */
export async function authenticate(input: { email: string; password: string; ip: string | null }): Promise<PasswordOutcome> {
  const email = input.email.trim().toLowerCase().slice(0, 254);
  if (!email || !input.password) throw new AppError("VALIDATION", "Enter your e-mail address and password.");
  if (input.password.length > 200) throw new AppError("VALIDATION", WRONG);

  await assertLoginAllowed(email, input.ip);

  const user = await db.user.findUnique({
    where: { email },
    omit: { passwordHash: false },
    include: secondFactorSelect,
  });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !ok) {
    await recordLoginAttempt(email, input.ip, false);
    throw new AppError("UNAUTHENTICATED", WRONG);
  }
  // Said only to someone who knew the password.
  if (user.disabledAt) throw new AppError("UNAUTHENTICATED", "This login has been disabled. Ask an administrator.");

  // With a second factor the password alone proves nothing yet: it is not recorded as a
  // success, which would forgive the address's earlier failures — wrong codes included, and
  // re-entering the password must not buy more guesses at the code.
  if (hasSecondFactor(user)) return { status: "second-factor", userId: user.id, sessionVersion: user.sessionVersion };

  await recordLoginAttempt(email, input.ip, true);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { status: "signed-in", user: pickAuthenticated(user) };
}

export function pickAuthenticated(user: AuthenticatedUser): AuthenticatedUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    accountId: user.accountId,
    sessionVersion: user.sessionVersion,
  };
}

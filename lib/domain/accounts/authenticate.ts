import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { assertLoginAllowed, recordLoginAttempt } from "@/lib/domain/accounts/login-rate-limit";

const WRONG = "Wrong e-mail address or password.";

/** Checks credentials under the sign-in rate limit. Returns the user or throws an AppError. */
export async function authenticate(input: { email: string; password: string; ip: string | null }) {
  const email = input.email.trim().toLowerCase().slice(0, 254);
  if (!email || !input.password) throw new AppError("VALIDATION", "Enter your e-mail address and password.");
  if (input.password.length > 200) throw new AppError("VALIDATION", WRONG);

  await assertLoginAllowed(email, input.ip);

  const user = await db.user.findUnique({
    where: { email },
    omit: { passwordHash: false },
  });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  await recordLoginAttempt(email, input.ip, ok);
  if (!user || !ok) throw new AppError("UNAUTHENTICATED", WRONG);

  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  const { passwordHash: _omit, ...safe } = user;
  return safe;
}

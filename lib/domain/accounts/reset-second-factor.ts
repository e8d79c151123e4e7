// Staff reset of a lost second factor: an admin removes another login's two-factor sign-in
// (TOTP secret, recovery codes and passkeys) when its owner has lost them.
//
// Rules (issue 15), all here:
//   - admins only, and never their own login: an admin who could strip their own second factor
//     with a session alone would make the factor pointless; another admin must do it;
//   - a reason is required and kept in the audit row, in the same transaction as the removal;
//   - the login's sessionVersion moves on: every session and every half-finished sign-in (the
//     password-ok ticket, a passkey challenge) of that login ends at once;
//   - a staff login so reset has no second factor: the console guards (lib/auth/console-access.ts)
//     send it to enrol again at its next sign-in. A customer signs in with the password alone
//     until they set one up again.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";

export type SecondFactorResetResult = {
  email: string;
  removed: { totp: boolean; recoveryCodes: number; passkeys: number };
};

/**
 * Removes every second factor of `userId` (TOTP, recovery codes, passkeys) and ends its sessions.
 * `accountId`, when given (the customer page), must be the login's account: the reset is scoped by it.
 * @param reason why, in the admin's words (3–500 characters, checked by the form's schema), audited.
 * @throws AppError FORBIDDEN (not an admin), PRECONDITION (their own login, or nothing to remove),
 *   NOT_FOUND (no such login, or not in `accountId`).
 */
export async function resetSecondFactor({
  actor,
  userId,
  accountId,
  reason,
}: {
  actor: StaffActor;
  userId: string;
  accountId?: string;
  reason: string;
}): Promise<SecondFactorResetResult> {
  assertStaff(actor, "ADMIN");
  if (!userId) throw new Error("resetSecondFactor: a user id is required");
  if (accountId !== undefined && !accountId) throw new Error("resetSecondFactor: an empty account id");
  if (userId === actor.userId) {
    throw new AppError(
      "PRECONDITION",
      "You cannot reset your own second factor here. Make new recovery codes on your two-factor page, or ask another admin.",
    );
  }
  const why = reason.trim();
  if (why.length < 3) throw new AppError("VALIDATION", "Give the reason for the reset.", { reason: ["Give the reason for the reset."] });

  return db.$transaction(async (tx) => {
    // The row is locked so a concurrent enrolment or sign-in sees the reset whole or not at all.
    const [user] = await tx.$queryRaw<Array<{ id: string; email: string; accountId: string | null }>>`
      SELECT "id", "email", "accountId" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    if (!user || (accountId !== undefined && user.accountId !== accountId)) throw notFound("That login");
    const totp = await tx.twoFactorSecret.deleteMany({ where: { userId } });
    const codes = await tx.recoveryCode.deleteMany({ where: { userId } });
    const passkeys = await tx.passkey.deleteMany({ where: { userId } });
    await tx.webAuthnChallenge.deleteMany({ where: { userId } });
    if (totp.count === 0 && codes.count === 0 && passkeys.count === 0) {
      throw new AppError("PRECONDITION", `${user.email} has no second factor to reset.`);
    }
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    const removed = { totp: totp.count > 0, recoveryCodes: codes.count, passkeys: passkeys.count };
    await recordAudit(tx, {
      actor,
      action: "user.two-factor-reset",
      targetType: "User",
      targetId: userId,
      accountId: user.accountId,
      data: { email: user.email, reason: why, removed },
    });
    return { email: user.email, removed };
  });
}

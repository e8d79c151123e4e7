import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { PersonActor } from "@/lib/domain/actor";

/**
 * Changes the actor's own password and ends all their sessions (they sign in again).
 * @throws AppError VALIDATION when the current password is wrong, UNAUTHENTICATED for an unknown user.
 */
export async function changePassword({
  actor,
  currentPassword,
  password,
}: {
  actor: PersonActor;
  currentPassword: string;
  password: string;
}): Promise<void> {
  const userId = actor.userId;
  const user = await db.user.findUnique({ where: { id: userId }, omit: { passwordHash: false } });
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in again.");
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new AppError("VALIDATION", "Your current password is not right.", {
      currentPassword: ["Your current password is not right."],
    });
  }
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await recordAudit(tx, { actor, action: "user.password-change", targetType: "User", targetId: userId, accountId: user.accountId });
  });
}

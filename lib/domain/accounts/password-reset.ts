// Password reset by an e-mailed one-time link. Only the token's sha256 is stored; the link
// expires (PASSWORD_RESET_TTL_MINUTES) and works once. Using it ends every session.
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { authConfig, webConfig } from "@/lib/config/server";
import { AppError } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { PersonActor } from "@/lib/domain/actor";

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/**
 * Mails a reset link if the address belongs to a user. Says nothing either way to the caller,
 * so the form cannot be used to find out who has an account.
 */
export async function requestPasswordReset({ email, now = new Date() }: { email: string; now?: Date }): Promise<void> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
  if (!user) return;
  const token = crypto.randomBytes(32).toString("base64url");
  const ttl = authConfig().PASSWORD_RESET_TTL_MINUTES;
  const link = `${webConfig().APP_URL}/reset-password?token=${token}`;
  const mailId = await db.$transaction(async (tx) => {
    await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + ttl * 60_000) },
    });
    const { id } = await queueMail(tx, {
      to: user.email,
      kind: "password-reset",
      subject: "Reset your Cellblock password",
      text:
        `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset the password of your Cellblock login.\n` +
        `Open this link within ${ttl} minutes to choose a new one:\n\n${link}\n\n` +
        `If you did not ask for this, ignore this message: your password stays as it is.\n`,
    });
    return id;
  });
  await deliverMail(mailId);
}

export async function resetPassword({ token, password, now = new Date() }: { token: string; password: string; now?: Date }): Promise<void> {
  const invalid = new AppError("PRECONDITION", "This reset link is invalid or has expired. Ask for a new one.");
  const row = await db.passwordResetToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.usedAt || row.expiresAt <= now) throw invalid;
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    // Claim the token first: of two concurrent uses, only one updates a row.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw invalid;
    const user = await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true, role: true, accountId: true },
    });
    // Any other outstanding links for this user die with this one.
    await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
    // The person acting is the link's holder, signed in as nobody yet: the audit names the user.
    const actor: PersonActor =
      user.role === "CUSTOMER" && user.accountId
        ? { kind: "customer", userId: user.id, accountId: user.accountId, ip: null }
        : { kind: "staff", userId: user.id, role: user.role === "BILLING" ? "BILLING" : "ADMIN", ip: null };
    await recordAudit(tx, { actor, action: "user.password-reset", targetType: "User", targetId: user.id, accountId: user.accountId });
  });
}

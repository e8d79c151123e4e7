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
 * Takes a reset request for `email` from the client at `ip`. The answer reveals nothing: the
 * same one row is written whether or not the address has a login, and the link is sent
 * afterwards (processPasswordResetRequests, kicked off here without waiting, and by the
 * worker), so the response takes the same time either way.
 * @throws AppError RATE_LIMITED past PASSWORD_RESET_MAX_PER_ADDRESS / _PER_IP requests per
 *   window (counted whether or not the address exists, so the limit says nothing either).
 */
export async function requestPasswordReset({
  email,
  ip = null,
  now = new Date(),
  sendInBackground = true,
}: {
  email: string;
  ip?: string | null;
  now?: Date;
  /** false: leave sending to processPasswordResetRequests (tests call it themselves). */
  sendInBackground?: boolean;
}): Promise<void> {
  const cfg = authConfig();
  const since = new Date(now.getTime() - cfg.PASSWORD_RESET_WINDOW_SECONDS * 1000);
  const [byAddress, byIp] = await Promise.all([
    db.passwordResetRequest.count({ where: { email, createdAt: { gte: since } } }),
    ip ? db.passwordResetRequest.count({ where: { ip, createdAt: { gte: since } } }) : Promise.resolve(0),
  ]);
  if (byAddress >= cfg.PASSWORD_RESET_MAX_PER_ADDRESS || byIp >= cfg.PASSWORD_RESET_MAX_PER_IP) {
    const minutes = Math.ceil(cfg.PASSWORD_RESET_WINDOW_SECONDS / 60);
    throw new AppError("RATE_LIMITED", `Too many reset requests. Try again in ${minutes} minutes, or contact support.`);
  }
  await db.passwordResetRequest.create({ data: { email, ip, createdAt: now } });
  // Send now, but not while the client waits; the worker picks up whatever this misses.
  if (sendInBackground) {
    setImmediate(() => void processPasswordResetRequests().catch((err) => console.error("[mail] reset requests failed:", err)));
  }
}

/**
 * Sends the link for every reset request not yet handled: a one-time token (only its sha256
 * stored) mailed to the address if it has a login; nothing otherwise. Rows another process is
 * handling are skipped. Safe to run from the web process and the worker at once.
 * @returns how many requests were handled.
 */
export async function processPasswordResetRequests({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const ttl = authConfig().PASSWORD_RESET_TTL_MINUTES;
  const handled = await db.$transaction(async (tx) => {
    const pending = await tx.$queryRaw<Array<{ id: string; email: string }>>`
      SELECT "id", "email" FROM "PasswordResetRequest" WHERE "processedAt" IS NULL ORDER BY "createdAt" LIMIT 100 FOR UPDATE SKIP LOCKED`;
    const mails: string[] = [];
    for (const request of pending) {
      await tx.passwordResetRequest.update({ where: { id: request.id }, data: { processedAt: now } });
      const user = await tx.user.findUnique({ where: { email: request.email }, select: { id: true, email: true, name: true } });
      if (!user) continue;
      const token = crypto.randomBytes(32).toString("base64url");
      const link = `${webConfig().APP_URL}/reset-password?token=${token}`;
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
      mails.push(id);
    }
    return { count: pending.length, mails };
  });
  for (const id of handled.mails) await deliverMail(id);
  return handled.count;
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

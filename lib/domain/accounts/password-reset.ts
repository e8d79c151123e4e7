// One-time links mailed to a user: a password reset ("forgot my password", or sent by staff from
// the customer's page) and a staff invitation. Only the token's sha256 is stored; a link
// expires (PASSWORD_RESET_TTL_MINUTES for a reset) and works once, for its purpose only; using a
// reset link ends every session. The mail names the token as its secret, so staff never read a
// working link in the outbox (lib/domain/mail/redact.ts). The "forgot my password" form is
// rate-limited and does the same work whether or not the address has a login.
import crypto from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { authConfig, webConfig } from "@/lib/config/server";
import { AppError, notFound } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type PersonActor, type StaffActor } from "@/lib/domain/actor";

export const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

type TokenUser = { id: string; email: string; name: string };

/**
 * Makes a one-time token for `user`, stores its hash and queues the mail carrying its link, in
 * `tx`. Outstanding links of the same purpose die with the new one. Deliver the mail after the commit.
 */
export async function issueMailedToken(
  tx: Tx,
  {
    user,
    purpose,
    ttlMinutes,
    now,
    mail,
  }: {
    user: TokenUser;
    purpose: "RESET" | "INVITE";
    ttlMinutes: number;
    now: Date;
    mail: (link: string) => { subject: string; text: string; kind: string };
  },
): Promise<{ mailId: string }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const link = `${webConfig().APP_URL}${purpose === "INVITE" ? "/welcome" : "/reset-password"}?token=${token}`;
  await tx.passwordResetToken.updateMany({ where: { userId: user.id, purpose, usedAt: null }, data: { usedAt: now } });
  await tx.passwordResetToken.create({
    data: { userId: user.id, purpose, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + ttlMinutes * 60_000) },
  });
  const { id } = await queueMail(tx, { to: user.email, ...mail(link), secrets: [token] });
  return { mailId: id };
}

const resetMail = (user: TokenUser, ttl: number, byStaff: boolean) => (link: string) => ({
  kind: "password-reset",
  subject: "Reset your Cellblock password",
  text:
    `Hello ${user.name},\n\n${byStaff ? "Our support staff sent you this link at your request" : "Someone (hopefully you) asked"} to reset the password of your Cellblock login.\n` +
    `Open this link within ${ttl} minutes to choose a new one:\n\n${link}\n\n` +
    `If you did not ask for this, ignore this message: your password stays as it is.\n`,
});

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
 * Sends the link for every reset request not yet handled (or only those for `email`): a
 * one-time token (only its sha256 stored) mailed to the address if it has a login that is not
 * disabled; nothing otherwise. Rows another process is handling are skipped. Safe to run from
 * the web process and the worker at once.
 * @returns how many requests were handled.
 */
export async function processPasswordResetRequests({ now = new Date(), email }: { now?: Date; email?: string } = {}): Promise<number> {
  const ttl = authConfig().PASSWORD_RESET_TTL_MINUTES;
  const handled = await db.$transaction(async (tx) => {
    const pending = await tx.$queryRaw<Array<{ id: string; email: string }>>`
      SELECT "id", "email" FROM "PasswordResetRequest"
      WHERE "processedAt" IS NULL ${email === undefined ? Prisma.empty : Prisma.sql`AND "email" = ${email}`}
      ORDER BY "createdAt" LIMIT 100 FOR UPDATE SKIP LOCKED`;
    const mails: string[] = [];
    for (const request of pending) {
      await tx.passwordResetRequest.update({ where: { id: request.id }, data: { processedAt: now } });
      const user = await tx.user.findUnique({
        where: { email: request.email },
        select: { id: true, email: true, name: true, disabledAt: true },
      });
      // No login, or a disabled one: nothing is sent (and the form said the same either way).
      if (!user || user.disabledAt) continue;
      const { mailId: id } = await issueMailedToken(tx, {
        user,
        purpose: "RESET",
        ttlMinutes: ttl,
        now,
        mail: resetMail(user, ttl, false),
      });
      mails.push(id);
    }
    return { count: pending.length, mails };
  });
  for (const id of handled.mails) await deliverMail(id);
  return handled.count;
}

/**
 * Staff send a customer's user a reset link (the customer called and cannot log in). The link
 * goes to the user's address only; staff see it redacted. Audited on the account.
 * @throws AppError NOT_FOUND (no such user of the account), PRECONDITION (a disabled login).
 */
export async function sendPasswordResetLink({
  actor,
  accountId,
  userId,
  now = new Date(),
}: {
  actor: StaffActor;
  accountId: string;
  userId: string;
  now?: Date;
}): Promise<{ to: string }> {
  assertStaff(actor, "ADMIN");
  if (!accountId || !userId) throw new Error("sendPasswordResetLink: accountId and userId are required");
  const ttl = authConfig().PASSWORD_RESET_TTL_MINUTES;
  const { mailId, to } = await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { id: userId, accountId },
      select: { id: true, email: true, name: true, disabledAt: true },
    });
    if (!user) throw notFound("That user");
    if (user.disabledAt) throw new AppError("PRECONDITION", "This login is disabled.");
    const { mailId } = await issueMailedToken(tx, { user, purpose: "RESET", ttlMinutes: ttl, now, mail: resetMail(user, ttl, true) });
    await recordAudit(tx, {
      actor,
      action: "user.send-password-reset",
      targetType: "User",
      targetId: user.id,
      accountId,
      data: { to: user.email },
    });
    return { mailId, to: user.email };
  });
  await deliverMail(mailId);
  return { to };
}

/**
 * Claims a link of `purpose` (of two concurrent uses only one wins) for a user who may log in.
 * @throws AppError PRECONDITION when it is unknown, used, expired, of another purpose, or the login is disabled.
 */
export async function claimMailedToken(
  tx: Tx,
  { token, purpose, now, invalid }: { token: string; purpose: "RESET" | "INVITE"; now: Date; invalid: AppError },
) {
  const row = await tx.passwordResetToken.findUnique({
    where: { tokenHash: sha256(token) },
    include: { user: { select: { disabledAt: true } } },
  });
  if (!row || row.purpose !== purpose || row.usedAt || row.expiresAt <= now || row.user.disabledAt) throw invalid;
  const claimed = await tx.passwordResetToken.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (claimed.count !== 1) throw invalid;
  // Any other outstanding links for this user die with this one.
  await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
  return row;
}

export async function resetPassword({ token, password, now = new Date() }: { token: string; password: string; now?: Date }): Promise<void> {
  const invalid = new AppError("PRECONDITION", "This reset link is invalid or has expired. Ask for a new one.");
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const row = await claimMailedToken(tx, { token, purpose: "RESET", now, invalid });
    const user = await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true, role: true, accountId: true },
    });
    // The person acting is the link's holder, signed in as nobody yet: the audit names the user.
    const actor: PersonActor =
      user.role === "CUSTOMER" && user.accountId
        ? { kind: "customer", userId: user.id, accountId: user.accountId, ip: null }
        : { kind: "staff", userId: user.id, role: user.role === "BILLING" ? "BILLING" : "ADMIN", ip: null };
    await recordAudit(tx, { actor, action: "user.password-reset", targetType: "User", targetId: user.id, accountId: user.accountId });
  });
}

// Staff join by invitation: an admin names them and their role, Cellblock mails them a link
// (valid 7 days) where they choose their password, and they are signed in to their console.
import { db } from "@/lib/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { deliverMail } from "@/lib/domain/mail/send-mail";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { claimMailedToken, issueMailedToken } from "@/lib/domain/accounts/password-reset";
import type { InviteStaffInput } from "@/lib/schemas/staff";
import { NO_PASSWORD_YET } from "./staff-rules";

export const INVITATION_TTL_MINUTES = 7 * 24 * 60;

const invitationMail = (name: string, role: "ADMIN" | "BILLING", inviter: string) => (link: string) => ({
  kind: "staff-invitation",
  subject: "You are invited to Cellblock",
  text:
    `Hello ${name},\n\n${inviter} invited you to Cellblock as ${role === "ADMIN" ? "an administrator" : "a billing clerk"}.\n` +
    `Open this link within 7 days to choose your password:\n\n${link}\n\n` +
    `If you did not expect this, ignore this message.\n`,
});

/** @throws AppError CONFLICT when the address already has a login. */
export async function inviteStaff({ actor, input, now = new Date() }: { actor: StaffActor; input: InviteStaffInput; now?: Date }) {
  assertStaff(actor, "ADMIN");
  try {
    const { mailId, user } = await db.$transaction(async (tx) => {
      const inviter = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash: NO_PASSWORD_YET },
        select: { id: true, email: true, name: true },
      });
      const { mailId } = await issueMailedToken(tx, {
        user,
        purpose: "INVITE",
        ttlMinutes: INVITATION_TTL_MINUTES,
        now,
        mail: invitationMail(input.name, input.role, inviter.name),
      });
      await recordAudit(tx, {
        actor,
        action: "staff.invite",
        targetType: "User",
        targetId: user.id,
        data: { email: input.email, role: input.role },
      });
      return { mailId, user };
    });
    await deliverMail(mailId);
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) {
      const msg = "That address already has a Cellblock login.";
      throw new AppError("CONFLICT", msg, { email: [msg] });
    }
    throw err;
  }
}

/** A new link for an invitation not yet accepted (the old one stops working). @throws AppError NOT_FOUND, PRECONDITION. */
export async function resendInvitation({ actor, userId, now = new Date() }: { actor: StaffActor; userId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const mailId = await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { id: userId, role: { in: ["ADMIN", "BILLING"] } },
      select: { id: true, email: true, name: true, role: true, disabledAt: true },
    });
    if (!user) throw notFound("That member of staff");
    const { passwordHash } = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
    if (passwordHash !== NO_PASSWORD_YET) throw new AppError("PRECONDITION", `${user.email} has accepted the invitation already.`);
    if (user.disabledAt) throw new AppError("PRECONDITION", "This login is disabled.");
    const inviter = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
    const { mailId } = await issueMailedToken(tx, {
      user,
      purpose: "INVITE",
      ttlMinutes: INVITATION_TTL_MINUTES,
      now,
      mail: invitationMail(user.name, user.role as "ADMIN" | "BILLING", inviter.name),
    });
    await recordAudit(tx, { actor, action: "staff.invite-resend", targetType: "User", targetId: user.id, data: { email: user.email } });
    return mailId;
  });
  await deliverMail(mailId);
}

/**
 * The invited person chooses a password through the link. Returns who to sign in.
 * @throws AppError PRECONDITION when the link is invalid, used or expired.
 */
export async function acceptInvitation({ token, password, now = new Date() }: { token: string; password: string; now?: Date }) {
  const invalid = new AppError("PRECONDITION", "This invitation link is invalid or has expired. Ask an administrator for a new one.");
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const row = await claimMailedToken(tx, { token, purpose: "INVITE", now, invalid });
    const user = await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true, name: true, email: true, role: true, sessionVersion: true },
    });
    if (user.role === "CUSTOMER") throw invalid;
    await recordAudit(tx, {
      actor: { kind: "staff", userId: user.id, role: user.role, ip: null },
      action: "staff.accept-invite",
      targetType: "User",
      targetId: user.id,
    });
    return user;
  });
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { authenticate } from "@/lib/domain/accounts/authenticate";
import { createCustomer, createStaff, randomEmail } from "@/lib/test/factories";
import { startSmtpSink, type SmtpSink } from "../../../scripts/lib/smtp-sink";
import { acceptInvitation, inviteStaff } from "./invite-staff";
import { changeStaffRole, setStaffDisabled } from "./manage-staff";
import { listStaff, STAFF_PAGE_SIZE } from "./list-staff";
import { assertNotLastAdmin } from "./staff-rules";
import {
  processPasswordResetRequests,
  requestPasswordReset,
  resetPassword,
  sendPasswordResetLink,
} from "@/lib/domain/accounts/password-reset";

// Mail goes out over SMTP here (to a sink on 127.0.0.1): the links are read the way their
// recipient reads them, since no copy staff can see holds a working one.
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url;
});
afterAll(() => sink.stop());

const linkTo = (to: string, path: string) => {
  const m = [...sink.messages].reverse().find((x) => x.to.includes(to));
  const token = m && new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(m.text)?.[1];
  if (!token) throw new Error(`no ${path} link mailed to ${to}`);
  return token;
};
const admin = async () => staffActor(await createStaff("ADMIN"));
/** A user's row in the staff list, on whichever page it falls (other files add staff too). */
async function staffRow(actor: Awaited<ReturnType<typeof admin>>, id: string) {
  for (let page = 1; ; page++) {
    const { rows } = await listStaff({ actor, page });
    const row = rows.find((r) => r.id === id);
    if (row || rows.length < STAFF_PAGE_SIZE) return row;
  }
}

describe("staff", () => {
  it("an invited billing clerk chooses a password through the mailed link; staff never see the link", async () => {
    const actor = await admin();
    const email = randomEmail("clerk");
    const user = await inviteStaff({ actor, input: { email, name: "Clara Clerk", role: "BILLING" } });
    const token = linkTo(email, "/welcome");
    // The stored copy (what the outbox shows) has no working token, and none waits for SMTP any more.
    const stored = await db.mailMessage.findFirstOrThrow({ where: { to: email }, omit: { deliveryText: false } });
    expect(stored).toMatchObject({ status: "SENT", deliveryText: null });
    expect(stored.text).toContain("/welcome?token=[redacted]");
    expect(stored.text).not.toContain(token);
    const pending = await staffRow(actor, user.id);
    expect(pending).toMatchObject({ invited: true, invitationExpired: false });
    // Not a login yet.
    await expect(authenticate({ email, password: "!invited", ip: null })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const joined = await acceptInvitation({ token, password: "clara's long password" });
    expect(joined).toMatchObject({ id: user.id, role: "BILLING" });
    await expect(acceptInvitation({ token, password: "again and again" })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(await authenticate({ email, password: "clara's long password", ip: null })).toMatchObject({
      status: "signed-in",
      user: { id: user.id },
    });
    expect(await db.auditLog.count({ where: { targetId: user.id, action: { in: ["staff.invite", "staff.accept-invite"] } } })).toBe(2);
  });

  it("an invitation link cannot reset a password, nor a reset link accept an invitation", async () => {
    const { user } = await createCustomer();
    await requestPasswordReset({ email: user.email, sendInBackground: false });
    await processPasswordResetRequests({ email: user.email });
    const token = linkTo(user.email, "/reset-password");
    await expect(acceptInvitation({ token, password: "a long new password" })).rejects.toMatchObject({ code: "PRECONDITION" });
    await resetPassword({ token, password: "a long new password" });
  });

  it("staff send a customer a reset link from the account page: delivered to the customer, audited, redacted for staff", async () => {
    const actor = await admin();
    const { user, account } = await createCustomer();
    expect(await sendPasswordResetLink({ actor, accountId: account.id, userId: user.id })).toEqual({ to: user.email });
    const token = linkTo(user.email, "/reset-password");
    const stored = await db.mailMessage.findFirstOrThrow({ where: { to: user.email } });
    expect(stored.text).not.toContain(token);
    expect(await db.auditLog.count({ where: { action: "user.send-password-reset", accountId: account.id, actorId: actor.userId } })).toBe(
      1,
    );
    // Another account's user is "not found".
    const other = await createCustomer();
    await expect(sendPasswordResetLink({ actor, accountId: other.account.id, userId: user.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("a role changes; a disabled login cannot log in or reset; the last admin can be neither disabled nor demoted", async () => {
    const actor = await admin();
    const clerk = await createStaff("BILLING");
    await changeStaffRole({ actor, userId: clerk.id, role: "ADMIN" });
    await changeStaffRole({ actor, userId: clerk.id, role: "BILLING" });
    await setStaffDisabled({ actor, userId: clerk.id, disabled: true });
    const after = await db.user.findUniqueOrThrow({ where: { id: clerk.id } });
    expect(after.sessionVersion).toBe(clerk.sessionVersion + 1);
    await expect(authenticate({ email: clerk.email, password: "correct horse battery staple", ip: null })).rejects.toThrow(/disabled/);
    await requestPasswordReset({ email: clerk.email, sendInBackground: false });
    await processPasswordResetRequests({ email: clerk.email });
    expect(sink.messages.some((m) => m.to.includes(clerk.email))).toBe(false);
    await setStaffDisabled({ actor, userId: clerk.id, disabled: false });
    await expect(setStaffDisabled({ actor, userId: actor.userId, disabled: true })).rejects.toMatchObject({ code: "PRECONDITION" });
    // The last-admin rule itself: with every other admin disabled, the one left is refused.
    await db
      .$transaction(async (tx) => {
        await tx.user.updateMany({
          where: { role: "ADMIN", id: { not: actor.userId }, disabledAt: null },
          data: { disabledAt: new Date() },
        });
        await expect(assertNotLastAdmin(tx, actor.userId, "disabling them")).rejects.toThrow(/last admin/);
        throw new Error("rollback");
      })
      .catch((e: Error) => expect(e.message).toBe("rollback"));
  });

  it("billing clerks cannot manage staff", async () => {
    const clerk = staffActor(await createStaff("BILLING"));
    await expect(inviteStaff({ actor: clerk, input: { email: randomEmail(), name: "X", role: "ADMIN" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

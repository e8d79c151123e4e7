import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createStaff, TEST_PASSWORD } from "@/lib/test/factories";
import { totpCode } from "@/lib/auth/totp";
import { authOptions } from "@/lib/auth/options";
import { consoleAccess } from "@/lib/auth/console-access";
import { customerActor, staffActor, type PersonActor } from "@/lib/domain/actor";
import { authenticate } from "./authenticate";
import { beginTwoFactorEnrolment, completeSecondFactorSignIn, confirmTwoFactorEnrolment } from "./two-factor";
import { resetSecondFactor } from "./reset-second-factor";

const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function enrol(actor: PersonActor) {
  const { secret } = await beginTwoFactorEnrolment({ actor });
  const { sessionVersion } = await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret, new Date(Date.now() - 30_000)) });
  return { secret, sessionVersion };
}

async function enrolledAdmin() {
  const admin = await createStaff("ADMIN");
  const actor = staffActor({ ...admin, ip: "192.0.2.10" });
  await enrol(actor);
  return { admin, actor };
}

const jwt = () => authOptions().callbacks!.jwt! as unknown as (a: { token: Record<string, unknown> }) => Promise<Record<string, unknown>>;

describe("an admin resets a login's lost second factor", () => {
  it("removes a customer's TOTP and recovery codes, ends their sessions and sign-ins under way, and audits the reason", async () => {
    const { actor } = await enrolledAdmin();
    const { user, account } = await createCustomer();
    const { secret, sessionVersion } = await enrol(customerActor({ ...user, ip: null }));
    // A sign-in half done (password right, code not yet typed) when the reset happens.
    const outcome = await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() });
    expect(outcome.status).toBe("second-factor");
    if (outcome.status !== "second-factor") return;

    const result = await resetSecondFactor({
      actor,
      userId: user.id,
      accountId: account.id,
      reason: "  lost phone; identity checked by call-back  ",
    });
    expect(result).toEqual({ email: user.email, removed: { totp: true, recoveryCodes: 10, passkeys: 0 } });

    expect(await db.twoFactorSecret.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionVersion: true } });
    expect(after.sessionVersion).toBe(sessionVersion + 1);
    // The session of before is refused, and so is finishing the sign-in that was under way.
    await expect(jwt()({ token: { sub: user.id, sv: sessionVersion } })).rejects.toThrow();
    await expect(completeSecondFactorSignIn({ ...outcome, code: await totpCode(secret), ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    // The password alone signs in now.
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("signed-in");

    const audit = await db.auditLog.findFirstOrThrow({ where: { targetId: user.id, action: "user.two-factor-reset" } });
    expect(audit).toMatchObject({
      actorId: actor.userId,
      actorRole: "ADMIN",
      ip: "192.0.2.10",
      accountId: account.id,
      data: { email: user.email, reason: "lost phone; identity checked by call-back", removed: { totp: true, recoveryCodes: 10 } },
    });
  });

  it("sends a reset member of staff to enrol again before any console", async () => {
    const { actor } = await enrolledAdmin();
    const clerk = await createStaff("BILLING");
    const { sessionVersion } = await enrol(staffActor(clerk));
    expect(await jwt()({ token: { sub: clerk.id, sv: sessionVersion } })).toMatchObject({ tfa: true });

    await resetSecondFactor({ actor, userId: clerk.id, reason: "new phone, old one wiped" });
    // Signed in again with the password (no second factor asked), the session carries tfa: false…
    const outcome = await authenticate({ email: clerk.email, password: TEST_PASSWORD, ip: ip() });
    expect(outcome.status).toBe("signed-in");
    const token = await jwt()({ token: { sub: clerk.id, sv: sessionVersion + 1 } });
    expect(token).toMatchObject({ tfa: false });
    // …and the console guard's one rule sends them to enrol.
    expect(consoleAccess({ role: "BILLING", twoFactorEnabled: token.tfa === true }, "billing")).toBe("enrol-two-factor");
  });

  it("refuses an admin's own login, billing clerks, a login of another account, nothing to reset, and no reason", async () => {
    const { admin, actor } = await enrolledAdmin();
    await expect(resetSecondFactor({ actor, userId: admin.id, reason: "locked out" })).rejects.toMatchObject({ code: "PRECONDITION" });

    const { user, account } = await createCustomer();
    await enrol(customerActor({ ...user, ip: null }));
    const clerk = await createStaff("BILLING");
    await expect(resetSecondFactor({ actor: staffActor(clerk), userId: user.id, reason: "asked nicely" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const other = await createCustomer();
    await expect(resetSecondFactor({ actor, userId: user.id, accountId: other.account.id, reason: "wrong page" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(resetSecondFactor({ actor, userId: user.id, accountId: account.id, reason: "  " })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    // None of the refusals removed anything.
    expect(await db.twoFactorSecret.count({ where: { userId: user.id, confirmedAt: { not: null } } })).toBe(1);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(10);
    expect(await db.auditLog.count({ where: { targetId: user.id, action: "user.two-factor-reset" } })).toBe(0);

    await expect(resetSecondFactor({ actor, userId: other.user.id, reason: "nothing there" })).rejects.toMatchObject({
      code: "PRECONDITION",
    });
    await expect(resetSecondFactor({ actor, userId: "nosuchuser", reason: "typo" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

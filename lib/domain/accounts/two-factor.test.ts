import { describe, expect, it } from "vitest";
import { decode } from "next-auth/jwt";
import { db } from "@/lib/db";
import { createCustomer, createStaff, TEST_PASSWORD } from "@/lib/test/factories";
import { totpCode, totpStep } from "@/lib/auth/totp";
import { consoleAccess } from "@/lib/auth/console-access";
import { authOptions } from "@/lib/auth/options";
import { readSecondFactorTicket, signSecondFactorTicket } from "@/lib/auth/second-factor-ticket";
import { customerActor, staffActor, type PersonActor } from "@/lib/domain/actor";
import { authenticate } from "./authenticate";
import { loginAttemptKeys } from "./login-rate-limit";
import {
  beginTwoFactorEnrolment,
  completeSecondFactorSignIn,
  confirmTwoFactorEnrolment,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  removeTwoFactor,
} from "./two-factor";

const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
// The middle of a 30-second step, so ±30 s lands in the neighbouring steps and nowhere else.
const midStep = () => new Date((totpStep(new Date()) * 30 + 15) * 1000);

const sessionVersion = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } })).sessionVersion;
const auditActions = async (userId: string) =>
  (await db.auditLog.findMany({ where: { targetId: userId }, orderBy: { createdAt: "asc" }, select: { action: true } })).map(
    (a) => a.action,
  );

/** A customer with TOTP confirmed at `now`; returns the secret and the recovery codes. */
async function enrolledCustomer(now = midStep()) {
  const { user } = await createCustomer();
  const actor = customerActor({ ...user, ip: null });
  const { secret } = await beginTwoFactorEnrolment({ actor });
  // Confirmed one step before `now`, so a code for `now` is new.
  const { recoveryCodes } = await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret, at(now, -30)), now: at(now, -30) });
  return { user, actor, secret, recoveryCodes };
}

/** Signs in with the password, which must ask for the second factor; returns the ticket's subject. */
async function passwordStep(email: string) {
  const outcome = await authenticate({ email, password: TEST_PASSWORD, ip: ip() });
  expect(outcome.status).toBe("second-factor");
  if (outcome.status !== "second-factor") throw new Error("no second factor asked");
  return outcome;
}

describe("two-factor enrolment", () => {
  it("is pending until a code confirms it, then returns ten recovery codes once, audits and ends other sessions", async () => {
    const { user } = await createCustomer();
    const actor = customerActor({ ...user, ip: null });
    expect(await getTwoFactorStatus({ actor })).toEqual({ state: "off", required: false });

    const { secret, uri } = await beginTwoFactorEnrolment({ actor });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Cellblock:.+\?secret=[A-Z2-7]+&issuer=Cellblock/);
    expect(uri).toContain(encodeURIComponent(user.email));
    expect(await getTwoFactorStatus({ actor })).toMatchObject({ state: "pending", secret });
    // Pending is not asked for at sign-in.
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("signed-in");

    const wrong = (await totpCode(secret)) === "000000" ? "111111" : "000000";
    await expect(confirmTwoFactorEnrolment({ actor, code: wrong })).rejects.toMatchObject({ code: "VALIDATION" });
    const before = await sessionVersion(user.id);
    const { recoveryCodes } = await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect(await sessionVersion(user.id)).toBe(before + 1);
    expect(await getTwoFactorStatus({ actor })).toMatchObject({ state: "on", recoveryCodesLeft: 10 });
    expect(await auditActions(user.id)).toEqual(["user.two-factor-enable"]);

    // Stored hashed: no row holds a code in clear, and the secret is not read by default.
    const rows = await db.recoveryCode.findMany({ where: { userId: user.id }, omit: { codeHash: false } });
    expect(rows.map((r) => r.codeHash)).not.toEqual(expect.arrayContaining(recoveryCodes));
    expect(await db.twoFactorSecret.findUnique({ where: { userId: user.id } })).not.toHaveProperty("secretSealed");

    // A second enrolment while on is refused.
    await expect(beginTwoFactorEnrolment({ actor })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("two-factor sign-in", () => {
  it("accepts the current code once, and the neighbouring steps but not two steps away", async () => {
    const now = midStep();
    const { user, secret } = await enrolledCustomer(now);
    const ticket = await passwordStep(user.email);

    const two = await totpCode(secret, at(now, 60));
    await expect(completeSecondFactorSignIn({ ...ticket, code: two, ip: ip(), now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const next = await totpCode(secret, at(now, 30));
    const signedIn = await completeSecondFactorSignIn({ ...ticket, code: next, ip: ip(), now });
    expect(signedIn).toMatchObject({ id: user.id, email: user.email, role: "CUSTOMER" });
    expect(signedIn).not.toHaveProperty("passwordHash");
    // Replay: the same code, and any older one, is refused from now on.
    await expect(completeSecondFactorSignIn({ ...ticket, code: next, ip: ip(), now })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(completeSecondFactorSignIn({ ...ticket, code: await totpCode(secret, now), ip: ip(), now })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("accepts the previous step's code (clock drift) when it is newer than the last one used", async () => {
    const now = midStep();
    const { user, secret } = await enrolledCustomer(at(now, -30)); // confirmed two steps back
    const ticket = await passwordStep(user.email);
    await expect(
      completeSecondFactorSignIn({ ...ticket, code: await totpCode(secret, at(now, -30)), ip: ip(), now }),
    ).resolves.toMatchObject({
      id: user.id,
    });
  });

  it("takes each recovery code once, typed any way, and audits its use", async () => {
    const { user, recoveryCodes } = await enrolledCustomer();
    const ticket = await passwordStep(user.email);
    const code = recoveryCodes[3]!;
    const typed = ` ${code.toUpperCase().replace(/-/g, " ")} `;
    await expect(completeSecondFactorSignIn({ ...ticket, code: typed, ip: ip() })).resolves.toMatchObject({ id: user.id });
    await expect(completeSecondFactorSignIn({ ...ticket, code, ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { targetId: user.id, action: "user.two-factor-recovery-code-used" } });
    expect(audit).toMatchObject({ actorId: user.id, actorRole: "CUSTOMER", data: { left: 9 } });
    // Another user's code is no use.
    const other = await enrolledCustomer();
    const otherTicket = await passwordStep(other.user.email);
    await expect(completeSecondFactorSignIn({ ...otherTicket, code: recoveryCodes[4]!, ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("counts wrong codes with wrong passwords: locked after five, and the right password does not forgive them", async () => {
    const now = midStep();
    const { user, secret } = await enrolledCustomer(now);
    const address = ip();
    for (let i = 0; i < 4; i++) {
      const ticket = await passwordStep(user.email); // the password is right every time…
      await expect(completeSecondFactorSignIn({ ...ticket, code: String(100000 + i), ip: address, now })).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    }
    // …and did not wipe the failures: four are still counted.
    expect(await db.loginAttempt.count({ where: { key: loginAttemptKeys(user.email, null).email, success: false } })).toBe(4);
    const ticket = await passwordStep(user.email);
    await expect(completeSecondFactorSignIn({ ...ticket, code: "nonsense", ip: address, now })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(completeSecondFactorSignIn({ ...ticket, code: await totpCode(secret, now), ip: address, now })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await expect(authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("voids the password step when the session version moved on (logout, password change)", async () => {
    const { user, secret } = await enrolledCustomer();
    const ticket = await passwordStep(user.email);
    await db.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    await expect(completeSecondFactorSignIn({ ...ticket, code: await totpCode(secret), ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/expired/),
    });
  });

  it("gives no session through next-auth's credentials endpoint without the code", async () => {
    const { user, secret } = await enrolledCustomer();
    const provider = authOptions().providers[0] as unknown as {
      options: { authorize: (c: Record<string, string>, req: unknown) => Promise<{ id: string } | null> };
    };
    const authorize = provider.options.authorize;
    await expect(authorize({ email: user.email, password: TEST_PASSWORD }, { headers: {} })).rejects.toThrow(/code is not right/);
    await expect(
      authorize({ email: user.email, password: TEST_PASSWORD, code: await totpCode(secret) }, { headers: {} }),
    ).resolves.toMatchObject({
      id: user.id,
    });
  });
});

describe("the password-ok ticket", () => {
  it("carries the user and version, expires, resists tampering and is never a session cookie", async () => {
    const now = Date.now();
    const ticket = signSecondFactorTicket({ userId: "u1", sessionVersion: 3 }, now);
    expect(readSecondFactorTicket(ticket, now + 1000)).toMatchObject({ userId: "u1", sessionVersion: 3 });
    expect(readSecondFactorTicket(ticket, now + 5 * 60_000 + 1)).toBeNull();
    const [p, body, sig] = ticket.split(".");
    const forged = Buffer.from(JSON.stringify({ userId: "u2", sessionVersion: 3, expiresAt: now + 60_000 })).toString("base64url");
    expect(readSecondFactorTicket(`${p}.${forged}.${sig}`, now)).toBeNull();
    expect(readSecondFactorTicket(`${p}.${body}.${sig}x`, now)).toBeNull();
    expect(readSecondFactorTicket("garbage", now)).toBeNull();
    await expect(decode({ token: ticket, secret: process.env.NEXTAUTH_SECRET! })).rejects.toThrow();
  });
});

describe("recovery codes and removal", () => {
  it("makes new recovery codes only with the password or a code; the old ones die; other sessions end", async () => {
    const { user, actor, recoveryCodes } = await enrolledCustomer();
    const withIp = { ...actor, ip: ip() };
    await expect(regenerateRecoveryCodes({ actor: withIp, proof: "not my password" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await db.loginAttempt.count({ where: { key: loginAttemptKeys(user.email, null).email, success: false } })).toBe(1);
    const before = await sessionVersion(user.id);
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes({ actor: withIp, proof: TEST_PASSWORD });
    expect(fresh).toHaveLength(10);
    expect(await sessionVersion(user.id)).toBe(before + 1);
    const ticket = await passwordStep(user.email);
    await expect(completeSecondFactorSignIn({ ...ticket, code: recoveryCodes[0]!, ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(completeSecondFactorSignIn({ ...ticket, code: fresh[0]!, ip: ip() })).resolves.toMatchObject({ id: user.id });
    expect(await auditActions(user.id)).toEqual([
      "user.two-factor-enable",
      "user.two-factor-recovery-codes",
      "user.two-factor-recovery-code-used",
    ]);
  });

  it("lets a customer remove it with a current code; sign-in is password-only again; audited; sessions end", async () => {
    const now = midStep();
    const { user, actor, secret } = await enrolledCustomer(now);
    const before = await sessionVersion(user.id);
    await removeTwoFactor({ actor, proof: await totpCode(secret, now), now });
    expect(await sessionVersion(user.id)).toBe(before + 1);
    expect(await db.twoFactorSecret.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("signed-in");
    expect(await auditActions(user.id)).toEqual(["user.two-factor-enable", "user.two-factor-disable"]);
    await expect(removeTwoFactor({ actor, proof: TEST_PASSWORD })).rejects.toMatchObject({ code: "PRECONDITION" });
  });

  it("refuses staff removal: their consoles require it", async () => {
    const admin = await createStaff("ADMIN");
    const actor: PersonActor = staffActor(admin);
    const { secret } = await beginTwoFactorEnrolment({ actor });
    await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret) });
    await expect(removeTwoFactor({ actor, proof: TEST_PASSWORD })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(await getTwoFactorStatus({ actor })).toMatchObject({ state: "on", required: true });
  });
});

describe("the staff consoles", () => {
  it("send staff without two-factor sign-in to enrol, and let them in once they have", async () => {
    expect(consoleAccess({ role: "ADMIN", twoFactorEnabled: false }, "admin")).toBe("enrol-two-factor");
    expect(consoleAccess({ role: "BILLING", twoFactorEnabled: false }, "billing")).toBe("enrol-two-factor");
    expect(consoleAccess({ role: "ADMIN", twoFactorEnabled: false }, "billing")).toBe("enrol-two-factor");
    expect(consoleAccess({ role: "BILLING", twoFactorEnabled: true }, "admin")).toBe("forbidden");
    expect(consoleAccess({ role: "CUSTOMER", twoFactorEnabled: true }, "billing")).toBe("forbidden");
    expect(consoleAccess({ role: "ADMIN", twoFactorEnabled: true }, "admin")).toBe("allowed");
    expect(consoleAccess({ role: "BILLING", twoFactorEnabled: true }, "billing")).toBe("allowed");
  });

  it("read whether 2FA is on from the database with every session read", async () => {
    const clerk = await createStaff("BILLING");
    const jwt = authOptions().callbacks!.jwt! as unknown as (a: { token: Record<string, unknown> }) => Promise<Record<string, unknown>>;
    const token = { sub: clerk.id, sv: clerk.sessionVersion };
    expect(await jwt({ token })).toMatchObject({ role: "BILLING", tfa: false });
    const actor = staffActor(clerk);
    const { secret } = await beginTwoFactorEnrolment({ actor });
    expect(await jwt({ token })).toMatchObject({ tfa: false }); // pending is not on
    const { sessionVersion: sv } = await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret) });
    await expect(jwt({ token })).rejects.toThrow(); // enrolling ended the older session…
    expect(await jwt({ token: { ...token, sv } })).toMatchObject({ tfa: true }); // …the re-issued one is in
  });
});

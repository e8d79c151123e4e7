import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createStaff, TEST_PASSWORD } from "@/lib/test/factories";
import { softAuthenticator } from "@/lib/test/soft-authenticator";
import { authOptions } from "@/lib/auth/options";
import { consoleAccess } from "@/lib/auth/console-access";
import { relyingParty } from "@/lib/auth/webauthn";
import { customerActor, staffActor, type PersonActor } from "@/lib/domain/actor";
import { authenticate } from "./authenticate";
import { endAllSessions } from "./end-all-sessions";
import { loginAttemptKeys } from "./login-rate-limit";
import {
  beginPasskeyRegistration,
  beginPasskeySignIn,
  CHALLENGE_TTL_SECONDS,
  completePasskeySignIn,
  finishPasskeyRegistration,
  listPasskeys,
  pruneWebAuthnChallenges,
  removePasskey,
} from "./passkeys";
import { resetSecondFactor } from "./reset-second-factor";
import { beginTwoFactorEnrolment, completeSecondFactorSignIn, confirmTwoFactorEnrolment } from "./two-factor";
import { totpCode } from "@/lib/auth/totp";

const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
const sessionVersion = async (userId: string) =>
  (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } })).sessionVersion;
const jwt = () => authOptions().callbacks!.jwt! as unknown as (a: { token: Record<string, unknown> }) => Promise<Record<string, unknown>>;

/** Registers a fresh software passkey for `actor`. */
async function registerPasskey(actor: PersonActor, name = "Test key") {
  const authenticator = softAuthenticator();
  const options = await beginPasskeyRegistration({ actor });
  const result = await finishPasskeyRegistration({ actor, name, response: authenticator.register(options) });
  return { authenticator, ...result };
}

/** The password step, which must ask for the second factor; a ticket as the login action would hold it. */
async function ticketFor(email: string, hash = `ticket-${Math.random()}`) {
  const outcome = await authenticate({ email, password: TEST_PASSWORD, ip: ip() });
  if (outcome.status !== "second-factor") throw new Error("no second factor asked");
  return { userId: outcome.userId, sessionVersion: outcome.sessionVersion, ticketHash: hash };
}

describe("the relying party", () => {
  it("comes from APP_URL, with loopback addresses as localhost (WebAuthn takes no IP address as RP ID)", () => {
    expect(relyingParty("https://panel.example.net")).toEqual({
      id: "panel.example.net",
      name: "Cellblock",
      origin: "https://panel.example.net",
    });
    expect(relyingParty("http://127.0.0.1:4123")).toMatchObject({ id: "localhost", origin: "http://localhost:4123" });
    expect(relyingParty("http://[::1]:3000")).toMatchObject({ id: "localhost", origin: "http://localhost:3000" });
    expect(relyingParty("http://localhost:3000")).toMatchObject({ id: "localhost", origin: "http://localhost:3000" });
  });
});

describe("registering a passkey", () => {
  it("stores its public key under a name, ends other sessions, audits, and makes it a second factor", async () => {
    const { user } = await createCustomer();
    const actor = customerActor({ ...user, ip: null });
    const before = await sessionVersion(user.id);
    const { authenticator, sessionVersion: sv } = await registerPasskey(actor, "Laptop");
    expect(sv).toBe(before + 1);
    const [listed] = await listPasskeys({ actor });
    expect(listed).toMatchObject({ name: "Laptop", lastUsedAt: null });
    const row = await db.passkey.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ credentialId: authenticator.id, transports: ["internal"], counter: 0n });
    expect(await db.auditLog.count({ where: { targetId: user.id, action: "user.passkey-add" } })).toBe(1);
    // A passkey alone is a second factor: the password no longer signs in by itself.
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("second-factor");
  });

  it("takes each challenge once, refuses another origin, and refuses the same authenticator twice", async () => {
    const { user } = await createCustomer();
    const actor = customerActor({ ...user, ip: null });
    const authenticator = softAuthenticator();
    const options = await beginPasskeyRegistration({ actor });
    const response = authenticator.register(options);
    const evil = softAuthenticator({ origin: "https://evil.example" }).register(options);
    await expect(finishPasskeyRegistration({ actor, name: "Evil", response: evil })).rejects.toMatchObject({ code: "VALIDATION" });
    // The refused answer used the challenge up: the right answer to it is no good now either.
    await expect(finishPasskeyRegistration({ actor, name: "Key", response })).rejects.toMatchObject({ code: "VALIDATION" });
    const again = await beginPasskeyRegistration({ actor });
    await finishPasskeyRegistration({ actor, name: "Key", response: authenticator.register(again) });
    const third = await beginPasskeyRegistration({ actor });
    expect(third.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    await expect(finishPasskeyRegistration({ actor, name: "Key again", response: authenticator.register(third) })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/registered already/),
    });
    // A challenge older than its lifetime is refused.
    const late = await beginPasskeyRegistration({ actor });
    await expect(
      finishPasskeyRegistration({ actor, name: "Late", response: softAuthenticator().register(late), now: at(CHALLENGE_TTL_SECONDS + 1) }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("lets staff with only a passkey into their console", async () => {
    const clerk = await createStaff("BILLING");
    const { sessionVersion: sv } = await registerPasskey(staffActor(clerk));
    const token = await jwt()({ token: { sub: clerk.id, sv } });
    expect(token).toMatchObject({ tfa: true });
    expect(consoleAccess({ role: "BILLING", twoFactorEnabled: token.tfa === true }, "billing")).toBe("allowed");
  });
});

describe("signing in with a passkey", () => {
  it("accepts the passkey for the ticket's user once, updates its counter and last use", async () => {
    const { user } = await createCustomer();
    const { authenticator } = await registerPasskey(customerActor({ ...user, ip: null }));
    const ticket = await ticketFor(user.email);
    const options = await beginPasskeySignIn({ ticket, ip: ip() });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const response = authenticator.authenticate(options);
    await expect(completePasskeySignIn({ ticket, response, ip: ip() })).resolves.toMatchObject({ id: user.id, email: user.email });
    const row = await db.passkey.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.counter).toBe(1n);
    expect(row.lastUsedAt).not.toBeNull();
    // Replayed: the challenge is gone.
    await expect(completePasskeySignIn({ ticket, response, ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("binds the challenge to its ticket, refuses a late answer, another user's passkey and a counter that went back", async () => {
    const { user } = await createCustomer();
    const { authenticator } = await registerPasskey(customerActor({ ...user, ip: null }));
    const ticket = await ticketFor(user.email);

    // Another sign-in's ticket of the same user cannot answer this challenge.
    const options = await beginPasskeySignIn({ ticket, ip: ip() });
    const other = { ...ticket, ticketHash: "another-ticket" };
    await expect(completePasskeySignIn({ ticket: other, response: authenticator.authenticate(options), ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });

    const late = await beginPasskeySignIn({ ticket, ip: ip() });
    await expect(
      completePasskeySignIn({ ticket, response: authenticator.authenticate(late), ip: ip(), now: at(CHALLENGE_TTL_SECONDS + 1) }),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const { user: stranger } = await createCustomer();
    const strangers = await registerPasskey(customerActor({ ...stranger, ip: null }));
    const forStranger = await beginPasskeySignIn({ ticket, ip: ip() });
    await expect(
      completePasskeySignIn({ ticket, response: strangers.authenticator.authenticate(forStranger), ip: ip() }),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    // A clone of the authenticator that is behind on the counter (WebAuthn §6.1.1).
    await completePasskeySignIn({ ticket, response: authenticator.authenticate(await beginPasskeySignIn({ ticket, ip: ip() })), ip: ip() });
    authenticator.setCounter(0);
    const cloned = await beginPasskeySignIn({ ticket, ip: ip() });
    await expect(completePasskeySignIn({ ticket, response: authenticator.authenticate(cloned), ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("counts failed passkey answers like wrong passwords, until the address is locked", async () => {
    const { user } = await createCustomer();
    await registerPasskey(customerActor({ ...user, ip: null }));
    const intruder = softAuthenticator(); // never registered
    const address = ip();
    for (let i = 0; i < 5; i++) {
      const ticket = await ticketFor(user.email);
      const options = await beginPasskeySignIn({ ticket, ip: address });
      await expect(completePasskeySignIn({ ticket, response: intruder.authenticate(options), ip: address })).rejects.toMatchObject({
        code: "UNAUTHENTICATED",
      });
    }
    expect(await db.loginAttempt.count({ where: { key: loginAttemptKeys(user.email, null).email, success: false } })).toBe(5);
    await expect(authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("is void once the sessions were revoked (logout everywhere, admin reset) between the steps", async () => {
    const { user } = await createCustomer();
    const { authenticator } = await registerPasskey(customerActor({ ...user, ip: null }));
    const ticket = await ticketFor(user.email);
    const options = await beginPasskeySignIn({ ticket, ip: ip() });
    await endAllSessions(user.id);
    await expect(completePasskeySignIn({ ticket, response: authenticator.authenticate(options), ip: ip() })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/expired/),
    });
    await expect(beginPasskeySignIn({ ticket, ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("leaves unanswered challenges to the worker's prune once they are past their lifetime", async () => {
    const { user } = await createCustomer();
    await registerPasskey(customerActor({ ...user, ip: null }));
    // A sign-in challenge issued longer ago than its lifetime; another login's, issued now.
    await beginPasskeySignIn({ ticket: await ticketFor(user.email), ip: ip(), now: at(-CHALLENGE_TTL_SECONDS - 5) });
    const { user: other } = await createCustomer();
    await beginPasskeyRegistration({ actor: customerActor({ ...other, ip: null }) });
    expect(await pruneWebAuthnChallenges()).toBeGreaterThanOrEqual(1);
    expect(await db.webAuthnChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.webAuthnChallenge.count({ where: { userId: other.id } })).toBe(1);
  });

  it("asks a passkey-only login's code step for nothing it can pass", async () => {
    const { user } = await createCustomer();
    await registerPasskey(customerActor({ ...user, ip: null }));
    const ticket = await ticketFor(user.email);
    await expect(completeSecondFactorSignIn({ ...ticket, code: "123456", ip: ip() })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("removing passkeys", () => {
  it("needs the password or a code, ends other sessions and audits", async () => {
    const { user } = await createCustomer();
    const actor = customerActor({ ...user, ip: ip() });
    await registerPasskey(actor, "Old phone");
    const [passkey] = await listPasskeys({ actor });
    await expect(removePasskey({ actor, passkeyId: passkey!.id, proof: "wrong" })).rejects.toMatchObject({ code: "VALIDATION" });
    const before = await sessionVersion(user.id);
    await removePasskey({ actor, passkeyId: passkey!.id, proof: TEST_PASSWORD });
    expect(await sessionVersion(user.id)).toBe(before + 1);
    expect(await listPasskeys({ actor })).toEqual([]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { targetId: user.id, action: "user.passkey-remove" } });
    expect(audit.data).toMatchObject({ name: "Old phone" });
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("signed-in");
  });

  it("refuses someone else's passkey, and a staff login's last second factor", async () => {
    const { user } = await createCustomer();
    const owner = customerActor({ ...user, ip: null });
    await registerPasskey(owner);
    const [theirs] = await listPasskeys({ actor: owner });
    const { user: other } = await createCustomer();
    await expect(
      removePasskey({ actor: customerActor({ ...other, ip: null }), passkeyId: theirs!.id, proof: TEST_PASSWORD }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    const admin = await createStaff("ADMIN");
    const actor = staffActor(admin);
    await registerPasskey(actor);
    const [only] = await listPasskeys({ actor });
    await expect(removePasskey({ actor, passkeyId: only!.id, proof: TEST_PASSWORD })).rejects.toMatchObject({ code: "PRECONDITION" });
    // With TOTP as well, the passkey may go.
    const { secret } = await beginTwoFactorEnrolment({ actor });
    await confirmTwoFactorEnrolment({ actor, code: await totpCode(secret) });
    await expect(removePasskey({ actor, passkeyId: only!.id, proof: TEST_PASSWORD })).resolves.toBeDefined();
  });

  it("goes with an admin's reset of the login's second factor", async () => {
    const admin = await createStaff("ADMIN");
    const clerk = await createStaff("BILLING");
    await registerPasskey(staffActor(clerk));
    const result = await resetSecondFactor({ actor: staffActor(admin), userId: clerk.id, reason: "lost the security key" });
    expect(result.removed).toEqual({ totp: false, recoveryCodes: 0, passkeys: 1 });
    expect(await db.passkey.count({ where: { userId: clerk.id } })).toBe(0);
    expect((await authenticate({ email: clerk.email, password: TEST_PASSWORD, ip: ip() })).status).toBe("signed-in");
  });
});

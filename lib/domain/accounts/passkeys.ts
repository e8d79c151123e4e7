// Passkeys (WebAuthn credentials) as a second factor: registering one, listing and removing
// them, and the passkey branch of sign-in's second step.
//
// @simplewebauthn/server does the protocol (W3C WebAuthn Level 2): options, attestation and
// assertion parsing, signature, RP ID hash, origin, user presence and the signature counter.
// Rules, all here:
//   - a challenge is single-use and short-lived (CHALLENGE_TTL_SECONDS): it is deleted when a
//     response naming it is checked, whatever the outcome; it is bound to the user's
//     sessionVersion, and at sign-in also to the password-ok ticket it was issued under
//     (lib/auth/second-factor-ticket.ts), so a logout, reset or password change voids it;
//   - sign-in with a passkey counts under the same per-address and per-IP limits as passwords
//     and codes (lib/domain/accounts/login-rate-limit.ts): a failed assertion is a failed sign-in;
//   - the stored signature counter must grow when the authenticator keeps one (the library's
//     check); the update is conditional on the counter read, so two uses cannot both pass;
//   - adding and removing a passkey bump sessionVersion (other sessions end; the caller re-issues
//     the acting browser's cookie) and are audited in the same transaction; removing asks for
//     the password or a code, as turning TOTP off does;
//   - a passkey alone is a second factor (lib/domain/accounts/second-factor-state.ts): staff
//     with one are enrolled, and cannot remove their last factor.
import crypto from "node:crypto";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { relyingParty } from "@/lib/auth/webauthn";
import type { PersonActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { pickAuthenticated, type AuthenticatedUser } from "@/lib/domain/accounts/authenticate";
import { assertLoginAllowed, recordLoginAttempt } from "@/lib/domain/accounts/login-rate-limit";
import { confirmIdentity, twoFactorRequiredFor } from "@/lib/domain/accounts/two-factor";
import { endAllSessions } from "@/lib/domain/accounts/end-all-sessions";

export const CHALLENGE_TTL_SECONDS = 3 * 60;
export const MAX_PASSKEYS = 10;
const CEREMONY_TIMEOUT_MS = 2 * 60 * 1000;

const EXPIRED = "Your sign-in has expired. Enter your e-mail address and password again.";
const REFUSED = "That passkey was not accepted. Try again, or enter a code from your app.";

export type PasskeySummary = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; backedUp: boolean };

/** The sha256 of a password-ok ticket, which a sign-in challenge is bound to. */
export const ticketHash = (ticket: string) => crypto.createHash("sha256").update(ticket).digest("hex");

async function personRow(userId: string) {
  if (!userId) throw new Error("passkeys: a user id is required");
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || user.disabledAt) throw new AppError("UNAUTHENTICATED", "Sign in again.");
  return user;
}

/** The caller's passkeys, oldest first. */
export async function listPasskeys({ actor }: { actor: PersonActor }): Promise<PasskeySummary[]> {
  if (!actor.userId) throw new Error("listPasskeys: a user id is required");
  return db.passkey.findMany({
    where: { userId: actor.userId },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, backedUp: true },
  });
}

/** How many passkeys `userId` has (the login page offers "use a passkey" when there is one). */
export async function countPasskeys({ userId }: { userId: string }): Promise<number> {
  if (!userId) throw new Error("countPasskeys: a user id is required");
  return db.passkey.count({ where: { userId } });
}

/** Stores a fresh challenge for `purpose`, replacing the user's earlier ones of that purpose. */
async function issueChallenge(
  userId: string,
  purpose: "REGISTER" | "SIGN_IN",
  sessionVersion: number,
  challenge: string,
  now: Date,
  boundTicket: string | null,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.webAuthnChallenge.deleteMany({ where: { userId, OR: [{ purpose }, { expiresAt: { lte: now } }] } });
    await tx.webAuthnChallenge.create({
      data: {
        userId,
        purpose,
        challenge,
        sessionVersion,
        ticketHash: boundTicket,
        expiresAt: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000),
      },
    });
  });
}

/**
 * A check for the library's `expectedChallenge`: true exactly once for a challenge issued to this
 * user for this purpose, at this sessionVersion (and ticket), not expired. Deleting it is the
 * check, so a response can never be replayed, even one that fails later.
 */
function consumeChallenge(userId: string, purpose: "REGISTER" | "SIGN_IN", sessionVersion: number, boundTicket: string | null, now: Date) {
  return async (challenge: string): Promise<boolean> => {
    const used = await db.webAuthnChallenge.deleteMany({
      where: { userId, purpose, challenge, sessionVersion, ticketHash: boundTicket, expiresAt: { gt: now } },
    });
    return used.count === 1;
  };
}

/**
 * Options for navigator.credentials.create() (through @simplewebauthn/browser), for the caller to
 * register a passkey. Excludes the ones they have, so one authenticator is not added twice.
 * @throws AppError PRECONDITION (MAX_PASSKEYS reached).
 */
export async function beginPasskeyRegistration({
  actor,
  now = new Date(),
}: {
  actor: PersonActor;
  now?: Date;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const user = await personRow(actor.userId);
  const existing = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } });
  if (existing.length >= MAX_PASSKEYS)
    throw new AppError("PRECONDITION", `A login can have at most ${MAX_PASSKEYS} passkeys. Remove one first.`);
  const rp = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await issueChallenge(user.id, "REGISTER", user.sessionVersion, options.challenge, now, null);
  return options;
}

/**
 * Checks the authenticator's answer to beginPasskeyRegistration and stores the passkey under
 * `name`. Other sessions end; audited.
 * @throws AppError VALIDATION (not accepted: wrong origin or RP, expired or used challenge, a
 *   passkey already registered), PRECONDITION (MAX_PASSKEYS).
 */
export async function finishPasskeyRegistration({
  actor,
  name,
  response,
  now = new Date(),
}: {
  actor: PersonActor;
  name: string;
  response: RegistrationResponseJSON;
  now?: Date;
}): Promise<{ sessionVersion: number; passkeyId: string }> {
  const user = await personRow(actor.userId);
  const rp = relyingParty();
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: consumeChallenge(user.id, "REGISTER", user.sessionVersion, null, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
  } catch (err) {
    const message = `The passkey could not be registered (${(err as Error).message}). Start again.`;
    throw new AppError("VALIDATION", message);
  }
  if (!verified.verified) throw new AppError("VALIDATION", "The passkey could not be registered. Start again.");
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  try {
    return await db.$transaction(async (tx) => {
      const count = await tx.passkey.count({ where: { userId: user.id } });
      if (count >= MAX_PASSKEYS) throw new AppError("PRECONDITION", `A login can have at most ${MAX_PASSKEYS} passkeys. Remove one first.`);
      const row = await tx.passkey.create({
        data: {
          userId: user.id,
          name,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey),
          counter: BigInt(credential.counter),
          transports: credential.transports ?? [],
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
          createdAt: now,
        },
        select: { id: true },
      });
      const sessionVersion = await endAllSessions(user.id, tx);
      await recordAudit(tx, {
        actor,
        action: "user.passkey-add",
        targetType: "User",
        targetId: user.id,
        accountId: user.accountId,
        data: { name, passkeyId: row.id },
      });
      return { sessionVersion, passkeyId: row.id };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("VALIDATION", "This passkey is registered already.");
    throw err;
  }
}

/**
 * Removes one of the caller's passkeys, after their password or a code. Other sessions end; audited.
 * @throws AppError NOT_FOUND (not theirs), PRECONDITION (a staff login's last second factor),
 *   VALIDATION (wrong proof), RATE_LIMITED.
 */
export async function removePasskey({
  actor,
  passkeyId,
  proof,
  now = new Date(),
}: {
  actor: PersonActor;
  passkeyId: string;
  proof: string;
  now?: Date;
}): Promise<{ sessionVersion: number }> {
  const user = await personRow(actor.userId);
  if (!passkeyId) throw new Error("removePasskey: a passkey id is required");
  const passkey = await db.passkey.findFirst({ where: { id: passkeyId, userId: user.id }, select: { id: true, name: true } });
  if (!passkey) throw notFound("That passkey");
  await confirmIdentity({ actor, proof, now });
  return db.$transaction(async (tx) => {
    // Locked, so two removals at once cannot both think the other passkey is left.
    await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
    if (twoFactorRequiredFor(user.role)) {
      const [others, totp] = await Promise.all([
        tx.passkey.count({ where: { userId: user.id, id: { not: passkey.id } } }),
        tx.twoFactorSecret.count({ where: { userId: user.id, confirmedAt: { not: null } } }),
      ]);
      if (others === 0 && totp === 0) {
        throw new AppError("PRECONDITION", "Staff logins must keep a second factor. Add another passkey or an authenticator app first.");
      }
    }
    const removed = await tx.passkey.deleteMany({ where: { id: passkey.id, userId: user.id } });
    if (removed.count !== 1) throw notFound("That passkey");
    const sessionVersion = await endAllSessions(user.id, tx);
    await recordAudit(tx, {
      actor,
      action: "user.passkey-remove",
      targetType: "User",
      targetId: user.id,
      accountId: user.accountId,
      data: { name: passkey.name, passkeyId: passkey.id },
    });
    return { sessionVersion };
  });
}

/**
 * Housekeeping (the worker): deletes challenges past their lifetime, which no response can use
 * any more (a ceremony abandoned, a sign-in never finished).
 * @returns how many were deleted.
 */
export async function pruneWebAuthnChallenges({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const { count } = await db.webAuthnChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

// ─── sign-in's second step ───

type Ticket = { userId: string; sessionVersion: number; ticketHash: string };

/** The user a valid ticket names, or the "expired" error (logout, reset or password change in between). */
async function ticketUser({ userId, sessionVersion }: Ticket) {
  const user = userId ? await db.user.findUnique({ where: { id: userId } }) : null;
  if (!user || user.sessionVersion !== sessionVersion || user.disabledAt) throw new AppError("UNAUTHENTICATED", EXPIRED);
  return user;
}

/**
 * Options for navigator.credentials.get() at sign-in's second step, for the ticket's user.
 * @throws AppError UNAUTHENTICATED (the ticket is void), PRECONDITION (no passkey), RATE_LIMITED.
 */
export async function beginPasskeySignIn({
  ticket,
  ip,
  now = new Date(),
}: {
  ticket: Ticket;
  ip: string | null;
  now?: Date;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const user = await ticketUser(ticket);
  // A locked-out address gets no challenge to guess with.
  await assertLoginAllowed(user.email, ip, now);
  const passkeys = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } });
  if (passkeys.length === 0) throw new AppError("PRECONDITION", "This login has no passkey. Enter a code from your app.");
  const rp = relyingParty();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    userVerification: "preferred",
    timeout: CEREMONY_TIMEOUT_MS,
  });
  await issueChallenge(user.id, "SIGN_IN", user.sessionVersion, options.challenge, now, ticket.ticketHash);
  return options;
}

/**
 * Checks a passkey's assertion for the ticket's user under the sign-in rate limit; a failure
 * counts as a failed sign-in.
 * @returns the user to start a session for.
 * @throws AppError UNAUTHENTICATED (refused, or the ticket is void), RATE_LIMITED.
 */
export async function completePasskeySignIn({
  ticket,
  response,
  ip,
  now = new Date(),
}: {
  ticket: Ticket;
  response: AuthenticationResponseJSON;
  ip: string | null;
  now?: Date;
}): Promise<AuthenticatedUser> {
  const user = await ticketUser(ticket);
  await assertLoginAllowed(user.email, ip, now);
  const fail = async (): Promise<never> => {
    await recordLoginAttempt(user.email, ip, false);
    throw new AppError("UNAUTHENTICATED", REFUSED);
  };
  const passkey = await db.passkey.findFirst({ where: { userId: user.id, credentialId: response.id } });
  if (!passkey) {
    // The challenge is used up all the same: one response, one check.
    await consumeChallenge(
      user.id,
      "SIGN_IN",
      user.sessionVersion,
      ticket.ticketHash,
      now,
    )(readChallenge(response.response.clientDataJSON) ?? "");
    return fail();
  }
  const rp = relyingParty();
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: consumeChallenge(user.id, "SIGN_IN", user.sessionVersion, ticket.ticketHash, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
      requireUserVerification: false,
    });
  } catch {
    return fail();
  }
  if (!verified.verified) return fail();
  // Conditional on the counter read: of two assertions checked at once, one wins.
  const moved = await db.passkey.updateMany({
    where: { id: passkey.id, counter: passkey.counter },
    data: { counter: BigInt(verified.authenticationInfo.newCounter), lastUsedAt: now },
  });
  if (moved.count !== 1) return fail();
  await recordLoginAttempt(user.email, ip, true);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  return pickAuthenticated(user);
}

/** The challenge a client's clientDataJSON names, or null when it cannot be read. */
function readChallenge(clientDataJSON: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    return typeof parsed.challenge === "string" ? parsed.challenge : null;
  } catch {
    return null;
  }
}

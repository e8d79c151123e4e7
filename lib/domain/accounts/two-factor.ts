// Two-factor sign-in with TOTP: enrolment, the second step of sign-in, recovery codes, removal.
//
// Rules, all here:
//   - staff (ADMIN, BILLING) must have it (lib/auth/session.ts sends them to enrol first and
//     they cannot remove it); customers choose;
//   - a secret is pending until a code from the app confirms it; only then is it asked for;
//   - a code is accepted for the step before, the current one and the next (clock drift), and
//     never twice: the last accepted step is stored and only a later one passes, decided by one
//     conditional UPDATE so two concurrent uses of one code cannot both win;
//   - ten recovery codes are made at enrolment and shown once; each works once;
//   - wrong codes count under the same per-address and per-IP limits as wrong passwords, at
//     sign-in and when a code or password is asked to remove 2FA or make new recovery codes;
//   - enabling, removing and new recovery codes bump sessionVersion (every other session ends;
//     the caller re-issues the acting browser's cookie) and are audited in the same transaction;
//   - the secret is stored sealed (lib/auth/totp-secret-seal.ts); one still in clear from before
//     sealing, or sealed under the previous key, is sealed again under the current key when read.
import { db, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { verifyPassword } from "@/lib/auth/password";
import {
  checkTotp,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  normaliseTotpCode,
  totpUri,
} from "@/lib/auth/totp";
import { isSealedTotpSecret, openTotpSecret, sealTotpSecret } from "@/lib/auth/totp-secret-seal";
import { assertLoginAllowed, recordLoginAttempt } from "@/lib/domain/accounts/login-rate-limit";
import { pickAuthenticated, type AuthenticatedUser } from "@/lib/domain/accounts/authenticate";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { PersonActor } from "@/lib/domain/actor";
import { endAllSessions } from "@/lib/domain/accounts/end-all-sessions";

/** The roles that may not sign in to their console without a second factor. */
export function twoFactorRequiredFor(role: string): boolean {
  return role === "ADMIN" || role === "BILLING";
}

export type TwoFactorStatus =
  | { state: "off"; required: boolean }
  | { state: "pending"; required: boolean; secret: string; uri: string }
  | { state: "on"; required: boolean; enabledAt: Date; recoveryCodesLeft: number };

const EXPIRED_TICKET = "Your sign-in has expired. Enter your e-mail address and password again.";
const WRONG_CODE = "That code is not right. Enter the current code from your app, or one of your recovery codes.";
const WRONG_PROOF = "That is neither your password nor a current code.";

/**
 * The secret of a TwoFactorSecret row in clear. A row still in clear (enrolled before secrets were
 * sealed) or sealed under TOTP_ENCRYPTION_KEY_PREVIOUS is sealed again under the current key,
 * conditionally on the stored value, so a concurrent change is never overwritten.
 * @returns the secret, and the value now stored (for conditional updates).
 * @throws TotpSealError when it cannot be opened (key not configured, altered, another login's).
 */
async function readSecretRow(row: { userId: string; secretSealed: string }): Promise<{ secret: string; sealed: string }> {
  let secret = row.secretSealed;
  if (isSealedTotpSecret(row.secretSealed)) {
    const open = openTotpSecret({ userId: row.userId, sealed: row.secretSealed });
    if (!open.stale) return { secret: open.secret, sealed: row.secretSealed };
    secret = open.secret;
  }
  const sealed = sealTotpSecret({ userId: row.userId, secret });
  const moved = await db.twoFactorSecret.updateMany({
    where: { userId: row.userId, secretSealed: row.secretSealed },
    data: { secretSealed: sealed },
  });
  return { secret, sealed: moved.count === 1 ? sealed : row.secretSealed };
}

type SecretRow = { userId: string; secretSealed: string; confirmedAt: Date | null; lastUsedStep: number | null };
type OpenedSecret = Omit<SecretRow, "secretSealed"> & { secret: string; sealed: string };

async function opened(row: SecretRow | null): Promise<OpenedSecret | null> {
  if (!row) return null;
  const { secretSealed, ...rest } = row;
  void secretSealed;
  return { ...rest, ...(await readSecretRow(row)) };
}

async function loadUser(userId: string) {
  if (!userId) throw new Error("two-factor: a user id is required");
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { twoFactor: { omit: { secretSealed: false } } },
  });
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in again.");
  return { ...user, twoFactor: await opened(user.twoFactor) };
}

/** What the user's security page shows. A pending secret is shown to its owner until confirmed. */
export async function getTwoFactorStatus({ actor }: { actor: PersonActor }): Promise<TwoFactorStatus> {
  const user = await loadUser(actor.userId);
  const required = twoFactorRequiredFor(user.role);
  const tf = user.twoFactor;
  if (!tf) return { state: "off", required };
  if (!tf.confirmedAt) return { state: "pending", required, secret: tf.secret, uri: totpUri({ secret: tf.secret, email: user.email }) };
  const recoveryCodesLeft = await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
  return { state: "on", required, enabledAt: tf.confirmedAt, recoveryCodesLeft };
}

/**
 * Starts enrolment: a fresh secret, pending until confirmed (an earlier pending one is replaced).
 * @throws AppError CONFLICT when two-factor sign-in is already on.
 */
export async function beginTwoFactorEnrolment({ actor }: { actor: PersonActor }): Promise<{ secret: string; uri: string }> {
  const user = await loadUser(actor.userId);
  const secret = newTotpSecret();
  const secretSealed = sealTotpSecret({ userId: user.id, secret });
  // Conditional on "not confirmed": a concurrent confirmation is never overwritten.
  const replaced = await db.twoFactorSecret.updateMany({
    where: { userId: user.id, confirmedAt: null },
    data: { secretSealed, lastUsedStep: null },
  });
  if (replaced.count === 0) {
    try {
      await db.twoFactorSecret.create({ data: { userId: user.id, secretSealed } });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", "Two-factor sign-in is already on for this login.");
      throw err;
    }
  }
  return { secret, uri: totpUri({ secret, email: user.email }) };
}

/** Replaces the user's recovery codes with fresh ones, in `tx`; returns them for showing once. */
async function replaceRecoveryCodes(tx: Tx, userId: string, now: Date): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(normaliseRecoveryCode(code)!), createdAt: now })),
  });
  return codes;
}

/**
 * Confirms a pending enrolment with a code from the app: two-factor sign-in is on from now,
 * other sessions end, and the ten recovery codes are returned — the only time they exist in clear.
 * @throws AppError VALIDATION (wrong code), PRECONDITION (nothing pending).
 */
export async function confirmTwoFactorEnrolment({
  actor,
  code,
  now = new Date(),
}: {
  actor: PersonActor;
  code: string;
  now?: Date;
}): Promise<{ recoveryCodes: string[]; sessionVersion: number }> {
  const user = await loadUser(actor.userId);
  const pending = user.twoFactor && !user.twoFactor.confirmedAt ? user.twoFactor : null;
  if (!pending) throw new AppError("PRECONDITION", "There is no set-up waiting for a code. Start again.");
  const step = await checkTotp({ secret: pending.secret, code, now, afterStep: null });
  if (step === null) {
    const message = "That code does not match. Check that your device's clock is right and enter the code it shows now.";
    throw new AppError("VALIDATION", message, { code: [message] });
  }
  return db.$transaction(async (tx) => {
    // Only the secret that was checked, and only while still pending.
    const confirmed = await tx.twoFactorSecret.updateMany({
      where: { userId: user.id, secretSealed: pending.sealed, confirmedAt: null },
      data: { confirmedAt: now, lastUsedStep: step },
    });
    if (confirmed.count !== 1) throw new AppError("PRECONDITION", "This set-up changed meanwhile. Start again.");
    const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
    const sessionVersion = await endAllSessions(user.id, tx);
    await recordAudit(tx, { actor, action: "user.two-factor-enable", targetType: "User", targetId: user.id, accountId: user.accountId });
    return { recoveryCodes, sessionVersion };
  });
}

/**
 * Checks `code` as a TOTP code or a recovery code and uses it up. Returns what it was, or null.
 * Uses are conditional updates: of two concurrent uses of one code, one wins.
 */
async function consumeSecondFactor(
  userId: string,
  secret: { secret: string; lastUsedStep: number | null },
  code: string,
  now: Date,
): Promise<"totp" | "recovery" | null> {
  if (normaliseTotpCode(code)) {
    const step = await checkTotp({ secret: secret.secret, code, now, afterStep: secret.lastUsedStep });
    if (step === null) return null;
    const used = await db.twoFactorSecret.updateMany({
      where: { userId, confirmedAt: { not: null }, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step },
    });
    return used.count === 1 ? "totp" : null;
  }
  const canonical = normaliseRecoveryCode(code);
  if (!canonical) return null;
  const used = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(canonical), usedAt: null },
    data: { usedAt: now },
  });
  return used.count === 1 ? "recovery" : null;
}

/** The person a not-yet-signed-in user acts as, for the audit log. */
function selfActor(user: { id: string; role: string; accountId: string | null }, ip: string | null): PersonActor {
  return user.role === "CUSTOMER" && user.accountId
    ? { kind: "customer", userId: user.id, accountId: user.accountId, ip }
    : { kind: "staff", userId: user.id, role: user.role === "BILLING" ? "BILLING" : "ADMIN", ip };
}

/**
 * The second step of sign-in, after authenticate() answered "second-factor": checks a code from
 * the app or a recovery code under the sign-in rate limit. `sessionVersion` is the one the
 * password step saw: a logout, password change or reset in between voids the attempt.
 * @returns the user to start a session for.
 * @throws AppError UNAUTHENTICATED (wrong code, or the password step is void), RATE_LIMITED.
 */
export async function completeSecondFactorSignIn({
  userId,
  sessionVersion,
  code,
  ip,
  now = new Date(),
}: {
  userId: string;
  sessionVersion: number;
  code: string;
  ip: string | null;
  now?: Date;
}): Promise<AuthenticatedUser> {
  const row = await db.user.findUnique({ where: { id: userId }, include: { twoFactor: { omit: { secretSealed: false } } } });
  if (!row || row.sessionVersion !== sessionVersion || row.disabledAt) throw new AppError("UNAUTHENTICATED", EXPIRED_TICKET);
  await assertLoginAllowed(row.email, ip, now);
  // A login with only a passkey has no code to type: any code is wrong, and counted as such.
  const user = { ...row, twoFactor: await opened(row.twoFactor) };
  const used = user.twoFactor?.confirmedAt && code.length <= 100 ? await consumeSecondFactor(user.id, user.twoFactor, code, now) : null;
  await recordLoginAttempt(user.email, ip, used !== null);
  if (!used) throw new AppError("UNAUTHENTICATED", WRONG_CODE, { code: [WRONG_CODE] });
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    if (used === "recovery") {
      const left = await tx.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
      await recordAudit(tx, {
        actor: selfActor(user, ip),
        action: "user.two-factor-recovery-code-used",
        targetType: "User",
        targetId: user.id,
        accountId: user.accountId,
        data: { left },
      });
    }
  });
  return pickAuthenticated(user);
}

/**
 * Asks the signed-in user to prove it is them before a far-reaching change: their password, a
 * current code or a recovery code (used up). Wrong answers count like wrong sign-ins.
 * @throws AppError VALIDATION (wrong), RATE_LIMITED.
 */
async function assertProof(user: Awaited<ReturnType<typeof loadUser>>, proof: string, ip: string | null, now: Date): Promise<void> {
  await assertLoginAllowed(user.email, ip, now);
  let ok = false;
  if (user.twoFactor?.confirmedAt && proof.length <= 100) ok = (await consumeSecondFactor(user.id, user.twoFactor, proof, now)) !== null;
  if (!ok && proof.length <= 200) {
    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    ok = await verifyPassword(passwordHash, proof);
  }
  if (!ok) {
    await recordLoginAttempt(user.email, ip, false);
    throw new AppError("VALIDATION", WRONG_PROOF, { passwordOrCode: [WRONG_PROOF] });
  }
}

/**
 * New recovery codes for a user with two-factor sign-in (the old ones stop working); other
 * sessions end. Needs the password or a code.
 * @throws AppError PRECONDITION (2FA is off), VALIDATION (wrong proof), RATE_LIMITED.
 */
export async function regenerateRecoveryCodes({
  actor,
  proof,
  now = new Date(),
}: {
  actor: PersonActor;
  proof: string;
  now?: Date;
}): Promise<{ recoveryCodes: string[]; sessionVersion: number }> {
  const user = await loadUser(actor.userId);
  if (!user.twoFactor?.confirmedAt) throw new AppError("PRECONDITION", "Two-factor sign-in is not on for this login.");
  await assertProof(user, proof, actor.ip, now);
  return db.$transaction(async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
    const sessionVersion = await endAllSessions(user.id, tx);
    await recordAudit(tx, {
      actor,
      action: "user.two-factor-recovery-codes",
      targetType: "User",
      targetId: user.id,
      accountId: user.accountId,
    });
    return { recoveryCodes, sessionVersion };
  });
}

/**
 * Turns two-factor sign-in off (secret and recovery codes deleted); other sessions end. Needs the
 * password or a code. Staff cannot: their consoles require it.
 * @throws AppError PRECONDITION (off already, or a staff login), VALIDATION (wrong proof), RATE_LIMITED.
 */
export async function removeTwoFactor({
  actor,
  proof,
  now = new Date(),
}: {
  actor: PersonActor;
  proof: string;
  now?: Date;
}): Promise<{ sessionVersion: number }> {
  const user = await loadUser(actor.userId);
  if (twoFactorRequiredFor(user.role)) {
    throw new AppError("PRECONDITION", "Staff logins must keep two-factor sign-in. Make new recovery codes instead, or ask another admin.");
  }
  if (!user.twoFactor?.confirmedAt) throw new AppError("PRECONDITION", "Two-factor sign-in is not on for this login.");
  await assertProof(user, proof, actor.ip, now);
  return db.$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.twoFactorSecret.deleteMany({ where: { userId: user.id } });
    const sessionVersion = await endAllSessions(user.id, tx);
    await recordAudit(tx, { actor, action: "user.two-factor-disable", targetType: "User", targetId: user.id, accountId: user.accountId });
    return { sessionVersion };
  });
}

/**
 * Asks the signed-in person for their password, a current code or a recovery code (used up)
 * before a far-reaching change elsewhere (removing a passkey). Wrong answers count like wrong sign-ins.
 * @throws AppError VALIDATION (wrong, on the field `passwordOrCode`), RATE_LIMITED.
 */
export async function confirmIdentity({
  actor,
  proof,
  now = new Date(),
}: {
  actor: PersonActor;
  proof: string;
  now?: Date;
}): Promise<void> {
  await assertProof(await loadUser(actor.userId), proof, actor.ip, now);
}

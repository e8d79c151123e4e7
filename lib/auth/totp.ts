// TOTP (RFC 6238) and recovery codes, without the database: what a code is, how it is checked,
// how a recovery code is made and stored. The rules about who may enrol, replay and rate limits
// live in lib/domain/accounts/two-factor.ts.
//
// otplib (v13) does the RFC work: base32 secrets, the otpauth:// Key Uri Format, constant-time
// comparison, and the matched time step that replay protection needs.
import crypto from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";

export const TOTP_ISSUER = "Cellblock";
const PERIOD = 30;

/** A fresh shared secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format). */
export function totpUri({ secret, email }: { secret: string; email: string }): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: PERIOD, digits: 6, algorithm: "sha1" });
}

/** The 30-second step `now` falls in. */
export const totpStep = (now: Date) => Math.floor(now.getTime() / 1000 / PERIOD);

/** Six digits, spaces allowed ("123 456" as some apps show it). */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * Checks a 6-digit code at `now`, accepting the step before and after (clock drift), but only a
 * step later than `afterStep` (the last one accepted for this secret: no replay).
 * @returns the matched step, or null.
 */
export async function checkTotp({
  secret,
  code,
  now,
  afterStep,
}: {
  secret: string;
  code: string;
  now: Date;
  afterStep: number | null;
}): Promise<number | null> {
  const token = normaliseTotpCode(code);
  if (!token) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(now.getTime() / 1000),
    period: PERIOD,
    epochTolerance: PERIOD,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** The code an authenticator app shows at `now` (for tests). */
export function totpCode(secret: string, now = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), period: PERIOD });
}

// ─── recovery codes ───
//
// 16 characters of Crockford's base32 (no i, l, o, u; typed look-alikes are read as the digit they
// resemble): 80 random bits, shown as xxxx-xxxx-xxxx-xxxx. With that much entropy a plain sha256
// is enough to store them, as for reset tokens: nobody searches 2^80 offline. A salted argon2 hash
// per code would instead cost up to ten argon2 verifications per guess, for no gain.
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
export const RECOVERY_CODE_COUNT = 10;

/** `count` fresh recovery codes, as shown to the user. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    // 256 is a multiple of 32: `byte & 31` picks every letter equally often.
    const chars = [...crypto.randomBytes(16)].map((b) => CROCKFORD[b & 31]).join("");
    return chars.match(/.{4}/g)!.join("-");
  });
}

/** The canonical form of a typed recovery code (case, dashes, spaces and look-alikes ignored), or null. */
export function normaliseRecoveryCode(input: string): string | null {
  const s = input
    .toLowerCase()
    .replace(/[\s-]+/g, "")
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
  return s.length === 16 && [...s].every((c) => CROCKFORD.includes(c)) ? s : null;
}

/** What is stored for a recovery code: the sha256 of its canonical form. */
export function hashRecoveryCode(canonical: string): string {
  return crypto.createHash("sha256").update(`cellblock-recovery:${canonical}`).digest("hex");
}

// TOTP secrets at rest. The server must read a secret back to compute codes, so it cannot be
// hashed like a password; it is encrypted instead, so that a copy of the database (a backup, a
// leaked dump, a read-only SQL injection) does not hand out every login's second factor.
//
// AES-256-GCM (NIST SP 800-38D, lib/crypto/aes-gcm.ts over node:crypto): a fresh 96-bit nonce per seal, a 128-bit tag,
// and the user's id as additional authenticated data, so a sealed secret copied onto another
// login's row does not open. The key lives in the environment (TOTP_ENCRYPTION_KEY, generated
// into .data/ by `npm start`), never in the database. Stored as one text value:
//
//   tk1.<key id>.<nonce>.<tag>.<ciphertext>      (base64url parts)
//
// The key id is a fingerprint of the key (not the key), so a rotation needs no numbering: the
// new key goes into TOTP_ENCRYPTION_KEY and the old one into TOTP_ENCRYPTION_KEY_PREVIOUS; a
// secret under the old key still opens and is sealed again under the new one when next read
// (lib/domain/accounts/two-factor.ts) or by `npm start`'s seed pass (prisma/seed.ts).
import crypto from "node:crypto";
import { decodeAesKey, totpKeyConfig } from "@/lib/config/server";
import { parseConfig } from "@/lib/config/read-config";
import { gcmOpen, gcmSeal } from "@/lib/crypto/aes-gcm";

const FORMAT = "tk1";

export type TotpKey = { id: string; bytes: Buffer };
/** The key that seals, and the ones that may still open. */
export type TotpKeyRing = { current: TotpKey | null; previous: TotpKey | null };

/** Thrown when a sealed secret cannot be opened: unknown key, wrong key, tampered, or not sealed. */
export class TotpSealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TotpSealError";
  }
}

/** The id a key is stored under: 8 hex digits of sha256 over a label and the key. */
export function totpKeyId(bytes: Buffer): string {
  return crypto.createHash("sha256").update("cellblock totp key id\0").update(bytes).digest("hex").slice(0, 8);
}

function toKey(text: string | undefined): TotpKey | null {
  if (!text) return null;
  const bytes = decodeAesKey(text);
  if (!bytes) throw new TotpSealError("a TOTP encryption key is not 32 bytes (64 hex digits or 43 base64url characters)");
  return { id: totpKeyId(bytes), bytes };
}

/**
 * The key ring from TOTP_ENCRYPTION_KEY / TOTP_ENCRYPTION_KEY_PREVIOUS (the server's configuration
 * by default; the seed passes its own environment).
 * @throws ConfigError when a key is malformed, or TOTP_ENCRYPTION_KEY is missing in production.
 */
export function totpKeyRing(source?: Record<string, string | undefined>): TotpKeyRing {
  const cfg = source ? parseConfig(totpKeyConfig.section, totpKeyConfig.schema, source) : totpKeyConfig();
  return { current: toKey(cfg.TOTP_ENCRYPTION_KEY), previous: toKey(cfg.TOTP_ENCRYPTION_KEY_PREVIOUS) };
}

const aad = (userId: string) => Buffer.from(`cellblock totp secret\0${userId}`);

/**
 * Seals a base32 TOTP secret for the row of `userId`.
 * @returns "tk1.<key id>.<nonce>.<tag>.<ciphertext>".
 * @throws TotpSealError when no key is configured (TOTP_ENCRYPTION_KEY unset outside production).
 */
export function sealTotpSecret({ userId, secret }: { userId: string; secret: string }, ring: TotpKeyRing = totpKeyRing()): string {
  if (!userId) throw new Error("sealTotpSecret: a user id is required");
  const key = ring.current;
  if (!key)
    throw new TotpSealError("TOTP_ENCRYPTION_KEY is not set: two-factor secrets cannot be stored. Set it (npm start generates one).");
  const { nonce, tag, ciphertext } = gcmSeal(key.bytes, secret, aad(userId));
  return [FORMAT, key.id, nonce.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** True when `sealed` is in the sealed format at all (a plain base32 secret from before sealing is not). */
export const isSealedTotpSecret = (sealed: string) => sealed.startsWith(`${FORMAT}.`);

/** The id of the key `sealed` was sealed under, or null when it is not sealed. */
export const sealedKeyId = (sealed: string) => (isSealedTotpSecret(sealed) ? (sealed.split(".")[1] ?? null) : null);

/**
 * Opens what sealTotpSecret made for the same `userId`.
 * @returns the base32 secret and whether it should be sealed again under the current key.
 * @throws TotpSealError naming the key id when that key is not configured, or when the value
 *   was altered or sealed for another user (GCM's tag does not match).
 */
export function openTotpSecret(
  { userId, sealed }: { userId: string; sealed: string },
  ring: TotpKeyRing = totpKeyRing(),
): { secret: string; stale: boolean } {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new TotpSealError("the stored TOTP secret is not sealed (format tk1 expected)");
  const [, id, nonce, tag, ct] = parts as [string, string, string, string, string];
  const key = [ring.current, ring.previous].find((k) => k?.id === id);
  if (!key) {
    throw new TotpSealError(
      `the stored TOTP secret is sealed under key ${id}, which is not configured (TOTP_ENCRYPTION_KEY is ${ring.current?.id ?? "unset"}` +
        `${ring.previous ? `, TOTP_ENCRYPTION_KEY_PREVIOUS is ${ring.previous.id}` : ""})`,
    );
  }
  try {
    const box = { nonce: Buffer.from(nonce, "base64url"), tag: Buffer.from(tag, "base64url"), ciphertext: Buffer.from(ct, "base64url") };
    return { secret: gcmOpen(key.bytes, box, aad(userId)), stale: key !== ring.current };
  } catch {
    throw new TotpSealError(`the stored TOTP secret does not open with key ${id}: it was altered, or belongs to another login`);
  }
}

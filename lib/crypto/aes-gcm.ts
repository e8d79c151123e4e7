// AES-256-GCM (NIST SP 800-38D) for secrets the server must read back, the one implementation
// behind every sealed column (backup passwords: lib/backups/sealed-secret.ts; TOTP secrets:
// lib/auth/totp-secret-seal.ts). Each caller owns its key, its stored format and its errors.
import crypto from "node:crypto";

export type GcmBox = { nonce: Buffer; tag: Buffer; ciphertext: Buffer };

/**
 * Encrypts `plaintext` (UTF-8) under a 32-byte key with a fresh 96-bit nonce.
 * @param aad additional authenticated data: not stored, must be given again to open.
 * @throws Error when the key is not 32 bytes.
 */
export function gcmSeal(key: Buffer, plaintext: string, aad?: Buffer): GcmBox {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { nonce, tag: cipher.getAuthTag(), ciphertext };
}

/**
 * Decrypts what gcmSeal made. Only a full 128-bit tag is accepted (GCM would otherwise take a
 * truncated one).
 * @throws Error when the key, the AAD, the nonce, the tag or the ciphertext do not match.
 */
export function gcmOpen(key: Buffer, { nonce, tag, ciphertext }: GcmBox, aad?: Buffer): string {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: 16 });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
}

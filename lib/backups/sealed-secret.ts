// Secrets the control plane must read back (a restic repository's password, a host's backup
// password), sealed before they touch the database. Unlike an agent token, which is only ever
// compared and so is stored hashed, these are sent to hosts in job payloads and used by the
// worker's retention, so they are encrypted (AES-256-GCM) under BACKUP_SECRET_KEY, which lives
// in the environment (or .data/ for a local install), never in the database.
import crypto from "node:crypto";
import { gcmOpen, gcmSeal } from "@/lib/crypto/aes-gcm";
import { backupConfig } from "@/lib/config/server";
import { AppError } from "@/lib/errors";

const VERSION = "v1";

function key(): Buffer {
  const secret = backupConfig().BACKUP_SECRET_KEY;
  if (!secret) throw new AppError("PRECONDITION", "Backups are not configured on this panel (BACKUP_SECRET_KEY is unset).");
  // A fixed-length key from a secret of any length ≥ 32 characters.
  return crypto.createHash("sha256").update(`cellblock-backup-seal:${secret}`).digest();
}

/** A fresh random secret: 32 bytes as base64url (43 characters, safe in URLs and htpasswd). */
export function generateSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/**
 * Encrypts `plaintext` for storage: "v1:<iv>:<tag>:<ciphertext>" (base64url parts).
 * @throws AppError PRECONDITION when BACKUP_SECRET_KEY is unset.
 */
export function sealSecret(plaintext: string): string {
  const { nonce, tag, ciphertext } = gcmSeal(key(), plaintext);
  return [VERSION, nonce.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

/**
 * Decrypts what sealSecret made.
 * @throws Error when the value was tampered with or sealed under another key.
 */
export function openSecret(sealed: string): string {
  const [version, iv, tag, ct] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error("openSecret: not a sealed secret");
  return gcmOpen(key(), {
    nonce: Buffer.from(iv, "base64url"),
    tag: Buffer.from(tag, "base64url"),
    ciphertext: Buffer.from(ct, "base64url"),
  });
}

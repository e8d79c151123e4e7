// Agent and enrolment secrets: 256 random bits, handed out once, stored only as sha256.
// A random 256-bit secret needs no slow hash: nobody can guess it, and sha256 keeps the
// database dump from being a list of working credentials.
import crypto from "node:crypto";

export const newSecret = () => crypto.randomBytes(32).toString("base64url");
export const hashSecret = (secret: string) => crypto.createHash("sha256").update(secret).digest("hex");

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, "hex");
  const bb = Buffer.from(b, "hex");
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

// Password hashing: argon2id (memory-hard) via @node-rs/argon2's prebuilt binaries.
import { hash, verify } from "@node-rs/argon2";

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, { algorithm: 2 /* Argon2id */ });
}

export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  try {
    return await verify(passwordHash, plain);
  } catch {
    return false;
  }
}

// Verifying against a fixed hash when the e-mail is unknown keeps the response time of
// "no such user" equal to "wrong password", so timing does not reveal who has an account.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(plain: string): Promise<false> {
  dummyHash ??= hashPassword("cellblock-dummy-password-for-timing");
  await verifyPassword(await dummyHash, plain);
  return false;
}

// Signs a user in from the server: the same encrypted JWT cookie next-auth issues after a
// credentials sign-in, made with next-auth's own encoder and cookie settings, so every later
// read goes through the jwt callback (and its session-version check) as usual.
//
// Sign-up uses it so a new customer is signed in by the request that created the account,
// without a second password hash and without depending on client JavaScript having loaded.
import "server-only";
import { cookies } from "next/headers";
import { encode } from "next-auth/jwt";
import { authOptions, SESSION_MAX_AGE } from "./options";

type SessionSubject = { id: string; name: string; email: string; role: string; sessionVersion: number };

export async function startSession(user: SessionSubject): Promise<void> {
  const options = authOptions();
  const cookie = options.cookies!.sessionToken!;
  const token = await encode({
    token: { sub: user.id, name: user.name, email: user.email, role: user.role, sv: user.sessionVersion },
    secret: options.secret!,
    maxAge: SESSION_MAX_AGE,
  });
  (await cookies()).set(cookie.name, token, { ...cookie.options, maxAge: SESSION_MAX_AGE });
}

// Test helpers for /api/v1: calls through the real dispatcher (as the route handler does), and
// tokens made through the real domain function. Only imported by tests.
import { db } from "@/lib/db";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { createApiToken } from "@/lib/domain/api-tokens/manage-api-tokens";
import { handleApiRequest } from "@/lib/api/v1/dispatch";
import { sealTotpSecret } from "@/lib/auth/totp-secret-seal";

export type ApiAnswer = { status: number; headers: Headers; body: Record<string, unknown> };

/** One request to /api/v1`path` with `token` (or none), a JSON body when given, and extra headers. */
export async function callApi(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  if (method === "GET" || method === "HEAD") body = undefined; // fetch refuses a body on these
  const res = await handleApiRequest(
    new Request(`http://localhost:3000/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A token for a customer login (its account must be active). */
export async function customerToken(user: { id: string; accountId: string | null }, access: "read" | "write" = "write") {
  const actor = customerActor({ id: user.id, accountId: user.accountId });
  return (await createApiToken({ actor, input: { name: `test ${access}`, access, expiresInDays: 30 } })).token;
}

/** A token for a member of staff, after enrolling them in two-factor sign-in (the consoles' rule). */
export async function staffToken(user: { id: string; role: string }, access: "read" | "write" = "write") {
  await db.twoFactorSecret.upsert({
    where: { userId: user.id },
    update: { confirmedAt: new Date() },
    create: { userId: user.id, secretSealed: sealTotpSecret({ userId: user.id, secret: "JBSWY3DPEHPK3PXP" }), confirmedAt: new Date() },
  });
  return (await createApiToken({ actor: staffActor(user), input: { name: `staff ${access}`, access, expiresInDays: 30 } })).token;
}

// The rules of personal access tokens, in one place:
//   - a token is "cbk_" and 43 base64url characters (32 random bytes, 256 bits): recognisable
//     by secret scanners and in logs, unguessable;
//   - only its sha256 is stored (a database leak gives no working token); the prefix shown in
//     lists is its first 10 characters, which identify it to its owner and help nobody guess it;
//   - customers' tokens carry "read" and optionally "write"; staff's carry "staff:read" and
//     optionally "staff:write"; write implies read. A customer can never hold a staff scope.
import crypto from "node:crypto";
import { AppError } from "@/lib/errors";
import { CUSTOMER_SCOPES, STAFF_SCOPES, type ApiScope } from "@/lib/schemas/api-tokens";

export const TOKEN_PREFIX = "cbk_";
/** The shape of a token as issued; anything else is refused before the database is asked. */
export const TOKEN_PATTERN = /^cbk_[A-Za-z0-9_-]{43}$/;
/** How many leading characters of the token are stored in clear, for the list. */
export const SHOWN_PREFIX_LENGTH = 10;

/** A fresh token (shown once) with the hash and prefix to store. */
export function newApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH) };
}

/** sha256 (hex) of a token: what is stored and looked up. */
export function hashApiToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/**
 * The scopes a token of this role with this access gets.
 * @throws Error for a role that cannot hold tokens (none today; guards against a new role).
 */
export function scopesFor(role: "CUSTOMER" | "ADMIN" | "BILLING", access: "read" | "write"): ApiScope[] {
  const [read, write] = role === "CUSTOMER" ? CUSTOMER_SCOPES : STAFF_SCOPES;
  return access === "write" ? [read, write] : [read];
}

/**
 * Whether a token's scopes allow a route's scope; "…write" includes "…read".
 * @returns true when allowed.
 */
export function scopeAllows(scopes: readonly string[], needed: ApiScope): boolean {
  if (scopes.includes(needed)) return true;
  if (needed === "read") return scopes.includes("write");
  if (needed === "staff:read") return scopes.includes("staff:write");
  return false;
}

/** The scopes a person of this role may hold; used to refuse a stored token whose owner changed role. */
export function scopesAllowedFor(role: string): readonly ApiScope[] {
  return role === "CUSTOMER" ? CUSTOMER_SCOPES : role === "ADMIN" || role === "BILLING" ? STAFF_SCOPES : [];
}

/** @throws AppError VALIDATION when `days` is above the configured maximum. */
export function assertLifetime(days: number, maxDays: number): void {
  if (days > maxDays)
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", {
      expiresInDays: [`A token lives at most ${maxDays} days here.`],
    });
}

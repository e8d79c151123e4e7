// The one check of a static bearer token (metrics scrapers of the control plane and the agent).
import { timingSafeEqual } from "node:crypto";

/**
 * Whether an `Authorization` header carries `Bearer <token>` (RFC 6750 §2.1), compared in
 * constant time. A missing header, another scheme or another token → false.
 */
export function bearerTokenMatches(header: string | null | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

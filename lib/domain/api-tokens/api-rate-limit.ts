// Requests per API token in fixed windows (API_RATE_LIMIT per API_RATE_WINDOW_SECONDS), counted
// in the database like sign-in attempts (lib/domain/accounts/login-rate-limit.ts), so every web
// instance sees the same count — but as one counter row per token and window, incremented by one
// upsert, rather than a row per request.
import { db } from "@/lib/db";
import { apiConfig } from "@/lib/config/server";

export type RateDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; limit: number; remaining: 0; resetSeconds: number; retryAfterSeconds: number };

/**
 * Counts one request of `tokenId` and says whether it is within the limit.
 * @returns the decision; `retryAfterSeconds` (whole seconds, ≥ 1) until the window ends, for
 *   the `Retry-After` header (RFC 9110 §10.2.3).
 */
export async function consumeApiRequest({ tokenId, now = new Date() }: { tokenId: string; now?: Date }): Promise<RateDecision> {
  if (!tokenId) throw new Error("consumeApiRequest: a token id is required");
  const { API_RATE_LIMIT: limit, API_RATE_WINDOW_SECONDS: windowSeconds } = apiConfig();
  const windowMs = windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const [row] = await db.$queryRaw<Array<{ count: number }>>`
    INSERT INTO "ApiRateWindow" ("tokenId", "windowStart", "count") VALUES (${tokenId}, ${windowStart}, 1)
    ON CONFLICT ("tokenId", "windowStart") DO UPDATE SET "count" = "ApiRateWindow"."count" + 1
    RETURNING "count"`;
  const count = row!.count;
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  if (count > limit) return { allowed: false, limit, remaining: 0, resetSeconds, retryAfterSeconds: resetSeconds };
  return { allowed: true, limit, remaining: limit - count, resetSeconds };
}

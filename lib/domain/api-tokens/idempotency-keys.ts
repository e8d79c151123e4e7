// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the first request with a
// key claims it; a replay of the same request gets the first response again; the same key with
// another request is refused (422); a replay while the first is still running is told to wait
// (409). Keys are per token, kept API_IDEMPOTENCY_HOURS. A claim whose request died before
// answering (the process was killed) is taken over after CLAIM_ABANDONED_MS; the domain's own
// keys (an order's orderKey is derived from the Idempotency-Key) keep such a retry from doing
// the work twice.
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { apiConfig } from "@/lib/config/server";
import type { Prisma } from "@/lib/generated/prisma/client";

/** A claim older than this, with no answer stored, was abandoned. */
export const CLAIM_ABANDONED_MS = 60_000;
/** What an Idempotency-Key may be: printable ASCII without spaces, 1–255 characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyClaim = { kind: "claimed" } | { kind: "replay"; status: number; body: unknown };

/** sha256 of what makes two requests "the same": method, path (with query) and body bytes. */
export function requestFingerprint(method: string, pathWithQuery: string, body: string): string {
  return crypto.createHash("sha256").update(`${method}\n${pathWithQuery}\n${body}`).digest("hex");
}

/**
 * Claims `key` for this request, or finds the answer a first request stored.
 * @throws AppError VALIDATION (422) when the key was used with another request; CONFLICT
 *   (409) while the first request with it is still being handled.
 */
export async function claimIdempotencyKey({
  tokenId,
  key,
  requestHash,
  now = new Date(),
}: {
  tokenId: string;
  key: string;
  requestHash: string;
  now?: Date;
}): Promise<IdempotencyClaim> {
  if (!tokenId || !IDEMPOTENCY_KEY_PATTERN.test(key))
    throw new AppError("VALIDATION", "Idempotency-Key must be 1–255 printable characters.");
  const ttlMs = apiConfig().API_IDEMPOTENCY_HOURS * 3_600_000;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { count } = await db.apiIdempotencyKey.createMany({
      data: [{ tokenId, key, requestHash, lockedAt: now, createdAt: now }],
      skipDuplicates: true,
    });
    if (count === 1) return { kind: "claimed" };
    const row = await db.apiIdempotencyKey.findUnique({ where: { tokenId_key: { tokenId, key } } });
    if (!row) continue; // pruned between the two statements
    if (now.getTime() - row.createdAt.getTime() >= ttlMs) {
      await db.apiIdempotencyKey.deleteMany({ where: { id: row.id, createdAt: row.createdAt } });
      continue;
    }
    if (row.requestHash !== requestHash)
      throw new AppError("VALIDATION", "This Idempotency-Key was already used with a different request. Use a new key for a new request.");
    if (row.status !== null) return { kind: "replay", status: row.status, body: row.body };
    if (now.getTime() - row.lockedAt.getTime() >= CLAIM_ABANDONED_MS) {
      const taken = await db.apiIdempotencyKey.updateMany({
        where: { id: row.id, status: null, lockedAt: row.lockedAt },
        data: { lockedAt: now },
      });
      if (taken.count === 1) return { kind: "claimed" };
    }
    throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being handled. Retry in a moment.");
  }
  throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being handled. Retry in a moment.");
}

/** Stores the first response for replays. */
export async function completeIdempotencyKey({
  tokenId,
  key,
  status,
  body,
}: {
  tokenId: string;
  key: string;
  status: number;
  body: Prisma.InputJsonValue;
}): Promise<void> {
  await db.apiIdempotencyKey.updateMany({ where: { tokenId, key, status: null }, data: { status, body } });
}

/** Gives the key up (the request failed on our side): a retry runs afresh. */
export async function releaseIdempotencyKey({ tokenId, key }: { tokenId: string; key: string }): Promise<void> {
  await db.apiIdempotencyKey.deleteMany({ where: { tokenId, key, status: null } });
}

/** Housekeeping for the worker: keys past their lifetime and rate windows long over. */
export async function pruneApiRecords(now = new Date()): Promise<{ keys: number; windows: number }> {
  const cfg = apiConfig();
  const [keys, windows] = await Promise.all([
    db.apiIdempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - cfg.API_IDEMPOTENCY_HOURS * 3_600_000) } } }),
    db.apiRateWindow.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 2 * cfg.API_RATE_WINDOW_SECONDS * 1000) } } }),
  ]);
  return { keys: keys.count, windows: windows.count };
}

// Chooses the host a new jail goes to: ACTIVE (not draining), heard from recently, with a
// free jail slot and a free address in both pools, the least loaded first. The chosen host's
// row is locked and its load counted again under the lock, so two concurrent orders cannot
// both take a host's last slot.
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { onlineSince } from "@/lib/domain/hosts/host-health";

export const NO_CAPACITY_MESSAGE =
  "We have no room for a new jail right now: every host is full or unavailable. Nothing was ordered and nothing was charged; please try again later.";

type Candidate = { id: string; live: number; capacityJails: number };

/**
 * The id of the host a new jail goes to, its row locked in `tx`.
 * @throws AppError NO_CAPACITY (NO_CAPACITY_MESSAGE) when no host can take it.
 */
export async function placeJail(tx: Tx, { now = new Date() }: { now?: Date } = {}): Promise<string> {
  const since = onlineSince(now);
  const candidates = await tx.$queryRaw<Candidate[]>`
    WITH loads AS (
      SELECT h."id", h."capacityJails",
        (SELECT count(*)::int FROM "Jail" j WHERE j."hostId" = h."id" AND j."destroyedAt" IS NULL) AS "live"
      FROM "Host" h
      WHERE h."status" = 'ACTIVE'
        AND h."lastHeartbeatAt" > ${since}
        AND h."capacityJails" > 0
        AND EXISTS (SELECT 1 FROM "IpAddress" a WHERE a."hostId" = h."id" AND a."kind" = 'PUBLIC' AND a."jailId" IS NULL)
        AND EXISTS (SELECT 1 FROM "IpAddress" a WHERE a."hostId" = h."id" AND a."kind" = 'PRIVATE' AND a."jailId" IS NULL)
    )
    SELECT "id", "capacityJails", "live" FROM loads
    WHERE "live" < "capacityJails"
    ORDER BY "live"::float / "capacityJails" ASC, "live" ASC, "id"
    LIMIT 20`;
  for (const c of candidates) {
    // Lock the host, then count again in a new statement (a new snapshot under READ
    // COMMITTED): a concurrent order may have just taken its last slot.
    const locked = await tx.$queryRaw<Array<{ status: string; capacityJails: number }>>`
      SELECT "status"::text AS "status", "capacityJails" FROM "Host" WHERE "id" = ${c.id} FOR UPDATE`;
    if (locked[0]?.status !== "ACTIVE") continue;
    const live = await tx.jail.count({ where: { hostId: c.id, destroyedAt: null } });
    if (live < locked[0].capacityJails) return c.id;
  }
  throw new AppError("NO_CAPACITY", NO_CAPACITY_MESSAGE);
}

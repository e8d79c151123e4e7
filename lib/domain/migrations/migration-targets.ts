// Which hosts can take a jail moved or evacuated from another: ACTIVE or STANDBY (a spare kept
// for this), heard from recently, the
// same driver (a jail's root is not portable between ZFS datasets and xfs images), a driver that
// declared migration, room for one more jail and free addresses.
import type { Tx } from "@/lib/db";
import { onlineSince } from "@/lib/domain/hosts/host-health";
import { hostHasFreeAddressSql } from "@/lib/domain/ipam/allocate-address";
import { hostCapabilities } from "@/lib/schemas/capabilities";
import type { StaffActor } from "@/lib/domain/actor";

/** A plan's request: the host whose jails move, and the hosts they may go to (every eligible one when absent). */
export type HostPlanRequest = { actor: StaffActor; hostId: string; targetHostIds?: string[]; now?: Date };

/**
 * The least loaded of `targets` with room, its load counted up for the jail the plan sends it
 * (so a plan spreads jails as it goes); null when none has room.
 */
export function takeTarget(targets: MigrationTarget[]): MigrationTarget | null {
  const target = targets.filter((t) => t.live < t.capacity).sort((a, b) => a.live / a.capacity - b.live / b.capacity)[0] ?? null;
  if (target) target.live++;
  return target;
}

/** A host a jail can move to, with its load: `live` jails of `capacity` (the smaller of the admin's figure and the driver's limit). */
export type MigrationTarget = { id: string; name: string; live: number; capacity: number };

/**
 * The hosts that can take jails from `sourceHostId`, least loaded first.
 * @returns an empty list when none can (the caller says so in words).
 */
export async function migrationTargets(tx: Tx, { sourceHostId, now }: { sourceHostId: string; now: Date }): Promise<MigrationTarget[]> {
  const since = onlineSince(now);
  const rows = await tx.$queryRaw<Array<{ id: string; name: string; capacityJails: number; facts: unknown; live: number }>>`
    SELECT h."id", h."name", h."capacityJails", h."facts",
      (SELECT count(*)::int FROM "Jail" j WHERE j."hostId" = h."id" AND j."destroyedAt" IS NULL) AS "live"
    FROM "Host" h
    WHERE h."status" IN ('ACTIVE', 'STANDBY') AND h."removedAt" IS NULL AND h."id" <> ${sourceHostId}
      AND h."driver" = (SELECT "driver" FROM "Host" WHERE "id" = ${sourceHostId})
      AND h."lastHeartbeatAt" > ${since}
      AND ${hostHasFreeAddressSql("PUBLIC")}
      AND ${hostHasFreeAddressSql("PRIVATE")}
    ORDER BY h."name"`;
  return rows
    .filter((h) => hostCapabilities(h.facts)?.migration === true)
    .map((h) => {
      const maxJails = hostCapabilities(h.facts)?.limits.maxJails ?? null;
      return { id: h.id, name: h.name, live: h.live, capacity: maxJails === null ? h.capacityJails : Math.min(h.capacityJails, maxJails) };
    })
    .filter((h) => h.live < h.capacity)
    .sort((a, b) => a.live / a.capacity - b.live / b.capacity || a.live - b.live || a.name.localeCompare(b.name));
}

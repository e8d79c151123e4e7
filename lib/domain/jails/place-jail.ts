// Chooses the host a new jail goes to: ACTIVE (not draining), heard from recently, with a
// free jail slot and a free address in both pools, the least loaded first. The chosen host's
// row is locked and its load counted again under the lock, so two concurrent orders cannot
// both take a host's last slot.
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { onlineSince } from "@/lib/domain/hosts/host-health";
import { hostCapabilities } from "@/lib/schemas/capabilities";

export const NO_CAPACITY_MESSAGE =
  "We have no room for a new jail right now: every host is full or unavailable. Nothing was ordered and nothing was charged; please try again later.";

type Candidate = { id: string; live: number; capacityJails: number; driver: "LXC" | "FREEBSD"; facts: unknown };

/** What the new jail needs of its host, checked against the capabilities each host's driver declared. */
export type PlacementNeeds = {
  hostname: string;
  plan: { cpuPercent: number };
  template: { name: string; lxcTemplate: string | null; lxcRootfs: unknown; zfsSnapshot: string | null; tarballPath: string | null };
};

/** Why `host` cannot take the jail, in words, or null when it can. A host that has not declared capabilities is taken on trust. */
export function hostRefusal(
  host: Pick<Candidate, "driver" | "facts">,
  needs: PlacementNeeds,
): { field: "hostname" | "plan" | "template"; message: string } | null {
  const t = needs.template;
  const hasSource = host.driver === "LXC" ? t.lxcRootfs != null || !!t.lxcTemplate : !!t.zfsSnapshot || !!t.tarballPath;
  if (!hasSource) return { field: "template", message: `${t.name} is not available right now. Choose another template.` };
  const caps = hostCapabilities(host.facts);
  if (!caps) return null;
  if (needs.hostname.length > caps.limits.maxHostnameLength)
    return { field: "hostname", message: `Use a hostname of at most ${caps.limits.maxHostnameLength} characters.` };
  if (caps.limits.maxCpuPercent !== null && needs.plan.cpuPercent > caps.limits.maxCpuPercent)
    return { field: "plan", message: "That plan is not available right now. Choose another." };
  return null;
}

/**
 * The id of the host a new jail goes to, its row locked in `tx`: an ACTIVE host heard from
 * recently, with a free slot (capacity, and the driver's own jail limit such as pf's anchor
 * limit) and free addresses, that can apply what the jail needs (hostname length, CPU share,
 * template source for its driver); the least loaded first.
 * @throws AppError VALIDATION (with the field) when hosts have room but none can apply what the
 *   jail needs; NO_CAPACITY (NO_CAPACITY_MESSAGE) when no host has room.
 */
export async function placeJail(tx: Tx, { now = new Date(), needs }: { now?: Date; needs: PlacementNeeds }): Promise<string> {
  const since = onlineSince(now);
  const candidates = await tx.$queryRaw<Candidate[]>`
    WITH loads AS (
      SELECT h."id", h."capacityJails", h."driver"::text AS "driver", h."facts",
        (SELECT count(*)::int FROM "Jail" j WHERE j."hostId" = h."id" AND j."destroyedAt" IS NULL) AS "live"
      FROM "Host" h
      WHERE h."status" = 'ACTIVE'
        AND h."lastHeartbeatAt" > ${since}
        AND h."capacityJails" > 0
        AND EXISTS (SELECT 1 FROM "IpAddress" a WHERE a."hostId" = h."id" AND a."kind" = 'PUBLIC' AND a."jailId" IS NULL)
        AND EXISTS (SELECT 1 FROM "IpAddress" a WHERE a."hostId" = h."id" AND a."kind" = 'PRIVATE' AND a."jailId" IS NULL)
    )
    SELECT "id", "capacityJails", "driver", "facts", "live" FROM loads
    WHERE "live" < "capacityJails"
    ORDER BY "live"::float / "capacityJails" ASC, "live" ASC, "id"
    LIMIT 20`;
  let refusal: ReturnType<typeof hostRefusal> = null;
  let suitableButFull = false;
  for (const c of candidates) {
    const why = hostRefusal(c, needs);
    if (why) {
      refusal ??= why;
      continue;
    }
    suitableButFull = true;
    // Lock the host, then count again in a new statement (a new snapshot under READ
    // COMMITTED): a concurrent order may have just taken its last slot.
    const locked = await tx.$queryRaw<Array<{ status: string; capacityJails: number }>>`
      SELECT "status"::text AS "status", "capacityJails" FROM "Host" WHERE "id" = ${c.id} FOR UPDATE`;
    if (locked[0]?.status !== "ACTIVE") continue;
    const maxJails = hostCapabilities(c.facts)?.limits.maxJails ?? null;
    const capacity = maxJails === null ? locked[0].capacityJails : Math.min(locked[0].capacityJails, maxJails);
    const live = await tx.jail.count({ where: { hostId: c.id, destroyedAt: null } });
    if (live < capacity) return c.id;
  }
  // A host that could run the jail but has no room means "no capacity", not "choose another".
  if (refusal && !suitableButFull)
    throw new AppError("VALIDATION", "Please correct the highlighted fields.", { [refusal.field]: [refusal.message] });
  throw new AppError("NO_CAPACITY", NO_CAPACITY_MESSAGE);
}

// The IP pools page: every pool with where it may be used and how full it is, one pool's
// ranges, and its addresses page by page.
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export const POOLS_PAGE_SIZE = 25;
export const ADDRESSES_PAGE_SIZE = 50;

type Usage = { total: number; assigned: number; held: number };

async function usageByPool(poolIds: string[]): Promise<Map<string, Usage>> {
  if (poolIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ poolId: string; total: number; assigned: number; held: number }>>`
    SELECT "poolId", count(*)::int AS "total", count("jailId")::int AS "assigned", count("heldAt")::int AS "held"
    FROM "IpAddress" WHERE "poolId" = ANY(${poolIds}) GROUP BY "poolId"`;
  return new Map(rows.map((r) => [r.poolId, { total: r.total, assigned: r.assigned, held: r.held }]));
}

/**
 * One page of pools (public and IPv6 first, then hosts' private netblocks), each with its
 * binding, live ranges and usage. `kind` narrows to one kind.
 */
export async function listIpPools({ actor, page, kind }: { actor: StaffActor; page: number; kind?: "PUBLIC" | "PRIVATE" | "IPV6" }) {
  assertStaff(actor, "ADMIN");
  const where: Prisma.IpPoolWhereInput = kind ? { kind } : {};
  const [pools, total] = await Promise.all([
    db.ipPool.findMany({
      where,
      orderBy: [{ retiredAt: { sort: "desc", nulls: "first" } }, { kind: "asc" }, { name: "asc" }],
      skip: (page - 1) * POOLS_PAGE_SIZE,
      take: POOLS_PAGE_SIZE,
      include: {
        host: { select: { id: true, name: true } },
        group: { select: { id: true, name: true } },
        ranges: { where: { retiredAt: null }, select: { cidr: true }, orderBy: { createdAt: "asc" } },
      },
    }),
    db.ipPool.count({ where }),
  ]);
  const usage = await usageByPool(pools.map((p) => p.id));
  return { total, rows: pools.map((p) => ({ ...p, usage: usage.get(p.id) ?? { total: 0, assigned: 0, held: 0 } })) };
}

/** One pool with its ranges (live and retired) and usage. @throws AppError NOT_FOUND. */
export async function getIpPool({ actor, poolId }: { actor: StaffActor; poolId: string }) {
  assertStaff(actor, "ADMIN");
  const pool = await db.ipPool.findUnique({
    where: { id: poolId },
    include: {
      host: { select: { id: true, name: true } },
      group: { select: { id: true, name: true, hosts: { where: { removedAt: null }, select: { id: true, name: true } } } },
      ranges: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!pool) throw notFound("That pool");
  const perRange = await db.$queryRaw<Array<{ rangeId: string; total: number; assigned: number; held: number }>>`
    SELECT "rangeId", count(*)::int AS "total", count("jailId")::int AS "assigned", count("heldAt")::int AS "held"
    FROM "IpAddress" WHERE "poolId" = ${pool.id} GROUP BY "rangeId"`;
  const byRange = new Map(perRange.map((r) => [r.rangeId, r]));
  const usage = (await usageByPool([pool.id])).get(pool.id) ?? { total: 0, assigned: 0, held: 0 };
  return {
    ...pool,
    usage,
    ranges: pool.ranges.map((r) => ({ ...r, usage: byRange.get(r.id) ?? { total: 0, assigned: 0, held: 0 } })),
  };
}

/** One page of a pool's addresses (IPv6: only those assigned or held), with the jail holding each. */
export async function listPoolAddresses({
  actor,
  poolId,
  filter,
  page,
}: {
  actor: StaffActor;
  poolId: string;
  filter: "all" | "free" | "assigned" | "held";
  page: number;
}) {
  assertStaff(actor, "ADMIN");
  if (!poolId) throw new Error("listPoolAddresses: poolId is required");
  const where: Prisma.IpAddressWhereInput = {
    poolId,
    ...(filter === "free"
      ? { jailId: null, heldAt: null }
      : filter === "assigned"
        ? { jailId: { not: null } }
        : filter === "held"
          ? { heldAt: { not: null } }
          : {}),
  };
  const rows = await db.ipAddress.findMany({
    where,
    orderBy: [{ rangeId: "asc" }, { sortKey: "asc" }, { id: "asc" }],
    skip: (page - 1) * ADDRESSES_PAGE_SIZE,
    take: ADDRESSES_PAGE_SIZE + 1,
    include: {
      range: { select: { cidr: true, retiredAt: true } },
      jail: { select: { id: true, hostname: true, account: { select: { id: true, name: true } }, host: { select: { name: true } } } },
    },
  });
  return { rows: rows.slice(0, ADDRESSES_PAGE_SIZE), hasMore: rows.length > ADDRESSES_PAGE_SIZE };
}

/** What a new pool can be bound to: hosts in the fleet, and host groups. */
export async function listPoolBindings({ actor }: { actor: StaffActor }) {
  assertStaff(actor, "ADMIN");
  const [hosts, groups] = await Promise.all([
    db.host.findMany({ where: { removedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true }, take: 1000 }),
    db.hostGroup.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, _count: { select: { hosts: true } } }, take: 1000 }),
  ]);
  return { hosts, groups };
}

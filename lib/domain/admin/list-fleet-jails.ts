// Every jail in the fleet, filtered by host, state, plan and account, a page at a time.
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { FleetJailFilter } from "@/lib/schemas/admin";
import { keysetPage, type ListCursor } from "@/lib/domain/keyset";

export const FLEET_JAILS_PAGE_SIZE = 50;

/**
 * One page of the fleet's jails (FLEET_JAILS_PAGE_SIZE), newest first by (createdAt, id), with
 * the filter's options (hosts, plans, the filtered account). Keyset-paged: `cursor` is where the
 * page starts (see lib/domain/keyset); the result carries the newer and older pages' cursors.
 */
export async function listFleetJails({ actor, filter, cursor = {} }: { actor: StaffActor; filter: FleetJailFilter; cursor?: ListCursor }) {
  assertStaff(actor, "ADMIN");
  const where: Prisma.JailWhereInput = {
    ...(filter.hostId ? { hostId: filter.hostId } : {}),
    ...(filter.planId ? { planId: filter.planId } : {}),
    ...(filter.accountId ? { accountId: filter.accountId } : {}),
    // Destroyed jails only when asked for: the list is of the fleet as it is.
    ...(filter.state ? { state: filter.state } : { destroyedAt: null }),
  };
  const [page, hosts, plans, account] = await Promise.all([
    keysetPage({
      cursor,
      pageSize: FLEET_JAILS_PAGE_SIZE,
      fetch: (q) =>
        db.jail.findMany({
          where: { AND: [where, q.where] },
          orderBy: q.orderBy,
          take: q.take,
          select: {
            id: true,
            name: true,
            hostname: true,
            state: true,
            desiredState: true,
            createdAt: true,
            host: { select: { id: true, name: true } },
            plan: { select: { id: true, name: true } },
            account: { select: { id: true, name: true } },
            ipAddresses: { where: { kind: "PUBLIC" }, select: { address: true } },
          },
        }),
    }),
    db.host.findMany({ where: { removedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true }, take: 1000 }),
    db.plan.findMany({ orderBy: [{ active: "desc" }, { sortOrder: "asc" }], select: { id: true, name: true }, take: 1000 }),
    filter.accountId ? db.account.findUnique({ where: { id: filter.accountId }, select: { id: true, name: true } }) : null,
  ]);
  return {
    ...page,
    rows: page.rows.map(({ ipAddresses, ...j }) => ({ ...j, publicIp: ipAddresses[0]?.address ?? null })),
    options: { hosts, plans, account },
  };
}

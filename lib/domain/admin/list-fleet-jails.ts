// Every jail in the fleet, filtered by host, state, plan and account, a page at a time.
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { FleetJailFilter } from "@/lib/schemas/admin";

export const FLEET_JAILS_PAGE_SIZE = 50;

export async function listFleetJails({ actor, filter, page }: { actor: StaffActor; filter: FleetJailFilter; page: number }) {
  assertStaff(actor, "ADMIN");
  const where: Prisma.JailWhereInput = {
    ...(filter.hostId ? { hostId: filter.hostId } : {}),
    ...(filter.planId ? { planId: filter.planId } : {}),
    ...(filter.accountId ? { accountId: filter.accountId } : {}),
    // Destroyed jails only when asked for: the list is of the fleet as it is.
    ...(filter.state ? { state: filter.state } : { destroyedAt: null }),
  };
  const [rows, hosts, plans, account] = await Promise.all([
    db.jail.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * FLEET_JAILS_PAGE_SIZE,
      take: FLEET_JAILS_PAGE_SIZE + 1,
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
    db.host.findMany({ where: { removedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true }, take: 1000 }),
    db.plan.findMany({ orderBy: [{ active: "desc" }, { sortOrder: "asc" }], select: { id: true, name: true }, take: 1000 }),
    filter.accountId ? db.account.findUnique({ where: { id: filter.accountId }, select: { id: true, name: true } }) : null,
  ]);
  return {
    rows: rows.slice(0, FLEET_JAILS_PAGE_SIZE).map(({ ipAddresses, ...j }) => ({ ...j, publicIp: ipAddresses[0]?.address ?? null })),
    hasMore: rows.length > FLEET_JAILS_PAGE_SIZE,
    options: { hosts, plans, account },
  };
}

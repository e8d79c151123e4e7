// The plans page: every plan (on sale first), how many jails are on it, and any price change
// waiting for its billing period.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { countJailsReached } from "./update-plan";
import { priceChangeEffectiveFrom } from "./plan-prices";

export const PLANS_PAGE_SIZE = 25;

export async function listAdminPlans({ actor, page, now = new Date() }: { actor: StaffActor; page: number; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const [plans, total] = await Promise.all([
    db.plan.findMany({
      orderBy: [{ active: "desc" }, { sortOrder: "asc" }, { name: "asc" }],
      skip: (page - 1) * PLANS_PAGE_SIZE,
      take: PLANS_PAGE_SIZE,
      include: { prices: { where: { effectiveFrom: { gt: now } }, orderBy: { effectiveFrom: "asc" }, take: 1 } },
    }),
    db.plan.count(),
  ]);
  const jails = await db.jail.groupBy({
    by: ["planId"],
    where: { planId: { in: plans.map((p) => p.id) }, destroyedAt: null },
    _count: { _all: true },
  });
  return {
    total,
    rows: plans.map(({ prices, ...p }) => ({
      ...p,
      jails: jails.find((j) => j.planId === p.id)?._count._all ?? 0,
      upcomingPrice: prices[0] ? { priceCents: prices[0].priceCents, effectiveFrom: prices[0].effectiveFrom } : null,
    })),
  };
}

/** One plan with its price history and the jails a limits change would reach. @throws AppError NOT_FOUND. */
export async function getAdminPlan({ actor, planId, now = new Date() }: { actor: StaffActor; planId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const plan = await db.plan.findUnique({
    where: { id: planId },
    include: { prices: { orderBy: { effectiveFrom: "desc" }, take: 24 } },
  });
  if (!plan) throw notFound("That plan");
  const [liveJails, reached] = await Promise.all([db.jail.count({ where: { planId, destroyedAt: null } }), countJailsReached(db, planId)]);
  const upcoming = plan.prices.find((p) => p.effectiveFrom > now) ?? null;
  return { plan, liveJails, reached, upcoming, nextPeriodStarts: priceChangeEffectiveFrom(now) };
}

import { db } from "@/lib/db";

/** Plans on sale, in display order, each with a price change that is scheduled but not yet in force. */
export async function listActivePlans(now = new Date()) {
  const plans = await db.plan.findMany({
    where: { active: true },
    orderBy: [{ sortOrder: "asc" }, { priceCents: "asc" }],
    include: { prices: { where: { effectiveFrom: { gt: now } }, orderBy: { effectiveFrom: "asc" }, take: 1 } },
  });
  return plans.map(({ prices, ...p }) => ({
    ...p,
    upcomingPrice: prices[0] ? { priceCents: prices[0].priceCents, effectiveFrom: prices[0].effectiveFrom } : null,
  }));
}

export function listActiveTemplates() {
  return db.template.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
}

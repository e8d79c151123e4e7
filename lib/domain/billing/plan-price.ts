// The price of a plan for a billing period, the rule in one place: the price in force for a
// period is the latest PlanPrice whose effectiveFrom is at or before the period's first
// instant; a plan with no PlanPrice row at all (made by older code or a test) costs its
// Plan.priceCents. A price change therefore never reaches back into a period already begun.
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db";
import { utc } from "./sql-time";

/** SQL for the monthly price in cents of the plan whose id is the SQL expression `planId`, for the period starting `periodStart`. */
export function planPriceInForceSql(planId: Prisma.Sql, periodStart: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE(
    (SELECT pp."priceCents" FROM "PlanPrice" pp WHERE pp."planId" = ${planId} AND pp."effectiveFrom" <= ${periodStart}
     ORDER BY pp."effectiveFrom" DESC LIMIT 1),
    (SELECT p0."priceCents" FROM "Plan" p0 WHERE p0."id" = ${planId}))`;
}

/** The monthly price in cents of `planId` for the period starting `periodStart`. @throws Error for an unknown plan. */
export async function getPlanPriceInForce({ planId, periodStart }: { planId: string; periodStart: Date }): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ cents: number | null }>>`
    SELECT ${planPriceInForceSql(Prisma.sql`${planId}`, utc(periodStart))}::int AS "cents"`;
  if (row?.cents === null || row?.cents === undefined) throw new Error(`getPlanPriceInForce: no plan ${planId}`);
  return row.cents;
}

import type { Tx } from "@/lib/db";
import type { Plan } from "@/lib/generated/prisma/client";

/**
 * The plan on sale with `slug`, its row share-locked in `tx`: a concurrent change of its limits
 * (updatePlan, FOR UPDATE) waits for this transaction, or this one reads the plan after it, so
 * a jail is never ordered or moved with limits the plan no longer has.
 */
export async function findPlanOnSale(tx: Tx, slug: string): Promise<Plan | null> {
  const [row] = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Plan" WHERE "slug" = ${slug} AND "active" FOR SHARE`;
  return row ? tx.plan.findUnique({ where: { id: row.id } }) : null;
}

// Which plan a jail is on, over time (JailPlanPeriod): the record plan fees are pro-rated from.
import type { Tx } from "@/lib/db";

/**
 * Starts the jail's period on `planId` at `at`, closing the open one (if any) at the same
 * instant, in the caller's transaction. A jail's periods never overlap and leave no gap.
 */
export async function switchPlanPeriod(tx: Tx, { jailId, planId, at }: { jailId: string; planId: string; at: Date }): Promise<void> {
  if (!jailId || !planId) throw new Error("switchPlanPeriod: jailId and planId are required");
  await tx.jailPlanPeriod.updateMany({ where: { jailId, endsAt: null }, data: { endsAt: at } });
  await tx.jailPlanPeriod.create({ data: { jailId, planId, startsAt: at } });
}

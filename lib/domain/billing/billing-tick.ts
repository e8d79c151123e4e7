// The one periodic entry point of billing, called by the control-plane worker (every few
// minutes; more often only costs queries). Every step is idempotent, so a missed or doubled
// tick is harmless. Order matters: rollups first (detection reads them), pruning last (only
// after the rollups have taken what they need from the raw samples).
import { rollupUsage, pruneUsage } from "@/lib/domain/usage/rollup-usage";
import { detectOverage } from "./detect-overage";
import { advanceOverageCases } from "./advance-overage-cases";
import { flagPastDueAccounts } from "./flag-past-due-accounts";

export async function billingTick(now: Date) {
  const rollup = await rollupUsage(now);
  const advanced = await advanceOverageCases(now);
  const detected = await detectOverage(now);
  const dunning = await flagPastDueAccounts(now);
  const pruned = await pruneUsage(now);
  return { rollup, advanced, detected, dunning, pruned };
}

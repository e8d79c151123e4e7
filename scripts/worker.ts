// The control-plane worker: periodic housekeeping that no request triggers. Safe to run in
// several copies (every step is an idempotent UPDATE / upsert), but one is enough.
// Run with the react-server condition so lib/ modules marked `server-only` load outside Next.
import { sweepExpiredLeases } from "@/lib/domain/jobs/sweep-expired-leases";
import { pruneLoginAttempts } from "@/lib/domain/accounts/login-rate-limit";
import { billingTick } from "@/lib/domain/billing/billing-tick";
import { processPasswordResetRequests } from "@/lib/domain/accounts/password-reset";
import { applyDuePlanPrices } from "@/lib/domain/plans/plan-prices";
import { checkServerConfig, launcherConfig, workerConfig } from "@/lib/config/server";
import { superviseFromLauncher } from "@/lib/process/supervised";
import { scheduleBackups } from "@/lib/domain/backups/schedule-backups";
import { applyBackupRetention } from "@/lib/domain/backups/apply-backup-retention";

checkServerConfig();
superviseFromLauncher({
  launched: launcherConfig().CELLBLOCK_SUPERVISED === "1",
  onParentGone: () => {
    stopping = true;
  },
});
const intervalMs = workerConfig().WORKER_INTERVAL_SECONDS * 1000;
let stopping = false;

async function tick() {
  const now = new Date();
  const leases = await sweepExpiredLeases({ now });
  if (leases.failed || leases.requeued) console.log(`[worker] expired leases: ${leases.requeued} requeued, ${leases.failed} failed`);
  await pruneLoginAttempts(now);
  // Reset links the web process did not get to send (it sends right after answering).
  await processPasswordResetRequests({ now });
  // A plan's list price follows its price history when a scheduled change's period begins.
  const prices = await applyDuePlanPrices({ now });
  if (prices) console.log(`[worker] ${prices} plan price(s) took effect`);
  // Rollups, overage grace and review, usage warnings, past-due flags (each step idempotent).
  await billingTick(now);
  // Each plan's backup policy: scheduled backups spread over the night, then retention (restic
  // forget --prune from this side, with full access; hosts can only append).
  const backups = await scheduleBackups({ now });
  if (backups) console.log(`[worker] scheduled backups queued: ${backups}`);
  const pruned = await applyBackupRetention({ now });
  if (pruned) console.log(`[worker] backups removed by retention: ${pruned}`);
}

async function main() {
  console.log(`[worker] running every ${intervalMs / 1000} s`);
  while (!stopping) {
    await tick().catch((err) => console.error("[worker] tick failed:", err));
    const until = Date.now() + intervalMs;
    while (!stopping && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  }
}

for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => (stopping = true));
void main().then(() => process.exit(0));

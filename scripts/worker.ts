// The control-plane worker: periodic housekeeping that no request triggers. Run one copy or
// several (one per control-plane machine, for availability): the copies elect a leader through
// a PostgreSQL session advisory lock (lib/process/worker-leader.ts), asked again every tick.
// Only the leader runs the tasks, and records each tick it ran in WorkerTick; the others log
// that they stand by, and take over within one interval of the leader's connection dropping.
// Every task is idempotent as well (UPDATEs, upserts, keyed inserts), so a tick that a dying
// leader had half run and its successor runs again does no harm.
// Run with the react-server condition so lib/ modules marked `server-only` load outside Next.
import crypto from "node:crypto";
import os from "node:os";
import { sweepExpiredLeases } from "@/lib/domain/jobs/sweep-expired-leases";
import { pruneLoginAttempts } from "@/lib/domain/accounts/login-rate-limit";
import { pruneApiRecords } from "@/lib/domain/api-tokens/idempotency-keys";
import { pruneWebAuthnChallenges } from "@/lib/domain/accounts/passkeys";
import { billingTick } from "@/lib/domain/billing/billing-tick";
import { processPasswordResetRequests } from "@/lib/domain/accounts/password-reset";
import { applyDuePlanPrices } from "@/lib/domain/plans/plan-prices";
import { checkServerConfig, databaseConfig, launcherConfig, workerConfig } from "@/lib/config/server";
import { superviseFromLauncher } from "@/lib/process/supervised";
import { WorkerLeader } from "@/lib/process/worker-leader";
import { scheduleBackups } from "@/lib/domain/backups/schedule-backups";
import { applyBackupRetention } from "@/lib/domain/backups/apply-backup-retention";
import { finishWorkerTick, startWorkerTick } from "@/lib/domain/worker/worker-ticks";

checkServerConfig();
superviseFromLauncher({
  launched: launcherConfig().CELLBLOCK_SUPERVISED === "1",
  onParentGone: () => {
    stopping = true;
  },
});
const intervalMs = workerConfig().WORKER_INTERVAL_SECONDS * 1000;
const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
let stopping = false;
const log = (line: string) => console.log(`[worker] ${line}`);
const leader = new WorkerLeader({ databaseUrl: databaseConfig().DATABASE_URL, log });

/** The periodic tasks, in order; each is idempotent. */
const tasks: Array<[name: string, run: (now: Date) => Promise<void>]> = [
  [
    "expired-leases",
    async (now) => {
      const leases = await sweepExpiredLeases({ now });
      if (leases.failed || leases.requeued) log(`expired leases: ${leases.requeued} requeued, ${leases.failed} failed`);
    },
  ],
  ["login-attempts", (now) => pruneLoginAttempts(now).then(() => {})],
  // The API's rate-limit windows and Idempotency-Keys past their lifetime.
  ["api-records", (now) => pruneApiRecords(now).then(() => {})],
  // Passkey challenges nobody answered within their 3 minutes.
  ["webauthn-challenges", (now) => pruneWebAuthnChallenges({ now }).then(() => {})],
  // Reset links the web process did not get to send (it sends right after answering).
  ["password-resets", (now) => processPasswordResetRequests({ now }).then(() => {})],
  // A plan's list price follows its price history when a scheduled change's period begins.
  [
    "plan-prices",
    async (now) => {
      const prices = await applyDuePlanPrices({ now });
      if (prices) log(`${prices} plan price(s) took effect`);
    },
  ],
  // Rollups, overage grace and review, usage warnings, past-due flags (each step idempotent).
  ["billing", (now) => billingTick(now).then(() => {})],
  // Each plan's backup policy: scheduled backups spread over the night, then retention (restic
  // forget --prune from this side, with full access; hosts can only append).
  [
    "backup-schedule",
    async (now) => {
      const backups = await scheduleBackups({ now });
      if (backups) log(`scheduled backups queued: ${backups}`);
    },
  ],
  [
    "backup-retention",
    async (now) => {
      const pruned = await applyBackupRetention({ now });
      if (pruned) log(`backups removed by retention: ${pruned}`);
    },
  ],
];

async function tick() {
  const now = new Date();
  const id = await startWorkerTick({ workerId, now });
  const done: string[] = [];
  let error: string | null = null;
  for (const [name, run] of tasks) {
    try {
      await run(now);
      done.push(name);
    } catch (err) {
      error = `${name}: ${(err as Error).message}`;
      console.error(`[worker] tick failed in ${name}:`, err);
      break;
    }
  }
  await finishWorkerTick({ id, tasks: done, error });
}

async function main() {
  log(`${workerId} running every ${intervalMs / 1000} s`);
  let standing = false;
  while (!stopping) {
    if ((await leader.check()) === "leading") {
      standing = false;
      await tick().catch((err) => console.error("[worker] tick failed:", err));
    } else if (!standing) {
      standing = true;
      log("standing by: another worker leads (or the database is unreachable); asking again every tick");
    }
    const until = Date.now() + intervalMs;
    while (!stopping && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  }
  await leader.release();
}

for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => (stopping = true));
void main().then(() => process.exit(0));

// Retention, from the control plane's side with full access (hosts can only append): for each
// jail holding more backups than its plan keeps, `restic forget --prune --keep-last <backupKeep>`
// against its repository through BACKUP_ADMIN_URL, then every Backup whose snapshot restic no
// longer lists is marked forgotten.
import { spawn } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import { db } from "@/lib/db";
import { backupConfig } from "@/lib/config/server";
import { openSecret } from "@/lib/backups/sealed-secret";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { systemActor } from "@/lib/domain/actor";

/** Jails pruned per call: a prune rewrites pack files and takes a while. */
const PER_TICK = 10;

/**
 * Applies each plan's `backupKeep` to the jails holding more kept backups than that.
 * Does nothing when BACKUP_ADMIN_URL is unset. A jail whose prune fails is logged and retried
 * on a later call; the others go on.
 * @returns how many backups were marked forgotten.
 */
export async function applyBackupRetention({
  now,
  jailIds,
  log = console.error,
}: {
  now: Date;
  /** Only these jails (a test's own); all when absent. */
  jailIds?: string[];
  log?: (m: string) => void;
}): Promise<number> {
  const admin = backupConfig().BACKUP_ADMIN_URL;
  if (!admin) return 0;
  const only = jailIds ?? null;
  const over = await db.$queryRaw<Array<{ jailId: string }>>`
    SELECT b."jailId" FROM "Backup" b JOIN "Jail" j ON j."id" = b."jailId" JOIN "Plan" p ON p."id" = j."planId"
    WHERE b."status" = 'SUCCEEDED' AND b."forgottenAt" IS NULL
      AND (${only}::text[] IS NULL OR b."jailId" = ANY(${only}::text[]))
    GROUP BY b."jailId", p."backupKeep" HAVING count(*) > GREATEST(p."backupKeep", 1)
    ORDER BY b."jailId" LIMIT ${PER_TICK}`;
  let forgotten = 0;
  for (const { jailId } of over) {
    try {
      forgotten += await pruneJail(admin, jailId, now);
    } catch (err) {
      log(`[backups] retention of jail ${jailId} failed: ${(err as Error).message}`);
    }
  }
  return forgotten;
}

async function pruneJail(admin: string, jailId: string, now: Date): Promise<number> {
  const jail = await db.jail.findUniqueOrThrow({
    where: { id: jailId },
    select: { id: true, accountId: true, backupRepoPath: true, backupRepoPasswordSealed: true, plan: { select: { backupKeep: true } } },
  });
  if (!jail.backupRepoPath || !jail.backupRepoPasswordSealed) return 0;
  const repository = admin.startsWith("rest:")
    ? `${admin.endsWith("/") ? admin : `${admin}/`}${jail.backupRepoPath}/`
    : path.join(admin, jail.backupRepoPath);
  const env = {
    NODE_ENV: process.env.NODE_ENV,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RESTIC_REPOSITORY: repository,
    RESTIC_PASSWORD: openSecret(jail.backupRepoPasswordSealed),
  };
  const keep = Math.max(jail.plan.backupKeep, 1);
  // --group-by host: one group per jail (the snapshots' host label is the jail's name). restic's
  // default also groups by path, which differs per backup on FreeBSD (the ZFS snapshot's
  // directory) and would keep `keep` of every one of them.
  // Stale locks first: a host cannot remove a lock it left on an append-only server (a killed
  // backup, or a refused forget), and an exclusive one would block its next backups.
  await restic(["unlock", "--no-cache"], env);
  await restic(["forget", "--prune", "--group-by", "host", "--keep-last", String(keep), "--no-cache"], env);
  const listed = z
    .array(z.object({ id: z.string() }).passthrough())
    .parse(JSON.parse((await restic(["snapshots", "--json", "--no-cache"], env)) || "[]"));
  const kept = new Set(listed.map((s) => s.id));
  const candidates = await db.backup.findMany({
    where: { jailId: jail.id, status: "SUCCEEDED", forgottenAt: null },
    select: { id: true, snapshotId: true },
  });
  const gone = candidates.filter((b) => b.snapshotId && !kept.has(b.snapshotId)).map((b) => b.id);
  if (gone.length === 0) return 0;
  await db.$transaction(async (tx) => {
    await tx.backup.updateMany({ where: { id: { in: gone }, jailId: jail.id }, data: { forgottenAt: now } });
    await recordAudit(tx, {
      actor: systemActor("backup-retention"),
      action: "jail.backups.pruned",
      targetType: "Jail",
      targetId: jail.id,
      accountId: jail.accountId,
      data: { backupIds: gone, keep },
    });
  });
  return gone.length;
}

/** Runs restic (argv, no shell, secrets in the environment only); its stdout, or an error with the last line of stderr. */
function restic(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("restic", args, { env, stdio: ["ignore", "pipe", "pipe"], shell: false });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_600_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`restic ${args[0]} exited with ${code}: ${err.trim().split("\n").slice(-1)[0] ?? ""}`));
    });
  });
}

// Backup health for the admin console: per jail, when its last backup succeeded and when (and
// why) its last one failed.
import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export type BackupHealth = { lastSuccessAt: Date | null; lastFailureAt: Date | null; lastFailure: string | null };

/**
 * Backup health of the given jails (at most a page of them), keyed by jail id; a jail never
 * backed up has no entry. Two indexed reads (Backup by jail and time), whatever the count.
 * @throws AppError FORBIDDEN for anyone but staff.
 */
export async function getBackupHealth({ actor, jailIds }: { actor: StaffActor; jailIds: string[] }): Promise<Map<string, BackupHealth>> {
  assertStaff(actor);
  const out = new Map<string, BackupHealth>();
  if (jailIds.length === 0) return out;
  const rows = await db.$queryRaw<Array<{ jailId: string; status: "SUCCEEDED" | "FAILED"; finishedAt: Date; error: string | null }>>`
    SELECT DISTINCT ON ("jailId", "status") "jailId", "status", "finishedAt", "error"
    FROM "Backup"
    WHERE "jailId" = ANY(${jailIds}::text[]) AND "status" IN ('SUCCEEDED', 'FAILED') AND "finishedAt" IS NOT NULL
    ORDER BY "jailId", "status", "finishedAt" DESC`;
  for (const r of rows) {
    const h = out.get(r.jailId) ?? { lastSuccessAt: null, lastFailureAt: null, lastFailure: null };
    if (r.status === "SUCCEEDED") h.lastSuccessAt = r.finishedAt;
    else {
      h.lastFailureAt = r.finishedAt;
      h.lastFailure = r.error;
    }
    out.set(r.jailId, h);
  }
  return out;
}

/** One line for the console: "backed up 3 h ago", "failed 2 h ago (reason); last good 1 day ago", "never backed up". */
export function describeBackupHealth(h: BackupHealth | undefined, formatAge: (d: Date) => string): string {
  if (!h) return "never backed up";
  const good = h.lastSuccessAt ? `backed up ${formatAge(h.lastSuccessAt)}` : "never backed up successfully";
  if (h.lastFailureAt && (!h.lastSuccessAt || h.lastFailureAt > h.lastSuccessAt)) {
    return `last backup failed ${formatAge(h.lastFailureAt)}${h.lastFailure ? ` (${h.lastFailure.slice(0, 160)})` : ""}; ${good}`;
  }
  return good;
}

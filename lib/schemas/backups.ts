// What the jail page's backup forms accept: the jail, and for a restore the backup and the
// hostname typed to confirm. The account comes from the session.
import { z } from "zod";
import { confirmedJailSchema, jailId } from "./jails";

/** A Backup row's id: 24 hex digits (lib/domain/backups/request-backup.ts makes them). */
export const backupId = z.string({ error: "Choose a backup to restore." }).regex(/^[0-9a-f]{24}$/, "Choose a backup to restore.");

export const backupNowSchema = z.object({ jailId });

export const restoreBackupSchema = z.object({
  jailId,
  backupId,
  confirmHostname: confirmedJailSchema.shape.confirmHostname,
});

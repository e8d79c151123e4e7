// When a plan's scheduled backups run: every `backupEveryHours`, at a moment of the nightly
// window (BACKUP_WINDOW_START_HOUR, BACKUP_WINDOW_HOURS, UTC) chosen by a hash of the jail's id,
// so a host's jails — and all hosts' — are spread over the night instead of starting at once,
// and each jail keeps the same time every night. The rule lives here and nowhere else.
import crypto from "node:crypto";

const HOUR_MS = 3_600_000;

/**
 * The jail's fixed offset into the night window, in milliseconds: the first 4 bytes of
 * sha256(jailId) modulo the window's length (uniform enough for any number of jails).
 */
export function backupOffsetMs(jailId: string, windowHours: number): number {
  const n = crypto.createHash("sha256").update(jailId).digest().readUInt32BE(0);
  return n % (windowHours * HOUR_MS);
}

/**
 * The latest scheduled moment at or before `now` for the jail, or null when its plan takes no
 * scheduled backups (`everyHours` 0). Slots repeat every `everyHours` hours counted from the UTC
 * epoch (a midnight), shifted by the window's start and the jail's offset: with 24 that is once a
 * night inside the window; with 6 (a divisor of 24) four times a day, one of them in the window.
 */
export function lastBackupSlot({
  jailId,
  everyHours,
  now,
  windowStartHour,
  windowHours,
}: {
  jailId: string;
  everyHours: number;
  now: Date;
  windowStartHour: number;
  windowHours: number;
}): Date | null {
  if (everyHours <= 0) return null;
  const period = everyHours * HOUR_MS;
  const phase = (windowStartHour * HOUR_MS + backupOffsetMs(jailId, windowHours)) % period;
  const t = now.getTime();
  return new Date(Math.floor((t - phase) / period) * period + phase);
}

// Failed sign-ins are counted per e-mail address and per client IP over a sliding window
// (rows in LoginAttempt, so every web instance sees the same counts). Past the limit the
// sign-in is refused before the password is even checked.
import { db } from "@/lib/db";
import { authConfig } from "@/lib/config/server";
import { AppError } from "@/lib/errors";

const emailKey = (email: string) => `email:${email.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

/** The LoginAttempt keys a sign-in is counted under: its e-mail address and, when known, its client address. */
export function loginAttemptKeys(email: string, ip: string | null): { email: string; ip: string | null } {
  return { email: emailKey(email), ip: ip ? ipKey(ip) : null };
}

/**
 * Refuses a sign-in when its address or IP has too many recent failures.
 * @throws AppError RATE_LIMITED saying when to try again.
 */
export async function assertLoginAllowed(email: string, ip: string | null, now = new Date()): Promise<void> {
  const e = authConfig();
  const since = new Date(now.getTime() - e.LOGIN_WINDOW_SECONDS * 1000);
  const keys = [emailKey(email), ...(ip ? [ipKey(ip)] : [])];
  const rows = await db.loginAttempt.groupBy({
    by: ["key"],
    where: { key: { in: keys }, success: false, createdAt: { gte: since } },
    _count: { _all: true },
    _min: { createdAt: true },
  });
  for (const row of rows) {
    const limit = row.key.startsWith("ip:") ? e.LOGIN_MAX_FAILURES_PER_IP : e.LOGIN_MAX_FAILURES_PER_ACCOUNT;
    if (row._count._all >= limit) {
      const oldest = row._min.createdAt ?? now;
      const retryMs = oldest.getTime() + e.LOGIN_WINDOW_SECONDS * 1000 - now.getTime();
      const minutes = Math.max(1, Math.ceil(retryMs / 60_000));
      throw new AppError(
        "RATE_LIMITED",
        `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or reset your password.`,
      );
    }
  }
}

/** Counts one sign-in under both keys; a success forgives the address's earlier failures. */
export async function recordLoginAttempt(email: string, ip: string | null, success: boolean): Promise<void> {
  const keys = [emailKey(email), ...(ip ? [ipKey(ip)] : [])];
  await db.loginAttempt.createMany({ data: keys.map((key) => ({ key, success })) });
  if (success) {
    // A successful sign-in forgives this address's earlier failures (not the IP's).
    await db.loginAttempt.deleteMany({ where: { key: emailKey(email), success: false } });
  }
}

/** Housekeeping: rows older than the window no longer count. */
export async function pruneLoginAttempts(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - authConfig().LOGIN_WINDOW_SECONDS * 1000 * 4);
  const { count } = await db.loginAttempt.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}

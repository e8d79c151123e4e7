import { db } from "@/lib/db";

/** Fleet-wide counts for the admin overview. Each is one indexed count. */
export async function getAdminOverview() {
  const [hosts, liveJails, customers, queuedJobs, failedJobs, storedMail] = await Promise.all([
    db.host.count(),
    db.jail.count({ where: { destroyedAt: null } }),
    db.account.count(),
    db.job.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } }),
    db.job.count({ where: { status: "FAILED", createdAt: { gte: new Date(Date.now() - 7 * 86400_000) } } }),
    db.mailMessage.count({ where: { status: "STORED" } }),
  ]);
  return { hosts, liveJails, customers, queuedJobs, failedJobs, storedMail };
}

import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { MS_PER_DAY } from "@/lib/units";
import { getFleetFigures } from "@/lib/domain/metrics/fleet-figures";

/** Fleet-wide counts for the admin overview. Each is one indexed count. */
export async function getAdminOverview({ actor, now = new Date() }: { actor: StaffActor; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const [fleet, hosts, liveJails, customers, queuedJobs, failedJobs, storedMail] = await Promise.all([
    getFleetFigures({ now }),
    db.host.count(),
    db.jail.count({ where: { destroyedAt: null } }),
    db.account.count(),
    db.job.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } }),
    db.job.count({ where: { status: "FAILED", createdAt: { gte: new Date(now.getTime() - 7 * MS_PER_DAY) } } }),
    db.mailMessage.count({ where: { status: "STORED" } }),
  ]);
  return { hosts, liveJails, customers, queuedJobs, failedJobs, storedMail, fleet };
}

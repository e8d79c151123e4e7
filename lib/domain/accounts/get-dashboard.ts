import { db } from "@/lib/db";
import { getPortalDashboard } from "@/lib/domain/jails/get-portal-dashboard";

/** What the customer dashboard shows: the account, its jails at a glance and what needs attention. */
export async function getDashboard(accountId: string) {
  if (!accountId) throw new Error("accountId is required");
  const [account, jails] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true, status: true } }),
    getPortalDashboard(accountId),
  ]);
  return { accountName: account.name, accountStatus: account.status, jailCount: jails.total, jails: jails.jails, notices: jails.notices };
}

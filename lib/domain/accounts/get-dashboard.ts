import { db } from "@/lib/db";

/** What the customer dashboard shows. Scoped to the caller's account. */
export async function getDashboard(accountId: string) {
  if (!accountId) throw new Error("accountId is required");
  const [account, jailCount] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true, status: true } }),
    db.jail.count({ where: { accountId, destroyedAt: null } }),
  ]);
  return { accountName: account.name, accountStatus: account.status, jailCount };
}

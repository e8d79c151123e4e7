import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export async function getAccountProfile(accountId: string) {
  if (!accountId) throw new Error("accountId is required");
  const account = await db.account.findUnique({ where: { id: accountId } });
  if (!account) throw notFound("Account");
  return account;
}

// What the order form offers: the plans and templates on sale, and the caller's account
// status (a suspended account cannot order).
import { db } from "@/lib/db";
import { listActivePlans, listActiveTemplates } from "@/lib/domain/catalog/list-plans";
import { assertScope } from "./customer-actor";

export async function getOrderForm(accountId: string) {
  assertScope(accountId);
  const [plans, templates, account] = await Promise.all([
    listActivePlans(),
    listActiveTemplates(),
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { status: true } }),
  ]);
  return { plans, templates, accountStatus: account.status };
}

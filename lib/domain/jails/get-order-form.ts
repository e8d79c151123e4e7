// What the order form offers: the plans and templates on sale, and the caller's account
// status (a suspended account cannot order).
import { db } from "@/lib/db";
import { listActivePlans, listActiveTemplates } from "@/lib/domain/catalog/list-plans";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";

export async function getOrderForm({ actor }: { actor: CustomerActor }) {
  assertScope(actor);
  const [plans, templates, account] = await Promise.all([
    listActivePlans(),
    listActiveTemplates(),
    db.account.findUniqueOrThrow({ where: { id: actor.accountId }, select: { status: true } }),
  ]);
  return { plans, templates, accountStatus: account.status };
}

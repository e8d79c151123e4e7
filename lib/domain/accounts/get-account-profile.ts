import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";

/** The actor's account (contact and status). @throws AppError NOT_FOUND. */
export async function getAccountProfile({ actor }: { actor: CustomerActor }) {
  assertScope(actor);
  const account = await db.account.findUnique({ where: { id: actor.accountId } });
  if (!account) throw notFound("Account");
  return account;
}

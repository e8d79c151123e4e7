// The first step of every change a customer makes to a jail: lock the account (FOR SHARE), then
// the jail row scoped to it, inside the caller's transaction. Another account's jail id matches no
// row and is "not found", exactly like an id that does not exist. The lock serialises
// concurrent requests for one jail (a double click on Stop queues one job, not two).
import type { Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { lockAccount } from "@/lib/domain/accounts/lock-account";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES, jailCapabilities } from "./jail-capabilities";
import { hostCapabilities } from "@/lib/schemas/capabilities";

/**
 * Locks the caller's jail row FOR UPDATE in `tx` and loads what a change needs (plan, template,
 * host, addresses, account status, open jobs) with the capabilities that follow.
 * @throws AppError NOT_FOUND when the id is not a live jail of the actor's account.
 */
export async function lockOwnedJail(tx: Tx, { actor, jailId }: { actor: CustomerActor; jailId: string }) {
  assertScope(actor, jailId);
  const accountId = actor.accountId;
  // Account first, then the jail (lib/domain/accounts/lock-account.ts): the status read below
  // cannot change under us, and a suspension waits until this change commits (or vice versa).
  if ((await lockAccount(tx, { accountId, mode: "share" })) === null) throw notFound("That jail");
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Jail"
    WHERE "id" = ${jailId} AND "accountId" = ${accountId} AND "destroyedAt" IS NULL
    FOR UPDATE`;
  if (locked.length === 0) throw notFound("That jail");
  const jail = await tx.jail.findFirst({
    where: { id: jailId, accountId },
    include: {
      plan: true,
      template: true,
      host: { select: { id: true, driver: true, privateNetblock: true, facts: true, status: true } },
      ipAddresses: { select: { kind: true, address: true, range: { select: { cidr: true } } } },
      account: { select: { status: true } },
      jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { id: true, type: true, status: true } },
    },
  });
  if (!jail) throw notFound("That jail");
  const capabilities = jailCapabilities({
    state: jail.state,
    accountStatus: jail.account.status,
    openJobs: jail.jobs,
    host: hostCapabilities(jail.host.facts),
  });
  return { jail, capabilities };
}

export type OwnedJail = Awaited<ReturnType<typeof lockOwnedJail>>["jail"];

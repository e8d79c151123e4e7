// Everything the jail page renders, in one call: the jail, its usage against the plan, the
// latest activity and the plans it can move to. All of it scoped to the caller's account.
import { listJailBackups } from "@/lib/domain/backups/list-jail-backups";
import type { CustomerActor } from "@/lib/domain/actor";
import { listActivePlans } from "@/lib/domain/catalog/list-plans";
import { getJail } from "./get-jail";
import { getJailUsage } from "./get-jail-usage";
import { listJailActivity } from "./list-jail-activity";

/** Everything the jail page renders. @throws AppError NOT_FOUND for another account's jail. */
export async function getJailPage({ actor, jailId }: { actor: CustomerActor; jailId: string }) {
  // All at once: each read checks the jail is the account's (NOT_FOUND otherwise), so none
  // needs to wait for getJail's answer.
  const [jail, usage, activity, plans, backups] = await Promise.all([
    getJail({ actor, jailId }),
    getJailUsage({ actor, jailId }),
    listJailActivity({ actor, jailId, pageSize: 5 }),
    listActivePlans(),
    listJailBackups({ actor, jailId }),
  ]);
  return { jail, usage, activity, plans, backups };
}

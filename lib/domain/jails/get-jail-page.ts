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
  const jail = await getJail({ actor, jailId });
  const [usage, activity, plans, backups] = await Promise.all([
    getJailUsage({ actor, jailId: jail.id }),
    listJailActivity({ actor, jailId: jail.id, pageSize: 5 }),
    listActivePlans(),
    listJailBackups({ actor, jailId: jail.id }),
  ]);
  return { jail, usage, activity, plans, backups };
}

// Everything the jail page renders, in one call: the jail, its usage against the plan, the
// latest activity and the plans it can move to. All of it scoped to the caller's account.
import { listActivePlans } from "@/lib/domain/catalog/list-plans";
import { getJail } from "./get-jail";
import { getJailUsage } from "./get-jail-usage";
import { listJailActivity } from "./list-jail-activity";

export async function getJailPage(accountId: string, jailId: string) {
  const jail = await getJail(accountId, jailId);
  const [usage, activity, plans] = await Promise.all([
    getJailUsage(accountId, jail.id),
    listJailActivity(accountId, jail.id, { pageSize: 5 }),
    listActivePlans(),
  ]);
  return { jail, usage, activity, plans };
}

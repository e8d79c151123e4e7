import type { CustomerUser } from "@/lib/auth/session";
import type { CustomerActor } from "@/lib/domain/jails/customer-actor";

/** The domain's view of the signed-in customer: ids from the session, never from the form. */
export function actorOf(user: CustomerUser, ip: string | null): CustomerActor {
  return { userId: user.id, accountId: user.accountId, ip };
}

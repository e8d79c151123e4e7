// Who is asking, as the domain sees a customer: the user (for "requested by" and the audit
// log) and the account every read and write is scoped to. Built from the session, never from
// a request body.
import type { Actor } from "@/lib/domain/audit/record-audit";

export type CustomerActor = { userId: string; accountId: string; ip?: string | null };

export function auditActor(actor: CustomerActor): Actor {
  return { kind: "user", id: actor.userId, role: "CUSTOMER", ip: actor.ip ?? null };
}

/** Prisma drops an undefined filter silently: refuse to run a tenant query without its scope. */
export function assertScope(accountId: string, jailId?: string): void {
  if (!accountId) throw new Error("accountId is required");
  if (jailId !== undefined && !jailId) throw new Error("jailId is required");
}

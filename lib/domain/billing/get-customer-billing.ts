// The customer's side of billing: their invoices (issued and later, never drafts), the balance
// due, and their open overage cases with grace dates. Always scoped by the caller's account.
import { db } from "@/lib/db";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { getAccountBalances } from "./balance-due";

/** The actor's invoices (never drafts, newest 36), balance due, credit held and open overage cases. */
export async function getCustomerBilling({ actor }: { actor: CustomerActor }) {
  assertScope(actor);
  const accountId = actor.accountId;
  const [invoices, openCases] = await Promise.all([
    db.invoice.findMany({
      // Never drafts, nor a draft voided before it was issued (it has no number): the customer never received those.
      where: { accountId, status: { not: "DRAFT" }, number: { not: null } },
      orderBy: { periodStart: "desc" },
      take: 36,
      select: { id: true, number: true, periodStart: true, status: true, totalCents: true, paidCents: true, issuedAt: true, dueAt: true },
    }),
    listOpenOverageCases({ actor }),
  ]);
  const { dueCents, creditCents } = (await getAccountBalances({ accountIds: [accountId] })).get(accountId)!;
  return { invoices, openCases, balanceCents: dueCents, creditCents };
}

/** The actor's overage cases still in grace or review, soonest grace end first. */
export async function listOpenOverageCases({ actor }: { actor: CustomerActor }) {
  assertScope(actor);
  return db.overageCase.findMany({
    where: { accountId: actor.accountId, status: { in: ["GRACE", "REVIEW"] } },
    orderBy: { graceEndsAt: "asc" },
    select: { id: true, kind: true, status: true, limitMb: true, openedAt: true, graceEndsAt: true, jail: { select: { hostname: true } } },
  });
}

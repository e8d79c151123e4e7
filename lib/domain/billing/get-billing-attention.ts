// The billing half of the customer's dashboard: the balance due, the credit held, and what
// needs attention (an invoice past due, one falling due within a week, an account flagged for
// suspension). Scoped by the caller's account.
import { db } from "@/lib/db";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { getAccountBalances } from "./balance-due";
import { MS_PER_DAY } from "@/lib/units";

export type BillingNotice = { tone: "error" | "warning" | "info"; text: string; href: string };

export async function getBillingAttention({ actor, now = new Date() }: { actor: CustomerActor; now?: Date }) {
  assertScope(actor);
  const accountId = actor.accountId;
  const [balances, open, account] = await Promise.all([
    getAccountBalances({ accountIds: [accountId] }),
    db.invoice.findMany({
      where: { accountId, status: "ISSUED" },
      orderBy: { dueAt: "asc" },
      take: 20,
      select: { id: true, number: true, dueAt: true, totalCents: true, paidCents: true },
    }),
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { status: true, flaggedForSuspensionAt: true } }),
  ]);
  const { dueCents, creditCents } = balances.get(accountId)!;
  const notices: BillingNotice[] = [];
  for (const inv of open) {
    if (!inv.dueAt) continue;
    if (inv.dueAt <= now) notices.push({ tone: "error", text: `Invoice ${inv.number} is past due.`, href: `/invoices/${inv.id}` });
    else if (inv.dueAt.getTime() - now.getTime() <= 7 * MS_PER_DAY)
      notices.push({ tone: "warning", text: `Invoice ${inv.number} falls due soon.`, href: `/invoices/${inv.id}` });
  }
  if (account.status === "ACTIVE" && account.flaggedForSuspensionAt)
    notices.push({ tone: "error", text: "Your account may be suspended: an invoice is unpaid past its due date.", href: "/invoices" });
  return { dueCents, creditCents, nextDueAt: open.find((i) => i.dueAt)?.dueAt ?? null, notices };
}

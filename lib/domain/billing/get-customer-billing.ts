// The customer's side of billing: their invoices (issued and later, never drafts), the balance
// due, and their open overage cases with grace dates. Always scoped by the caller's account.
import { db } from "@/lib/db";

export async function getCustomerBilling(accountId: string) {
  if (!accountId) throw new Error("getCustomerBilling: accountId is required");
  const [invoices, openCases] = await Promise.all([
    db.invoice.findMany({
      where: { accountId, status: { not: "DRAFT" } },
      orderBy: { periodStart: "desc" },
      take: 36,
      select: { id: true, number: true, periodStart: true, status: true, totalCents: true, paidCents: true, issuedAt: true, dueAt: true },
    }),
    listOpenOverageCases(accountId),
  ]);
  const balanceCents = invoices.filter((i) => i.status === "ISSUED").reduce((s, i) => s + i.totalCents - i.paidCents, 0);
  return { invoices, openCases, balanceCents };
}

export async function listOpenOverageCases(accountId: string) {
  if (!accountId) throw new Error("listOpenOverageCases: accountId is required");
  return db.overageCase.findMany({
    where: { accountId, status: { in: ["GRACE", "REVIEW"] } },
    orderBy: { graceEndsAt: "asc" },
    select: { id: true, kind: true, status: true, limitMb: true, openedAt: true, graceEndsAt: true, jail: { select: { hostname: true } } },
  });
}

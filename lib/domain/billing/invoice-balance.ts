// What one invoice still asks for: an issued invoice its total less what was paid; a draft
// nothing yet, a paid or void one nothing any more. balance-due.ts sums the same rule in SQL
// (balanceDueCentsSql); billing tests check that the two agree.
import type { InvoiceStatus } from "@/lib/generated/prisma/enums";

/** Cents still owed on one invoice. */
export function invoiceBalanceCents(invoice: { status: InvoiceStatus; totalCents: number; paidCents: number }): number {
  return invoice.status === "ISSUED" ? invoice.totalCents - invoice.paidCents : 0;
}

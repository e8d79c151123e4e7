// What one invoice asks for, and how it says so. An issued invoice asks for its total less
// what was paid; a paid or void one for nothing any more; a DRAFT for nothing YET — it shows
// that it is a draft and the amount it will ask for once issued, never "Balance due $0.00".
// balance-due.ts sums the same rule in SQL (balanceDueCentsSql); billing tests check that the
// two agree.
import type { InvoiceStatus } from "@/lib/generated/prisma/enums";

type Amounts = { status: InvoiceStatus; totalCents: number; paidCents: number };

/** Cents still owed on one invoice. */
export function invoiceBalanceCents(invoice: Amounts): number {
  return invoice.status === "ISSUED" ? invoice.totalCents - invoice.paidCents : 0;
}

/** The closing line of an invoice: its label, the amount and its test id (HTML, PDF and tables use it). */
export function invoiceClosingLine(invoice: Amounts): { label: string; cents: number; key: "draft-total" | "balance" | "void" } {
  switch (invoice.status) {
    case "DRAFT":
      return { label: "Draft, not issued: due when issued", cents: invoice.totalCents, key: "draft-total" };
    case "VOID":
      return { label: "Void: nothing is due", cents: 0, key: "void" };
    default:
      return { label: "Balance due", cents: invoiceBalanceCents(invoice), key: "balance" };
  }
}

import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { centsToDecimal, toCsv } from "./csv";
import { formatPeriod, monthStart } from "@/lib/calendar";
import { invoiceBalanceCents } from "./invoice-balance";

/** Every invoice of a month, one row each, for the accounting system. */
export async function exportInvoicesCsv({ actor, periodStart }: { actor: StaffActor; periodStart: Date }): Promise<string> {
  assertStaff(actor);
  const invoices = await db.invoice.findMany({
    where: { periodStart: monthStart(periodStart) },
    orderBy: [{ number: "asc" }, { id: "asc" }],
    include: { account: { select: { id: true, name: true, billingEmail: true } } },
  });
  return toCsv(
    [
      "number",
      "period",
      "account_id",
      "account",
      "billing_email",
      "status",
      "issued_at",
      "due_at",
      "paid_at",
      "total",
      "paid",
      "balance",
      "currency",
    ],
    invoices.map((i) => [
      i.number,
      formatPeriod(i.periodStart),
      i.account.id,
      i.account.name,
      i.account.billingEmail,
      i.status,
      i.issuedAt?.toISOString(),
      i.dueAt?.toISOString(),
      i.paidAt?.toISOString(),
      centsToDecimal(i.totalCents),
      centsToDecimal(i.paidCents),
      centsToDecimal(invoiceBalanceCents(i)),
      "USD",
    ]),
  );
}

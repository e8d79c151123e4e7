import { db } from "@/lib/db";
import type { InvoiceStatus, Prisma } from "@/lib/generated/prisma/client";
import { monthStart } from "@/lib/calendar";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export const INVOICES_PAGE_SIZE = 25;

/** Staff view: every account's invoices, by month and status. */
export async function listInvoices({
  actor,
  filter,
  page,
}: {
  actor: StaffActor;
  filter: { periodStart?: Date; status?: InvoiceStatus };
  page: number;
}) {
  assertStaff(actor);
  const where: Prisma.InvoiceWhereInput = {
    ...(filter.periodStart ? { periodStart: monthStart(filter.periodStart) } : {}),
    ...(filter.status ? { status: filter.status } : {}),
  };
  const [rows, total, sums] = await Promise.all([
    db.invoice.findMany({
      where,
      orderBy: [{ periodStart: "desc" }, { number: "asc" }],
      skip: (page - 1) * INVOICES_PAGE_SIZE,
      take: INVOICES_PAGE_SIZE,
      include: { account: { select: { id: true, name: true } } },
    }),
    db.invoice.count({ where }),
    db.invoice.groupBy({ by: ["status"], where, _count: true, _sum: { totalCents: true, paidCents: true } }),
  ]);
  return { rows, total, sums };
}

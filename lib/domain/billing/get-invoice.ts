// One invoice with its lines and payments. The customer variant is scoped by account in the
// query itself and never shows drafts.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

const include = {
  account: {
    select: {
      id: true,
      name: true,
      billingEmail: true,
      addressLine1: true,
      addressLine2: true,
      city: true,
      postalCode: true,
      country: true,
      status: true,
    },
  },
  lines: { orderBy: [{ kind: "asc" }, { description: "asc" }] },
  payments: { orderBy: { receivedAt: "asc" } },
} satisfies Prisma.InvoiceInclude;

export async function getInvoiceForStaff(invoiceId: string) {
  const inv = await db.invoice.findUnique({ where: { id: invoiceId }, include });
  if (!inv) throw notFound("That invoice");
  return inv;
}

export async function getInvoiceForCustomer(invoiceId: string, accountId: string) {
  if (!accountId) throw new Error("getInvoiceForCustomer: accountId is required");
  const inv = await db.invoice.findFirst({ where: { id: invoiceId, accountId, status: { not: "DRAFT" } }, include });
  if (!inv) throw notFound("That invoice");
  return inv;
}

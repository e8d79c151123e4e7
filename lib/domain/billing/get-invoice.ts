// One invoice with its lines and payments. The customer variant is scoped by account in the
// query itself and never shows drafts.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertScope, assertStaff, type CustomerActor, type StaffActor } from "@/lib/domain/actor";

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

/** Any invoice, drafts included. @throws AppError NOT_FOUND. */
export async function getInvoiceForStaff({ actor, invoiceId }: { actor: StaffActor; invoiceId: string }) {
  assertStaff(actor);
  const inv = await db.invoice.findUnique({ where: { id: invoiceId }, include });
  if (!inv) throw notFound("That invoice");
  return inv;
}

/** One of the actor's issued (or later) invoices. @throws AppError NOT_FOUND for drafts and other accounts' invoices. */
export async function getInvoiceForCustomer({ actor, invoiceId }: { actor: CustomerActor; invoiceId: string }) {
  assertScope(actor, invoiceId);
  const inv = await db.invoice.findFirst({ where: { id: invoiceId, accountId: actor.accountId, status: { not: "DRAFT" } }, include });
  if (!inv) throw notFound("That invoice");
  return inv;
}

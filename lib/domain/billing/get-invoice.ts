// One invoice with its lines and payments, as the HTML page and the PDF show it: who issued it,
// who it is billed to (the contact copied when it was issued; a draft shows the account's
// current one), and its tax treatment. The customer variant is scoped by account in the query
// itself and never shows drafts.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { billingConfig } from "@/lib/config/server";
import { assertScope, assertStaff, type CustomerActor, type StaffActor } from "@/lib/domain/actor";
import { billingContactSelect, type BillingContact } from "./update-billing-contact";

const include = {
  account: {
    select: { id: true, status: true, ...billingContactSelect },
  },
  lines: { orderBy: [{ kind: "asc" }, { description: "asc" }] },
  payments: { orderBy: { receivedAt: "asc" } },
} satisfies Prisma.InvoiceInclude;

type Row = Prisma.InvoiceGetPayload<{ include: typeof include }>;

export type Issuer = { name: string; addressLines: string[]; country: string; vatId: string | null };

function view(inv: Row) {
  const cfg = billingConfig();
  const issuer: Issuer = {
    name: cfg.INVOICE_ISSUER_NAME,
    addressLines: cfg.INVOICE_ISSUER_ADDRESS.split(",")
      .map((l) => l.trim())
      .filter(Boolean),
    country: cfg.INVOICE_ISSUER_COUNTRY,
    vatId: cfg.INVOICE_ISSUER_VAT_ID ?? null,
  };
  const { status: _status, id: _id, ...current } = inv.account;
  const billTo = (inv.billTo as BillingContact | null) ?? current;
  return { ...inv, billTo, issuer };
}

export type InvoiceWithParties = ReturnType<typeof view>;

/** Any invoice, drafts included. @throws AppError NOT_FOUND. */
export async function getInvoiceForStaff({ actor, invoiceId }: { actor: StaffActor; invoiceId: string }) {
  assertStaff(actor);
  const inv = await db.invoice.findUnique({ where: { id: invoiceId }, include });
  if (!inv) throw notFound("That invoice");
  return view(inv);
}

/**
 * One of the actor's issued (or later) invoices.
 * @throws AppError NOT_FOUND for drafts (voided ones too) and other accounts' invoices.
 */
export async function getInvoiceForCustomer({ actor, invoiceId }: { actor: CustomerActor; invoiceId: string }) {
  assertScope(actor, invoiceId);
  const inv = await db.invoice.findFirst({
    where: { id: invoiceId, accountId: actor.accountId, status: { not: "DRAFT" }, number: { not: null } },
    include,
  });
  if (!inv) throw notFound("That invoice");
  return view(inv);
}

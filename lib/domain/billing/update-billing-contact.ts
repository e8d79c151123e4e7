// The customer keeps their billing contact current: name, billing e-mail, postal address and
// VAT number (format-checked by the schema). Drafts use it when they are issued; issued
// invoices keep the contact they were issued to (Invoice.billTo).
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { checkVatNumber } from "./tax-rules";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";

/** The account fields an invoice is billed to (copied onto an invoice when it is issued). */
export const billingContactSelect = {
  name: true,
  billingEmail: true,
  addressLine1: true,
  addressLine2: true,
  city: true,
  postalCode: true,
  country: true,
  vatNumber: true,
} as const;

export type BillingContact = {
  name: string;
  billingEmail: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  postalCode: string;
  country: string;
  vatNumber: string | null;
};

/** Replaces the actor's account's billing contact. @throws AppError VALIDATION (VAT number), NOT_FOUND. */
export async function updateBillingContact({ actor, contact }: { actor: CustomerActor; contact: BillingContact }) {
  assertScope(actor);
  if (contact.vatNumber) {
    // The schema checked it; the tax treatment depends on it, so the domain checks again.
    const check = checkVatNumber(contact.vatNumber, contact.country);
    if (!check.ok) throw new AppError("VALIDATION", check.reason, { vatNumber: [check.reason] });
  }
  await db.$transaction(async (tx) => {
    const before = await tx.account.findUnique({
      where: { id: actor.accountId },
      select: billingContactSelect,
    });
    if (!before) throw notFound("Account");
    const r = await tx.account.updateMany({ where: { id: actor.accountId }, data: contact });
    if (r.count !== 1) throw notFound("Account");
    await recordAudit(tx, {
      actor,
      action: "account.billing-contact",
      targetType: "Account",
      targetId: actor.accountId,
      accountId: actor.accountId,
      data: { before, after: contact },
    });
  });
}

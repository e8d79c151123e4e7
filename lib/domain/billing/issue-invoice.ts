// DRAFT → ISSUED: the invoice is frozen and mailed to the account's billing address. In the
// one transaction that issues it:
//   - its tax is recomputed from the billing contact as it is now (apply-invoice-tax.ts), and
//     that contact is copied onto the invoice (an issued invoice never changes);
//   - credit above the charges is carried forward: a CREDIT_CARRIED line brings the total to
//     zero and an account credit of the same amount (marked as carried, so it is not taxed
//     again) goes on the next invoice;
//   - it takes the next number of its issuer's gapless sequence (InvoiceSequence, row-locked:
//     two invoices issued at once get consecutive numbers and a rolled-back issue uses none);
//   - it gets its due date, or is PAID at once when it asks for nothing.
import { billingContactSelect } from "./update-billing-contact";
import { db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { webConfig } from "@/lib/config/server";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { formatDate, formatMoney } from "@/lib/format";
import { formatPeriod, monthStart } from "@/lib/calendar";
import { Prisma } from "@/lib/generated/prisma/client";
import { applyInvoiceTax } from "./apply-invoice-tax";
import { billingConfig } from "@/lib/config/server";
import type { StaffActor } from "@/lib/domain/actor";

/** Issues one draft invoice (numbered, due date set, mailed). */
export async function issueInvoice({
  actor,
  invoiceId,
  now = new Date(),
}: {
  actor: StaffActor;
  invoiceId: string;
  now?: Date;
}): Promise<void> {
  const mailId = await db.$transaction(async (tx) => {
    const inv = await tx.invoice.findUnique({ where: { id: invoiceId }, select: { status: true } });
    if (!inv) throw notFound("That invoice");
    if (inv.status !== "DRAFT") throw new AppError("CONFLICT", `This invoice is already ${inv.status.toLowerCase()}.`);
    return issueInTx(tx, invoiceId, actor, now);
  });
  if (mailId) await deliverMail(mailId);
}

/** Issues every draft of the month starting `periodStart`, each in its own small transaction. */
export async function issueDraftInvoices({
  actor,
  periodStart,
  now = new Date(),
}: {
  actor: StaffActor;
  periodStart: Date;
  now?: Date;
}): Promise<{ issued: number }> {
  const drafts = await db.invoice.findMany({
    where: { periodStart: monthStart(periodStart), status: "DRAFT" },
    select: { id: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  let issued = 0;
  for (const { id } of drafts) {
    const mailId = await db.$transaction((tx) => issueInTx(tx, id, actor, now));
    if (mailId) {
      issued++;
      await deliverMail(mailId);
    }
  }
  return { issued };
}

async function issueInTx(tx: Tx, invoiceId: string, actor: StaffActor, now: Date): Promise<string | null> {
  const cfg = billingConfig();
  // Lock the draft: a concurrent issue or void of the same invoice waits, then finds it issued.
  const locked = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT "id" FROM "Invoice" WHERE "id" = ${invoiceId} AND "status" = 'DRAFT' FOR UPDATE`;
  if (locked.length === 0) return null;
  await applyInvoiceTax(tx, { scope: Prisma.sql`i."id" = ${invoiceId}`, now });
  const draft = await tx.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: {
      totalCents: true,
      accountId: true,
      periodStart: true,
      account: { select: billingContactSelect },
    },
  });
  const { account } = draft;
  const number = await nextInvoiceNumber(tx, cfg.INVOICE_NUMBER_PREFIX);
  let totalCents = draft.totalCents;
  if (totalCents < 0) {
    // More credit than charges: the rest is the customer's, on the next invoice.
    const carried = -totalCents;
    await tx.invoiceLine.create({
      data: {
        invoiceId,
        kind: "CREDIT_CARRIED",
        description: "Credit carried forward to your next invoice",
        quantity: 1,
        unitCents: carried,
        amountCents: carried,
        sourceKey: "credit-carried",
        createdAt: now,
      },
    });
    await tx.accountAdjustment.create({
      data: {
        accountId: draft.accountId,
        amountCents: -carried,
        reason: `Credit carried forward from invoice ${number}`,
        createdById: actor.userId,
        carriedFromInvoiceId: invoiceId,
        createdAt: now,
      },
    });
    totalCents = 0;
  }
  const settled = totalCents <= 0;
  const dueAt = new Date(now.getTime() + cfg.INVOICE_DUE_DAYS * 86_400_000);
  const billTo = {
    name: account.name,
    billingEmail: account.billingEmail,
    addressLine1: account.addressLine1,
    addressLine2: account.addressLine2,
    city: account.city,
    postalCode: account.postalCode,
    country: account.country,
    vatNumber: account.vatNumber,
  };
  await tx.invoice.update({
    where: { id: invoiceId },
    data: {
      number,
      totalCents,
      billTo,
      status: settled ? "PAID" : "ISSUED",
      issuedAt: now,
      dueAt,
      ...(settled ? { paidAt: now } : {}),
    },
  });
  await recordAudit(tx, {
    actor,
    action: "invoice.issue",
    targetType: "Invoice",
    targetId: invoiceId,
    accountId: draft.accountId,
    data: { number, totalCents, creditCarriedCents: draft.totalCents < 0 ? -draft.totalCents : 0, dueAt: dueAt.toISOString() },
  });
  const mail = await queueMail(tx, {
    to: account.billingEmail,
    kind: "invoice-issued",
    subject: `Cellblock invoice ${number} for ${formatPeriod(draft.periodStart)}: ${formatMoney(totalCents)}`,
    text:
      `Hello ${account.name},\n\nYour invoice ${number} for ${formatPeriod(draft.periodStart)} comes to ${formatMoney(totalCents)}` +
      (settled ? " and needs no payment.\n" : `, due on ${formatDate(dueAt)}.\n`) +
      (draft.totalCents < 0 ? `Credit of ${formatMoney(-draft.totalCents)} is carried forward to your next invoice.\n` : "") +
      `\nRead it or download the PDF here: ${webConfig().APP_URL}/invoices/${invoiceId}\n`,
  });
  return mail.id;
}

/** The next number of `issuer`'s sequence ("CB-000042"), taken under the sequence row's lock. */
async function nextInvoiceNumber(tx: Tx, issuer: string): Promise<string> {
  const [row] = await tx.$queryRaw<Array<{ lastNumber: number }>>`
    INSERT INTO "InvoiceSequence" ("issuer", "lastNumber", "updatedAt") VALUES (${issuer}, 1, now())
    ON CONFLICT ("issuer") DO UPDATE SET "lastNumber" = "InvoiceSequence"."lastNumber" + 1, "updatedAt" = now()
    RETURNING "lastNumber"`;
  return `${issuer}-${String(row!.lastNumber).padStart(6, "0")}`;
}

// DRAFT or ISSUED → VOID, for an invoice made in error, with a reason and an explicit choice of
// what becomes of its charges (both recorded on the invoice and in the audit row):
//   - REBILL: the charges are billed again. The void invoice frees its month (one live invoice
//     per account and month), and its overage charges and credits/charges are released, so the
//     next invoice run of that month puts them — and the plan fees, recomputed — on a new
//     invoice with a new number. A credit this invoice carried forward is taken back.
//   - FINAL: the charges are cancelled for good. Its lines stay as the record, nothing is
//     released, and the invoice run skips that account's month from then on.
// One with payments cannot be voided (refunds are outside Cellblock); neither can one whose
// carried-forward credit was already used on a later invoice (void that one first).
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { StaffActor } from "@/lib/domain/actor";
import type { VoidDisposition } from "@/lib/generated/prisma/enums";

export async function voidInvoice({
  actor,
  invoiceId,
  reason,
  disposition,
  now = new Date(),
}: {
  actor: StaffActor;
  invoiceId: string;
  reason: string;
  disposition: VoidDisposition;
  now?: Date;
}): Promise<{ disposition: VoidDisposition; released: { overageCases: number; adjustments: number } }> {
  if (!reason.trim()) throw new AppError("VALIDATION", "A reason is required.", { reason: ["A reason is required."] });
  if (disposition !== "REBILL" && disposition !== "FINAL")
    throw new AppError("VALIDATION", "Choose whether the charges are billed again.", { disposition: ["Choose one."] });
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Invoice" WHERE "id" = ${invoiceId} FOR UPDATE`;
    if (locked.length === 0) throw notFound("That invoice");
    const inv = await tx.invoice.findUniqueOrThrow({
      where: { id: invoiceId },
      select: { status: true, paidCents: true, accountId: true, number: true, periodStart: true },
    });
    if (inv.paidCents > 0) throw new AppError("CONFLICT", "This invoice has payments and cannot be voided.");
    if (inv.status !== "DRAFT" && inv.status !== "ISSUED")
      throw new AppError("CONFLICT", `This invoice is already ${inv.status.toLowerCase()}.`);

    const carried = await tx.accountAdjustment.findMany({
      where: { carriedFromInvoiceId: invoiceId },
      select: { id: true, invoiceId: true },
    });
    if (carried.some((c) => c.invoiceId !== null))
      throw new AppError("CONFLICT", "The credit this invoice carried forward is already on a later invoice: void that one first.");

    await tx.invoice.update({
      where: { id: invoiceId },
      data: { status: "VOID", voidedAt: now, voidDisposition: disposition, voidReason: reason.trim() },
    });
    let released = { overageCases: 0, adjustments: 0 };
    if (disposition === "REBILL") {
      // The credit it carried forward came from its own lines, which are billed again.
      await tx.accountAdjustment.deleteMany({ where: { carriedFromInvoiceId: invoiceId, invoiceId: null } });
      const cases = await tx.invoiceLine.updateMany({ where: { invoiceId, overageCaseId: { not: null } }, data: { overageCaseId: null } });
      const adjustments = await tx.accountAdjustment.updateMany({ where: { invoiceId }, data: { invoiceId: null } });
      released = { overageCases: cases.count, adjustments: adjustments.count };
    }
    await recordAudit(tx, {
      actor,
      action: "invoice.void",
      targetType: "Invoice",
      targetId: invoiceId,
      accountId: inv.accountId,
      data: { number: inv.number, reason: reason.trim(), disposition, released },
    });
    return { disposition, released };
  });
}

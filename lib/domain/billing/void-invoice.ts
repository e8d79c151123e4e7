// DRAFT or ISSUED → VOID, for an invoice made in error. One with payments cannot be voided
// (refunds are outside Cellblock). Its lines stay as the record of what was cancelled: the
// charges on it are not billed again.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { StaffActor } from "@/lib/domain/actor";

export async function voidInvoice({
  actor,
  invoiceId,
  reason,
  now = new Date(),
}: {
  actor: StaffActor;
  invoiceId: string;
  reason: string;
  now?: Date;
}): Promise<void> {
  if (!reason.trim()) throw new AppError("VALIDATION", "A reason is required.", { reason: ["A reason is required."] });
  await db.$transaction(async (tx) => {
    const inv = await tx.invoice.findUnique({
      where: { id: invoiceId },
      select: { status: true, paidCents: true, accountId: true, number: true },
    });
    if (!inv) throw notFound("That invoice");
    const r = await tx.invoice.updateMany({
      where: { id: invoiceId, status: { in: ["DRAFT", "ISSUED"] }, paidCents: 0 },
      data: { status: "VOID", voidedAt: now },
    });
    if (r.count !== 1)
      throw new AppError(
        "CONFLICT",
        inv.paidCents > 0 ? "This invoice has payments and cannot be voided." : `This invoice is already ${inv.status.toLowerCase()}.`,
      );
    await recordAudit(tx, {
      actor,
      action: "invoice.void",
      targetType: "Invoice",
      targetId: invoiceId,
      accountId: inv.accountId,
      data: { number: inv.number, reason: reason.trim() },
    });
  });
}

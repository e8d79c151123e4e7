// Billing staff record money received against an issued invoice. Partial payments leave a
// balance; the payment that settles it marks the invoice PAID. An account whose last past-due
// invoice is settled loses its suspension flag.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { formatMoney } from "@/lib/format";
import type { PaymentMethod } from "@/lib/generated/prisma/client";
import { clearSettledFlags } from "./flag-past-due-accounts";
import type { StaffActor } from "@/lib/domain/actor";

export type PaymentInput = { invoiceId: string; amountCents: number; method: PaymentMethod; reference: string; receivedAt?: Date };

export async function recordPayment({ actor, input, now = new Date() }: { actor: StaffActor; input: PaymentInput; now?: Date }) {
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) {
    throw new AppError("VALIDATION", "Enter an amount above zero.", { amount: ["Enter an amount above zero."] });
  }
  return db.$transaction(async (tx) => {
    // Lock the invoice: two clerks recording at once must not both fit under the balance.
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Invoice" WHERE "id" = ${input.invoiceId} FOR UPDATE`;
    if (locked.length === 0) throw notFound("That invoice");
    const inv = await tx.invoice.findUniqueOrThrow({
      where: { id: input.invoiceId },
      select: { status: true, totalCents: true, paidCents: true, accountId: true, number: true },
    });
    if (inv.status !== "ISSUED")
      throw new AppError("CONFLICT", `Payments go against issued invoices; this one is ${inv.status.toLowerCase()}.`);
    const balance = inv.totalCents - inv.paidCents;
    if (input.amountCents > balance) {
      const msg = `That is more than the balance of ${formatMoney(balance)}.`;
      throw new AppError("VALIDATION", msg, { amount: [msg] });
    }
    const payment = await tx.payment.create({
      data: {
        invoiceId: input.invoiceId,
        accountId: inv.accountId,
        amountCents: input.amountCents,
        method: input.method,
        reference: input.reference,
        receivedAt: input.receivedAt ?? now,
        recordedById: actor.userId,
      },
    });
    const paidCents = inv.paidCents + input.amountCents;
    const settled = paidCents === inv.totalCents;
    await tx.invoice.update({
      where: { id: input.invoiceId },
      data: { paidCents, ...(settled ? { status: "PAID", paidAt: now } : {}) },
    });
    await recordAudit(tx, {
      actor,
      action: "payment.record",
      targetType: "Invoice",
      targetId: input.invoiceId,
      accountId: inv.accountId,
      data: {
        paymentId: payment.id,
        number: inv.number,
        amountCents: input.amountCents,
        method: input.method,
        reference: input.reference,
        balanceCents: inv.totalCents - paidCents,
      },
    });
    if (settled) await clearSettledFlags(tx, now, inv.accountId);
    return { payment, balanceCents: inv.totalCents - paidCents, status: settled ? "PAID" : "ISSUED" };
  });
}

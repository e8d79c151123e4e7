// A credit (negative) or one-off charge (positive) for an account; the next invoice run puts
// it on exactly one invoice.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { StaffActor } from "@/lib/domain/actor";
import { MAX_ADJUSTMENT_CENTS } from "@/lib/schemas/billing";

export async function addAccountAdjustment({
  actor,
  input,
  now = new Date(),
}: {
  actor: StaffActor;
  input: { accountId: string; amountCents: number; reason: string };
  now?: Date;
}) {
  if (!Number.isInteger(input.amountCents) || input.amountCents === 0 || Math.abs(input.amountCents) > MAX_ADJUSTMENT_CENTS) {
    const msg = "Enter a non-zero amount of at most $10,000.00 either way.";
    throw new AppError("VALIDATION", msg, { amount: [msg] });
  }
  return db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { id: input.accountId }, select: { id: true } });
    if (!account) throw notFound("That account");
    const adj = await tx.accountAdjustment.create({
      data: {
        accountId: input.accountId,
        amountCents: input.amountCents,
        reason: input.reason.trim(),
        createdById: actor.userId,
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      actor,
      action: input.amountCents < 0 ? "account.credit" : "account.charge",
      targetType: "AccountAdjustment",
      targetId: adj.id,
      accountId: input.accountId,
      data: { amountCents: input.amountCents, reason: adj.reason },
    });
    return adj;
  });
}

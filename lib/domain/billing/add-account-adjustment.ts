// A credit (negative) or one-off charge (positive) for an account; the next invoice run puts
// it on exactly one invoice.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { StaffActor } from "@/lib/domain/actor";

export async function addAccountAdjustment({
  actor,
  input,
  now = new Date(),
}: {
  actor: StaffActor;
  input: { accountId: string; amountCents: number; reason: string };
  now?: Date;
}) {
  if (!Number.isInteger(input.amountCents) || input.amountCents === 0) {
    throw new AppError("VALIDATION", "Enter a non-zero amount.", { amount: ["Enter a non-zero amount."] });
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

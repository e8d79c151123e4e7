// Billing staff decide a case in REVIEW: approve (excess × the plan's overage price per GB),
// waive (no charge, with a reason) or adjust (another amount, with a reason). The decision,
// its amount and its audit row are written together; a case is decided once.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { StaffActor } from "@/lib/domain/actor";
import { MAX_ADJUSTMENT_CENTS } from "@/lib/schemas/billing";
import { overageAmountCents } from "@/lib/domain/billing/overage-rules";

export type OverageDecision =
  | { decision: "APPROVE"; reason?: string }
  | { decision: "WAIVE"; reason: string }
  | { decision: "ADJUST"; amountCents: number; reason: string };

const STATUS = { APPROVE: "APPROVED", WAIVE: "WAIVED", ADJUST: "ADJUSTED" } as const;

export async function decideOverageCase({
  actor,
  caseId,
  input,
  now = new Date(),
}: {
  actor: StaffActor;
  caseId: string;
  input: OverageDecision;
  now?: Date;
}) {
  if (input.decision !== "APPROVE" && !input.reason?.trim()) {
    throw new AppError("VALIDATION", "A reason is required.", { reason: ["A reason is required."] });
  }
  if (
    input.decision === "ADJUST" &&
    (!Number.isInteger(input.amountCents) || input.amountCents < 0 || input.amountCents > MAX_ADJUSTMENT_CENTS)
  ) {
    const msg = "Enter an amount from $0.00 to $10,000.00.";
    throw new AppError("VALIDATION", msg, { amount: [msg] });
  }
  return db.$transaction(async (tx) => {
    const c = await tx.overageCase.findUnique({
      where: { id: caseId },
      select: {
        id: true,
        status: true,
        accountId: true,
        excessTenthsGb: true,
        jail: { select: { plan: { select: { overagePricePerGbCents: true } } } },
      },
    });
    if (!c) throw notFound("That overage case");
    if (c.status !== "REVIEW") throw new AppError("CONFLICT", `This case was already decided (${c.status.toLowerCase()}).`);
    const price = c.jail.plan.overagePricePerGbCents;
    const amountCents =
      input.decision === "APPROVE" ? overageAmountCents(c.excessTenthsGb ?? 0, price) : input.decision === "ADJUST" ? input.amountCents : 0;
    const status = STATUS[input.decision];
    const r = await tx.overageCase.updateMany({
      where: { id: caseId, status: "REVIEW" },
      data: { status, amountCents, decidedById: actor.userId, decidedAt: now, decisionReason: input.reason?.trim() || null },
    });
    if (r.count !== 1) throw new AppError("CONFLICT", "This case was decided by someone else a moment ago.");
    await recordAudit(tx, {
      actor,
      action: `overage.${input.decision.toLowerCase()}`,
      targetType: "OverageCase",
      targetId: caseId,
      accountId: c.accountId,
      data: { amountCents, excessTenthsGb: c.excessTenthsGb, pricePerGbCents: price, reason: input.reason?.trim() ?? null },
    });
    return { status, amountCents };
  });
}

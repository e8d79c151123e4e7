import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { monthStart } from "@/lib/calendar";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { CreatePlanInput } from "@/lib/schemas/plans";

/**
 * Adds a plan, on sale at once, with its price recorded from the current billing period (the
 * history the invoice run reads). @throws AppError CONFLICT when the slug is taken.
 */
export async function createPlan({ actor, input, now = new Date() }: { actor: StaffActor; input: CreatePlanInput; now?: Date }) {
  assertStaff(actor, "ADMIN");
  try {
    return await db.$transaction(async (tx) => {
      const plan = await tx.plan.create({
        data: {
          slug: input.slug,
          name: input.name,
          description: input.description,
          priceCents: input.price,
          diskQuotaMb: input.diskQuotaMb,
          memoryLimitMb: input.memoryLimitMb,
          maxProcesses: input.maxProcesses,
          cpuPercent: input.cpuPercent,
          bandwidthGb: input.bandwidthGb,
          overagePricePerGbCents: input.overagePrice,
          sortOrder: input.sortOrder,
        },
      });
      await tx.planPrice.create({
        data: { planId: plan.id, priceCents: plan.priceCents, effectiveFrom: monthStart(now), createdById: actor.userId },
      });
      await recordAudit(tx, { actor, action: "plan.create", targetType: "Plan", targetId: plan.id, data: { ...input } });
      return plan;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("CONFLICT", "A plan with that slug exists.", { slug: ["A plan with that slug exists."] });
    throw err;
  }
}

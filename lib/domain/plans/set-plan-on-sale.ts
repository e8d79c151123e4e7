// Retiring a plan: no new orders (and no moves onto it); the jails on it keep it, and its
// price. Putting it back on sale is the same switch.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/** @throws AppError NOT_FOUND, PRECONDITION (already so). */
export async function setPlanOnSale({ actor, planId, onSale }: { actor: StaffActor; planId: string; onSale: boolean }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, select: { id: true, active: true, slug: true } });
    if (!plan) throw notFound("That plan");
    const { count } = await tx.plan.updateMany({ where: { id: planId, active: !onSale }, data: { active: onSale } });
    if (count !== 1) throw new AppError("PRECONDITION", onSale ? "This plan is on sale already." : "This plan is retired already.");
    const jails = await tx.jail.count({ where: { planId, destroyedAt: null } });
    await recordAudit(tx, {
      actor,
      action: onSale ? "plan.reinstate" : "plan.retire",
      targetType: "Plan",
      targetId: planId,
      data: { slug: plan.slug, jailsKeepingIt: jails },
    });
    return { jails };
  });
}

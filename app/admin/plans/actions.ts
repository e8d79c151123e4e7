"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { createPlan } from "@/lib/domain/plans/create-plan";
import { updatePlan } from "@/lib/domain/plans/update-plan";
import { setPlanOnSale } from "@/lib/domain/plans/set-plan-on-sale";
import { createPlanSchema, planIdSchema, updatePlanSchema } from "@/lib/schemas/plans";
import { formatMoneyInput } from "@/lib/schemas/money";
import { formatDate, formatMoney } from "@/lib/format";

export const createPlanAction = adminAction(createPlanSchema, async (input, { actor }) => {
  const plan = await createPlan({ actor, input });
  redirect(`/admin/plans/${plan.id}?created=1`);
});

export const updatePlanAction = adminAction(updatePlanSchema, async (input, { actor }) => {
  const res = await updatePlan({ actor, input });
  if (res.kind === "confirm")
    return {
      error: `The new limits reach ${res.jails} jail${res.jails === 1 ? "" : "s"} on this plan. Nothing is saved until you confirm.`,
      data: { confirmJails: res.jails },
      // What was typed, so the confirmation submits the same change.
      values: {
        name: input.name,
        description: input.description,
        price: formatMoneyInput(input.price),
        diskQuotaMb: String(input.diskQuotaMb),
        memoryLimitMb: String(input.memoryLimitMb),
        maxProcesses: String(input.maxProcesses),
        cpuPercent: String(input.cpuPercent),
        bandwidthGb: String(input.bandwidthGb),
        overagePrice: formatMoneyInput(input.overagePrice),
        sortOrder: String(input.sortOrder),
      },
    };
  revalidatePath(`/admin/plans/${input.planId}`);
  const parts = ["Saved."];
  if (res.jailsUpdated) parts.push(`New limits queued for ${res.jailsUpdated} jail${res.jailsUpdated === 1 ? "" : "s"}.`);
  if (res.price.kind === "scheduled") parts.push(`${formatMoney(input.price)} a month from ${formatDate(res.price.effectiveFrom)}.`);
  if (res.price.kind === "cancelled") parts.push("The scheduled price change is cancelled.");
  return { ok: true, message: parts.join(" ") };
});

export const retirePlanAction = adminAction(planIdSchema, async ({ planId }, { actor }) => {
  const { jails } = await setPlanOnSale({ actor, planId, onSale: false });
  revalidatePath(`/admin/plans/${planId}`);
  return { ok: true, message: `Retired: no new orders. ${jails} jail${jails === 1 ? " keeps" : "s keep"} it.` };
});

export const reinstatePlanAction = adminAction(planIdSchema, async ({ planId }, { actor }) => {
  await setPlanOnSale({ actor, planId, onSale: true });
  revalidatePath(`/admin/plans/${planId}`);
  return { ok: true, message: "On sale again." };
});

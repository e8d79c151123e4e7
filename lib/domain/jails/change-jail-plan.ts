// Upgrade or downgrade: the jail moves to another plan and a SET_LIMITS job applies the new
// limits on the host. A downgrade whose disk quota is below what the jail already uses is
// refused, because the host could not enforce it without deleting the customer's files.
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { formatBytes, formatMb } from "@/lib/format";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "./jail-capabilities";
import { planLimits } from "./jail-spec";
import { lockOwnedJail } from "./lock-owned-jail";
import { switchPlanPeriod } from "./plan-periods";
import { mibToBytes } from "@/lib/units";
import { hostCapabilities } from "@/lib/schemas/capabilities";

/**
 * Moves the jail to the plan `planSlug` and queues SET_LIMITS when the jail is on its host.
 * @throws AppError VALIDATION (plan not on sale or unchanged), PRECONDITION (disk in use above the new quota).
 */
export async function changeJailPlan({
  actor,
  jailId,
  planSlug,
  now = new Date(),
}: {
  actor: CustomerActor;
  jailId: string;
  planSlug: string;
  now?: Date;
}) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.changePlan);
    const plan = await tx.plan.findFirst({ where: { slug: planSlug, active: true } });
    if (!plan)
      throw new AppError("VALIDATION", "Please correct the highlighted fields.", { plan: ["That plan is not on sale. Choose another."] });
    if (plan.id === jail.planId)
      throw new AppError("VALIDATION", "Please correct the highlighted fields.", { plan: [`The jail is already on ${plan.name}.`] });

    const cpuLimit = hostCapabilities(jail.host.facts)?.limits.maxCpuPercent ?? null;
    if (cpuLimit !== null && plan.cpuPercent > cpuLimit) {
      const msg = `${plan.name} is not available on the host this jail runs on. Choose another plan.`;
      throw new AppError("PRECONDITION", msg, { plan: [msg] });
    }

    const latest = await tx.usageSample.findFirst({
      where: { jailId: jail.id, jail: { accountId: actor.accountId } },
      orderBy: { sampledAt: "desc" },
      select: { diskBytes: true },
    });
    const quotaBytes = mibToBytes(plan.diskQuotaMb);
    if (latest && latest.diskBytes > quotaBytes) {
      const msg = `${plan.name} allows ${formatMb(plan.diskQuotaMb)} of disk, but this jail uses ${formatBytes(latest.diskBytes)}. Delete files until it uses less, then change the plan.`;
      throw new AppError("PRECONDITION", msg, { plan: [msg] });
    }

    await tx.jail.updateMany({ where: { id: jail.id, accountId: actor.accountId }, data: { planId: plan.id } });
    // From this second on the jail is billed at the new plan (pro-rated from the periods).
    await switchPlanPeriod(tx, { jailId: jail.id, planId: plan.id, at: now });
    // A jail that is not on its host yet (FAILED) gets the new limits with its next reinstall.
    const onHost = jail.state === "RUNNING" || jail.state === "STOPPED";
    const job = onHost
      ? await enqueueJob(tx, {
          hostId: jail.hostId,
          jailId: jail.id,
          type: "SET_LIMITS",
          payload: { name: jail.name, limits: planLimits(plan) },
          requestedById: actor.userId,
        })
      : null;
    await recordAudit(tx, {
      actor,
      action: "jail.change-plan",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { from: jail.plan.slug, to: plan.slug },
    });
    return { jobId: job?.id ?? null, direction: plan.priceCents >= jail.plan.priceCents ? ("upgrade" as const) : ("downgrade" as const) };
  });
}

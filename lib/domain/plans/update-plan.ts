// Editing a plan. Name, description and order change at once. A price change applies from the
// next billing period (schedulePlanPrice). A change of limits reaches the plan's jails through
// SET_LIMITS jobs — only once the admin has confirmed how many jails it touches, and only if
// every host they run on can apply it.
import crypto from "node:crypto";
import { db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { planLimits } from "@/lib/domain/jails/jail-spec";
import { hostCapabilities } from "@/lib/schemas/capabilities";
import { jobPayloads } from "@/lib/schemas/jobs";
import type { UpdatePlanInput } from "@/lib/schemas/plans";
import { schedulePlanPrice } from "./plan-prices";

/** Jails whose limits a plan change reaches: live and on (or on their way to) their host. */
const REACHES: Prisma.JailWhereInput = { destroyedAt: null, state: { notIn: ["FAILED", "DESTROYING", "DESTROYED"] } };

export type UpdatePlanResult =
  { kind: "saved"; jailsUpdated: number; price: Awaited<ReturnType<typeof schedulePlanPrice>> } | { kind: "confirm"; jails: number };

/** How many jails a limits change of the plan would reach now. */
export async function countJailsReached(tx: Tx | typeof db, planId: string): Promise<number> {
  return tx.jail.count({ where: { planId, ...REACHES } });
}

/**
 * Saves the plan. When its limits change and jails are on it, nothing is saved until
 * `confirmJails` equals the number of jails reached: the result says how many to confirm.
 * @throws AppError NOT_FOUND, PRECONDITION (a host cannot apply the new CPU share).
 */
export async function updatePlan({
  actor,
  input,
  now = new Date(),
}: {
  actor: StaffActor;
  input: UpdatePlanInput;
  now?: Date;
}): Promise<UpdatePlanResult> {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    // Ordering and plan changes read the plan FOR SHARE (lockPlanForOrder): none of them can
    // copy the old limits into a job while this runs.
    const [locked] = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Plan" WHERE "id" = ${input.planId} FOR UPDATE`;
    if (!locked) throw notFound("That plan");
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: input.planId } });
    const limits = {
      diskQuotaMb: input.diskQuotaMb,
      memoryLimitMb: input.memoryLimitMb,
      maxProcesses: input.maxProcesses,
      cpuPercent: input.cpuPercent,
    };
    const limitsChanged = (Object.keys(limits) as Array<keyof typeof limits>).some((k) => plan[k] !== limits[k]);
    let jailsUpdated = 0;
    if (limitsChanged) {
      const reached = await countJailsReached(tx, plan.id);
      if (reached > 0 && input.confirmJails !== reached) return { kind: "confirm", jails: reached };
      await assertHostsCanApply(tx, plan.id, input.cpuPercent);
      jailsUpdated = await queueSetLimits(tx, { actor, planId: plan.id, limits: planLimits(limits) });
    }
    await tx.plan.update({
      where: { id: plan.id },
      data: {
        name: input.name,
        description: input.description,
        sortOrder: input.sortOrder,
        bandwidthGb: input.bandwidthGb,
        overagePricePerGbCents: input.overagePrice,
        ...limits,
      },
    });
    const price = await schedulePlanPrice(tx, { actor, plan, priceCents: input.price, now });
    await recordAudit(tx, {
      actor,
      action: "plan.update",
      targetType: "Plan",
      targetId: plan.id,
      data: {
        before: {
          name: plan.name,
          diskQuotaMb: plan.diskQuotaMb,
          memoryLimitMb: plan.memoryLimitMb,
          maxProcesses: plan.maxProcesses,
          cpuPercent: plan.cpuPercent,
          bandwidthGb: plan.bandwidthGb,
          overagePricePerGbCents: plan.overagePricePerGbCents,
        },
        after: { name: input.name, ...limits, bandwidthGb: input.bandwidthGb, overagePricePerGbCents: input.overagePrice },
        limitsChanged,
        jailsUpdated,
      },
    });
    return { kind: "saved", jailsUpdated, price };
  });
}

async function assertHostsCanApply(tx: Tx, planId: string, cpuPercent: number) {
  const hosts = await tx.host.findMany({
    where: { jails: { some: { planId, ...REACHES } } },
    select: { name: true, facts: true },
  });
  const refusing = hosts.filter((h) => {
    const max = hostCapabilities(h.facts)?.limits.maxCpuPercent ?? null;
    return max !== null && cpuPercent > max;
  });
  if (refusing.length) {
    const msg = `${refusing.map((h) => h.name).join(", ")} cannot give a jail more than ${Math.min(...refusing.map((h) => hostCapabilities(h.facts)!.limits.maxCpuPercent!))}% CPU.`;
    throw new AppError("PRECONDITION", msg, { cpuPercent: [msg] });
  }
}

/** One SET_LIMITS job per jail reached, in batches (a plan may have thousands of jails). */
async function queueSetLimits(
  tx: Tx,
  { actor, planId, limits }: { actor: StaffActor; planId: string; limits: ReturnType<typeof planLimits> },
): Promise<number> {
  const change = crypto.randomUUID();
  let queued = 0;
  let cursor: string | undefined;
  for (;;) {
    // Locked, so a jail moving to another plan right now is either moved first (and skipped
    // here: the WHERE is checked again on the locked row) or moves after its job is queued.
    const jails = await tx.$queryRaw<Array<{ id: string; name: string; hostId: string }>>`
      SELECT "id", "name", "hostId" FROM "Jail"
      WHERE "planId" = ${planId} AND "destroyedAt" IS NULL AND "state" NOT IN ('FAILED', 'DESTROYING', 'DESTROYED')
        AND "id" > ${cursor ?? ""}
      ORDER BY "id" LIMIT 1000
      FOR UPDATE`;
    if (jails.length === 0) return queued;
    cursor = jails[jails.length - 1]!.id;
    const { count } = await tx.job.createMany({
      data: jails.map((j) => ({
        hostId: j.hostId,
        jailId: j.id,
        type: "SET_LIMITS" as const,
        // Checked against the job's schema like every payload (enqueueJob's rule, in bulk).
        payload: jobPayloads.SET_LIMITS.parse({ name: j.name, limits }),
        idempotencyKey: `plan-limits:${change}:${j.id}`,
        requestedById: actor.userId,
      })),
      skipDuplicates: true,
    });
    queued += count;
  }
}

// Changing a plan's price over time (PlanPrice, the history the invoice run reads). A price
// change applies from the first instant of the next billing period (calendar month, UTC): never
// to a period already passed or invoiced. Which price is in force for a period is one rule,
// planPriceInForceSql in lib/domain/billing/plan-price.ts; Plan.priceCents is a copy of it for
// the current period — the list price new customers see — moved by applyDuePlanPrices (run by
// the worker) when a scheduled change's period begins.
import type { Tx } from "@/lib/db";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { monthStart, nextMonthStart } from "@/lib/calendar";
import { planPriceInForceSql } from "@/lib/domain/billing/plan-price";
import { utc } from "@/lib/domain/billing/sql-time";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { systemActor, type StaffActor } from "@/lib/domain/actor";

/** When a price change made at `now` takes effect. */
export function priceChangeEffectiveFrom(now: Date): Date {
  return nextMonthStart(now);
}

/** The price in force for the billing period that contains `now`, by the price history. */
export async function priceInForce(tx: Tx, { plan, now }: { plan: { id: string }; now: Date }): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ cents: number }>>`
    SELECT ${planPriceInForceSql(Prisma.sql`${plan.id}`, utc(monthStart(now)))}::int AS "cents"`;
  if (row?.cents == null) throw new Error(`priceInForce: no plan ${plan.id}`);
  return row.cents;
}

/**
 * Schedules `priceCents` for the plan from the next billing period, in the caller's
 * transaction. The same price as the one in force cancels a scheduled change instead.
 * @returns what happened, for the audit row and the page.
 */
export async function schedulePlanPrice(
  tx: Tx,
  { actor, plan, priceCents, now }: { actor: StaffActor; plan: { id: string; priceCents: number }; priceCents: number; now: Date },
): Promise<{ kind: "scheduled"; effectiveFrom: Date } | { kind: "cancelled" } | { kind: "unchanged" }> {
  const effectiveFrom = priceChangeEffectiveFrom(now);
  const current = await priceInForce(tx, { plan, now });
  const pending = await tx.planPrice.findMany({ where: { planId: plan.id, effectiveFrom: { gt: now } } });
  if (priceCents === current) {
    if (pending.length === 0) return { kind: "unchanged" };
    await tx.planPrice.deleteMany({ where: { planId: plan.id, effectiveFrom: { gt: now } } });
    await recordAudit(tx, {
      actor,
      action: "plan.price-cancel",
      targetType: "Plan",
      targetId: plan.id,
      data: { cancelled: pending.map((p) => ({ priceCents: p.priceCents, effectiveFrom: p.effectiveFrom.toISOString() })) },
    });
    return { kind: "cancelled" };
  }
  if (pending.length === 1 && pending[0]!.priceCents === priceCents && +pending[0]!.effectiveFrom === +effectiveFrom)
    return { kind: "unchanged" };
  await tx.planPrice.upsert({
    where: { planId_effectiveFrom: { planId: plan.id, effectiveFrom } },
    create: { planId: plan.id, priceCents, effectiveFrom, createdById: actor.userId },
    update: { priceCents, createdById: actor.userId, createdAt: now },
  });
  await recordAudit(tx, {
    actor,
    action: "plan.price-change",
    targetType: "Plan",
    targetId: plan.id,
    data: { fromCents: current, toCents: priceCents, effectiveFrom: effectiveFrom.toISOString() },
  });
  return { kind: "scheduled", effectiveFrom };
}

/**
 * Moves every plan's list price to the price in force at `now` (a scheduled change whose
 * period has begun). Idempotent; the worker calls it every tick.
 * @returns the plans whose price moved.
 */
export async function applyDuePlanPrices({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<Array<{ id: string; fromCents: number; toCents: number }>>`
      SELECT p."id", p."priceCents" AS "fromCents", cur."toCents"
      FROM "Plan" p
      CROSS JOIN LATERAL (SELECT ${planPriceInForceSql(Prisma.sql`p."id"`, utc(monthStart(now)))}::int AS "toCents") cur
      WHERE cur."toCents" <> p."priceCents"
      FOR UPDATE OF p`;
    for (const d of due) {
      await tx.plan.update({ where: { id: d.id }, data: { priceCents: d.toCents } });
      await recordAudit(tx, {
        actor: systemActor("plan-prices"),
        action: "plan.price-applied",
        targetType: "Plan",
        targetId: d.id,
        data: { fromCents: d.fromCents, toCents: d.toCents },
      });
    }
    return due.length;
  });
}

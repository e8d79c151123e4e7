// Billing staff set (or change) the tax rate of a customer country, or remove it. Drafts pick
// the new rate up at their next run or when issued; issued invoices keep the rate they carry.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/** Creates or replaces the rate of `country` (basis points: 1900 = 19 %). */
export async function setTaxRate({ actor, input }: { actor: StaffActor; input: { country: string; name: string; rateBp: number } }) {
  assertStaff(actor);
  return db.$transaction(async (tx) => {
    const before = await tx.taxRate.findUnique({ where: { country: input.country }, select: { name: true, rateBp: true } });
    const rate = await tx.taxRate.upsert({
      where: { country: input.country },
      create: { country: input.country, name: input.name, rateBp: input.rateBp, updatedById: actor.userId },
      update: { name: input.name, rateBp: input.rateBp, updatedById: actor.userId },
    });
    await recordAudit(tx, {
      actor,
      action: "tax-rate.set",
      targetType: "TaxRate",
      targetId: input.country,
      data: { before, after: { name: input.name, rateBp: input.rateBp } },
    });
    return rate;
  });
}

/** Removes the rate of `country`: its customers' next invoices carry no tax. @throws AppError NOT_FOUND. */
export async function removeTaxRate({ actor, country }: { actor: StaffActor; country: string }) {
  assertStaff(actor);
  await db.$transaction(async (tx) => {
    const before = await tx.taxRate.findUnique({ where: { country }, select: { name: true, rateBp: true } });
    if (!before) throw notFound("That tax rate");
    await tx.taxRate.delete({ where: { country } });
    await recordAudit(tx, { actor, action: "tax-rate.remove", targetType: "TaxRate", targetId: country, data: { before } });
  });
}

/** Every configured rate, by country. */
export async function listTaxRates({ actor }: { actor: StaffActor }) {
  assertStaff(actor);
  return db.taxRate.findMany({ orderBy: { country: "asc" } });
}

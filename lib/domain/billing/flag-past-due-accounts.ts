// Dunning: an account with an issued invoice still unpaid BILLING_SUSPEND_AFTER_DAYS_PAST_DUE
// days after its due date is flagged for suspension (staff decide; nothing is stopped here).
// The flag clears itself once no such invoice is left.
import { db, type Tx } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { systemActor } from "@/lib/domain/actor";
import { billingConfig } from "@/lib/config/server";
import { utc } from "./sql-time";

export async function flagPastDueAccounts(now: Date): Promise<{ flagged: number; cleared: number }> {
  const cutoff = new Date(now.getTime() - billingConfig().BILLING_SUSPEND_AFTER_DAYS_PAST_DUE * 86_400_000);
  return db.$transaction(async (tx) => {
    const flagged = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Account" a SET "flaggedForSuspensionAt" = ${utc(now)}, "updatedAt" = ${utc(now)}
      WHERE a."flaggedForSuspensionAt" IS NULL
        AND EXISTS (SELECT 1 FROM "Invoice" i WHERE i."accountId" = a."id" AND i."status" = 'ISSUED' AND i."dueAt" < ${utc(cutoff)})
      RETURNING a."id"`;
    for (const { id } of flagged) {
      await recordAudit(tx, {
        actor: systemActor("billing-tick"),
        action: "account.flag-past-due",
        targetType: "Account",
        targetId: id,
        accountId: id,
      });
    }
    const cleared = await clearSettledFlags(tx, now);
    return { flagged: flagged.length, cleared };
  });
}

/** Unflags accounts (one, or all) that no longer have an invoice past the dunning limit. */
export async function clearSettledFlags(tx: Tx, now: Date, accountId?: string): Promise<number> {
  const cutoff = new Date(now.getTime() - billingConfig().BILLING_SUSPEND_AFTER_DAYS_PAST_DUE * 86_400_000);
  const rows = await tx.account.updateMany({
    where: {
      ...(accountId ? { id: accountId } : {}),
      flaggedForSuspensionAt: { not: null },
      invoices: { none: { status: "ISSUED", dueAt: { lt: cutoff } } },
    },
    data: { flaggedForSuspensionAt: null },
  });
  return rows.count;
}

// Moves cases in grace along: back under the limit → RESOLVED, no charge (for transfer: the
// transfer during grace stayed within a month's allowance); still over when grace ends → REVIEW, with the excess measured by the policy in measure-usage.ts and
// rounded up to 0.1 GB. Each transition is a conditional update (status still GRACE), so a
// second tick or a concurrent one changes nothing.
import { db } from "@/lib/db";
import { systemActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { BYTES_PER_MIB_BIG } from "@/lib/units";
import { excessTenthsGb } from "@/lib/domain/billing/overage-rules";
import { graceTransferBytes, measureCasePeakBytes, measureUsageLevels } from "./measure-usage";
import { overageResolvedMail } from "./overage-mail";

const SYSTEM = systemActor("billing-tick");

export async function advanceOverageCases(now: Date): Promise<{ resolved: number; toReview: number }> {
  const cases = await db.overageCase.findMany({
    where: { status: "GRACE" },
    select: {
      id: true,
      jailId: true,
      accountId: true,
      kind: true,
      limitMb: true,
      openedAt: true,
      graceEndsAt: true,
      jail: { select: { destroyedAt: true } },
    },
    orderBy: { graceEndsAt: "asc" },
  });
  if (cases.length === 0) return { resolved: 0, toReview: 0 };
  const levels = await measureUsageLevels(now, [...new Set(cases.map((c) => c.jailId))]);
  const under = new Set(levels.filter((l) => l.under).map((l) => `${l.jailId}:${l.kind}`));

  let resolved = 0;
  let toReview = 0;
  for (const c of cases) {
    // A disk case for a jail destroyed during grace: the disk is gone, so it is back under.
    if (c.kind === "DISK" && c.jail.destroyedAt && c.jail.destroyedAt < c.graceEndsAt) {
      if (await resolve(c.id, now, { reason: "jail destroyed during grace" })) resolved++;
      continue;
    }
    if (under.has(`${c.jailId}:${c.kind}`)) {
      if (await resolve(c.id, now, { reason: "back under the limit" })) resolved++;
      continue;
    }
    if (c.graceEndsAt > now) continue;
    if (c.kind === "BANDWIDTH" && (await graceTransferBytes(c)) <= BigInt(c.limitMb) * BYTES_PER_MIB_BIG) {
      if (await resolve(c.id, now, { reason: "transfer during grace within the monthly allowance" })) resolved++;
      continue;
    }
    const peak = await measureCasePeakBytes(c);
    const tenths = excessTenthsGb(peak, BigInt(c.limitMb) * BYTES_PER_MIB_BIG);
    if (tenths === 0) {
      if (await resolve(c.id, now, { reason: "no measurable excess at the end of grace" })) resolved++;
      continue;
    }
    const moved = await db.$transaction(async (tx) => {
      const r = await tx.overageCase.updateMany({
        where: { id: c.id, status: "GRACE" },
        data: { status: "REVIEW", reviewAt: now, excessTenthsGb: tenths },
      });
      if (r.count !== 1) return false;
      await recordAudit(tx, {
        actor: SYSTEM,
        action: "overage.review",
        targetType: "OverageCase",
        targetId: c.id,
        accountId: c.accountId,
        data: { peakBytes: peak.toString(), excessTenthsGb: tenths },
      });
      return true;
    });
    if (moved) toReview++;
  }
  return { resolved, toReview };
}

async function resolve(caseId: string, now: Date, why: { reason: string }): Promise<boolean> {
  const mailId = await db.$transaction(async (tx) => {
    const r = await tx.overageCase.updateMany({ where: { id: caseId, status: "GRACE" }, data: { status: "RESOLVED", resolvedAt: now } });
    if (r.count !== 1) return null;
    const c = await tx.overageCase.findUniqueOrThrow({
      where: { id: caseId },
      select: { accountId: true, kind: true, jail: { select: { hostname: true } }, account: { select: { billingEmail: true } } },
    });
    await recordAudit(tx, {
      actor: SYSTEM,
      action: "overage.resolve",
      targetType: "OverageCase",
      targetId: caseId,
      accountId: c.accountId,
      data: why,
    });
    const mail = await queueMail(tx, overageResolvedMail({ to: c.account.billingEmail, hostname: c.jail.hostname, kind: c.kind }));
    return mail.id;
  });
  if (mailId) await deliverMail(mailId);
  return mailId !== null;
}

// Opens overage cases for jails over a limit, and warns at 80% and 95% of it before they get
// there. Set-based measurement (measure-usage.ts); one small transaction per case or warning,
// each with its mail and audit row.
import { db } from "@/lib/db";
import { systemActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { monthStart } from "@/lib/calendar";
import { graceEndFor } from "@/lib/domain/billing/overage-rules";
import { measureUsageLevels, type UsageLevel } from "./measure-usage";
import { overageOpenedMail, usageWarningMail } from "./overage-mail";
import { utc } from "./sql-time";

export const WARNING_PERCENTS = [80, 95] as const;
const SYSTEM = systemActor("billing-tick");

export async function detectOverage(now: Date): Promise<{ opened: number; warned: number }> {
  const levels = await measureUsageLevels(now);
  const relevant = levels.filter((l) => l.over || l.currentBytes * 100n >= l.limitBytes * 80n);
  if (relevant.length === 0) return { opened: 0, warned: 0 };

  const jailIds = [...new Set(relevant.map((l) => l.jailId))];
  const openCases = await db.overageCase.findMany({
    where: { jailId: { in: jailIds }, status: { in: ["GRACE", "REVIEW"] } },
    select: { jailId: true, kind: true },
  });
  const hasOpen = new Set(openCases.map((c) => `${c.jailId}:${c.kind}`));

  let opened = 0;
  let warned = 0;
  for (const level of relevant) {
    if (hasOpen.has(`${level.jailId}:${level.kind}`)) continue;
    if (level.over) {
      if (await openCase(level, now)) opened++;
    } else if (await warn(level, now)) {
      warned++;
    }
  }
  return { opened, warned };
}

async function openCase(level: UsageLevel, now: Date): Promise<boolean> {
  const graceEndsAt = graceEndFor(now);
  const mailId = await db.$transaction(async (tx) => {
    // One case per jail and kind at a time, even if two ticks race: serialise on the jail.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`overage:${level.jailId}`}))`;
    const existing = await tx.overageCase.findFirst({
      where: { jailId: level.jailId, kind: level.kind, status: { in: ["GRACE", "REVIEW"] } },
      select: { id: true },
    });
    if (existing) return null;
    const jail = await tx.jail.findUniqueOrThrow({
      where: { id: level.jailId },
      select: { hostname: true, account: { select: { billingEmail: true } } },
    });
    const c = await tx.overageCase.create({
      data: { jailId: level.jailId, accountId: level.accountId, kind: level.kind, limitMb: level.limitMb, openedAt: now, graceEndsAt },
    });
    await recordAudit(tx, {
      actor: SYSTEM,
      action: "overage.open",
      targetType: "OverageCase",
      targetId: c.id,
      accountId: level.accountId,
      data: {
        jailId: level.jailId,
        kind: level.kind,
        currentBytes: level.currentBytes.toString(),
        limitMb: level.limitMb,
        graceEndsAt: graceEndsAt.toISOString(),
      },
    });
    const mail = await queueMail(
      tx,
      overageOpenedMail({
        to: jail.account.billingEmail,
        hostname: jail.hostname,
        kind: level.kind,
        currentBytes: level.currentBytes,
        limitBytes: level.limitBytes,
        graceEndsAt,
      }),
    );
    return mail.id;
  });
  if (mailId) await deliverMail(mailId);
  return mailId !== null;
}

/** Mails the highest threshold newly crossed this period; records every crossed one, so each is sent once. */
async function warn(level: UsageLevel, now: Date): Promise<boolean> {
  const crossed = WARNING_PERCENTS.filter((p) => level.currentBytes * 100n >= level.limitBytes * BigInt(p));
  if (crossed.length === 0) return false;
  const periodStart = monthStart(now);
  const mailId = await db.$transaction(async (tx) => {
    const created = [];
    for (const percent of crossed) {
      // ON CONFLICT DO NOTHING: the unique (jail, kind, percent, period) is the "once".
      const n = await tx.$executeRaw`
        INSERT INTO "UsageWarning" ("id", "jailId", "accountId", "kind", "percent", "periodStart")
        VALUES (replace(gen_random_uuid()::text, '-', ''), ${level.jailId}, ${level.accountId}, ${level.kind}::"OverageKind", ${percent}, ${utc(periodStart)})
        ON CONFLICT DO NOTHING`;
      if (n > 0) created.push(percent);
    }
    if (created.length === 0) return null;
    const jail = await tx.jail.findUniqueOrThrow({
      where: { id: level.jailId },
      select: { hostname: true, account: { select: { billingEmail: true } } },
    });
    const percent = Math.max(...created);
    const mail = await queueMail(
      tx,
      usageWarningMail({
        to: jail.account.billingEmail,
        hostname: jail.hostname,
        kind: level.kind,
        percent,
        currentBytes: level.currentBytes,
        limitBytes: level.limitBytes,
      }),
    );
    return mail.id;
  });
  if (mailId) await deliverMail(mailId);
  return mailId !== null;
}

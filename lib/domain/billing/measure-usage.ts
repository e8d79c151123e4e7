// What overage detection knows about a jail, read from rollups only (never raw samples).
//
//  - Disk "over": every hourly rollup in the trailing OVERAGE_CONFIRM_HOURS window has its
//    AVERAGE above the quota. Disk "under": every hourly MAXIMUM in the window is at or below
//    it. Anything in between (a spike, a dip) changes nothing, so cases do not flap.
//  - Bandwidth "over": the calendar month's transfer so far (in + out, from daily rollups) is
//    above the plan's monthly allowance. Spent transfer cannot be un-spent, so a bandwidth case
//    never closes early: at the end of grace it closes free if the transfer DURING grace stayed
//    within one month's allowance (graceTransferBytes), and goes to review otherwise.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { dayStart, monthStart, nextMonthStart } from "@/lib/calendar";
import { billingConfig } from "@/lib/config/server";
import { BYTES_PER_GIB_BIG, BYTES_PER_MIB_BIG, MS_PER_HOUR } from "@/lib/units";
import { utc } from "./sql-time";

export type UsageLevel = {
  jailId: string;
  accountId: string;
  kind: "DISK" | "BANDWIDTH";
  limitMb: number;
  limitBytes: bigint;
  /** The figure warnings compare with the limit: peak disk in the window, or month-to-date transfer. */
  currentBytes: bigint;
  over: boolean;
  under: boolean;
};

/** Usage levels of live jails, optionally only some (for checking open cases). */
export async function measureUsageLevels(now: Date, jailIds?: string[]): Promise<UsageLevel[]> {
  const cfg = billingConfig();
  const windowStart = new Date(now.getTime() - cfg.OVERAGE_CONFIRM_HOURS * MS_PER_HOUR);
  const only = jailIds ? Prisma.sql`AND j."id" = ANY(${jailIds})` : Prisma.empty;
  const disk = await db.$queryRaw<Array<{ jailId: string; accountId: string; quotaMb: number; minAvg: bigint; maxMax: bigint }>>`
    SELECT j."id" AS "jailId", j."accountId", p."diskQuotaMb" AS "quotaMb", w."minAvg", w."maxMax"
    FROM (
      SELECT r."jailId", min(r."diskAvgBytes") AS "minAvg", max(r."diskMaxBytes") AS "maxMax"
      FROM "UsageRollup" r
      WHERE r."period" = 'HOUR' AND r."bucketStart" >= date_trunc('hour', ${utc(windowStart)}) AND r."bucketStart" <= ${utc(now)}
      GROUP BY r."jailId"
    ) w
    JOIN "Jail" j ON j."id" = w."jailId"
    JOIN "Plan" p ON p."id" = j."planId"
    WHERE j."destroyedAt" IS NULL ${only}`;
  const month = monthStart(now);
  const bandwidth = await db.$queryRaw<Array<{ jailId: string; accountId: string; allowanceGb: number; bytes: bigint }>>`
    SELECT j."id" AS "jailId", j."accountId", p."bandwidthGb" AS "allowanceGb", m."bytes"
    FROM (
      SELECT r."jailId", sum(r."netRxBytes" + r."netTxBytes")::bigint AS "bytes"
      FROM "UsageRollup" r
      WHERE r."period" = 'DAY' AND r."bucketStart" >= ${utc(month)} AND r."bucketStart" < ${utc(nextMonthStart(now))}
      GROUP BY r."jailId"
    ) m
    JOIN "Jail" j ON j."id" = m."jailId"
    JOIN "Plan" p ON p."id" = j."planId"
    WHERE j."destroyedAt" IS NULL ${only}`;

  const levels: UsageLevel[] = [];
  for (const d of disk) {
    const limitBytes = BigInt(d.quotaMb) * BYTES_PER_MIB_BIG;
    levels.push({
      jailId: d.jailId,
      accountId: d.accountId,
      kind: "DISK",
      limitMb: d.quotaMb,
      limitBytes,
      currentBytes: BigInt(d.maxMax),
      over: BigInt(d.minAvg) > limitBytes,
      under: BigInt(d.maxMax) <= limitBytes,
    });
  }
  for (const b of bandwidth) {
    const limitBytes = BigInt(b.allowanceGb) * BYTES_PER_GIB_BIG;
    const bytes = BigInt(b.bytes);
    levels.push({
      jailId: b.jailId,
      accountId: b.accountId,
      kind: "BANDWIDTH",
      limitMb: b.allowanceGb * 1024,
      limitBytes,
      currentBytes: bytes,
      over: bytes > limitBytes,
      under: false,
    });
  }
  return levels;
}

/**
 * The measured usage a case is charged on, over the case's window [openedAt, graceEndsAt):
 *  - DISK: the peak of the daily maxima.
 *  - BANDWIDTH: the largest calendar-month transfer among the months the window touches.
 */
export async function measureCasePeakBytes(c: {
  jailId: string;
  kind: "DISK" | "BANDWIDTH";
  openedAt: Date;
  graceEndsAt: Date;
}): Promise<bigint> {
  const dayFrom = dayStart(c.openedAt);
  if (c.kind === "DISK") {
    const [row] = await db.$queryRaw<Array<{ peak: bigint | null }>>`
      SELECT max("diskMaxBytes") AS "peak" FROM "UsageRollup"
      WHERE "jailId" = ${c.jailId} AND "period" = 'DAY' AND "bucketStart" >= ${utc(dayFrom)} AND "bucketStart" < ${utc(c.graceEndsAt)}`;
    return BigInt(row?.peak ?? 0);
  }
  const [row] = await db.$queryRaw<Array<{ peak: bigint | null }>>`
    SELECT max(m."bytes") AS "peak" FROM (
      SELECT sum("netRxBytes" + "netTxBytes")::bigint AS "bytes" FROM "UsageRollup"
      WHERE "jailId" = ${c.jailId} AND "period" = 'DAY'
        AND "bucketStart" >= ${utc(monthStart(c.openedAt))} AND "bucketStart" < ${utc(nextMonthStart(c.graceEndsAt))}
      GROUP BY date_trunc('month', "bucketStart")
    ) m`;
  return BigInt(row?.peak ?? 0);
}

/** Transfer (in + out) during a case's grace, from hourly rollups: the hours starting at or after it opened. */
export async function graceTransferBytes(c: { jailId: string; openedAt: Date; graceEndsAt: Date }): Promise<bigint> {
  const [row] = await db.$queryRaw<Array<{ bytes: bigint | null }>>`
    SELECT sum("netRxBytes" + "netTxBytes")::bigint AS "bytes" FROM "UsageRollup"
    WHERE "jailId" = ${c.jailId} AND "period" = 'HOUR' AND "bucketStart" >= ${utc(c.openedAt)} AND "bucketStart" < ${utc(c.graceEndsAt)}`;
  return BigInt(row?.bytes ?? 0);
}

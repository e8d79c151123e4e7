// The review queue (and the cases in grace), with what a clerk needs to decide: who, which
// jail and plan, how much over, since when, and the daily usage behind the figure.
import { MS_PER_DAY } from "@/lib/units";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { overageAmountCents } from "@/lib/domain/billing/overage-rules";
import { utc } from "./sql-time";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export const CASES_PAGE_SIZE = 20;

/** One page of cases in `status`, each with the proposed charge, whole days since it opened (at `now`) and its daily series. */
export async function listOverageCases({
  actor,
  status,
  page,
  now = new Date(),
}: {
  actor: StaffActor;
  status: "REVIEW" | "GRACE";
  page: number;
  now?: Date;
}) {
  assertStaff(actor);
  const where = { status } satisfies Prisma.OverageCaseWhereInput;
  const [rows, total] = await Promise.all([
    db.overageCase.findMany({
      where,
      orderBy: status === "REVIEW" ? [{ reviewAt: "asc" }, { id: "asc" }] : [{ graceEndsAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * CASES_PAGE_SIZE,
      take: CASES_PAGE_SIZE,
      include: {
        account: { select: { id: true, name: true, billingEmail: true } },
        jail: {
          select: {
            id: true,
            hostname: true,
            plan: { select: { name: true, overagePricePerGbCents: true, diskQuotaMb: true, bandwidthGb: true } },
          },
        },
      },
    }),
    db.overageCase.count({ where }),
  ]);
  const series = await dailySeries(rows);
  return {
    total,
    rows: rows.map((c) => ({
      ...c,
      proposedCents: overageAmountCents(c.excessTenthsGb ?? 0, c.jail.plan.overagePricePerGbCents),
      daysSinceOpened: Math.max(0, Math.floor((now.getTime() - c.openedAt.getTime()) / MS_PER_DAY)),
      series: series.get(c.id) ?? [],
    })),
  };
}

export type SeriesPoint = { day: string; bytes: number };

/** Daily disk maxima (or daily transfer) from a week before the case opened to its end of grace. One query for the page. */
async function dailySeries(cases: Array<{ id: string; jailId: string; kind: "DISK" | "BANDWIDTH"; openedAt: Date; graceEndsAt: Date }>) {
  const out = new Map<string, SeriesPoint[]>();
  if (cases.length === 0) return out;
  const windows = cases.map(
    (c) => Prisma.sql`(${c.id}, ${c.jailId}, ${c.kind}, ${utc(new Date(c.openedAt.getTime() - 7 * MS_PER_DAY))}, ${utc(c.graceEndsAt)})`,
  );
  const rows = await db.$queryRaw<Array<{ caseId: string; day: Date; bytes: bigint }>>`
    SELECT w."caseId", r."bucketStart" AS "day",
           CASE WHEN w."kind" = 'DISK' THEN r."diskMaxBytes" ELSE r."netRxBytes" + r."netTxBytes" END AS "bytes"
    FROM (VALUES ${Prisma.join(windows)}) AS w("caseId", "jailId", "kind", "from", "to")
    JOIN "UsageRollup" r ON r."jailId" = w."jailId" AND r."period" = 'DAY' AND r."bucketStart" >= w."from" AND r."bucketStart" <= w."to"
    ORDER BY w."caseId", r."bucketStart"`;
  for (const r of rows) {
    const list = out.get(r.caseId) ?? [];
    list.push({ day: new Date(r.day).toISOString().slice(0, 10), bytes: Number(r.bytes) });
    out.set(r.caseId, list);
  }
  return out;
}

// The monthly invoice run: one invoice per account and calendar month (UTC), holding
//   - each jail's plan fees, one line per plan period the jail actually had in the month
//     (JailPlanPeriod, to the second: an upgrade on the 29th at noon bills the old plan to
//     that instant and the new one from it), each pro-rated by its share of the month's
//     milliseconds at the plan's price in force for the month (plan-price.ts), and cut at
//     creation and cancellation (or destruction);
//   - every approved or adjusted overage charge decided before the month ended and not yet
//     on an invoice;
//   - every credit or one-off charge staff added before the month ended and not yet
//     invoiced, and credit carried forward from an earlier invoice (CREDIT_BROUGHT);
//   - tax (apply-invoice-tax.ts), and the total: the sum of the lines.
//
// Only a month that has ENDED can be run: before its last second has passed, a jail may still
// be cancelled, created or change plan in it, and a run would freeze a wrong fee. A run of
// the current month is refused with the date it becomes possible (the page says so too).
//
// Rounding: each plan line is rounded half up to a cent on its own,
//   amount = (2 × price × ms + monthMs) div (2 × monthMs)    (integer arithmetic),
// so every line is what the customer can check; the total is the sum of the lines.
//
// Idempotent by construction: one live invoice per (account, periodStart) (a partial unique
// index: a void invoice frees the month only when it was voided to be re-billed; a month voided
// for good is skipped) and every line per (invoice, sourceKey) — "plan:<jailId>:<periodId>",
// "overage:<caseId>", "adjustment:<id>", "tax" — and every insert is ON CONFLICT DO NOTHING.
// Lines are only ever added to DRAFT invoices: once issued, an invoice never changes, and
// later charges wait for the next month's invoice.
//
// Set-based SQL, so a month for 10,000 accounts is a handful of statements (see bench/).
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { Actor } from "@/lib/domain/actor";
import { formatPeriod, monthStart, nextMonthStart } from "@/lib/calendar";
import { utc } from "./sql-time";
import { Prisma } from "@/lib/generated/prisma/client";
import { formatDateTime } from "@/lib/format";
import { planPriceInForceSql } from "./plan-price";
import { applyInvoiceTax } from "./apply-invoice-tax";

export type InvoiceRunResult = {
  period: string;
  invoicesCreated: number;
  linesAdded: number;
  invoicesInPeriod: number;
  draftTotalCents: number;
};

export async function runInvoiceRun({
  actor,
  periodStart,
  now = new Date(),
}: {
  actor: Actor;
  periodStart: Date;
  now?: Date;
}): Promise<InvoiceRunResult> {
  const ps = monthStart(periodStart);
  const pe = nextMonthStart(ps);
  const period = formatPeriod(ps);
  const refusal = openPeriodRefusal(ps, now);
  if (refusal) throw new AppError("VALIDATION", refusal, { period: [refusal] });
  const PS = utc(ps);
  const PE = utc(pe);
  const NOW = utc(now);

  return db.$transaction(
    async (tx) => {
      // Two runs of the same month at once would only race to insert the same rows; serialise anyway.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invoice-run:${period}`}))`;

      const invoicesCreated = await tx.$executeRaw`
        INSERT INTO "Invoice" ("id", "number", "accountId", "periodStart", "periodEnd", "status", "totalCents", "paidCents", "createdAt", "updatedAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), NULL,
               a."accountId", ${PS}, ${PE}, 'DRAFT'::"InvoiceStatus", 0, 0, ${NOW}, ${NOW}
        FROM (
          SELECT j."accountId" FROM "Jail" j
          WHERE j."createdAt" < ${PE} AND COALESCE(j."cancelledAt", j."destroyedAt", ${PE}) > GREATEST(j."createdAt", ${PS})
          UNION
          SELECT c."accountId" FROM "OverageCase" c
          WHERE c."status" IN ('APPROVED', 'ADJUSTED') AND c."amountCents" > 0 AND c."decidedAt" < ${PE}
            AND NOT EXISTS (SELECT 1 FROM "InvoiceLine" l WHERE l."overageCaseId" = c."id")
          UNION
          SELECT x."accountId" FROM "AccountAdjustment" x WHERE x."invoiceId" IS NULL AND x."createdAt" < ${PE}
        ) a
        -- A month voided for good stays billed at nothing; whatever else is pending waits for a later month.
        WHERE NOT EXISTS (SELECT 1 FROM "Invoice" v WHERE v."accountId" = a."accountId" AND v."periodStart" = ${PS}
                            AND v."status" = 'VOID' AND v."voidDisposition" = 'FINAL')
        ON CONFLICT DO NOTHING`;

      const monthMs = pe.getTime() - ps.getTime();
      const planLines = await tx.$executeRaw`
        INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "jailId", "sourceKey", "createdAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), b."invoiceId", 'PLAN_FEE'::"InvoiceLineKind",
               b."planName" || ' plan, ' || b."hostname"
                 || CASE WHEN b."ms" < ${monthMs}::bigint THEN ' (' || ${shortInstant(Prisma.sql`b."fromAt"`, false)} || ' – ' || ${shortInstant(Prisma.sql`b."toAt"`, true)} || ')' ELSE '' END
                 || CASE WHEN b."transfer" IS NULL OR b."latest" <> 1 THEN '' ELSE
                      ' · transfer ' || to_char(b."transfer" / 1073741824.0, 'FM999990.0') || ' GB of ' || b."bandwidthGb" || ' GB'
                      || ', peak disk ' || to_char(b."peakDisk" / 1073741824.0, 'FM999990.0') || ' GB of ' || to_char(b."diskQuotaMb" / 1024.0, 'FM999990.0') || ' GB' END,
               round(b."ms"::numeric / ${monthMs}::bigint, 4), b."priceCents",
               ((2 * b."priceCents"::bigint * b."ms" + ${monthMs}::bigint) / (2 * ${monthMs}::bigint))::int, b."jailId", b."sourceKey", ${NOW}
        FROM (
          SELECT i."id" AS "invoiceId", j."id" AS "jailId", j."hostname", p."name" AS "planName", p."bandwidthGb", p."diskQuotaMb",
                 ${planPriceInForceSql(Prisma.sql`p."id"`, PS)} AS "priceCents",
                 seg."sourceKey", seg."fromAt", seg."toAt",
                 (EXTRACT(EPOCH FROM seg."toAt" - seg."fromAt") * 1000)::bigint AS "ms",
                 row_number() OVER (PARTITION BY j."id" ORDER BY seg."fromAt" DESC) AS "latest",
                 u."transfer", u."peakDisk"
          FROM "Jail" j
          JOIN "Invoice" i ON i."accountId" = j."accountId" AND i."periodStart" = ${PS} AND i."status" = 'DRAFT'
          CROSS JOIN LATERAL (
            -- The jail's plan periods cut to the month and to its life; a jail without any
            -- (made before periods were recorded) has been on its current plan since creation.
            SELECT 'plan:' || j."id" || ':' || pp."id" AS "sourceKey", pp."planId",
                   GREATEST(pp."startsAt", j."createdAt", ${PS}) AS "fromAt",
                   LEAST(COALESCE(pp."endsAt", ${PE}), COALESCE(j."cancelledAt", j."destroyedAt", ${PE}), ${PE}) AS "toAt"
            FROM "JailPlanPeriod" pp
            WHERE pp."jailId" = j."id" AND pp."startsAt" < ${PE} AND COALESCE(pp."endsAt", ${PE}) > ${PS}
            UNION ALL
            SELECT 'plan:' || j."id", j."planId", GREATEST(j."createdAt", ${PS}), LEAST(COALESCE(j."cancelledAt", j."destroyedAt", ${PE}), ${PE})
            WHERE NOT EXISTS (SELECT 1 FROM "JailPlanPeriod" pp2 WHERE pp2."jailId" = j."id")
          ) seg
          JOIN "Plan" p ON p."id" = seg."planId"
          LEFT JOIN (
            SELECT r."jailId", sum(r."netRxBytes" + r."netTxBytes") AS "transfer", max(r."diskMaxBytes") AS "peakDisk"
            FROM "UsageRollup" r
            WHERE r."period" = 'DAY' AND r."bucketStart" >= ${PS} AND r."bucketStart" < ${PE}
            GROUP BY r."jailId"
          ) u ON u."jailId" = j."id"
          WHERE j."createdAt" < ${PE} AND COALESCE(j."cancelledAt", j."destroyedAt", ${PE}) > GREATEST(j."createdAt", ${PS})
            AND seg."toAt" > seg."fromAt"
        ) b
        WHERE (2 * b."priceCents"::bigint * b."ms" + ${monthMs}::bigint) / (2 * ${monthMs}::bigint) > 0
        ON CONFLICT DO NOTHING`;

      const overageLines = await tx.$executeRaw`
        INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "jailId", "overageCaseId", "sourceKey", "createdAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), i."id", 'OVERAGE'::"InvoiceLineKind",
               CASE c."kind" WHEN 'DISK' THEN 'Disk overage, ' ELSE 'Transfer overage, ' END || j."hostname" || ': '
                 || to_char(COALESCE(c."excessTenthsGb", 0) / 10.0, 'FM999990.0') || ' GB above '
                 || to_char(c."limitMb" / 1024.0, 'FM999990.0') || ' GB (over since ' || to_char(c."openedAt", 'FMDD Mon YYYY') || ')'
                 || CASE WHEN c."status" = 'ADJUSTED' THEN ', adjusted: ' || COALESCE(c."decisionReason", '') ELSE '' END,
               CASE WHEN c."status" = 'APPROVED' THEN COALESCE(c."excessTenthsGb", 0) / 10.0 ELSE 1 END,
               CASE WHEN c."status" = 'APPROVED' THEN p."overagePricePerGbCents" ELSE c."amountCents" END,
               c."amountCents", c."jailId", c."id", 'overage:' || c."id", ${NOW}
        FROM "OverageCase" c
        JOIN "Jail" j ON j."id" = c."jailId"
        JOIN "Plan" p ON p."id" = j."planId"
        JOIN "Invoice" i ON i."accountId" = c."accountId" AND i."periodStart" = ${PS} AND i."status" = 'DRAFT'
        WHERE c."status" IN ('APPROVED', 'ADJUSTED') AND c."amountCents" > 0 AND c."decidedAt" < ${PE}
          AND NOT EXISTS (SELECT 1 FROM "InvoiceLine" l WHERE l."overageCaseId" = c."id")
        ON CONFLICT DO NOTHING`;

      const adjustmentLines = await tx.$executeRaw`
        WITH claimed AS (
          UPDATE "AccountAdjustment" x SET "invoiceId" = i."id"
          FROM "Invoice" i
          WHERE i."accountId" = x."accountId" AND i."periodStart" = ${PS} AND i."status" = 'DRAFT'
            AND x."invoiceId" IS NULL AND x."createdAt" < ${PE}
          RETURNING x."id", x."amountCents", x."reason", x."carriedFromInvoiceId", i."id" AS "invoiceId"
        )
        INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "sourceKey", "createdAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), "invoiceId",
               CASE WHEN "carriedFromInvoiceId" IS NOT NULL THEN 'CREDIT_BROUGHT'::"InvoiceLineKind"
                    WHEN "amountCents" < 0 THEN 'CREDIT'::"InvoiceLineKind" ELSE 'ADJUSTMENT'::"InvoiceLineKind" END,
               "reason", 1, "amountCents", "amountCents", 'adjustment:' || "id", ${NOW}
        FROM claimed
        ON CONFLICT DO NOTHING`;

      // Tax and the total (the sum of the lines), for the month's drafts; rows already right are left alone.
      await applyInvoiceTax(tx, { scope: Prisma.sql`i."periodStart" = ${PS}`, now });

      const [summary] = await tx.$queryRaw<Array<{ n: number; total: bigint | null }>>`
        SELECT count(*)::int AS "n", sum("totalCents") FILTER (WHERE "status" = 'DRAFT') AS "total" FROM "Invoice" WHERE "periodStart" = ${PS}`;
      const linesAdded = planLines + overageLines + adjustmentLines;
      const result: InvoiceRunResult = {
        period,
        invoicesCreated,
        linesAdded,
        invoicesInPeriod: summary?.n ?? 0,
        draftTotalCents: Number(summary?.total ?? 0),
      };
      await recordAudit(tx, {
        actor,
        action: "invoice.run",
        targetType: "InvoiceRun",
        targetId: period,
        data: result,
      });
      return result;
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
}

/**
 * Why the month starting `periodStart` cannot be invoiced at `now`, or null when it can: a
 * month can be run from its last instant on (the first instant of the next month, UTC).
 */
export function openPeriodRefusal(periodStart: Date, now: Date): string | null {
  const ps = monthStart(periodStart);
  const pe = nextMonthStart(ps);
  if (now.getTime() >= pe.getTime()) return null;
  const name = ps.toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  return `${name} has not ended: its fees are not final until ${formatDateTime(pe)}, so it can be invoiced from then on.`;
}

/** "29 Mar 12:00" (or "29 Mar" at midnight); an end instant at midnight is shown as the day before. */
function shortInstant(at: Prisma.Sql, isEnd: boolean): Prisma.Sql {
  return isEnd
    ? Prisma.sql`CASE WHEN ${at}::time = '00:00' THEN to_char(${at} - interval '1 day', 'FMDD Mon') ELSE to_char(${at}, 'FMDD Mon HH24:MI') END`
    : Prisma.sql`CASE WHEN ${at}::time = '00:00' THEN to_char(${at}, 'FMDD Mon') ELSE to_char(${at}, 'FMDD Mon HH24:MI') END`;
}

// The monthly invoice run: one invoice per account and calendar month, holding
//   - each jail's plan fee, pro-rated to the second for jails created or cancelled mid-month
//     (a cancelled or destroyed jail stops costing at that instant), with the month's usage
//     (transfer, peak disk) from the daily rollups noted on the line;
//   - every approved or adjusted overage charge decided before the month ended and not yet
//     on an invoice;
//   - every credit or one-off charge staff added before the month ended and not yet invoiced.
//
// Idempotent by construction: the invoice is unique per (account, periodStart) and every line
// per (invoice, sourceKey) — "plan:<jailId>", "overage:<caseId>", "adjustment:<id>" — and every
// insert is ON CONFLICT DO NOTHING. Lines are only ever added to DRAFT invoices: once issued, an
// invoice never changes, and later charges wait for the next month's invoice. Totals are set to
// the sum of the lines in the same transaction.
//
// Set-based SQL, so a month for 10,000 accounts is a handful of statements (see bench/).
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { Actor } from "@/lib/domain/actor";
import { formatPeriod, monthStart, nextMonthStart } from "@/lib/calendar";
import { utc } from "./sql-time";

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
  if (ps > monthStart(now))
    throw new AppError("VALIDATION", "That month has not started yet.", { period: ["That month has not started yet."] });
  const period = formatPeriod(ps);
  const PS = utc(ps);
  const PE = utc(pe);
  const NOW = utc(now);

  return db.$transaction(
    async (tx) => {
      // Two runs of the same month at once would only race to insert the same rows; serialise anyway.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invoice-run:${period}`}))`;

      const invoicesCreated = await tx.$executeRaw`
        INSERT INTO "Invoice" ("id", "number", "accountId", "periodStart", "periodEnd", "status", "totalCents", "paidCents", "createdAt", "updatedAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), 'INV-' || to_char(${PS}, 'YYYYMM') || '-' || upper(substr(md5(a."accountId"), 1, 12)),
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
        ON CONFLICT DO NOTHING`;

      const planLines = await tx.$executeRaw`
        INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "jailId", "sourceKey", "createdAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), b."invoiceId", 'PLAN_FEE'::"InvoiceLineKind",
               b."planName" || ' plan, ' || b."hostname"
                 || CASE WHEN b."fraction" < 1 THEN ' (' || to_char(b."fromAt", 'FMDD Mon') || ' – ' || to_char(b."toAt" - interval '1 millisecond', 'FMDD Mon') || ')' ELSE '' END
                 || CASE WHEN b."transfer" IS NULL THEN '' ELSE
                      ' · transfer ' || to_char(b."transfer" / 1073741824.0, 'FM999990.0') || ' GB of ' || b."bandwidthGb" || ' GB'
                      || ', peak disk ' || to_char(b."peakDisk" / 1073741824.0, 'FM999990.0') || ' GB of ' || to_char(b."diskQuotaMb" / 1024.0, 'FM999990.0') || ' GB' END,
               round(b."fraction", 4), b."priceCents", round(b."priceCents" * b."fraction")::int, b."jailId", 'plan:' || b."jailId", ${NOW}
        FROM (
          SELECT i."id" AS "invoiceId", j."id" AS "jailId", j."hostname", p."name" AS "planName", p."priceCents", p."bandwidthGb", p."diskQuotaMb",
                 GREATEST(j."createdAt", ${PS}) AS "fromAt", LEAST(COALESCE(j."cancelledAt", j."destroyedAt", ${PE}), ${PE}) AS "toAt",
                 (EXTRACT(EPOCH FROM LEAST(COALESCE(j."cancelledAt", j."destroyedAt", ${PE}), ${PE}) - GREATEST(j."createdAt", ${PS}))
                   / EXTRACT(EPOCH FROM ${PE} - ${PS}))::numeric AS "fraction",
                 u."transfer", u."peakDisk"
          FROM "Jail" j
          JOIN "Plan" p ON p."id" = j."planId"
          JOIN "Invoice" i ON i."accountId" = j."accountId" AND i."periodStart" = ${PS} AND i."status" = 'DRAFT'
          LEFT JOIN (
            SELECT r."jailId", sum(r."netRxBytes" + r."netTxBytes") AS "transfer", max(r."diskMaxBytes") AS "peakDisk"
            FROM "UsageRollup" r
            WHERE r."period" = 'DAY' AND r."bucketStart" >= ${PS} AND r."bucketStart" < ${PE}
            GROUP BY r."jailId"
          ) u ON u."jailId" = j."id"
          WHERE j."createdAt" < ${PE} AND COALESCE(j."cancelledAt", j."destroyedAt", ${PE}) > GREATEST(j."createdAt", ${PS})
        ) b
        WHERE round(b."priceCents" * b."fraction") > 0
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
          RETURNING x."id", x."amountCents", x."reason", i."id" AS "invoiceId"
        )
        INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "sourceKey", "createdAt")
        SELECT replace(gen_random_uuid()::text, '-', ''), "invoiceId", CASE WHEN "amountCents" < 0 THEN 'CREDIT'::"InvoiceLineKind" ELSE 'ADJUSTMENT'::"InvoiceLineKind" END,
               "reason", 1, "amountCents", "amountCents", 'adjustment:' || "id", ${NOW}
        FROM claimed
        ON CONFLICT DO NOTHING`;

      // The total is the sum of the lines, always; rows already right are left alone.
      await tx.$executeRaw`
        UPDATE "Invoice" i SET "totalCents" = s."sum", "updatedAt" = ${NOW}
        FROM (
          SELECT i2."id", COALESCE(sum(l."amountCents"), 0)::int AS "sum"
          FROM "Invoice" i2 LEFT JOIN "InvoiceLine" l ON l."invoiceId" = i2."id"
          WHERE i2."periodStart" = ${PS} AND i2."status" = 'DRAFT'
          GROUP BY i2."id"
        ) s
        WHERE i."id" = s."id" AND i."totalCents" IS DISTINCT FROM s."sum"`;

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

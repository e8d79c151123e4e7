// Tax and totals of DRAFT invoices, set-based (the rules in words: tax-rules.ts). Called by the
// invoice run for a month's drafts and by issuing for the one invoice, so the tax always
// reflects the billing contact at the moment the invoice is frozen.
//
// Rounding, stated once: taxable = the sum of the invoice's PLAN_FEE, OVERAGE, CREDIT and
// ADJUSTMENT lines (each already a whole number of cents); tax = taxable × rateBp / 10000
// rounded half away from zero to a whole cent, in integer arithmetic:
//   sign(taxable) × ((|taxable| × rateBp + 5000) div 10000).
// The total is then the sum of all the lines, the tax line included.
import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { billingConfig } from "@/lib/config/server";
import { EU_COUNTRIES } from "./tax-rules";
import { utc } from "./sql-time";

const TAXABLE = Prisma.sql`('PLAN_FEE', 'OVERAGE', 'CREDIT', 'ADJUSTMENT')`;

/**
 * Recomputes the tax line, the tax columns and the total of every DRAFT invoice matching
 * `scope` (an SQL condition on the alias `i`). Rows already right are left untouched.
 */
export async function applyInvoiceTax(tx: Tx, { scope, now }: { scope: Prisma.Sql; now: Date }): Promise<void> {
  const issuer = billingConfig().INVOICE_ISSUER_COUNTRY;
  const eu = [...EU_COUNTRIES] as string[];
  const NOW = utc(now);

  // 1. Treatment, rate and tax amount onto the invoice.
  await tx.$executeRaw`
    UPDATE "Invoice" inv SET "taxTreatment" = t."treatment"::"TaxTreatment", "taxRateBp" = t."rateBp", "taxName" = t."name",
           "taxCents" = t."tax", "updatedAt" = ${NOW}
    FROM (
      SELECT s."id", s."treatment",
             CASE WHEN s."treatment" = 'NONE' THEN NULL WHEN s."treatment" = 'REVERSE_CHARGE' THEN 0 ELSE s."rateBp" END AS "rateBp",
             CASE WHEN s."treatment" = 'NONE' THEN NULL WHEN s."treatment" = 'REVERSE_CHARGE' THEN COALESCE(s."name", 'VAT') ELSE s."name" END AS "name",
             CASE WHEN s."treatment" = 'STANDARD'
                  THEN (sign(s."taxable") * ((abs(s."taxable") * s."rateBp" + 5000) / 10000))::int ELSE 0 END AS "tax"
      FROM (
        SELECT i."id", r."rateBp"::bigint AS "rateBp", r."name",
               COALESCE((SELECT sum(l."amountCents") FROM "InvoiceLine" l WHERE l."invoiceId" = i."id" AND l."kind" IN ${TAXABLE}), 0)::bigint AS "taxable",
               CASE WHEN a."vatNumber" IS NOT NULL AND a."country" = ANY(${eu}::text[]) AND ${issuer} = ANY(${eu}::text[]) AND a."country" <> ${issuer}
                      THEN 'REVERSE_CHARGE'
                    WHEN r."id" IS NOT NULL THEN 'STANDARD'
                    ELSE 'NONE' END AS "treatment"
        FROM "Invoice" i
        JOIN "Account" a ON a."id" = i."accountId"
        LEFT JOIN "TaxRate" r ON r."country" = a."country"
        WHERE i."status" = 'DRAFT' AND ${scope}
      ) s
    ) t
    WHERE inv."id" = t."id"
      AND (inv."taxTreatment"::text, inv."taxRateBp", inv."taxName", inv."taxCents") IS DISTINCT FROM (t."treatment", t."rateBp"::int, t."name", t."tax")`;

  // 2. The tax line mirrors those columns: one per invoice with a treatment, none without.
  await tx.$executeRaw`
    DELETE FROM "InvoiceLine" l USING "Invoice" i
    WHERE l."invoiceId" = i."id" AND l."kind" = 'TAX' AND i."taxTreatment" = 'NONE' AND i."status" = 'DRAFT' AND ${scope}`;
  await tx.$executeRaw`
    INSERT INTO "InvoiceLine" ("id", "invoiceId", "kind", "description", "quantity", "unitCents", "amountCents", "sourceKey", "createdAt")
    SELECT replace(gen_random_uuid()::text, '-', ''), x."id", 'TAX'::"InvoiceLineKind", x."description", x."rate", x."taxable", x."taxCents", 'tax', ${NOW}
    FROM (
      SELECT i."id", i."taxCents", (COALESCE(i."taxRateBp", 0) / 10000.0)::numeric(12, 4) AS "rate",
             COALESCE((SELECT sum(l."amountCents") FROM "InvoiceLine" l WHERE l."invoiceId" = i."id" AND l."kind" IN ${TAXABLE}), 0)::int AS "taxable",
             CASE WHEN i."taxTreatment" = 'REVERSE_CHARGE' THEN i."taxName" || ' 0 % (reverse charge)'
                  ELSE i."taxName" || ' ' || rtrim(rtrim(to_char(i."taxRateBp" / 100.0, 'FM990.00'), '0'), '.') || ' %' END AS "description"
      FROM "Invoice" i
      WHERE i."status" = 'DRAFT' AND i."taxTreatment" <> 'NONE' AND ${scope}
    ) x
    ON CONFLICT ("invoiceId", "sourceKey") DO UPDATE SET
      "description" = EXCLUDED."description", "quantity" = EXCLUDED."quantity", "unitCents" = EXCLUDED."unitCents", "amountCents" = EXCLUDED."amountCents"
    WHERE ("InvoiceLine"."description", "InvoiceLine"."quantity", "InvoiceLine"."unitCents", "InvoiceLine"."amountCents")
      IS DISTINCT FROM (EXCLUDED."description", EXCLUDED."quantity", EXCLUDED."unitCents", EXCLUDED."amountCents")`;

  // 3. The total is the sum of the lines, always.
  await tx.$executeRaw`
    UPDATE "Invoice" inv SET "totalCents" = s."sum", "updatedAt" = ${NOW}
    FROM (
      SELECT i."id", COALESCE(sum(l."amountCents"), 0)::int AS "sum"
      FROM "Invoice" i LEFT JOIN "InvoiceLine" l ON l."invoiceId" = i."id"
      WHERE i."status" = 'DRAFT' AND ${scope}
      GROUP BY i."id"
    ) s
    WHERE inv."id" = s."id" AND inv."totalCents" IS DISTINCT FROM s."sum"`;
}

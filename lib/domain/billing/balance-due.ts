// What an account owes and what it holds, one rule, used by every page that shows it (the
// billing accounts list and account page, the customer's invoices page and dashboard):
//   - balance due: the sum of total − paid over its ISSUED invoices (a draft owes nothing yet,
//     a paid or void one nothing any more);
//   - credit: credits not yet on an invoice (staff credits and credit carried forward from an
//     invoice whose credits exceeded its charges), which the next invoice run applies.
// The account's net position is balance due − credit.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * SQL for the balance due, in cents, of the account whose id is the SQL expression `accountId`
 * (e.g. `Prisma.sql\`a."id"\``): the sum of total − paid over its ISSUED invoices, 0 when none.
 */
export function balanceDueCentsSql(accountId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT sum(i."totalCents" - i."paidCents") FROM "Invoice" i WHERE i."accountId" = ${accountId} AND i."status" = 'ISSUED'), 0)::int`;
}

/** SQL for the credit, in cents (≥ 0), the account holds for its next invoice. */
export function creditCentsSql(accountId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT -sum(x."amountCents") FROM "AccountAdjustment" x WHERE x."accountId" = ${accountId} AND x."invoiceId" IS NULL AND x."amountCents" < 0), 0)::int`;
}

export type AccountBalance = { dueCents: number; creditCents: number };

/** Balance due and credit in cents per account id (every id given gets an entry, zeros when nothing). */
export async function getAccountBalances({ accountIds }: { accountIds: string[] }): Promise<Map<string, AccountBalance>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ id: string; dueCents: number; creditCents: number }>>`
    SELECT a."id", ${balanceDueCentsSql(Prisma.sql`a."id"`)} AS "dueCents", ${creditCentsSql(Prisma.sql`a."id"`)} AS "creditCents"
    FROM "Account" a WHERE a."id" = ANY(${accountIds})`;
  return new Map(
    accountIds.map((id) => {
      const r = rows.find((x) => x.id === id);
      return [id, { dueCents: r?.dueCents ?? 0, creditCents: r?.creditCents ?? 0 }];
    }),
  );
}

/** Balance due in cents per account id (every id given gets an entry, 0 when nothing is owed). */
export async function getBalancesDue({ accountIds }: { accountIds: string[] }): Promise<Map<string, number>> {
  const balances = await getAccountBalances({ accountIds });
  return new Map([...balances].map(([id, b]) => [id, b.dueCents]));
}

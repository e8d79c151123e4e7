// What an account owes: one rule, used by every page that shows it (the billing accounts list,
// the account page, the customer's billing page). Issued invoices only: a draft owes nothing
// yet, a paid or void one nothing any more.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * SQL for the balance due, in cents, of the account whose id is the SQL expression `accountId`
 * (e.g. `Prisma.sql\`a."id"\``): the sum of total − paid over its ISSUED invoices, 0 when none.
 */
export function balanceDueCentsSql(accountId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`COALESCE((SELECT sum(i."totalCents" - i."paidCents") FROM "Invoice" i WHERE i."accountId" = ${accountId} AND i."status" = 'ISSUED'), 0)::int`;
}

/** Balance due in cents per account id (every id given gets an entry, 0 when nothing is owed). */
export async function getBalancesDue({ accountIds }: { accountIds: string[] }): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ id: string; balanceCents: number }>>`
    SELECT a."id", ${balanceDueCentsSql(Prisma.sql`a."id"`)} AS "balanceCents" FROM "Account" a WHERE a."id" = ANY(${accountIds})`;
  return new Map(accountIds.map((id) => [id, rows.find((r) => r.id === id)?.balanceCents ?? 0]));
}

// Accounts as billing sees them: status, suspension flag and balance due, flagged first.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { notFound } from "@/lib/errors";
import { balanceDueCentsSql, getBalancesDue } from "./balance-due";

export const ACCOUNTS_PAGE_SIZE = 25;

/** One page of accounts with status, suspension flag, balance due and live jails; flagged first. */
export async function listBillingAccounts({
  actor,
  filter,
  page,
}: {
  actor: StaffActor;
  filter: "all" | "flagged" | "suspended";
  page: number;
}) {
  assertStaff(actor);
  const where =
    filter === "flagged"
      ? Prisma.sql`WHERE a."flaggedForSuspensionAt" IS NOT NULL AND a."status" = 'ACTIVE'`
      : filter === "suspended"
        ? Prisma.sql`WHERE a."status" = 'SUSPENDED'`
        : Prisma.empty;
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      name: string;
      billingEmail: string;
      status: string;
      flaggedForSuspensionAt: Date | null;
      balanceCents: number;
      jails: number;
    }>
  >`
    SELECT a."id", a."name", a."billingEmail", a."status", a."flaggedForSuspensionAt",
           ${balanceDueCentsSql(Prisma.sql`a."id"`)} AS "balanceCents",
           (SELECT count(*) FROM "Jail" j WHERE j."accountId" = a."id" AND j."destroyedAt" IS NULL)::int AS "jails"
    FROM "Account" a ${where}
    ORDER BY (a."flaggedForSuspensionAt" IS NULL), a."status" DESC, a."name", a."id"
    LIMIT ${ACCOUNTS_PAGE_SIZE + 1} OFFSET ${(page - 1) * ACCOUNTS_PAGE_SIZE}`;
  return { rows: rows.slice(0, ACCOUNTS_PAGE_SIZE), hasMore: rows.length > ACCOUNTS_PAGE_SIZE };
}

/**
 * One account for the billing console: its latest 24 invoices, adjustments, live jails and
 * balance due. @throws AppError NOT_FOUND.
 */
export async function getBillingAccount({ actor, accountId }: { actor: StaffActor; accountId: string }) {
  assertStaff(actor);
  const account = await db.account.findUnique({
    where: { id: accountId },
    include: {
      invoices: { orderBy: { periodStart: "desc" }, take: 24 },
      adjustments: { orderBy: { createdAt: "desc" }, take: 50 },
      jails: {
        where: { destroyedAt: null },
        select: { id: true, hostname: true, state: true, desiredState: true, plan: { select: { name: true } } },
      },
    },
  });
  if (!account) throw notFound("That account");
  const balanceCents = (await getBalancesDue({ accountIds: [account.id] })).get(account.id) ?? 0;
  return { ...account, balanceCents };
}

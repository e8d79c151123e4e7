// The admin's page for one customer account: contact, logins, jails, invoices and balance,
// overage cases, what happened (audit trail) and what staff noted.
import { db } from "@/lib/db";
import { hasSecondFactor, secondFactorSelect } from "@/lib/domain/accounts/second-factor-state";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { getBalancesDue } from "@/lib/domain/billing/balance-due";

export const ACCOUNT_JAILS_PAGE_SIZE = 25;
export const ACCOUNT_AUDIT_PAGE_SIZE = 25;

/** @throws AppError NOT_FOUND. */
export async function getCustomerAccount({
  actor,
  accountId,
  jailsPage = 1,
  auditPage = 1,
}: {
  actor: StaffActor;
  accountId: string;
  jailsPage?: number;
  auditPage?: number;
}) {
  assertStaff(actor, "ADMIN");
  const account = await db.account.findUnique({ where: { id: accountId } });
  if (!account) throw notFound("That account");
  const [users, jails, jailsTotal, invoices, overageCases, audit, notes, balances] = await Promise.all([
    db.user.findMany({
      where: { accountId },
      orderBy: { createdAt: "asc" },
      select: { id: true, email: true, name: true, lastLoginAt: true, disabledAt: true, createdAt: true, ...secondFactorSelect },
    }),
    db.jail.findMany({
      where: { accountId },
      orderBy: [{ destroyedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }, { id: "desc" }],
      skip: (jailsPage - 1) * ACCOUNT_JAILS_PAGE_SIZE,
      take: ACCOUNT_JAILS_PAGE_SIZE,
      select: {
        id: true,
        hostname: true,
        state: true,
        createdAt: true,
        destroyedAt: true,
        plan: { select: { name: true } },
        host: { select: { id: true, name: true } },
        ipAddresses: { where: { kind: "PUBLIC" }, select: { address: true } },
      },
    }),
    db.jail.count({ where: { accountId } }),
    db.invoice.findMany({ where: { accountId }, orderBy: { periodStart: "desc" }, take: 12 }),
    db.overageCase.findMany({
      where: { accountId },
      orderBy: [{ openedAt: "desc" }],
      take: 20,
      include: { jail: { select: { id: true, hostname: true } } },
    }),
    db.auditLog.findMany({
      where: { accountId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (auditPage - 1) * ACCOUNT_AUDIT_PAGE_SIZE,
      take: ACCOUNT_AUDIT_PAGE_SIZE + 1,
      include: { actor: { select: { email: true } } },
    }),
    db.accountNote.findMany({
      where: { accountId },
      orderBy: { createdAt: "desc" },
      take: 50,
      include: { author: { select: { name: true, email: true } } },
    }),
    getBalancesDue({ accountIds: [accountId] }),
  ]);
  return {
    account,
    users: users.map(({ twoFactor, _count, ...u }) => ({ ...u, secondFactor: hasSecondFactor({ twoFactor, _count }) })),
    jails: jails.map(({ ipAddresses, ...j }) => ({ ...j, publicIp: ipAddresses[0]?.address ?? null })),
    jailsTotal,
    invoices,
    balanceCents: balances.get(accountId) ?? 0,
    overageCases,
    audit: audit.slice(0, ACCOUNT_AUDIT_PAGE_SIZE),
    auditHasMore: audit.length > ACCOUNT_AUDIT_PAGE_SIZE,
    notes,
  };
}

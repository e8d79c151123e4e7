// Finding a customer the way support is asked: by an e-mail address or a name, by a jail's
// hostname, or by an IP address (the abuse report's "who is 203.0.113.7?"). A match through a
// jail names the jail, so the admin reaches it in one click.
import ipaddr from "ipaddr.js";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { isIpv4 } from "@/lib/schemas/net";

export const CUSTOMERS_PAGE_SIZE = 25;

export type CustomerMatch = {
  accountId: string;
  accountName: string;
  billingEmail: string;
  status: string;
  /** What matched: "hostname", "IP address", "login e-mail", … */
  matched: string;
  value: string;
  jail: { id: string; hostname: string; state: string } | null;
};

/** `q` as a canonical IP address, or null when it is not one. */
function asAddress(q: string): string | null {
  if (isIpv4(q)) return q;
  if (ipaddr.IPv6.isValid(q) && !q.includes("%")) return ipaddr.IPv6.parse(q).toRFC5952String();
  return null;
}

/** One page of matches for `q` (empty: every account, newest first). */
export async function searchCustomers({ actor, q, page }: { actor: StaffActor; q: string; page: number }) {
  assertStaff(actor, "ADMIN");
  const limit = CUSTOMERS_PAGE_SIZE + 1;
  const offset = (page - 1) * CUSTOMERS_PAGE_SIZE;
  let matches: Prisma.Sql;
  const address = q ? asAddress(q) : null;
  if (!q) {
    matches = Prisma.sql`SELECT a."id" AS "accountId", NULL::text AS "jailId", 'account' AS "matched", a."name" AS "value", 0 AS "rank", a."createdAt" AS "at" FROM "Account" a`;
  } else if (address) {
    // Addresses held now; a jail's addresses return to the pool when it is destroyed.
    matches = Prisma.sql`
      SELECT j."accountId", j."id" AS "jailId", 'IP address' AS "matched", ip."address" AS "value", 0 AS "rank", j."createdAt" AS "at"
      FROM "IpAddress" ip JOIN "Jail" j ON j."id" = ip."jailId" WHERE ip."address" = ${address}`;
  } else {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    matches = Prisma.sql`
      SELECT j."accountId", j."id" AS "jailId", 'hostname' AS "matched", j."hostname" AS "value",
             CASE WHEN j."destroyedAt" IS NULL THEN 0 ELSE 3 END AS "rank", j."createdAt" AS "at"
        FROM "Jail" j WHERE j."hostname" ILIKE ${like}
      UNION ALL
      SELECT a."id", NULL,
             CASE WHEN lu."email" IS NOT NULL THEN 'login' WHEN a."name" ILIKE ${like} THEN 'account' ELSE 'billing e-mail' END,
             CASE WHEN lu."email" IS NOT NULL THEN lu."email" || ' (' || lu."name" || ')' WHEN a."name" ILIKE ${like} THEN a."name" ELSE a."billingEmail" END,
             1, a."createdAt"
        FROM "Account" a
        LEFT JOIN LATERAL (
          SELECT u."email", u."name" FROM "User" u
          WHERE u."accountId" = a."id" AND (u."email" ILIKE ${like} OR u."name" ILIKE ${like}) ORDER BY u."createdAt" LIMIT 1
        ) lu ON true
        WHERE lu."email" IS NOT NULL OR a."name" ILIKE ${like} OR a."billingEmail" ILIKE ${like}`;
  }
  const rows = await db.$queryRaw<
    Array<{
      accountId: string;
      jailId: string | null;
      matched: string;
      value: string;
      accountName: string;
      billingEmail: string;
      status: string;
      hostname: string | null;
      state: string | null;
    }>
  >`
    SELECT m."accountId", m."jailId", m."matched", m."value", a."name" AS "accountName", a."billingEmail", a."status"::text AS "status",
           j."hostname", j."state"::text AS "state"
    FROM (${matches}) m
    JOIN "Account" a ON a."id" = m."accountId"
    LEFT JOIN "Jail" j ON j."id" = m."jailId"
    ORDER BY m."rank", m."at" DESC, m."accountId", m."jailId"
    LIMIT ${limit} OFFSET ${offset}`;
  const out: CustomerMatch[] = rows.slice(0, CUSTOMERS_PAGE_SIZE).map((r) => ({
    accountId: r.accountId,
    accountName: r.accountName,
    billingEmail: r.billingEmail,
    status: r.status,
    matched: r.matched,
    value: r.value,
    jail: r.jailId ? { id: r.jailId, hostname: r.hostname!, state: r.state! } : null,
  }));
  return { rows: out, hasMore: rows.length > CUSTOMERS_PAGE_SIZE, searchedAddress: address };
}

// The invoice-run bench's month, shared with the fault matrix (Postgres killed during a run):
// a month (30 days from `periodStart`) of accounts, jails, plan periods, daily rollups,
// overage charges and credits, written with plain SQL so thousands of accounts take seconds.
import type pg from "pg";

/**
 * A month to invoice, into an empty migrated database (fixed ids: one seed per database):
 * `accounts` accounts × `jailsPerAccount` jails (one in ten created mid-month, one in five upgraded mid-month, so
 * two plan periods), 30 daily rollups each, some approved overage and credits; plan prices from
 * PlanPrice (one changed at the period's start); accounts in the US (no tax), Germany (19 %)
 * and France (20 %, every other one a business with a VAT number: reverse charge).
 */
export async function seedInvoiceMonth(
  c: pg.Client,
  {
    accounts: ACCOUNTS,
    jailsPerAccount: JAILS_PER_ACCOUNT,
    periodStart: PERIOD_START,
  }: { accounts: number; jailsPerAccount: number; periodStart: Date },
) {
  await c.query(`INSERT INTO "Plan" ("id", "slug", "name", "priceCents", "diskQuotaMb", "memoryLimitMb", "maxProcesses", "cpuPercent", "bandwidthGb", "overagePricePerGbCents", "updatedAt")
                 VALUES ('plan1', 'bench', 'Bench', 1000, 4096, 128, 40, 25, 50, 50, now()),
                        ('plan2', 'bench-big', 'Bench Big', 4000, 8192, 256, 80, 50, 100, 50, now())`);
  await c.query(
    `INSERT INTO "PlanPrice" ("id", "planId", "priceCents", "effectiveFrom") VALUES
       ('pp1', 'plan1', 900, '1970-01-01'), ('pp2', 'plan1', 1000, $1::timestamp), ('pp3', 'plan2', 4000, '1970-01-01')`,
    [PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(
    `INSERT INTO "TaxRate" ("id", "country", "name", "rateBp", "updatedAt") VALUES ('tr1', 'DE', 'VAT', 1900, now()), ('tr2', 'FR', 'TVA', 2000, now())`,
  );
  await c.query(`INSERT INTO "Template" ("id", "slug", "name", "updatedAt") VALUES ('tpl1', 'bench', 'Bench', now())`);
  await c.query(`INSERT INTO "Host" ("id", "name", "fqdn", "driver", "status", "capacityJails", "capacityDiskMb", "capacityMemoryMb", "privateNetblock", "updatedAt")
                 VALUES ('host1', 'bench', 'bench.test', 'LXC', 'ACTIVE', 100000, 100000000, 10000000, '10.0.0.0/8', now())`);
  await c.query(
    `INSERT INTO "Account" ("id", "name", "billingEmail", "addressLine1", "city", "postalCode", "country", "updatedAt")
                 SELECT 'acc' || g, 'Account ' || g, 'acc' || g || '@bench.test', '1 Street', 'City', '00000',
                        CASE g % 3 WHEN 0 THEN 'US' WHEN 1 THEN 'DE' ELSE 'FR' END, now()
                 FROM generate_series(1, $1::int) g`,
    [ACCOUNTS],
  );
  await c.query(
    `INSERT INTO "Jail" ("id", "hostname", "name", "accountId", "planId", "templateId", "hostId", "state", "createdAt", "updatedAt")
                 SELECT 'jail' || g, 'j' || g || '.bench.test', 'cb' || g, 'acc' || ((g - 1) / $2 + 1), 'plan1', 'tpl1', 'host1', 'RUNNING',
                        CASE WHEN g % 10 = 0 THEN $3::timestamp + interval '14 days' ELSE $3::timestamp - interval '40 days' END, now()
                 FROM generate_series(1, $1::int) g`,
    [ACCOUNTS * JAILS_PER_ACCOUNT, JAILS_PER_ACCOUNT, PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(
    `UPDATE "Account" SET "vatNumber" = 'FR40303265045' WHERE "country" = 'FR' AND right("id", 1) IN ('0', '2', '4', '6', '8')`,
  );
  // Plan periods as ordering and plan changes write them: every jail from creation, one in five
  // upgraded to the big plan on the 20th at noon.
  await c.query(
    `INSERT INTO "JailPlanPeriod" ("id", "jailId", "planId", "startsAt", "endsAt")
     SELECT 'jpp' || j."id", j."id", 'plan1', j."createdAt", CASE WHEN substr(j."id", 5)::int % 5 = 1 THEN $1::timestamp + interval '19 days 12 hours' END
     FROM "Jail" j`,
    [PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(
    `INSERT INTO "JailPlanPeriod" ("id", "jailId", "planId", "startsAt", "endsAt")
     SELECT 'jpq' || j."id", j."id", 'plan2', $1::timestamp + interval '19 days 12 hours', NULL
     FROM "Jail" j WHERE substr(j."id", 5)::int % 5 = 1`,
    [PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(`UPDATE "Jail" SET "planId" = 'plan2' WHERE substr("id", 5)::int % 5 = 1`);
  await c.query(
    `INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes", "memoryMaxBytes", "memoryAvgBytes",
                   "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
                 SELECT 'jail' || g, 'DAY', $2::timestamp + (d || ' days')::interval, 288, (1 + g % 4)::bigint << 30, (1 + g % 4)::bigint << 29,
                        1 << 26, 1 << 25, 40, 5, 12, (g % 7 + 1)::bigint << 26, (d + 1)::bigint << 24, now()
                 FROM generate_series(1, $1::int) g CROSS JOIN generate_series(0, 29) d`,
    [ACCOUNTS * JAILS_PER_ACCOUNT, PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(
    `INSERT INTO "OverageCase" ("id", "jailId", "accountId", "kind", "status", "limitMb", "openedAt", "graceEndsAt", "reviewAt", "excessTenthsGb", "amountCents", "decidedAt", "updatedAt")
                 SELECT 'case' || g, 'jail' || g, 'acc' || ((g - 1) / $2 + 1), 'DISK', 'APPROVED', 4096, $3::timestamp - interval '30 days', $3::timestamp + interval '1 day',
                        $3::timestamp + interval '1 day', 12, 60, $3::timestamp + interval '2 days', now()
                 FROM generate_series(1, $1::int, 20) g`,
    [ACCOUNTS * JAILS_PER_ACCOUNT, JAILS_PER_ACCOUNT, PERIOD_START.toISOString().slice(0, 19)],
  );
  await c.query(
    `INSERT INTO "AccountAdjustment" ("id", "accountId", "amountCents", "reason", "createdById", "createdAt")
                 SELECT 'adj' || g, 'acc' || g, -250, 'Goodwill credit', 'bench', $2::timestamp + interval '3 days'
                 FROM generate_series(1, $1::int, 10) g`,
    [ACCOUNTS, PERIOD_START.toISOString().slice(0, 19)],
  );
}

// Bench: the monthly invoice run for 10,000 accounts with 2 jails each and 30 days of daily
// rollups, against the floor — reading the same month of rollups with one plain SQL query, in
// the same run, on the same database. Target: under 10× the floor.
//
//   npm run bench:invoice-run            (ACCOUNTS=10000 by default)
//
// Starts its own embedded PostgreSQL in a temp directory and removes it afterwards. Never part
// of `npm test`.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDatabase, startEmbeddedPostgres, type RunningPostgres } from "../scripts/lib/embedded-postgres";
import { migrateDeploy } from "../scripts/lib/prisma-cli";

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 10_000);
const JAILS_PER_ACCOUNT = 2;
const PERIOD_START = new Date(Date.UTC(2026, 8, 1)); // September 2026: 30 days
const PERIOD_END = new Date(Date.UTC(2026, 9, 1));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-bench-"));
  fs.chmodSync(tmp, 0o755);
  let pgServer: RunningPostgres | undefined;
  try {
    pgServer = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), persistent: false });
    const name = `cb_bench_${crypto.randomBytes(4).toString("hex")}`;
    await createDatabase(pgServer.serverUrl, name);
    const url = pgServer.databaseUrl(name);
    await migrateDeploy(url);
    process.env.DATABASE_URL = url;

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let t0 = process.hrtime.bigint();
    await seed(client);
    console.log(
      `seeded ${ACCOUNTS} accounts, ${ACCOUNTS * JAILS_PER_ACCOUNT} jails, ${ACCOUNTS * JAILS_PER_ACCOUNT * 30} daily rollups in ${(ms(t0) / 1000).toFixed(1)} s`,
    );
    await client.query("VACUUM ANALYZE");

    // The floor: one plain query reading the month's daily rollups into this process.
    const floorQuery = `SELECT "jailId", "bucketStart", "diskMaxBytes", "netRxBytes", "netTxBytes" FROM "UsageRollup"
                        WHERE "period" = 'DAY' AND "bucketStart" >= $1 AND "bucketStart" < $2`;
    const floors: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      t0 = process.hrtime.bigint();
      rows = (await client.query(floorQuery, [PERIOD_START, PERIOD_END])).rowCount ?? 0;
      floors.push(ms(t0));
    }
    const floor = floors.sort((a, b) => a - b)[1]!;
    // A stricter floor for context: the same rollups read and summed per jail inside Postgres,
    // so nothing but 20,000 sums crosses the wire (the invoice run works this way).
    const strict: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = process.hrtime.bigint();
      await client.query(
        `SELECT "jailId", sum("netRxBytes" + "netTxBytes"), max("diskMaxBytes") FROM "UsageRollup"
                          WHERE "period" = 'DAY' AND "bucketStart" >= $1 AND "bucketStart" < $2 GROUP BY "jailId"`,
        [PERIOD_START, PERIOD_END],
      );
      strict.push(ms(t0));
    }
    const strictFloor = strict.sort((a, b) => a - b)[1]!;

    const { runInvoiceRun } = await import("@/lib/domain/billing/run-invoice-run");
    const actor = { kind: "system", name: "bench" } as const;
    const now = new Date(Date.UTC(2026, 9, 1, 2));
    // Warm the Prisma client (connection pool, query compiler) outside the timing, as a worker would be.
    const { db } = await import("@/lib/db");
    await db.$queryRaw`SELECT 1`;

    t0 = process.hrtime.bigint();
    const first = await runInvoiceRun({ actor, periodStart: PERIOD_START, now });
    const runMs = ms(t0);
    t0 = process.hrtime.bigint();
    const second = await runInvoiceRun({ actor, periodStart: PERIOD_START, now });
    const rerunMs = ms(t0);

    const [check] = (
      await client.query(
        `
      SELECT (SELECT count(*) FROM "Invoice" WHERE "periodStart" = $1)::int AS invoices,
             (SELECT count(*) FROM "InvoiceLine" l JOIN "Invoice" i ON i."id" = l."invoiceId" WHERE i."periodStart" = $1)::int AS lines,
             (SELECT count(*) FROM "Invoice" i WHERE i."periodStart" = $1 AND i."totalCents" <>
                (SELECT COALESCE(sum(l."amountCents"), 0) FROM "InvoiceLine" l WHERE l."invoiceId" = i."id"))::int AS "badTotals",
             (SELECT count(*) FROM "InvoiceLine" l JOIN "Invoice" i ON i."id" = l."invoiceId" WHERE i."periodStart" = $1 AND l."kind" = 'TAX')::int AS "taxLines",
             (SELECT count(*) FROM "Invoice" i WHERE i."periodStart" = $1 AND i."taxTreatment" = 'REVERSE_CHARGE')::int AS "reverseCharge"`,
        [PERIOD_START],
      )
    ).rows;
    await client.end();
    await db.$disconnect();

    console.log(`\nfloor (one SELECT of ${rows} daily rollups, median of 3): ${floor.toFixed(0)} ms`);
    console.log(`invoice run (${first.invoicesCreated} invoices, ${first.linesAdded} lines):      ${runMs.toFixed(0)} ms`);
    console.log(`ratio: ${(runMs / floor).toFixed(2)}× the floor (target < 10×)`);
    console.log(
      `stricter floor (the same rollups summed per jail inside Postgres, median of 3): ${strictFloor.toFixed(0)} ms → ${(runMs / strictFloor).toFixed(2)}×`,
    );
    console.log(
      `second run of the same month (adds ${second.invoicesCreated} invoices, ${second.linesAdded} lines): ${rerunMs.toFixed(0)} ms`,
    );
    console.log(
      `check: ${check.invoices} invoices, ${check.lines} lines (${check.taxLines} tax lines, ${check.reverseCharge} reverse charge), ${check.badTotals} totals differing from their lines`,
    );
    if (check.badTotals !== 0 || second.linesAdded !== 0 || check.invoices !== ACCOUNTS) process.exitCode = 1;
  } finally {
    await pgServer?.stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * 10,000 accounts × 2 jails (one in ten created mid-month, one in five upgraded mid-month, so
 * two plan periods), 30 daily rollups each, some approved overage and credits; plan prices from
 * PlanPrice (one changed at the period's start); accounts in the US (no tax), Germany (19 %)
 * and France (20 %, every other one a business with a VAT number: reverse charge).
 */
async function seed(c: pg.Client) {
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

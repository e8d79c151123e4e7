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
import { seedInvoiceMonth } from "./lib/invoice-seed";

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
    await seedInvoiceMonth(client, { accounts: ACCOUNTS, jailsPerAccount: JAILS_PER_ACCOUNT, periodStart: PERIOD_START });
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// BENCH_EXPLAIN=1: EXPLAIN ANALYZE of the statements behind the measured pages, written by hand
// after the domain functions' queries (list-jobs, list-fleet-jails, list-hosts, get-jail-usage,
// get-customer-dashboard), on the bench's data. For finding out why a page misses its goal;
// the plans are the database's, the SQL is a close copy of what the ORM sends, not a capture.
import pg from "pg";

/** Runs each statement under EXPLAIN (ANALYZE, BUFFERS) and returns, per statement, its plan's summary lines. */
export async function explainPages(databaseUrl: string, customerJailId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const statements: Array<[string, string]> = [
    ["jobs list page 1", `SELECT "id" FROM "Job" ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`],
    ["fleet jail list page 1", `SELECT "id" FROM "Jail" WHERE "destroyedAt" IS NULL ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`],
    [
      "hosts list: jails per host",
      `SELECT "hostId", count(*) FROM "Jail" WHERE "hostId" IN (SELECT "id" FROM "Host" WHERE "removedAt" IS NULL ORDER BY "name" LIMIT 50)
       AND "destroyedAt" IS NULL GROUP BY 1`,
    ],
    [
      "jail page: 30-day series",
      `SELECT r."bucketStart" FROM "UsageRollup" r JOIN "Jail" j ON j."id" = r."jailId"
       WHERE r."jailId" = $1 AND r."period" = 'DAY' AND r."bucketStart" >= now() - interval '30 days'`,
    ],
    ["jail page: latest sample", `SELECT * FROM "UsageSample" WHERE "jailId" = $1 ORDER BY "sampledAt" DESC LIMIT 1`],
    [
      "dashboard: latest samples",
      `SELECT DISTINCT ON (s."jailId") s."jailId", s."diskBytes" FROM "UsageSample" s JOIN "Jail" j ON j."id" = s."jailId"
       WHERE s."jailId" IN (SELECT "id" FROM "Jail" WHERE "accountId" = (SELECT "accountId" FROM "Jail" WHERE "id" = $1))
       ORDER BY s."jailId", s."sampledAt" DESC`,
    ],
  ];
  const out: string[] = [];
  try {
    for (const [label, sql] of statements) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        sql.includes("$1") ? [customerJailId] : [],
      );
      const plan = rows.map((r) => r["QUERY PLAN"]);
      const time = plan.find((l) => l.startsWith("Execution Time")) ?? "";
      const nodes = plan
        .filter((l) => /->|^\S/.test(l) && !/^(Planning|Execution)/.test(l))
        .slice(0, 4)
        .map((l) => l.trim().replace(/\s+\(cost=[^)]*\)/, ""));
      out.push(`${label}: ${time}; ${nodes.join(" | ")}`);
    }
  } finally {
    await client.end();
  }
  return out;
}

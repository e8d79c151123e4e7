// The fleet's data, made in SQL (generate_series) rather than row by row through the ORM:
// accounts with one customer login each, jails spread round-robin over the simulated hosts
// (each with a private and a public address from its host's pools and its plan period), one
// finished CREATE job per jail (and a RESTART for every third) for the admin jobs list and a
// week of raw samples for the seeded customer's jails (seedFleet); then a DAY rollup per jail
// per day and HOUR rollups for the customer's jails (seedRollups). UsageRollup is loaded
// without its keys, which are added back afterwards (same end state, a fraction of the time);
// everything is VACUUM ANALYZEd, as autovacuum would have done on a live install.
import pg from "pg";
import type { FleetConfig } from "./config";

export type FleetData = {
  jails: number;
  accounts: number;
  rawSamples: number;
  jobs: number;
  /** Per step, in ms. */
  stepMs: Record<string, number>;
};

/** Generated ids: stable, alphanumeric (the id schema's shape), sortable. */
export const jailIdSql = (i: string) => `'fj' || lpad((${i})::text, 7, '0')`;
export const jailNameSql = (i: string) => `'cbfleet' || lpad((${i})::text, 7, '0')`;

/**
 * Fills the database for `cfg` on the hosts `hostIds` (in order: jail i lives on host
 * (i − 1) mod hosts). Jails 1…customerJails belong to the seeded customer's account.
 */
async function loader(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // Columns are timestamp(3) holding UTC: now() must convert as UTC. The bulk index builds get
  // the memory to sort in one pass (a session setting of this loader, not the product's).
  await client.query(`SET TIME ZONE 'UTC'; SET maintenance_work_mem = '1GB'`);
  const stepMs: Record<string, number> = {};
  const step = async (name: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const res = await client.query(sql, params);
    stepMs[name] = (stepMs[name] ?? 0) + (performance.now() - t0);
    return res;
  };
  return { client, step, stepMs };
}

export async function seedFleet(databaseUrl: string, cfg: FleetConfig, hostIds: string[]): Promise<FleetData> {
  const { client, step, stepMs } = await loader(databaseUrl);
  const n = hostIds.length * cfg.jailsPerHost;
  const accounts = Math.ceil(n / cfg.jailsPerAccount);
  try {
    const { rows: ids } = await client.query<{ customer: string; plans: string[]; template: string; hash: string }>(`
      SELECT (SELECT "accountId" FROM "User" WHERE "role" = 'CUSTOMER' AND "accountId" IS NOT NULL ORDER BY "createdAt" LIMIT 1) AS "customer",
        (SELECT array_agg("id" ORDER BY "sortOrder", "id") FROM "Plan" WHERE "active") AS "plans",
        (SELECT "id" FROM "Template" WHERE "active" ORDER BY "sortOrder", "id" LIMIT 1) AS "template",
        (SELECT "passwordHash" FROM "User" WHERE "role" = 'CUSTOMER' ORDER BY "createdAt" LIMIT 1) AS "hash"`);
    const seeded = ids[0]!;
    if (!seeded.customer || !seeded.plans?.length || !seeded.template) throw new Error("the seed made no customer, plan or template");

    await step(
      "accounts",
      `INSERT INTO "Account" ("id", "name", "billingEmail", "addressLine1", "city", "postalCode", "country", "createdAt", "updatedAt")
       SELECT 'fa' || lpad(a::text, 7, '0'), 'Fleet customer ' || a, 'fleet-' || a || '@example.test', a || ' Bench Street',
         'Benchburg', '10115', 'DE', now() - make_interval(secs => (a * 7919) % 31536000), now()
       FROM generate_series(1, $1::int) a`,
      [accounts],
    );
    await step(
      "users",
      `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "accountId", "createdAt", "updatedAt")
       SELECT 'fu' || lpad(a::text, 7, '0'), 'fleet-' || a || '@example.test', 'Fleet Customer ' || a, $2, 'CUSTOMER',
         'fa' || lpad(a::text, 7, '0'), now() - make_interval(secs => (a * 7919) % 31536000), now()
       FROM generate_series(1, $1::int) a`,
      [accounts, seeded.hash],
    );
    // Nine in ten running, one stopped; created over the past year.
    await step(
      "jails",
      `INSERT INTO "Jail" ("id", "hostname", "name", "accountId", "planId", "templateId", "hostId", "desiredState", "state", "createdAt", "updatedAt")
       SELECT ${jailIdSql("i")}, 'j' || i || '.fleet.example', ${jailNameSql("i")},
         CASE WHEN i <= $5 THEN $4 ELSE 'fa' || lpad((((i - 1) / $3) + 1)::text, 7, '0') END,
         ($6::text[])[1 + i % cardinality($6::text[])], $7, ($1::text[])[1 + (i - 1) % cardinality($1::text[])],
         (CASE WHEN i % 10 = 0 THEN 'STOPPED' ELSE 'RUNNING' END)::"JailDesiredState",
         (CASE WHEN i % 10 = 0 THEN 'STOPPED' ELSE 'RUNNING' END)::"JailState",
         now() - make_interval(secs => 86400 + (i * 7919) % 31449600), now()
       FROM generate_series(1, $2::int) i`,
      [hostIds, n, cfg.jailsPerAccount, seeded.customer, cfg.customerJails, seeded.plans, seeded.template],
    );
    await step(
      "plan periods",
      `INSERT INTO "JailPlanPeriod" ("id", "jailId", "planId", "startsAt") SELECT 'fp' || substr("id", 3), "id", "planId", "createdAt" FROM "Jail" WHERE "id" LIKE 'fj%'`,
    );
    for (const kind of ["PRIVATE", "PUBLIC"])
      await step(
        "addresses",
        `UPDATE "IpAddress" a SET "jailId" = j."id", "assignedAt" = j."createdAt"
         FROM (SELECT "id", "hostId", "createdAt", row_number() OVER (PARTITION BY "hostId" ORDER BY "id") AS k FROM "Jail" WHERE "id" LIKE 'fj%') j,
           (SELECT a."id", p."hostId", row_number() OVER (PARTITION BY p."hostId" ORDER BY a."sortKey") AS k
            FROM "IpAddress" a JOIN "IpPool" p ON p."id" = a."poolId" WHERE a."kind" = '${kind}' AND a."jailId" IS NULL AND a."heldAt" IS NULL) free
         WHERE a."id" = free."id" AND free."hostId" = j."hostId" AND free.k = j.k`,
      );
    await step(
      "jobs",
      `INSERT INTO "Job" ("id", "hostId", "jailId", "type", "payload", "status", "attempts", "runAfter", "idempotencyKey", "result",
         "createdAt", "startedAt", "finishedAt", "updatedAt")
       SELECT 'fc' || substr(j."id", 3), j."hostId", j."id", 'CREATE'::"JobType", jsonb_build_object('name', j."name"), 'SUCCEEDED'::"JobStatus", 1, j."createdAt",
         'fleet-create:' || j."id", '{"running": true}'::jsonb, j."createdAt", j."createdAt" + interval '1 second',
         j."createdAt" + interval '40 seconds', j."createdAt" + interval '40 seconds'
       FROM "Jail" j WHERE j."id" LIKE 'fj%'
       UNION ALL
       SELECT 'fr' || substr(j."id", 3), j."hostId", j."id", 'RESTART'::"JobType", jsonb_build_object('name', j."name"),
         (CASE WHEN j."id" LIKE '%7' THEN 'FAILED' ELSE 'SUCCEEDED' END)::"JobStatus", 1, j."createdAt" + interval '3 days',
         'fleet-restart:' || j."id", NULL, j."createdAt" + interval '3 days', j."createdAt" + interval '3 days 1 second',
         j."createdAt" + interval '3 days 5 seconds', j."createdAt" + interval '3 days 5 seconds'
       FROM "Jail" j WHERE j."id" LIKE 'fj%' AND substr(j."id", 3)::int % 3 = 0`,
    );
    await step("jobs", `UPDATE "Job" SET "error" = 'lxc-start: container failed to start' WHERE "status" = 'FAILED' AND "id" LIKE 'fr%'`);

    // A week of raw samples (every 5 minutes) for the customer's jails: their 24-hour charts.
    await step(
      "raw samples",
      `INSERT INTO "UsageSample" ("jailId", "sampledAt", "hostId", "diskBytes", "memoryBytes", "cpuPercent", "processes", "netRxBytes", "netTxBytes", "receivedAt")
       SELECT j."id", t, j."hostId", 1073741824 + (extract(epoch from t)::bigint % 1000) * 1048576, 268435456, (extract(epoch from t)::int % 90),
         12, 100000 + extract(epoch from t)::bigint % 5000, 50000, t
       FROM "Jail" j, generate_series(date_trunc('minute', now()) - interval '7 days', date_trunc('minute', now()) - interval '5 minutes', interval '5 minutes') t
       WHERE j."accountId" = $1`,
      [seeded.customer],
    );
    await step("analyze", `VACUUM ANALYZE`);
    const { rows: counts } = await client.query<Record<string, string>>(`
      SELECT (SELECT count(*) FROM "UsageSample") AS raw, (SELECT count(*) FROM "Job") AS jobs, (SELECT count(*) FROM "Jail") AS jails`);
    const c = counts[0]!;
    return {
      jails: Number(c.jails),
      accounts,
      rawSamples: Number(c.raw),
      jobs: Number(c.jobs),
      stepMs,
    };
  } finally {
    await client.end();
  }
}

/**
 * A DAY rollup per jail per day for cfg.rollupDays, and HOUR rollups for cfg.hourlyDays for
 * the seeded customer's jails (1…customerJails), loaded without the table's keys, which are
 * added back afterwards. Run after the agent phases: only the pages read rollups.
 */
export async function seedRollups(
  databaseUrl: string,
  cfg: FleetConfig,
): Promise<{ dayRollups: number; hourRollups: number; stepMs: Record<string, number> }> {
  const { client, step, stepMs } = await loader(databaseUrl);
  const { rows: jails } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Jail" WHERE "id" LIKE 'fj%'`);
  const n = Number(jails[0]!.n);
  try {
    // DAY rollups for every jail, HOUR rollups for the customer's: loaded without keys.
    await step(
      "rollups: drop keys",
      `ALTER TABLE "UsageRollup" DROP CONSTRAINT "UsageRollup_pkey", DROP CONSTRAINT "UsageRollup_jailId_fkey";
       DROP INDEX "UsageRollup_period_bucketStart_idx"`,
    );
    const rollupColumns = `"jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes", "memoryMaxBytes", "memoryAvgBytes",
      "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt"`;
    const rollupValues = (
      samples: number,
      scale: number,
    ) => `${samples}, 1073741824 + (i % 1000) * 1048576, 1000000000 + (i % 1000) * 1000000,
      268435456 + (i % 97) * 1048576, 200000000 + (i % 97) * 1000000, 10 + (i % 80), 2 + (i % 20), 20 + (i % 50),
      ${scale} * (i % 113 + 1), ${scale} * (i % 71 + 1), now()`;
    await step(
      "rollups: day",
      `INSERT INTO "UsageRollup" (${rollupColumns})
       SELECT ${jailIdSql("i")}, 'DAY', d, ${rollupValues(288, 50_000_000)}
       FROM generate_series(date_trunc('day', now(), 'UTC') - make_interval(days => $2::int - 1), date_trunc('day', now(), 'UTC'), interval '1 day') d,
         generate_series(1::bigint, $1::bigint) i`,
      [n, cfg.rollupDays],
    );
    await step(
      "rollups: hour",
      `INSERT INTO "UsageRollup" (${rollupColumns})
       SELECT ${jailIdSql("i")}, 'HOUR', h, ${rollupValues(12, 2_000_000)}
       FROM generate_series(date_trunc('hour', now()) - make_interval(days => $2::int), date_trunc('hour', now()), interval '1 hour') h,
         generate_series(1::bigint, $1::bigint) i`,
      [cfg.customerJails, cfg.hourlyDays],
    );
    await step(
      "rollups: keys",
      `ALTER TABLE "UsageRollup" ADD CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("jailId", "period", "bucketStart");
       CREATE INDEX "UsageRollup_period_bucketStart_idx" ON "UsageRollup" ("period", "bucketStart");
       ALTER TABLE "UsageRollup" ADD CONSTRAINT "UsageRollup_jailId_fkey" FOREIGN KEY ("jailId") REFERENCES "Jail"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await step("rollups: analyze", `VACUUM ANALYZE "UsageRollup"`);
    const { rows } = await client.query<{ day: string; hour: string }>(
      `SELECT count(*) FILTER (WHERE "period" = 'DAY') AS day, count(*) FILTER (WHERE "period" = 'HOUR') AS hour FROM "UsageRollup"`,
    );
    return { dayRollups: Number(rows[0]!.day), hourRollups: Number(rows[0]!.hour), stepMs };
  } finally {
    await client.end();
  }
}

/** Each simulated host's jails, as its inventory reports them: name and whether it runs. */
export async function readInventories(databaseUrl: string): Promise<Map<string, Array<{ name: string; running: boolean }>>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ hostId: string; name: string; state: string }>(
      `SELECT "hostId", "name", "state" FROM "Jail" WHERE "id" LIKE 'fj%' AND "destroyedAt" IS NULL ORDER BY "name"`,
    );
    const byHost = new Map<string, Array<{ name: string; running: boolean }>>();
    for (const r of rows) {
      const list = byHost.get(r.hostId) ?? [];
      list.push({ name: r.name, running: r.state === "RUNNING" });
      byHost.set(r.hostId, list);
    }
    return byHost;
  } finally {
    await client.end();
  }
}

// Raw samples → hourly rollups → daily rollups, so that charts and billing never scan raw
// samples. Set-based SQL: one statement per level, whatever the number of jails.
//
// What gets recomputed follows what ARRIVED, not a clock window: each pass takes every sample
// received since the last pass (UsageSample.receivedAt above the watermark kept in
// UsageRollupState, re-reading USAGE_ROLLUP_OVERLAP_MINUTES before it for a batch whose
// transaction committed late), recomputes every hour bucket those samples fall in from all of
// that hour's samples, then every day those hours touch, and moves the watermark to the
// newest receivedAt it saw. An agent cut off for eight hours that sends its spool on
// reconnect therefore has all of it rolled up on the next pass, however old the hours are —
// down to the raw-sample horizon: an hour before `prunedBefore` (where pruning may already
// have removed some of its samples) is never recomputed, since that would shrink it.
//
// Idempotent: a bucket is always recomputed whole from its sources and upserted; a bucket
// whose figures did not change is not even rewritten (updatedAt stays). Usage counts once per
// (jail, sampledAt) because that is UsageSample's primary key (a resent batch adds nothing),
// and network figures are per-interval deltas (reset-safe, made by the agent with counter
// epochs), so sums never double count; a negative delta counts as zero rather than eating
// real usage.
import { MS_PER_DAY, MS_PER_HOUR } from "@/lib/units";
import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { billingConfig } from "@/lib/config/server";
import { utc } from "@/lib/domain/billing/sql-time";

export type RollupResult = { hourBuckets: number; dayBuckets: number; rolledUpTo: Date };

const STATE_ID = "usage";
const EPOCH = new Date(0);

async function readState(tx: Tx): Promise<{ rolledUpTo: Date; prunedBefore: Date }> {
  await tx.$executeRaw`
    INSERT INTO "UsageRollupState" ("id", "rolledUpTo", "prunedBefore", "updatedAt")
    VALUES (${STATE_ID}, ${utc(EPOCH)}, ${utc(EPOCH)}, now()) ON CONFLICT ("id") DO NOTHING`;
  const [row] = await tx.$queryRaw<Array<{ rolledUpTo: Date; prunedBefore: Date }>>`
    SELECT "rolledUpTo", "prunedBefore" FROM "UsageRollupState" WHERE "id" = ${STATE_ID} FOR UPDATE`;
  return row!;
}

/**
 * Rolls up every sample received since the last pass (see above). `now` stamps the rows it
 * writes. `from` (a backfill) recomputes instead every hour from that instant on, whatever
 * was received when.
 */
export async function rollupUsage(now: Date, opts: { from?: Date } = {}): Promise<RollupResult> {
  const overlapMs = billingConfig().USAGE_ROLLUP_OVERLAP_MINUTES * 60_000;
  return db.$transaction(
    async (tx) => {
      // One pass at a time: the watermark only moves forward, over what this pass saw.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cellblock-usage-rollup'))`;
      const state = await readState(tx);
      // Hours from the horizon on are whole; `prunedBefore` is where pruning last cut.
      const horizon = new Date(Math.ceil(state.prunedBefore.getTime() / MS_PER_HOUR) * MS_PER_HOUR);
      const since = new Date(state.rolledUpTo.getTime() - overlapMs);
      const which = opts.from ? Prisma.sql`s."sampledAt" >= ${utc(opts.from)}` : Prisma.sql`s."receivedAt" > ${utc(since)}`;

      await tx.$executeRaw`CREATE TEMP TABLE "rollup_hours" ON COMMIT DROP AS
        SELECT DISTINCT s."jailId", date_trunc('hour', s."sampledAt") AS "h"
        FROM "UsageSample" s WHERE ${which} AND s."sampledAt" >= ${utc(horizon)}`;
      const [seen] = await tx.$queryRaw<Array<{ latest: Date | null }>>`
        SELECT max(s."receivedAt") AS "latest" FROM "UsageSample" s WHERE s."receivedAt" > ${utc(since)}`;

      const hourBuckets = await tx.$executeRaw`
        INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes",
          "memoryMaxBytes", "memoryAvgBytes", "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
        SELECT s."jailId", 'HOUR'::"RollupPeriod", t."h", count(*)::int,
          max(s."diskBytes"), round(avg(s."diskBytes"))::bigint,
          max(s."memoryBytes"), round(avg(s."memoryBytes"))::bigint,
          max(s."cpuPercent"), avg(s."cpuPercent"), max(s."processes"),
          sum(GREATEST(s."netRxBytes", 0))::bigint, sum(GREATEST(s."netTxBytes", 0))::bigint, ${utc(now)}
        FROM "rollup_hours" t
        JOIN "UsageSample" s ON s."jailId" = t."jailId" AND s."sampledAt" >= t."h" AND s."sampledAt" < t."h" + interval '1 hour'
        GROUP BY s."jailId", t."h"
        ${upsert}`;

      // Days from hours: weighted by sample count, so a day's average is the average of its samples.
      const dayBuckets = await tx.$executeRaw`
        INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes",
          "memoryMaxBytes", "memoryAvgBytes", "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
        SELECT h."jailId", 'DAY'::"RollupPeriod", d."d", sum(h."samples")::int,
          max(h."diskMaxBytes"), round(sum(h."diskAvgBytes"::numeric * h."samples") / sum(h."samples"))::bigint,
          max(h."memoryMaxBytes"), round(sum(h."memoryAvgBytes"::numeric * h."samples") / sum(h."samples"))::bigint,
          max(h."cpuMaxPercent"), sum(h."cpuAvgPercent" * h."samples") / sum(h."samples"), max(h."processesMax"),
          sum(h."netRxBytes")::bigint, sum(h."netTxBytes")::bigint, ${utc(now)}
        FROM (SELECT DISTINCT "jailId", date_trunc('day', "h") AS "d" FROM "rollup_hours") d
        JOIN "UsageRollup" h ON h."jailId" = d."jailId" AND h."period" = 'HOUR'
          AND h."bucketStart" >= d."d" AND h."bucketStart" < d."d" + interval '1 day'
        GROUP BY h."jailId", d."d"
        ${upsert}`;

      const rolledUpTo = seen?.latest && seen.latest > state.rolledUpTo ? seen.latest : state.rolledUpTo;
      if (rolledUpTo !== state.rolledUpTo)
        await tx.$executeRaw`UPDATE "UsageRollupState" SET "rolledUpTo" = ${utc(rolledUpTo)}, "updatedAt" = now() WHERE "id" = ${STATE_ID}`;
      return { hourBuckets, dayBuckets, rolledUpTo };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

const upsert = Prisma.sql`
    ON CONFLICT ("jailId", "period", "bucketStart") DO UPDATE SET
      "samples" = EXCLUDED."samples", "diskMaxBytes" = EXCLUDED."diskMaxBytes", "diskAvgBytes" = EXCLUDED."diskAvgBytes",
      "memoryMaxBytes" = EXCLUDED."memoryMaxBytes", "memoryAvgBytes" = EXCLUDED."memoryAvgBytes",
      "cpuMaxPercent" = EXCLUDED."cpuMaxPercent", "cpuAvgPercent" = EXCLUDED."cpuAvgPercent",
      "processesMax" = EXCLUDED."processesMax", "netRxBytes" = EXCLUDED."netRxBytes", "netTxBytes" = EXCLUDED."netTxBytes",
      "updatedAt" = EXCLUDED."updatedAt"
    WHERE ("UsageRollup"."samples", "UsageRollup"."diskMaxBytes", "UsageRollup"."diskAvgBytes", "UsageRollup"."memoryMaxBytes",
           "UsageRollup"."memoryAvgBytes", "UsageRollup"."cpuMaxPercent", "UsageRollup"."cpuAvgPercent",
           "UsageRollup"."processesMax", "UsageRollup"."netRxBytes", "UsageRollup"."netTxBytes")
      IS DISTINCT FROM (EXCLUDED."samples", EXCLUDED."diskMaxBytes", EXCLUDED."diskAvgBytes", EXCLUDED."memoryMaxBytes",
           EXCLUDED."memoryAvgBytes", EXCLUDED."cpuMaxPercent", EXCLUDED."cpuAvgPercent",
           EXCLUDED."processesMax", EXCLUDED."netRxBytes", EXCLUDED."netTxBytes")`;

/**
 * Deletes raw samples past retention and hourly rollups past theirs (daily rollups stay), and
 * records where it cut (UsageRollupState.prunedBefore): hours before it are never recomputed.
 * A sample still above the rollup watermark is kept until a pass has taken it.
 */
export async function pruneUsage(now: Date): Promise<{ samples: number; hours: number }> {
  const cfg = billingConfig();
  const cutoff = new Date(now.getTime() - cfg.USAGE_SAMPLE_RETENTION_DAYS * MS_PER_DAY);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cellblock-usage-rollup'))`;
    const state = await readState(tx);
    if (cutoff > state.prunedBefore)
      await tx.$executeRaw`UPDATE "UsageRollupState" SET "prunedBefore" = ${utc(cutoff)}, "updatedAt" = now() WHERE "id" = ${STATE_ID}`;
    const samples = await tx.$executeRaw`
      DELETE FROM "UsageSample" WHERE "sampledAt" < ${utc(cutoff)} AND "receivedAt" <= ${utc(state.rolledUpTo)}`;
    const hours = await tx.$executeRaw`
      DELETE FROM "UsageRollup" WHERE "period" = 'HOUR' AND "bucketStart" < ${utc(new Date(now.getTime() - cfg.USAGE_HOURLY_RETENTION_DAYS * MS_PER_DAY))}`;
    return { samples, hours };
  });
}

// Raw samples → hourly rollups → daily rollups, so that charts and billing never scan raw
// samples. Set-based SQL: one statement per level, whatever the number of jails.
//
// Idempotent: each pass recomputes whole buckets from their sources and upserts them; a bucket
// whose figures did not change is not even rewritten (updatedAt stays). Usage counts once per
// (jail, sampledAt) because that is UsageSample's primary key, and network figures are
// per-interval deltas (reset-safe, made by the agent), so sums never double count; a negative
// delta (a counter the agent failed to see reset) counts as zero rather than eating real usage.
import { dayStart } from "@/lib/calendar";
import { MS_PER_HOUR, MS_PER_DAY } from "@/lib/units";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { billingConfig } from "@/lib/config/server";
import { utc } from "@/lib/domain/billing/sql-time";

export type RollupResult = { hourBuckets: number; dayBuckets: number; from: Date };

/**
 * Recomputes every hourly bucket from `from` (default: the configured lookback before `now`)
 * and every daily bucket of the days those hours touch. `from` is clamped to the raw-sample
 * retention window: recomputing an hour whose samples were pruned would shrink it.
 */
export async function rollupUsage(now: Date, opts: { from?: Date } = {}): Promise<RollupResult> {
  const cfg = billingConfig();
  const earliest = new Date(Math.ceil((now.getTime() - cfg.USAGE_SAMPLE_RETENTION_DAYS * MS_PER_DAY) / MS_PER_HOUR) * MS_PER_HOUR);
  const requested = opts.from ?? new Date(now.getTime() - cfg.USAGE_ROLLUP_LOOKBACK_HOURS * MS_PER_HOUR);
  const from = new Date(Math.floor(Math.max(requested.getTime(), earliest.getTime()) / MS_PER_HOUR) * MS_PER_HOUR);
  const dayFrom = dayStart(from);

  const hourBuckets = await db.$executeRaw`
    INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes",
      "memoryMaxBytes", "memoryAvgBytes", "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
    SELECT s."jailId", 'HOUR'::"RollupPeriod", date_trunc('hour', s."sampledAt"), count(*)::int,
      max(s."diskBytes"), round(avg(s."diskBytes"))::bigint,
      max(s."memoryBytes"), round(avg(s."memoryBytes"))::bigint,
      max(s."cpuPercent"), avg(s."cpuPercent"), max(s."processes"),
      sum(GREATEST(s."netRxBytes", 0))::bigint, sum(GREATEST(s."netTxBytes", 0))::bigint, ${utc(now)}
    FROM "UsageSample" s
    WHERE s."sampledAt" >= ${utc(from)}
    GROUP BY s."jailId", date_trunc('hour', s."sampledAt")
    ${upsert}`;

  // Days from hours: weighted by sample count, so a day's average is the average of its samples.
  const dayBuckets = await db.$executeRaw`
    INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes",
      "memoryMaxBytes", "memoryAvgBytes", "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
    SELECT h."jailId", 'DAY'::"RollupPeriod", date_trunc('day', h."bucketStart"), sum(h."samples")::int,
      max(h."diskMaxBytes"), round(sum(h."diskAvgBytes"::numeric * h."samples") / sum(h."samples"))::bigint,
      max(h."memoryMaxBytes"), round(sum(h."memoryAvgBytes"::numeric * h."samples") / sum(h."samples"))::bigint,
      max(h."cpuMaxPercent"), sum(h."cpuAvgPercent" * h."samples") / sum(h."samples"), max(h."processesMax"),
      sum(h."netRxBytes")::bigint, sum(h."netTxBytes")::bigint, ${utc(now)}
    FROM "UsageRollup" h
    WHERE h."period" = 'HOUR' AND h."bucketStart" >= ${utc(dayFrom)}
    GROUP BY h."jailId", date_trunc('day', h."bucketStart")
    ${upsert}`;

  return { hourBuckets, dayBuckets, from };
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

/** Deletes raw samples past retention and hourly rollups past theirs. Daily rollups stay. */
export async function pruneUsage(now: Date): Promise<{ samples: number; hours: number }> {
  const cfg = billingConfig();
  const samples = await db.$executeRaw`
    DELETE FROM "UsageSample" WHERE "sampledAt" < ${utc(new Date(now.getTime() - cfg.USAGE_SAMPLE_RETENTION_DAYS * MS_PER_DAY))}`;
  const hours = await db.$executeRaw`
    DELETE FROM "UsageRollup" WHERE "period" = 'HOUR' AND "bucketStart" < ${utc(new Date(now.getTime() - cfg.USAGE_HOURLY_RETENTION_DAYS * MS_PER_DAY))}`;
  return { samples, hours };
}

// Disk, process space (memory + CPU) and bandwidth of one jail against its plan: the latest
// sample, this month's transfer, and two series for the charts — the last 24 hours from raw
// samples bucketed in SQL, the last 30 days from the DAY rollups (with raw samples standing
// in for days not rolled up yet, so a fresh jail has a chart before the nightly rollup).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { monthTransferBytes, utcDays } from "@/lib/domain/usage/month-transfer";
import { BYTES_PER_GIB, BYTES_PER_MIB, MS_PER_HOUR } from "@/lib/units";

export const BUCKET_24H_MINUTES = 15;

export type UsagePoint = { t: string; diskBytes: number; memoryBytes: number; cpuPercent: number; netBytes: number };

type Row = { t: Date; disk: bigint | null; memory: bigint | null; cpu: number | null; net: bigint | null };
const toPoint = (r: Row): UsagePoint => ({
  t: r.t.toISOString(),
  diskBytes: Number(r.disk ?? 0),
  memoryBytes: Number(r.memory ?? 0),
  cpuPercent: Math.round((r.cpu ?? 0) * 10) / 10,
  netBytes: Number(r.net ?? 0),
});

/** Usage of one jail of the actor's account against its plan. @throws AppError NOT_FOUND for any other id. */
export async function getJailUsage({ actor, jailId, now = new Date() }: { actor: CustomerActor; jailId: string; now?: Date }) {
  assertScope(actor, jailId);
  const accountId = actor.accountId;
  const jail = await db.jail.findFirst({ where: { id: jailId, accountId }, select: { id: true, plan: true } });
  if (!jail) throw notFound("That jail");
  const { plan } = jail;
  const since24h = new Date(now.getTime() - 24 * MS_PER_HOUR);
  const since30d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29));

  const [latest, series24h, series30d, monthNet] = await Promise.all([
    db.usageSample.findFirst({ where: { jailId: jail.id, jail: { accountId } }, orderBy: { sampledAt: "desc" } }),
    db.$queryRaw<Row[]>`
      SELECT date_bin(${`${BUCKET_24H_MINUTES} minutes`}::interval, s."sampledAt", TIMESTAMPTZ '2000-01-01') AS "t",
        max(s."diskBytes") AS "disk", max(s."memoryBytes") AS "memory", avg(s."cpuPercent") AS "cpu",
        sum(s."netRxBytes" + s."netTxBytes")::bigint AS "net"
      FROM "UsageSample" s JOIN "Jail" j ON j."id" = s."jailId"
      WHERE s."jailId" = ${jail.id} AND j."accountId" = ${accountId} AND s."sampledAt" > ${since24h} AND s."sampledAt" <= ${now}
      GROUP BY 1 ORDER BY 1`,
    // Raw samples only for the days without a DAY rollup, each day one index range (a LATERAL
    // per day; no per-sample date_trunc over the whole window).
    db.$queryRaw<Row[]>`
      WITH rolled AS (
        SELECT r."bucketStart" AS "t", r."diskMaxBytes" AS "disk", r."memoryMaxBytes" AS "memory", r."cpuAvgPercent" AS "cpu",
          (r."netRxBytes" + r."netTxBytes")::bigint AS "net"
        FROM "UsageRollup" r JOIN "Jail" j ON j."id" = r."jailId"
        WHERE r."jailId" = ${jail.id} AND j."accountId" = ${accountId} AND r."period" = 'DAY' AND r."bucketStart" >= ${since30d}
      ), days AS (
        SELECT (d::timestamptz AT TIME ZONE 'UTC') AS "day" FROM unnest(${utcDays(since30d, now)}::text[]) AS d
        WHERE EXISTS (SELECT 1 FROM "Jail" j WHERE j."id" = ${jail.id} AND j."accountId" = ${accountId})
      ), raw AS (
        SELECT u."day" AS "t", x."disk", x."memory", x."cpu", x."net"
        FROM (SELECT days."day" FROM days WHERE NOT EXISTS (SELECT 1 FROM rolled WHERE rolled."t" = days."day")) u
        CROSS JOIN LATERAL (
          SELECT count(*) AS "n", max(s."diskBytes") AS "disk", max(s."memoryBytes") AS "memory", avg(s."cpuPercent") AS "cpu",
            sum(s."netRxBytes" + s."netTxBytes")::bigint AS "net"
          FROM "UsageSample" s
          WHERE s."jailId" = ${jail.id} AND s."sampledAt" >= u."day" AND s."sampledAt" < u."day" + interval '1 day'
            AND s."sampledAt" <= ${now}
        ) x
        WHERE x."n" > 0
      )
      SELECT * FROM rolled
      UNION ALL
      SELECT * FROM raw
      ORDER BY 1`,
    monthTransferBytes({ accountId, jailIds: [jail.id], now }),
  ]);

  const limits = {
    diskBytes: plan.diskQuotaMb * BYTES_PER_MIB,
    memoryBytes: plan.memoryLimitMb * BYTES_PER_MIB,
    cpuPercent: plan.cpuPercent,
    processes: plan.maxProcesses,
    monthlyTransferBytes: plan.bandwidthGb * BYTES_PER_GIB,
  };
  const current = latest
    ? {
        sampledAt: latest.sampledAt,
        diskBytes: Number(latest.diskBytes),
        memoryBytes: Number(latest.memoryBytes),
        cpuPercent: latest.cpuPercent,
        processes: latest.processes,
      }
    : null;
  const transferThisMonthBytes = Number(monthNet.get(jail.id) ?? 0n);
  const over: string[] = [];
  if (current && current.diskBytes > limits.diskBytes) over.push("disk");
  if (current && current.memoryBytes > limits.memoryBytes) over.push("memory");
  if (transferThisMonthBytes > limits.monthlyTransferBytes) over.push("transfer");
  return {
    limits,
    current,
    transferThisMonthBytes,
    over: over as Array<"disk" | "memory" | "transfer">,
    series24h: series24h.map(toPoint),
    series30d: series30d.map(toPoint),
  };
}

export type JailUsage = Awaited<ReturnType<typeof getJailUsage>>;

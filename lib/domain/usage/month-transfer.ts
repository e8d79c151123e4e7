// Transfer this calendar month, for the jail page and the dashboard alike: the DAY rollups of
// the month, and raw samples only on days that have no DAY rollup yet (a fresh jail before the
// rollup pass). Each such day is one index range on (jailId, sampledAt) (a LATERAL per day: a
// plain join let the planner read every sample of the jail and filter), so the raw half reads only the
// samples of those days, never the month's (a month of samples is ~8,600 rows per jail).
import { db } from "@/lib/db";
import { addDays, dayStart, monthStart } from "@/lib/calendar";

/**
 * The UTC midnights from `from` (itself a midnight) through the day of `now`, as ISO strings,
 * for `unnest(…::text[])` (a few dozen at most).
 */
export function utcDays(from: Date, now: Date): string[] {
  const days: string[] = [];
  for (let d = from; d.getTime() <= dayStart(now).getTime(); d = addDays(d, 1)) days.push(d.toISOString());
  return days;
}

/**
 * Bytes in + out of each given jail of the account in the calendar month (UTC) of `now`, up to
 * `now`. Jails of other accounts (and unknown ids) are left out of the map; a jail with no
 * usage maps to 0n. One query for all the jails.
 * @throws Error when the account id is empty (a tenant query must carry its scope).
 */
export async function monthTransferBytes({
  accountId,
  jailIds,
  now = new Date(),
}: {
  accountId: string;
  jailIds: string[];
  now?: Date;
}): Promise<Map<string, bigint>> {
  if (!accountId) throw new Error("monthTransferBytes: an account id is required");
  if (jailIds.length === 0) return new Map();
  const month = monthStart(now);
  const rows = await db.$queryRaw<Array<{ jailId: string; net: bigint }>>`
    WITH days AS (SELECT (d::timestamptz AT TIME ZONE 'UTC') AS "day" FROM unnest(${utcDays(month, now)}::text[]) AS d)
    SELECT j."id" AS "jailId", (
      COALESCE((SELECT sum(r."netRxBytes" + r."netTxBytes") FROM "UsageRollup" r
        WHERE r."jailId" = j."id" AND r."period" = 'DAY' AND r."bucketStart" >= ${month}), 0) +
      COALESCE((SELECT sum(x."net")
        FROM (SELECT days."day" FROM days
          WHERE NOT EXISTS (SELECT 1 FROM "UsageRollup" r WHERE r."jailId" = j."id" AND r."period" = 'DAY' AND r."bucketStart" = days."day")) u
        CROSS JOIN LATERAL (
          SELECT sum(s."netRxBytes" + s."netTxBytes") AS "net" FROM "UsageSample" s
          WHERE s."jailId" = j."id" AND s."sampledAt" >= u."day" AND s."sampledAt" < u."day" + interval '1 day' AND s."sampledAt" <= ${now}
        ) x), 0)
    )::bigint AS "net"
    FROM "Jail" j
    WHERE j."id" = ANY(${jailIds}) AND j."accountId" = ${accountId}`;
  return new Map(rows.map((r) => [r.jailId, BigInt(r.net)]));
}

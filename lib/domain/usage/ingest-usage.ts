import type { z } from "zod";
import { db } from "@/lib/db";
import { utc } from "@/lib/domain/billing/sql-time";
import type { hogsRequest, usageRequest } from "@/lib/schemas/agent";

/** A sample stamped further ahead of the server's clock than this is a broken clock, not usage. */
export const USAGE_FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Stores a batch of samples from a host: `{ accepted, duplicates, rejected }`, counts of samples.
 * Only the host's own jails are accepted (others are counted as rejected, never written), and
 * so is a sample stamped more than USAGE_FUTURE_TOLERANCE_MS after `now`. (jailId, sampledAt)
 * is the primary key, so a resent batch — the agent retrying after a lost response, or
 * flushing its spool — adds nothing, and the first report of a sample is the one kept.
 *
 * One statement whatever the batch size (up to usageRequest's 10,000 samples): the validated
 * batch goes in as one JSON parameter, is expanded by json_to_recordset, joined to the host's
 * jails by name and inserted with ON CONFLICT DO NOTHING. A row-by-row ORM insert cost ~0.5 ms
 * of web CPU per sample, which capped a 500-host fleet's ingest far below its agents' output
 * (bench/fleet); eight array parameters (one per column) cost 5.5 ms of web CPU per 200-sample
 * batch, the one JSON text 3.8 ms (measured side by side on one database).
 */
export async function ingestUsage(hostId: string, batch: z.infer<typeof usageRequest>, now = new Date()) {
  if (!hostId) throw new Error("ingestUsage: hostId is required");
  const samples = batch.samples;
  if (samples.length === 0) return { accepted: 0, duplicates: 0, rejected: 0 };
  const latest = new Date(now.getTime() + USAGE_FUTURE_TOLERANCE_MS).toISOString();
  // Columns are timestamp(3) holding UTC (lib/domain/billing/sql-time.ts): convert explicitly.
  const [counts] = await db.$queryRaw<Array<{ valid: number; inserted: number }>>`
    WITH valid AS (
      SELECT j."id" AS "jailId", s.*
      FROM json_to_recordset(${JSON.stringify(samples)}::json) AS s ("jail" text, "sampledAt" timestamptz, "diskBytes" bigint,
        "memoryBytes" bigint, "cpuPercent" float8, "processes" int, "netRxBytes" bigint, "netTxBytes" bigint)
      JOIN "Jail" j ON j."name" = s."jail" AND j."hostId" = ${hostId}
      WHERE s."sampledAt" <= ${latest}::timestamptz
    ), ins AS (
      INSERT INTO "UsageSample" ("jailId", "sampledAt", "hostId", "diskBytes", "memoryBytes", "cpuPercent", "processes",
        "netRxBytes", "netTxBytes", "receivedAt")
      SELECT "jailId", "sampledAt" AT TIME ZONE 'UTC', ${hostId}, "diskBytes", "memoryBytes", "cpuPercent", "processes",
        "netRxBytes", "netTxBytes", ${utc(new Date())}
      FROM valid
      ON CONFLICT ("jailId", "sampledAt") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM valid)::int AS "valid", (SELECT count(*) FROM ins)::int AS "inserted"`;
  const valid = Number(counts!.valid);
  const accepted = Number(counts!.inserted);
  return { accepted, duplicates: valid - accepted, rejected: samples.length - valid };
}

/** Stores hog events (a process reniced for hogging the CPU). Idempotent on the agent's key. */
export async function recordHogEvents(hostId: string, batch: z.infer<typeof hogsRequest>) {
  if (!hostId) throw new Error("recordHogEvents: hostId is required");
  const names = [...new Set(batch.events.map((e) => e.jail))];
  const jails = names.length ? await db.jail.findMany({ where: { hostId, name: { in: names } }, select: { id: true, name: true } }) : [];
  const idByName = new Map(jails.map((j) => [j.name, j.id]));
  const rows = batch.events.flatMap((e) => {
    const jailId = idByName.get(e.jail);
    if (!jailId) return [];
    return [
      {
        eventKey: `${hostId}:${e.key}`,
        hostId,
        jailId,
        pid: e.pid,
        command: e.command,
        cpuPercent: e.cpuPercent,
        action: e.action,
        detectedAt: new Date(e.detectedAt),
      },
    ];
  });
  const { count } = rows.length ? await db.hogEvent.createMany({ data: rows, skipDuplicates: true }) : { count: 0 };
  return { accepted: count, rejected: batch.events.length - rows.length };
}

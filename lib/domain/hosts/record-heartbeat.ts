import { db } from "@/lib/db";
import { utc } from "@/lib/domain/billing/sql-time";
import type { z } from "zod";
import type { heartbeatRequest } from "@/lib/schemas/agent";

type Heartbeat = z.infer<typeof heartbeatRequest>;
type DriftRow = {
  jailName: string;
  jailId: string | null;
  kind: "MISSING" | "UNEXPECTED" | "STATE";
  detail: string;
  hostRunning: boolean | null;
};

/**
 * Records that the host is alive and what it really has. Drift — a jail the database expects
 * that the host lacks, a jail nobody ordered, a running/stopped mismatch — is written only
 * when it changes, so a steady fleet heartbeating every few seconds costs one UPDATE per beat.
 * Nothing is repaired automatically: drift is for an admin to look at.
 */
export async function recordHeartbeat(hostId: string, hb: Heartbeat, now = new Date()) {
  if (!hostId) throw new Error("recordHeartbeat: hostId is required");
  // Raw: the ORM's update reads the whole row back, which a 500-host fleet pays 100 times a second.
  const facts = { ...hb.facts, ...(hb.capabilities ? { capabilities: hb.capabilities } : {}) };
  await db.$executeRaw`
    UPDATE "Host" SET "lastHeartbeatAt" = ${utc(now)}, "agentVersion" = ${hb.agentVersion}, "loadAverage" = ${hb.loadAverage},
      "facts" = ${JSON.stringify(facts)}::jsonb,
      "unavailableReason" = ${hb.ready ? null : (hb.reason ?? "The agent reports that this host cannot run jails.")},
      "updatedAt" = ${utc(new Date())}
    WHERE "id" = ${hostId}`;
  if (hb.inventory) await reconcileDrift(hostId, hb.inventory, now);
}

type Observed = {
  /** OPEN: a drift row already open (id set); the others: what this heartbeat sees. */
  kind: "MISSING" | "UNEXPECTED" | "STATE" | "OPEN";
  id: string | null;
  openKind: string | null;
  jailName: string;
  jailId: string | null;
  state: string | null;
  hostRunning: boolean | null;
};

/**
 * Compares the inventory with the host's live jails in one statement that returns only the
 * mismatches and the host's open drift rows — a steady host gets nothing back but its open
 * drift. (Reading every jail, every open job and the drift as three result sets cost a 500-host
 * fleet's control plane ~4 queries and ~200 rows per heartbeat — bench/fleet.) A jail with a
 * QUEUED or RUNNING job on this host is being changed right now and is not compared.
 */
async function reconcileDrift(hostId: string, inventory: NonNullable<Heartbeat["inventory"]>, now: Date) {
  const rows = await db.$queryRaw<Observed[]>`
      WITH inv AS (
        SELECT DISTINCT ON ("name") "name", "running"
        FROM unnest(${inventory.map((i) => i.name)}::text[], ${inventory.map((i) => i.running)}::boolean[]) WITH ORDINALITY AS i ("name", "running", "n")
        ORDER BY "name", "n" DESC
      ), live AS (
        SELECT j."id", j."name", j."state"::text AS "state" FROM "Jail" j WHERE j."hostId" = ${hostId} AND j."destroyedAt" IS NULL
      ), settled AS (
        SELECT l.* FROM live l
        WHERE l."state" IN ('RUNNING', 'STOPPED')
          AND NOT EXISTS (SELECT 1 FROM "Job" b WHERE b."jailId" = l."id" AND b."hostId" = ${hostId} AND b."status" IN ('QUEUED', 'RUNNING'))
      )
      SELECT 'MISSING' AS "kind", NULL AS "id", NULL AS "openKind", s."name" AS "jailName", s."id" AS "jailId", s."state",
        NULL::boolean AS "hostRunning"
      FROM settled s WHERE NOT EXISTS (SELECT 1 FROM inv WHERE inv."name" = s."name")
      UNION ALL
      SELECT 'STATE', NULL, NULL, s."name", s."id", s."state", inv."running"
      FROM settled s JOIN inv ON inv."name" = s."name" WHERE inv."running" <> (s."state" = 'RUNNING')
      UNION ALL
      SELECT 'UNEXPECTED', NULL, NULL, inv."name", NULL, NULL, inv."running"
      FROM inv WHERE NOT EXISTS (SELECT 1 FROM live WHERE live."name" = inv."name")
      UNION ALL
      SELECT 'OPEN', d."id", d."kind"::text, d."jailName", NULL, NULL, NULL
      FROM "HostDrift" d WHERE d."hostId" = ${hostId} AND d."resolvedAt" IS NULL`;
  const current = rows.filter((r) => r.kind === "OPEN").map((r) => ({ id: r.id!, kind: r.openKind!, jailName: r.jailName }));
  const observed = rows.filter((r): r is Observed & { kind: DriftRow["kind"] } => r.kind !== "OPEN");
  const running = (r: boolean | null) => (r ? "running" : "stopped");
  const drift: DriftRow[] = observed.map((o) => ({
    jailName: o.jailName,
    jailId: o.jailId,
    kind: o.kind,
    hostRunning: o.hostRunning,
    detail:
      o.kind === "MISSING"
        ? `expected ${o.state!.toLowerCase()}, not on the host`
        : o.kind === "STATE"
          ? `panel says ${o.state!.toLowerCase()}, host says ${running(o.hostRunning)}`
          : `on the host (${running(o.hostRunning)}), not ordered by anyone`,
  }));

  const key = (d: { jailName: string; kind: string }) => `${d.kind}:${d.jailName}`;
  const want = new Map(drift.map((d) => [key(d), d]));
  const have = new Map(current.map((d) => [key(d), d]));
  const added = [...want.values()].filter((d) => !have.has(key(d)));
  const gone = [...have.values()].filter((d) => !want.has(key(d)));
  if (added.length === 0 && gone.length === 0) return;
  await db.$transaction(async (tx) => {
    if (gone.length) await tx.hostDrift.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { resolvedAt: now } });
    for (const d of added) {
      // A drift that was resolved and comes back reopens its row.
      await tx.hostDrift.upsert({
        where: { hostId_jailName_kind: { hostId, jailName: d.jailName, kind: d.kind } },
        create: { hostId, ...d, detectedAt: now },
        update: {
          jailId: d.jailId,
          detail: d.detail,
          hostRunning: d.hostRunning,
          detectedAt: now,
          resolvedAt: null,
          repairJobId: null,
          repairedAt: null,
        },
      });
    }
  });
}

import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { z } from "zod";
import type { heartbeatRequest } from "@/lib/schemas/agent";

type Heartbeat = z.infer<typeof heartbeatRequest>;
type DriftRow = { jailName: string; jailId: string | null; kind: "MISSING" | "UNEXPECTED" | "STATE"; detail: string };

/**
 * Records that the host is alive and what it really has. Drift — a jail the database expects
 * that the host lacks, a jail nobody ordered, a running/stopped mismatch — is written only
 * when it changes, so a steady fleet heartbeating every few seconds costs one UPDATE per beat.
 * Nothing is repaired automatically: drift is for an admin to look at.
 */
export async function recordHeartbeat(hostId: string, hb: Heartbeat, now = new Date()) {
  if (!hostId) throw new Error("recordHeartbeat: hostId is required");
  await db.host.update({
    where: { id: hostId },
    data: {
      lastHeartbeatAt: now,
      agentVersion: hb.agentVersion,
      loadAverage: hb.loadAverage,
      // Capabilities ride in the facts JSON (read back with hostCapabilities()), no new column.
      facts: { ...hb.facts, ...(hb.capabilities ? { capabilities: hb.capabilities } : {}) } as Prisma.InputJsonValue,
      unavailableReason: hb.ready ? null : (hb.reason ?? "The agent reports that this host cannot run jails."),
    },
  });
  if (hb.inventory) await reconcileDrift(hostId, hb.inventory, now);
}

async function reconcileDrift(hostId: string, inventory: NonNullable<Heartbeat["inventory"]>, now: Date) {
  const [jails, openJobs, current] = await Promise.all([
    db.jail.findMany({ where: { hostId, destroyedAt: null }, select: { id: true, name: true, state: true } }),
    db.job.findMany({ where: { hostId, status: { in: ["QUEUED", "RUNNING"] }, jailId: { not: null } }, select: { jailId: true } }),
    db.hostDrift.findMany({ where: { hostId, resolvedAt: null } }),
  ]);
  const busy = new Set(openJobs.map((j) => j.jailId));
  const onHost = new Map(inventory.map((i) => [i.name, i]));
  const known = new Set(jails.map((j) => j.name));
  const drift: DriftRow[] = [];
  for (const jail of jails) {
    if (busy.has(jail.id)) continue; // a job is changing it right now
    const seen = onHost.get(jail.name);
    const shouldExist = jail.state === "RUNNING" || jail.state === "STOPPED";
    if (!seen) {
      if (shouldExist)
        drift.push({
          jailName: jail.name,
          jailId: jail.id,
          kind: "MISSING",
          detail: `expected ${jail.state.toLowerCase()}, not on the host`,
        });
    } else if (shouldExist && seen.running !== (jail.state === "RUNNING")) {
      drift.push({
        jailName: jail.name,
        jailId: jail.id,
        kind: "STATE",
        detail: `panel says ${jail.state.toLowerCase()}, host says ${seen.running ? "running" : "stopped"}`,
      });
    }
  }
  for (const item of inventory) {
    if (!known.has(item.name))
      drift.push({
        jailName: item.name,
        jailId: null,
        kind: "UNEXPECTED",
        detail: `on the host (${item.running ? "running" : "stopped"}), not ordered by anyone`,
      });
  }

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
        update: { jailId: d.jailId, detail: d.detail, detectedAt: now, resolvedAt: null },
      });
    }
  });
}

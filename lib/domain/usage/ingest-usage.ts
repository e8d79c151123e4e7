import type { z } from "zod";
import { db } from "@/lib/db";
import type { hogsRequest, usageRequest } from "@/lib/schemas/agent";

/**
 * Stores a batch of samples from a host. Only the host's own jails are accepted (others are
 * counted as rejected, never written). (jailId, sampledAt) is the primary key, so a resent
 * batch — the agent retrying after a lost response, or flushing its spool — adds nothing.
 */
export async function ingestUsage(hostId: string, batch: z.infer<typeof usageRequest>, now = new Date()) {
  if (!hostId) throw new Error("ingestUsage: hostId is required");
  const names = [...new Set(batch.samples.map((s) => s.jail))];
  const jails = names.length ? await db.jail.findMany({ where: { hostId, name: { in: names } }, select: { id: true, name: true } }) : [];
  const idByName = new Map(jails.map((j) => [j.name, j.id]));
  const rows = batch.samples.flatMap((s) => {
    const jailId = idByName.get(s.jail);
    const sampledAt = new Date(s.sampledAt);
    // A sample stamped far in the future is a broken clock, not usage.
    if (!jailId || sampledAt.getTime() > now.getTime() + 5 * 60_000) return [];
    return [
      {
        jailId,
        hostId,
        sampledAt,
        diskBytes: BigInt(s.diskBytes),
        memoryBytes: BigInt(s.memoryBytes),
        cpuPercent: s.cpuPercent,
        processes: s.processes,
        netRxBytes: BigInt(s.netRxBytes),
        netTxBytes: BigInt(s.netTxBytes),
      },
    ];
  });
  const { count } = rows.length ? await db.usageSample.createMany({ data: rows, skipDuplicates: true }) : { count: 0 };
  return { accepted: count, duplicates: rows.length - count, rejected: batch.samples.length - rows.length };
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

// Turns the driver's cumulative counters into per-interval samples. The previous reading of
// each jail is kept on disk, so a restarted agent continues where it left off; a wiped state
// file or a first reading gives a zero delta (never a guess).
//
// Resets: every counter comes with an epoch from the driver (JailUsage.epochs) that changes
// whenever the counter started again from zero — the jail restarted, its firewall rules or its
// interface were reloaded, the host rebooted. When the epoch changed, the new value is what
// happened since the reset and is counted whole, however it compares with the old one (a
// counter that reset and has already passed its old value is not missed). Within one epoch a
// counter that went backwards still counts from zero: never a negative number, never the old total again.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { usageSample } from "@/lib/schemas/agent";
import type { JailUsage } from "./drivers/driver";

const readingSchema = z.object({
  at: z.number(),
  cpuSeconds: z.number(),
  netRx: z.number(),
  netTx: z.number(),
  // Absent in files written before epochs existed: no reset is assumed then.
  cpuEpoch: z.string().optional(),
  netEpoch: z.string().optional(),
});
type Reading = z.infer<typeof readingSchema>;

export type Sample = z.infer<typeof usageSample>;

/**
 * The amount a cumulative counter grew since the previous reading: 0 for a first reading; the
 * whole new value when the epoch changed (a reset) or the counter went backwards; otherwise the
 * difference. `prevEpoch` undefined means "unknown", never a change.
 */
export function counterDelta(prev: number | undefined, cur: number, prevEpoch?: string, curEpoch?: string): number {
  if (prev === undefined) return 0;
  if (prevEpoch !== undefined && curEpoch !== undefined && prevEpoch !== curEpoch) return cur;
  return cur >= prev ? cur - prev : cur;
}

export class UsageMeter {
  private readonly file: string;
  private readings: Record<string, Reading>;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "counters.json");
    try {
      this.readings = z.record(z.string(), readingSchema).parse(JSON.parse(fs.readFileSync(this.file, "utf8")));
    } catch {
      this.readings = {}; // absent or unreadable: the next reading of each jail is its first
    }
  }

  /**
   * Samples for `usage` at `now`: gauges as read, counters as deltas since the previous reading
   * (bytes, CPU %). A jail already sampled in the same second gets none (its next sample carries
   * the delta).
   */
  sample(usage: JailUsage[], now = new Date()): Sample[] {
    const at = now.getTime();
    const sampledAt = new Date(Math.floor(at / 1000) * 1000).toISOString();
    // One sample per jail per second (the server keys samples by jail and second): a jail read
    // again within the second of its last reading (a post-job sample beside the periodic one) is
    // left for the next call, its reading kept, so no traffic delta is dropped with a duplicate.
    const due = usage.filter((u) => {
      const prev = this.readings[u.name];
      return !prev || Math.floor(prev.at / 1000) !== Math.floor(at / 1000);
    });
    const samples = due.map((u) => {
      const prev = this.readings[u.name];
      const seconds = prev ? Math.max(1, (at - prev.at) / 1000) : 0;
      const cpu = counterDelta(prev?.cpuSeconds, u.cpuSeconds, prev?.cpuEpoch, u.epochs.cpu);
      this.readings[u.name] = {
        at,
        cpuSeconds: u.cpuSeconds,
        netRx: u.netRxBytes,
        netTx: u.netTxBytes,
        cpuEpoch: u.epochs.cpu,
        netEpoch: u.epochs.net,
      };
      return {
        jail: u.name,
        sampledAt,
        diskBytes: Math.max(0, Math.round(u.diskBytes)),
        memoryBytes: Math.max(0, Math.round(u.memoryBytes)),
        cpuPercent: seconds ? Math.round((cpu / seconds) * 1000) / 10 : 0,
        processes: Math.max(0, u.processes),
        netRxBytes: Math.round(counterDelta(prev?.netRx, u.netRxBytes, prev?.netEpoch, u.epochs.net)),
        netTxBytes: Math.round(counterDelta(prev?.netTx, u.netTxBytes, prev?.netEpoch, u.epochs.net)),
      };
    });
    for (const name of Object.keys(this.readings))
      if (!usage.some((u) => u.name === name) && at - this.readings[name]!.at > 86_400_000) delete this.readings[name];
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.readings), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    return samples;
  }
}

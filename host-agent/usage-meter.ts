// Turns the driver's cumulative counters into per-interval samples. The previous reading of
// each jail is kept on disk, so a restarted agent continues where it left off; a wiped state
// file or a first reading gives a zero delta (never a guess). A counter that went backwards
// (host reboot, container restart) counts from zero: what it shows now is what happened since
// the reset — never a negative number, never the old total again.
import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";
import type { usageSample } from "@/lib/schemas/agent";
import type { JailUsage } from "./drivers/driver";

type Reading = { at: number; cpuSeconds: number; netRx: number; netTx: number };

export type Sample = z.infer<typeof usageSample>;

export function counterDelta(prev: number | undefined, cur: number): number {
  if (prev === undefined) return 0;
  return cur >= prev ? cur - prev : cur;
}

export class UsageMeter {
  private readonly file: string;
  private readings: Record<string, Reading>;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "counters.json");
    try {
      this.readings = JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, Reading>;
    } catch {
      this.readings = {};
    }
  }

  sample(usage: JailUsage[], now = new Date()): Sample[] {
    const at = now.getTime();
    const sampledAt = new Date(Math.floor(at / 1000) * 1000).toISOString();
    const samples = usage.map((u) => {
      const prev = this.readings[u.name];
      const seconds = prev ? Math.max(1, (at - prev.at) / 1000) : 0;
      const cpu = prev ? counterDelta(prev.cpuSeconds, u.cpuSeconds) : 0;
      this.readings[u.name] = { at, cpuSeconds: u.cpuSeconds, netRx: u.netRxBytes, netTx: u.netTxBytes };
      return {
        jail: u.name,
        sampledAt,
        diskBytes: Math.max(0, Math.round(u.diskBytes)),
        memoryBytes: Math.max(0, Math.round(u.memoryBytes)),
        cpuPercent: seconds ? Math.round((cpu / seconds) * 1000) / 10 : 0,
        processes: Math.max(0, u.processes),
        netRxBytes: Math.round(counterDelta(prev?.netRx, u.netRxBytes)),
        netTxBytes: Math.round(counterDelta(prev?.netTx, u.netTxBytes)),
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

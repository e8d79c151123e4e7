// The seed ISP's hog rule, made a feature: a process above its CPU threshold for long enough
// (default 80 % for 5 minutes) is reniced, and the event is reported. Measured from the host
// (the driver reads the jail's processes from outside), so a tenant cannot hide a hog.
import type { z } from "zod";
import type { hogEvent } from "@/lib/schemas/agent";
import { ProcessNotFoundError, type Driver } from "./drivers/driver";

export type HogEvent = z.infer<typeof hogEvent>;

export const HOG_NICE = 10;

export class HogWatch {
  private hotSince = new Map<string, number>();

  constructor(private readonly driver: Driver) {}

  /**
   * Looks at the running jails' processes once; renices (to HOG_NICE) each process that has been
   * at or above `cpuPercent` % for `seconds` s of consecutive checks, and returns one event per
   * renice. A process that exits meanwhile is skipped; other driver errors are thrown.
   */
  async check(jails: string[], opts: { cpuPercent: number; seconds: number }, now = Date.now()): Promise<HogEvent[]> {
    const events: HogEvent[] = [];
    const live = new Set<string>();
    for (const jail of jails) {
      for (const p of await this.driver.processes(jail).catch(() => [])) {
        const key = `${jail}:${p.pid}`;
        if (p.cpuPercent < opts.cpuPercent) {
          this.hotSince.delete(key);
          continue;
        }
        live.add(key);
        const since = this.hotSince.get(key) ?? now;
        this.hotSince.set(key, since);
        if (now - since >= opts.seconds * 1000 && p.nice < HOG_NICE) {
          try {
            await this.driver.renice(jail, p.pid, HOG_NICE);
          } catch (err) {
            // It exited between the listing and the renice: nothing to slow down, nothing to report.
            if (err instanceof ProcessNotFoundError) continue;
            throw err;
          }
          events.push({
            key: `${key}:${since}`,
            jail,
            pid: p.pid,
            command: p.command.slice(0, 200),
            cpuPercent: p.cpuPercent,
            action: `reniced to ${HOG_NICE} after ${Math.round((now - since) / 1000)} s above ${opts.cpuPercent} % CPU`,
            detectedAt: new Date(now).toISOString(),
          });
        }
      }
    }
    for (const key of this.hotSince.keys()) if (!live.has(key)) this.hotSince.delete(key);
    return events;
  }
}

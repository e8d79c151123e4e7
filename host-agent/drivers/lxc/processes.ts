// A jail's processes as the portal's process list shows them, and renice: the pids in the
// container's pids cgroup with /proc/<pid>/stat (proc(5)), CPU % between two calls.
import { z } from "zod";
import { jailName } from "@/lib/schemas/net";
import type { Runner } from "../../exec";
import { ProcessNotFoundError, requireJail, type Driver, type ProcessInfo } from "../driver";
import { readFileIfExists, type DriverFs } from "../driver-fs";
import { parseCgroupProcs, parseProcStat, readCgroupFile } from "./host-files";

/** Clock ticks per second in /proc/<pid>/stat (sysconf(_SC_CLK_TCK), 100 on Linux). */
const USER_HZ = 100;
const niceValue = z.number().int().min(-20).max(19);
const pidValue = z.number().int().positive();

/** Remembers each pid's CPU ticks between calls, so a list can say how busy a process was since the last one. */
export class LxcProcesses {
  private cpuSeen = new Map<number, { ticks: number; at: number }>();

  constructor(
    private readonly host: { run: Runner["run"]; fs: DriverFs; cgroupRoot: string; now: () => number; driver: Pick<Driver, "inspect"> },
  ) {}

  /** The pids in the container's pids cgroup with their /proc/<pid>/stat; CPU % since the previous call. */
  async list(rawName: string): Promise<ProcessInfo[]> {
    const name = jailName.parse(rawName);
    const procs = await readCgroupFile(this.host.fs, this.host.cgroupRoot, "pids", name, "cgroup.procs");
    if (procs === null) {
      await requireJail(this.host.driver, name);
      return []; // stopped: no cgroup
    }
    const now = this.host.now();
    const result: ProcessInfo[] = [];
    const seen = new Set<number>();
    for (const pid of parseCgroupProcs(procs)) {
      const text = await readFileIfExists(this.host.fs, `/proc/${pid}/stat`);
      const stat = text ? parseProcStat(text) : null;
      if (!stat) continue;
      seen.add(pid);
      const prev = this.cpuSeen.get(pid);
      this.cpuSeen.set(pid, { ticks: stat.ticks, at: now });
      const cpuPercent = prev && now > prev.at ? ((stat.ticks - prev.ticks) / USER_HZ / ((now - prev.at) / 1000)) * 100 : 0;
      result.push({ pid, command: stat.comm, cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10), nice: stat.nice });
    }
    for (const pid of this.cpuSeen.keys()) if (!seen.has(pid) && this.cpuSeen.get(pid)!.at < now - 3600_000) this.cpuSeen.delete(pid);
    return result;
  }

  /** `renice -n <nice> -p <pid>` (renice(1), util-linux), only for a pid in the container's cgroup. */
  async renice(rawName: string, rawPid: number, rawNice: number): Promise<void> {
    const name = jailName.parse(rawName);
    const pid = pidValue.parse(rawPid);
    const nice = niceValue.parse(rawNice);
    const procs = await readCgroupFile(this.host.fs, this.host.cgroupRoot, "pids", name, "cgroup.procs");
    if (procs === null) await requireJail(this.host.driver, name);
    // Only ever renice a process that belongs to this jail: a stale pid may have been reused.
    if (!parseCgroupProcs(procs).includes(pid)) throw new ProcessNotFoundError(name, pid);
    await this.host.run(["renice", "-n", String(nice), "-p", String(pid)], { timeoutMs: 10_000 });
  }
}

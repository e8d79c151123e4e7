// What an LXC jail uses, measured from the host (never from inside, where a tenant could fake
// it): disk with du, memory / CPU / processes from its cgroup v1 files, traffic from the host
// side of its veth pair.
import path from "node:path";
import type { JailUsage } from "../driver";
import { readFileIfExists } from "../driver-fs";
import { vethName } from "./config-file";
import { parseCgroupProcs, parseProcStat, readCgroupFile, readNumberFile } from "./host-files";
import type { LxcHost } from "./provision";

type Ctx = LxcHost & { cgroupRoot: string };

/**
 * Usage of the named containers whose rootfs exists: disk from `du -s -x -B1 <rootfs>` (bytes),
 * memory from memory.usage_in_bytes (bytes), CPU from cpuacct.usage (ns → s), processes from
 * pids.current, traffic from /sys/class/net/<veth>/statistics (bytes; what the host side
 * receives is what the jail sent). Epochs: a container's cgroups are made anew at each start,
 * so CPU counts from the start time of its oldest process (init, proc(5) field 22); its veth is
 * made anew at each start too, so traffic counts per interface index. `names` must be parsed jail names.
 */
export async function measureUsage(ctx: Ctx, names: string[]): Promise<JailUsage[]> {
  const out: JailUsage[] = [];
  for (const name of names) {
    const rootfs = path.join(ctx.lxcPath, name, "rootfs");
    if (!(await ctx.fs.exists(rootfs))) continue;
    const du = await ctx.run(["du", "-s", "-x", "-B1", rootfs], { timeoutMs: 120_000, okCodes: [1] });
    const veth = `/sys/class/net/${vethName(name)}`;
    const cg = async (controller: string, file: string) =>
      Number((await readCgroupFile(ctx.fs, ctx.cgroupRoot, controller, name, file))?.trim() ?? 0) || 0;
    const ifindex = (await readFileIfExists(ctx.fs, `${veth}/ifindex`))?.trim();
    out.push({
      name,
      diskBytes: Number(du.stdout.split(/\s+/)[0]) || 0,
      memoryBytes: await cg("memory", "memory.usage_in_bytes"),
      cpuSeconds: (await cg("cpuacct", "cpuacct.usage")) / 1e9,
      processes: await cg("pids", "pids.current"),
      netRxBytes: await readNumberFile(ctx.fs, `${veth}/statistics/tx_bytes`),
      netTxBytes: await readNumberFile(ctx.fs, `${veth}/statistics/rx_bytes`),
      epochs: { cpu: await startEpoch(ctx, name), net: ifindex ? `if:${ifindex}` : "if:none" },
    });
  }
  return out;
}

/** `init:<start time>` of the container's oldest process, or "stopped" when it has none. */
async function startEpoch(ctx: Ctx, name: string): Promise<string> {
  let oldest: number | null = null;
  for (const pid of parseCgroupProcs(await readCgroupFile(ctx.fs, ctx.cgroupRoot, "cpuacct", name, "cgroup.procs"))) {
    const text = await readFileIfExists(ctx.fs, `/proc/${pid}/stat`);
    const stat = text ? parseProcStat(text) : null;
    if (stat && (oldest === null || stat.startTicks < oldest)) oldest = stat.startTicks;
  }
  return oldest === null ? "stopped" : `init:${oldest}`;
}

// What an LXC jail uses, measured from the host (never from inside, where a tenant could fake
// it): disk from the file system of its disk image, memory / CPU / processes from its cgroup v1
// files, traffic from the host side of its veth pair.
import type { JailUsage } from "../driver";
import { readFileIfExists } from "../driver-fs";
import { vethName } from "./config-file";
import { diskFigures } from "./disk-image";
import { lxcJailPaths } from "./paths";
import { parseCgroupProcs, parseProcStat, readCgroupFile, readNumberFile } from "./host-files";
import type { LxcHost } from "./provision";
import { readJailState } from "./state";

type Ctx = LxcHost & { cgroupRoot: string };

/**
 * The working set of a memory cgroup (v1), what cAdvisor reports and the kubelet evicts on:
 * memory.usage_in_bytes less the inactive file cache (memory.stat `total_inactive_file`), which
 * the kernel reclaims first. A file written once and not read again is inactive cache, not
 * process space: a customer is not shown (or billed for) what the kernel would drop at once.
 */
export function workingSetBytes(usageInBytes: number, memoryStat: string | null): number {
  const inactive = Number(/^total_inactive_file (\d+)$/m.exec(memoryStat ?? "")?.[1] ?? 0);
  return Math.max(0, usageInBytes - inactive);
}

/**
 * Usage of the named containers whose rootfs exists: disk from one `df` over their mounted
 * images (what the quota limits: the image's file system, f_blocks − f_bfree) — or `du` for a
 * jail made before images — memory as the cgroup's working set, CPU from cpuacct.usage
 * (ns → s), processes from pids.current, traffic from /sys/class/net/<veth>/statistics (bytes;
 * what the host side receives is what the jail sent). Epochs: a container's cgroups are made
 * anew at each start, so CPU counts from the start time of its oldest process (init, proc(5)
 * field 22); its veth is made anew at each start too, so traffic counts per interface index.
 * `names` must be parsed jail names.
 */
export async function measureUsage(ctx: Ctx, names: string[]): Promise<JailUsage[]> {
  const present: Array<{ name: string; image: boolean }> = [];
  for (const name of names) {
    if (!(await ctx.fs.exists(lxcJailPaths(ctx.lxcPath, name).rootfs))) continue;
    present.push({ name, image: Boolean((await readJailState(ctx.fs, ctx.lxcPath, name))?.image) });
  }
  const figures = await diskFigures(
    ctx,
    present.filter((p) => p.image).map((p) => lxcJailPaths(ctx.lxcPath, p.name).rootfs),
  );
  const out: JailUsage[] = [];
  for (const { name, image } of present) {
    const rootfs = lxcJailPaths(ctx.lxcPath, name).rootfs;
    let diskBytes: number;
    if (image) {
      // An image that is not mounted (a jail the recovery has not reached yet) is not read as 0.
      const fig = figures.get(rootfs);
      if (!fig) continue;
      diskBytes = fig.usedBytes;
    } else {
      const du = await ctx.run(["du", "-s", "-x", "-B1", rootfs], { timeoutMs: 120_000, okCodes: [1] });
      diskBytes = Number(du.stdout.split(/\s+/)[0]) || 0;
    }
    const veth = `/sys/class/net/${vethName(name)}`;
    const cgText = (controller: string, file: string) => readCgroupFile(ctx.fs, ctx.cgroupRoot, controller, name, file);
    const cg = async (controller: string, file: string) => Number((await cgText(controller, file))?.trim() ?? 0) || 0;
    const ifindex = (await readFileIfExists(ctx.fs, `${veth}/ifindex`))?.trim();
    out.push({
      name,
      diskBytes,
      memoryBytes: workingSetBytes(await cg("memory", "memory.usage_in_bytes"), await cgText("memory", "memory.stat")),
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

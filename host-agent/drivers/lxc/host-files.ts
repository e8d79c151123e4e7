// What the lxc driver reads from the host's own pseudo-files (through the injected DriverFs):
// the container's cgroup v1 files and /proc/<pid>/stat.
import path from "node:path";
import { readFileIfExists, type DriverFs } from "../driver-fs";

/** The container's directory under a cgroup v1 controller (LXC 4+: lxc.payload.<name>; older: lxc/<name>), or null. */
export async function cgroupDir(fs: DriverFs, cgroupRoot: string, controller: string, name: string): Promise<string | null> {
  for (const dir of [`lxc.payload.${name}`, path.join("lxc", name)]) {
    const p = path.join(cgroupRoot, controller, dir);
    if (await fs.exists(p)) return p;
  }
  return null;
}

/** A file of the container's cgroup, or null if the container has no cgroup (stopped) or no such file. */
export async function readCgroupFile(fs: DriverFs, cgroupRoot: string, controller: string, name: string, file: string) {
  const dir = await cgroupDir(fs, cgroupRoot, controller, name);
  return dir ? readFileIfExists(fs, path.join(dir, file)) : null;
}

/** A single number from a pseudo-file (bytes, nanoseconds, a count); 0 when absent or not a number. */
export async function readNumberFile(fs: DriverFs, file: string | null): Promise<number> {
  if (!file) return 0;
  return Number((await readFileIfExists(fs, file))?.trim() ?? 0) || 0;
}

/** The pids listed in a cgroup.procs file, one per line. */
export function parseCgroupProcs(text: string | null): number[] {
  return (text ?? "")
    .split("\n")
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number);
}

export type ProcStat = { comm: string; ticks: number; nice: number; startTicks: number };

/**
 * `/proc/<pid>/stat` (proc(5)): comm in parentheses (may hold spaces and parentheses, so the
 * last ")" ends it), then space-separated fields from field 3 (state). utime (14) + stime (15)
 * in clock ticks, nice (19), starttime (22) in clock ticks since boot. Null if malformed.
 */
export function parseProcStat(stat: string): ProcStat | null {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const fields = stat.slice(close + 2).split(" ");
  const n = (i: number) => Number(fields[i]);
  if (fields.length < 20 || [11, 12, 16, 19].some((i) => !Number.isFinite(n(i)))) return null;
  return { comm: stat.slice(open + 1, close), ticks: n(11) + n(12), nice: n(16), startTicks: n(19) };
}

export type MountEntry = { mountPoint: string; fsType: string; source: string };

/** Undoes the octal escapes proc_pid_mountinfo(5) uses for space, tab, newline and backslash in paths. */
const unescapeMountPath = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * `/proc/self/mountinfo` (proc_pid_mountinfo(5)): one mount per line, the mount point in field
 * 5; after the " - " separator, the file system type and the mount source (a loop image's
 * /dev/loopN). Lines that do not parse are skipped.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fsType, source] = right.split(" ");
    if (!mountPoint || !fsType || !source) continue;
    out.push({ mountPoint: unescapeMountPath(mountPoint), fsType, source: unescapeMountPath(source) });
  }
  return out;
}

/** The mounts of the agent's own mount namespace, as /proc/self/mountinfo lists them. */
export async function readMounts(fs: DriverFs): Promise<MountEntry[]> {
  return parseMountinfo((await readFileIfExists(fs, "/proc/self/mountinfo")) ?? "");
}

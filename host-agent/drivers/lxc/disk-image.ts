// A jail's disk on Linux: its own fixed-size file system image (the seed's "disk images"),
// loop-mounted on the host at the container's rootfs, so the plan's quota is a hard limit —
// writing past it fails inside the jail with ENOSPC — and usage is read from that file system.
//
// xfs, because it grows online with CAP_SYS_ADMIN alone: ext4's online resize needs
// CAP_SYS_RESOURCE, which sandboxed hosts (this project's CI machines among them) do not grant.
// xfs cannot shrink, so a downgrade copies the files into a smaller image while the jail is
// stopped (see shrinkImage). The file system's size is made to match the quota (the image is a
// little larger: the xfs log lives inside it), so `df` in the jail shows the plan's figure.
import { formatBytes, formatMb } from "@/lib/format";
import { BYTES_PER_MIB } from "@/lib/units";
import { CommandError } from "../../exec";
import { PreconditionError, UnsupportedError } from "../driver";
import { readMounts } from "./host-files";
import type { LxcHost } from "./provision";

/** mkfs.xfs (xfsprogs ≥ 5.19) refuses file systems below 300 MB. */
export const MIN_DISK_QUOTA_MB = 300;

export type DiskFigures = { sizeBytes: number; usedBytes: number; availBytes: number };

export function assertQuotaSupported(diskQuotaMb: number): void {
  if (diskQuotaMb < MIN_DISK_QUOTA_MB) {
    throw new UnsupportedError("lxc", `disk quotas below ${MIN_DISK_QUOTA_MB} MB (its xfs disk images cannot be smaller)`);
  }
}

/**
 * `df -B1 --output=size,used,avail,target DIR…` (df(1), coreutils): a header, then one row per
 * argument — bytes in the first three columns, the mount point last (it may hold spaces). The
 * figures are statfs(2)'s: size f_blocks, used f_blocks − f_bfree, avail f_bavail.
 */
export function parseDf(text: string): Map<string, DiskFigures> {
  const out = new Map<string, DiskFigures>();
  for (const line of text.split("\n").slice(1)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) out.set(m[4]!, { sizeBytes: Number(m[1]), usedBytes: Number(m[2]), availBytes: Number(m[3]) });
  }
  return out;
}

/** The figures of the file systems mounted at `dirs` (one df for all); a dir that is not a mount point is left out. */
export async function diskFigures(host: LxcHost, dirs: string[]): Promise<Map<string, DiskFigures>> {
  if (dirs.length === 0) return new Map();
  const mounted = new Set((await readMounts(host.fs)).map((m) => m.mountPoint));
  const targets = dirs.filter((d) => mounted.has(d));
  if (targets.length === 0) return new Map();
  // Exit 1 when one of them vanished meanwhile; the others are still printed.
  const r = await host.run(["df", "-B1", "--output=size,used,avail,target", ...targets], { timeoutMs: 30_000, okCodes: [1] });
  return parseDf(r.stdout);
}

/** The loop device mounted at `dir`, mounting `image` there first if it is not (after a reboot, a restart, a half-made create). */
export async function ensureMounted(host: LxcHost, image: string, dir: string): Promise<string> {
  const mounted = (await readMounts(host.fs)).find((m) => m.mountPoint === dir);
  if (mounted) return mounted.source;
  if (!(await host.fs.exists(image))) throw new Error(`the jail's disk image ${image} is missing`);
  await host.fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await host.run(["mount", "-t", "xfs", "-o", "loop", image, dir], { timeoutMs: 60_000 });
  const now = (await readMounts(host.fs)).find((m) => m.mountPoint === dir);
  if (!now) throw new Error(`mount reported success but nothing is mounted at ${dir}`);
  return now.source;
}

/** Unmounts `dir` if something is mounted there (the loop device is released with it: mount -o loop sets autoclear). */
export async function unmountIfMounted(host: LxcHost, dir: string): Promise<void> {
  if ((await readMounts(host.fs)).some((m) => m.mountPoint === dir)) await host.run(["umount", dir], { timeoutMs: 60_000 });
}

/** Makes a new image of the quota's size with an empty xfs, mounts it at `dir` and fits it to the quota. */
export async function makeImage(host: LxcHost, { image, dir, quotaMb }: { image: string; dir: string; quotaMb: number }) {
  assertQuotaSupported(quotaMb);
  const bytes = quotaMb * BYTES_PER_MIB;
  await host.run(["truncate", "-s", String(bytes), image], { timeoutMs: 30_000 });
  // -f: a killed earlier attempt may have left a half-made file system in this image.
  await host.run(["mkfs.xfs", "-q", "-f", image], { timeoutMs: 120_000 });
  await ensureMounted(host, image, dir);
  await fitToQuota(host, { image, dir, quotaMb });
}

/**
 * Grows the image mounted at `dir` until its file system holds the quota (the log and the
 * allocation groups' headers take some of the image), online: the file is extended, the loop
 * device told (losetup -c), the xfs grown (xfs_growfs). Does nothing when it is already that big.
 */
export async function fitToQuota(
  host: LxcHost,
  { image, dir, quotaMb, current }: { image: string; dir: string; quotaMb: number; current?: DiskFigures },
) {
  const quota = quotaMb * BYTES_PER_MIB;
  for (let round = 0; round < 3; round++) {
    const fs = round === 0 && current ? current : (await diskFigures(host, [dir])).get(dir);
    if (!fs) throw new Error(`nothing is mounted at ${dir}`);
    // Within 1 MiB is the quota: xfs sizes come in whole blocks and allocation groups.
    if (fs.sizeBytes >= quota - BYTES_PER_MIB) return;
    const device = await ensureMounted(host, image, dir);
    const imageBytes = await host.fs.size(image);
    await host.run(["truncate", "-s", String(imageBytes + (quota - fs.sizeBytes)), image], { timeoutMs: 30_000 });
    await host.run(["losetup", "-c", device], { timeoutMs: 30_000 });
    await host.run(["xfs_growfs", dir], { timeoutMs: 120_000 });
  }
}

/**
 * Moves the files of the (unmounted-able: the jail is stopped) image at `dir` into a new,
 * smaller image of `quotaMb`, then puts it in the old one's place and mounts it. xfs cannot
 * shrink, so this is a copy (`cp -a`: owners, modes, links, extended attributes such as file
 * capabilities, sparse files kept sparse). The old image stays until the copy has succeeded.
 * @throws PreconditionError when the files do not fit, with the old image mounted again.
 */
export async function shrinkImage(host: LxcHost, { image, dir, quotaMb }: { image: string; dir: string; quotaMb: number }) {
  const next = `${image}.new`;
  const nextDir = `${dir}.new`;
  await unmountIfMounted(host, nextDir);
  await host.fs.rm(next, { force: true });
  await host.fs.mkdir(nextDir, { recursive: true, mode: 0o755 });
  try {
    await makeImage(host, { image: next, dir: nextDir, quotaMb });
    await host.run(["cp", "-a", "--sparse=always", "-T", `${dir}/`, nextDir], { timeoutMs: 3_600_000 });
  } catch (err) {
    await unmountIfMounted(host, nextDir).catch(() => {});
    await host.fs.rm(next, { force: true }).catch(() => {});
    await host.fs.rm(nextDir, { recursive: true, force: true }).catch(() => {});
    if (err instanceof CommandError && /No space left on device/.test(err.outputTail)) {
      throw new PreconditionError(`The jail's files do not fit in ${formatMb(quotaMb)} of disk. Delete files first.`);
    }
    throw err;
  }
  await unmountIfMounted(host, nextDir);
  await host.fs.rm(nextDir, { recursive: true, force: true });
  await unmountIfMounted(host, dir);
  await host.fs.rename(next, image);
  await ensureMounted(host, image, dir);
}

/**
 * Makes the image mounted at `dir` hold `quotaMb`: grown online (fitToQuota) when smaller; left
 * alone when within a few blocks of it; otherwise shrunk by copy (shrinkImage) with the jail
 * stopped for the moment through `stop`/`start` when `running`.
 * @throws PreconditionError (with the figures) when the jail uses more than the new quota.
 */
export async function resizeImage(
  host: LxcHost,
  {
    image,
    dir,
    quotaMb,
    running,
    stop,
    start,
  }: { image: string; dir: string; quotaMb: number; running: boolean; stop(): Promise<unknown>; start(): Promise<unknown> },
): Promise<void> {
  assertQuotaSupported(quotaMb);
  await ensureMounted(host, image, dir);
  const fig = (await diskFigures(host, [dir])).get(dir);
  if (!fig) throw new Error(`nothing is mounted at ${dir}`);
  const quota = quotaMb * BYTES_PER_MIB;
  if (fig.sizeBytes < quota - BYTES_PER_MIB) return fitToQuota(host, { image, dir, quotaMb, current: fig });
  // fitToQuota leaves the file system within a few blocks of the quota: that is "this size".
  if (fig.sizeBytes <= quota + 8 * BYTES_PER_MIB) return;
  if (fig.usedBytes > quota) {
    throw new PreconditionError(
      `The jail uses ${formatBytes(fig.usedBytes)}; the new plan allows ${formatMb(quotaMb)}. Delete files first.`,
    );
  }
  if (running) await stop();
  try {
    await shrinkImage(host, { image, dir, quotaMb });
  } finally {
    if (running) await start();
  }
}

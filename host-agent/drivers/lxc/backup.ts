// Backups of an lxc jail with restic, and restores in place (see backup() for the consistency choice).
import path from "node:path";
import { jailName } from "@/lib/schemas/net";
import { BYTES_PER_MIB } from "@/lib/units";
import { NO_JOB, NotFoundError, UnsupportedError, requireJail, type Driver, type JailInfo, type JobContext } from "../driver";
import { backupTag, Restic, type BackupResult, type BackupTarget } from "../restic";
import { MIN_DISK_QUOTA_MB, diskFigures, ensureMounted, makeImage, unmountIfMounted } from "./disk-image";
import { lxcJailPaths } from "./paths";
import type { LxcHost } from "./provision";
import { readJailState } from "./state";

/** The driver it restores for: its start takes the job (progress while sshd comes up). */
type BackupHost = LxcHost & {
  driver: Pick<Driver, "inspect" | "stop"> & { start(name: string, job?: JobContext): Promise<JailInfo> };
};

/**
 * Backs the jail's root up with restic from a point-in-time copy of its disk image.
 *
 * Consistency, the choice: the image is frozen (`xfs_freeze -f`, FIFREEZE: dirty data and
 * the log flushed, writes block) only for the moment of copying the image file
 * (`cp --reflink=auto --sparse=always`: a block-sharing clone where the host's file system can,
 * else a sparse copy of the allocated blocks), then thawed; restic reads the copy, loop-mounted
 * read-only (`nouuid`: it is a twin of the mounted image, `norecovery`: it was frozen clean).
 * - a live backup (restic reading the mounted root while the jail writes) would tear files
 *   that change during the minutes restic takes — a database's files from different moments;
 * - freezing for the whole backup would block every write in the jail for those minutes;
 * - stopping the jail (a stopped copy) is consistent too, but takes the customer's service down
 *   every night; it is what a migration's final pass is for, not a backup.
 * The freeze blocks writes for the copy only (instant with reflinks, seconds per GB without).
 * A stopped jail (a move's final copy) is backed up from its root as it is, bind-mounted there.
 */
export async function backupJail(
  host: BackupHost,
  rawName: string,
  target: BackupTarget,
  { backupId, job }: { backupId: string; job?: JobContext },
): Promise<BackupResult> {
  const name = jailName.parse(rawName);
  const paths = lxcJailPaths(host.lxcPath, name);
  if (!(await host.fs.exists(paths.config))) throw new NotFoundError(name);
  const state = await readJailState(host.fs, host.lxcPath, name);
  const image = state?.image?.path ?? paths.image;
  if (!(await host.fs.exists(image))) throw new UnsupportedError("lxc", "backups of a jail without a disk image");
  const root = paths.rootfs;
  const copy = path.join(paths.dir, "backup.img");
  const mnt = paths.backupSnapshot;
  await unmountIfMounted(host, mnt);
  await host.fs.rm(copy, { force: true });
  await ensureMounted(host, image, root);
  if (!(await host.driver.inspect(name))?.running) {
    // Stopped (a move's final copy): nothing writes, so its root is consistent as it is. A bind
    // mount at the same path as the live copies lets restic match them as the parent snapshot
    // and read only the files that changed, instead of copying the whole image first.
    await host.fs.mkdir(mnt, { recursive: true, mode: 0o700 });
    try {
      await host.run(["mount", "--bind", root, mnt], { timeoutMs: 60_000 });
      return await new Restic(host.run, target).backup({ dir: mnt, hostLabel: name, tag: backupTag(backupId), job });
    } finally {
      await unmountIfMounted(host, mnt);
    }
  }
  job?.progress({ message: "Taking a consistent copy of the jail's disk" });
  await host.run(["xfs_freeze", "-f", root], { timeoutMs: 30_000 });
  try {
    await host.run(["cp", "--reflink=auto", "--sparse=always", image, copy], { timeoutMs: 3_600_000 });
  } finally {
    await host.run(["xfs_freeze", "-u", root], { timeoutMs: 30_000 });
  }
  try {
    await host.fs.mkdir(mnt, { recursive: true, mode: 0o700 });
    await host.run(["mount", "-t", "xfs", "-o", "loop,ro,nouuid,norecovery", copy, mnt], { timeoutMs: 60_000 });
    return await new Restic(host.run, target).backup({ dir: mnt, hostLabel: name, tag: backupTag(backupId), job });
  } finally {
    await unmountIfMounted(host, mnt);
    await host.fs.rm(copy, { force: true });
  }
}

/**
 * Restores snapshot `snapshotId` in place: the jail stops, the snapshot is restored into a
 * new, empty image of the same size (so nothing of the old root survives and the quota still
 * holds), which then takes the old image's place; the jail starts again if `start`.
 * The old image is kept until the restore has succeeded.
 */
export async function restoreJail(
  host: BackupHost,
  rawName: string,
  target: BackupTarget,
  { snapshotId, start, job }: { snapshotId: string; start: boolean; job?: JobContext },
): Promise<JailInfo> {
  const name = jailName.parse(rawName);
  const info = await requireJail(host.driver, name);
  const state = await readJailState(host.fs, host.lxcPath, name);
  const { image: defaultImage, rootfs: root } = lxcJailPaths(host.lxcPath, name);
  const image = state?.image?.path ?? defaultImage;
  if (!(await host.fs.exists(image))) throw new UnsupportedError("lxc", "restoring a jail without a disk image");
  await ensureMounted(host, image, root);
  const fig = (await diskFigures(host, [root])).get(root);
  if (!fig) throw new Error(`nothing is mounted at ${root}`);
  const quotaMb = Math.max(MIN_DISK_QUOTA_MB, Math.round(fig.sizeBytes / BYTES_PER_MIB));
  if (info.running) {
    job?.progress({ message: "Stopping the jail" });
    await host.driver.stop(name);
  }
  const next = `${image}.restore`;
  const nextDir = `${root}.restore`;
  await unmountIfMounted(host, nextDir);
  await host.fs.rm(next, { force: true });
  try {
    await host.fs.mkdir(nextDir, { recursive: true, mode: 0o755 });
    await makeImage(host, { image: next, dir: nextDir, quotaMb });
    await new Restic(host.run, target).restore({ snapshotId, dir: nextDir, job });
  } catch (err) {
    await unmountIfMounted(host, nextDir).catch(() => {});
    await host.fs.rm(next, { force: true }).catch(() => {});
    if (start && info.running) await host.driver.start(name).catch(() => {});
    throw err;
  }
  await unmountIfMounted(host, nextDir);
  await host.fs.rm(nextDir, { recursive: true, force: true });
  await unmountIfMounted(host, root);
  await host.fs.rename(next, image);
  await ensureMounted(host, image, root);
  return start ? host.driver.start(name, job ?? NO_JOB) : requireJail(host.driver, name);
}

// ZFS snapshots, restic backups from them, and restores in place, for the freebsd driver.
import { jobPayloads } from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import { NotFoundError, UnsupportedError, requireJail, type Driver, type JailInfo, type JobContext } from "../driver";
import { backupTag, Restic, type BackupResult, type BackupTarget } from "../restic";
import { jailPaths, type FreeBsdHost } from "./config";
import { storageExists } from "./storage";

const snapshotName = jobPayloads.SNAPSHOT.shape.snapshot;
const backupIdSchema = jobPayloads.BACKUP.shape.backupId;

/** The driver a restore stops and starts the jail through. */
type RestoreHost = FreeBsdHost & { driver: Pick<Driver, "inspect" | "stop" | "start"> };

/**
 * `zfs snapshot <dataset>@<snapshot>` (zfs-snapshot(8)); an existing snapshot of that name is
 * kept (`zfs list -t snapshot` exits 1 when there is none).
 * @throws UnsupportedError in tarball mode (no ZFS); NotFoundError when the jail has no root.
 */
export async function snapshotJail(host: FreeBsdHost, rawName: string, rawSnapshot: string): Promise<void> {
  const name = jailName.parse(rawName);
  const snap = snapshotName.parse(rawSnapshot);
  if (!host.config.zfsDataset) throw new UnsupportedError("freebsd", "snapshots without ZFS");
  if (!(await storageExists(host, name))) throw new NotFoundError(name);
  const full = `${jailPaths(host.config, name).dataset}@${snap}`;
  const have = await host.run(["zfs", "list", "-H", "-o", "name", "-t", "snapshot", full], { okCodes: [1] });
  if (have.code === 0) return;
  await host.run(["zfs", "snapshot", full]);
}

/**
 * Backs the jail's root up from a ZFS snapshot (zfs-snapshot(8): atomic, so every file is from
 * the same instant while the jail keeps running): `zfs snapshot <dataset>@cellblock-backup-<id>`,
 * restic reads it under `<root>/.zfs/snapshot/<snap>` (zfsconcepts(7): the snapshot directory
 * is there even with snapdir=hidden), then `zfs destroy` of that snapshot (the backup is in
 * restic; keeping it would pin the blocks under the jail's quota). A retry finds the restic
 * snapshot its first attempt made by its tag, and an existing ZFS snapshot is reused.
 * @throws UnsupportedError in tarball mode; NotFoundError when the jail has no root.
 */
export async function backupJail(
  host: FreeBsdHost,
  rawName: string,
  target: BackupTarget,
  { backupId, job }: { backupId: string; job?: JobContext },
): Promise<BackupResult> {
  const name = jailName.parse(rawName);
  if (!host.config.zfsDataset) throw new UnsupportedError("freebsd", "backups without ZFS (a consistent copy needs a snapshot)");
  if (!(await storageExists(host, name))) throw new NotFoundError(name);
  const p = jailPaths(host.config, name);
  const snap = `cellblock-backup-${backupIdSchema.parse(backupId)}`;
  const full = `${p.dataset}@${snap}`;
  const have = await host.run(["zfs", "list", "-H", "-o", "name", "-t", "snapshot", full], { okCodes: [1] });
  if (have.code !== 0) await host.run(["zfs", "snapshot", full]);
  const result = await new Restic(host.run, target).backup({
    dir: `${p.root}/.zfs/snapshot/${snap}`,
    hostLabel: name,
    tag: backupTag(backupId),
    job,
  });
  await host.run(["zfs", "destroy", full], { timeoutMs: 600_000 });
  return result;
}

/**
 * Restores a restic snapshot in place: the jail stops; a new dataset beside the jail's
 * (`<dataset>-restore`, the same refquota, read with `zfs get -Hp -o value refquota`) receives
 * the files; then the old dataset is destroyed, the new one renamed into its place and mounted
 * at the jail's root (zfs-rename(8), zfs-set(8)), and the jail starts again if `start`.
 * @throws UnsupportedError in tarball mode; NotFoundError for an unknown jail; Error when zfs
 *   reports a refquota that is not a number of bytes.
 */
export async function restoreJail(
  host: RestoreHost,
  rawName: string,
  target: BackupTarget,
  { snapshotId, start, job }: { snapshotId: string; start: boolean; job?: JobContext },
): Promise<JailInfo> {
  const name = jailName.parse(rawName);
  if (!host.config.zfsDataset) throw new UnsupportedError("freebsd", "restoring backups without ZFS");
  const info = await requireJail(host.driver, name);
  const p = jailPaths(host.config, name);
  const staging = `${p.dataset}-restore`;
  const stagingRoot = `${p.root}.restore`;
  const quota = (await host.run(["zfs", "get", "-Hp", "-o", "value", "refquota", p.dataset])).stdout.trim();
  if (!/^\d+$/.test(quota)) throw new Error(`zfs reported an unexpected refquota for ${p.dataset}: ${quota}`);
  if (info.running) await host.driver.stop(name);
  const leftover = await host.run(["zfs", "list", "-H", "-o", "name", staging], { okCodes: [1] });
  if (leftover.code === 0) await host.run(["zfs", "destroy", "-r", "-f", staging], { timeoutMs: 600_000 });
  await host.run(["zfs", "create", "-o", `mountpoint=${stagingRoot}`, "-o", `refquota=${quota}`, staging], { timeoutMs: 300_000 });
  await new Restic(host.run, target).restore({ snapshotId, dir: stagingRoot, job });
  await host.run(["zfs", "destroy", "-r", "-f", p.dataset], { timeoutMs: 600_000 });
  await host.run(["zfs", "rename", staging, p.dataset], { timeoutMs: 300_000 });
  await host.run(["zfs", "set", `mountpoint=${p.root}`, p.dataset], { timeoutMs: 300_000 });
  return start ? host.driver.start(name) : requireJail(host.driver, name);
}

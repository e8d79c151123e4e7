// Backups and restores on the fake FreeBSD host: the exact argv (zfs-snapshot(8), zfs-get(8),
// zfs-create(8), zfs-rename(8), restic's manual), secrets only in the environment.
import { describe, expect, it } from "vitest";
import { NotFoundError, UnsupportedError } from "../driver";
import { CONF, DS, NAME, ROOT, existingJail, setup } from "./fake-host";

const SNAP_ID = "441da8b23d5987fe16193acbf7054b8a3ef8a5bc4dca844369f562ca133a129f";
const target = {
  repository: "rest:http://127.0.0.1:8765/hostuser1/jail1/",
  username: "hostuser1",
  httpPassword: "h".repeat(43),
  repositoryPassword: "r".repeat(43),
};
const BACKUP_ID = "cbackup123";
const ZSNAP = `${DS}@cellblock-backup-${BACKUP_ID}`;

describe("FreeBsdDriver.backup", () => {
  it("snapshots the dataset, backs up from .zfs/snapshot with restic, destroys the ZFS snapshot", async () => {
    const { host, driver } = await existingJail(true);
    const result = await driver.backup(NAME, target, { backupId: BACKUP_ID });
    expect(result).toEqual({ snapshotId: SNAP_ID, sizeBytes: 6, addedBytes: 702 });
    expect(host.argvs()).toEqual([
      `zfs list -H -o name ${DS}`,
      `zfs list -H -o name -t snapshot ${ZSNAP}`,
      `zfs snapshot ${ZSNAP}`,
      "restic init --no-cache",
      `restic snapshots --json --tag cellblock-backup:${BACKUP_ID} --no-cache`,
      `restic backup --json --host ${NAME} --tag cellblock --tag cellblock-backup:${BACKUP_ID} . --no-cache`,
      `restic snapshots --json --tag cellblock-backup:${BACKUP_ID} --no-cache`,
      `zfs destroy ${ZSNAP}`,
    ]);
    // restic ran inside the snapshot directory (`.` is the jail's root as of the snapshot).
    expect(host.calls.find((c) => c.argv[1] === "backup")).toBeDefined();
    // Secrets never on a command line; the repository URL carries the host's user in the environment.
    const all = host.argvs().join("\n");
    expect(all).not.toContain(target.httpPassword);
    expect(all).not.toContain(target.repositoryPassword);
    expect(host.resticEnvs[0]).toMatchObject({
      RESTIC_REPOSITORY: `rest:http://hostuser1:${target.httpPassword}@127.0.0.1:8765/hostuser1/jail1/`,
      RESTIC_PASSWORD: target.repositoryPassword,
    });
  });

  it("a retry finds the restic snapshot its first attempt made instead of making another", async () => {
    const { host, driver } = await existingJail(true);
    await driver.backup(NAME, target, { backupId: BACKUP_ID });
    host.reset();
    const again = await driver.backup(NAME, target, { backupId: BACKUP_ID });
    expect(again.snapshotId).toBe(SNAP_ID);
    expect(host.argvs().filter((a) => a.startsWith("restic backup"))).toEqual([]);
    expect(host.argvs()).toContain(`restic stats --json --mode restore-size ${SNAP_ID} --no-cache`);
  });

  it("refuses without ZFS, and for a missing jail", async () => {
    await expect((await existingJail(false, "tarball")).driver.backup(NAME, target, { backupId: BACKUP_ID })).rejects.toBeInstanceOf(
      UnsupportedError,
    );
    await expect(setup().driver.backup(NAME, target, { backupId: BACKUP_ID })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("FreeBsdDriver.restore", () => {
  it("stops the jail, restores into a new dataset with the same refquota, swaps it in, starts", async () => {
    const { host, driver } = await existingJail(true);
    const info = await driver.restore(NAME, target, { snapshotId: SNAP_ID, start: true });
    expect(info.running).toBe(true);
    const argv = host.argvs();
    const at = (prefix: string) => argv.findIndex((a) => a.startsWith(prefix));
    expect(argv).toContain(`zfs get -Hp -o value refquota ${DS}`);
    expect(argv).toContain(`zfs create -o mountpoint=${ROOT}.restore -o refquota=10737418240 ${DS}-restore`);
    expect(argv).toContain(`restic restore ${SNAP_ID} --target ${ROOT}.restore --no-cache`);
    expect(argv).toContain(`zfs destroy -r -f ${DS}`);
    expect(argv).toContain(`zfs rename ${DS}-restore ${DS}`);
    expect(argv).toContain(`zfs set mountpoint=${ROOT} ${DS}`);
    // In that order: stopped before anything is replaced, started only after the swap.
    expect(at(`jail -f ${CONF} -r`) >= 0 || at("jail -r") >= 0).toBe(true);
    expect(at(`zfs create`)).toBeLessThan(at("restic restore"));
    expect(at("restic restore")).toBeLessThan(at(`zfs destroy -r -f ${DS}`));
    expect(at(`zfs rename`)).toBeLessThan(at(`jail -f ${CONF} -c ${NAME}`));
    expect(argv.join("\n")).not.toContain(target.repositoryPassword);
  });
});

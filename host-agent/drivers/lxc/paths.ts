// Where an lxc jail's files live under lxc.lxcpath: one place for every path the driver and its
// modules use (lxc.container.conf(5) keeps a container's config and rootfs in <lxcpath>/<name>).
import path from "node:path";

/** The paths of jail `name` under `lxcPath` (absolute when lxcPath is). */
export function lxcJailPaths(lxcPath: string, name: string) {
  const dir = path.join(lxcPath, name);
  return {
    dir,
    /** The container's config file (lxc.container.conf(5)). */
    config: path.join(dir, "config"),
    /** The xfs disk image sized at the quota, loop-mounted at `rootfs`. */
    image: path.join(dir, "rootfs.img"),
    rootfs: path.join(dir, "rootfs"),
    /** Written once the container, its disk and its seeded rootfs are complete. */
    createdMarker: path.join(dir, "cellblock-created"),
    /** Where a backup's frozen copy of the image is mounted read-only. */
    backupSnapshot: path.join(dir, "backup-snapshot"),
    /** A network-less config for `lxc-create -t`, outside the container's directory. */
    bootstrapConfig: path.join(lxcPath, `.cellblock-bootstrap-${name}.conf`),
  };
}

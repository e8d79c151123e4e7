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

/** LXC's own default lxc.lxcpath. */
export const DEFAULT_LXC_PATH = "/var/lib/lxc";

/**
 * `run` naming `lxcPath` to every LXC tool (`lxc-start -P <lxcpath> …`: the -P option of
 * lxc-start(1), lxc-attach(1), lxc-ls(1) and the others) when it is not LXC's default, so two
 * agents on one machine keep their containers apart. Other commands pass through unchanged.
 */
export function runWithLxcPath<R extends (argv: string[], opts?: never) => unknown>(run: R, lxcPath: string): R {
  if (lxcPath === DEFAULT_LXC_PATH) return run;
  return ((argv: string[], opts?: never) =>
    argv[0]?.startsWith("lxc-") && argv[1] !== "--version" ? run([argv[0], "-P", lxcPath, ...argv.slice(1)], opts) : run(argv, opts)) as R;
}

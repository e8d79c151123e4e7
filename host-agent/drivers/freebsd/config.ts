// The freebsd driver's host configuration, validated once: every value here ends up in a jail(8)
// file, a pf ruleset or a zfs argv, so none may carry syntax of its own.
import { z } from "zod";
import type { ExecOptions, ExecResult, Runner } from "../../exec";
import type { DriverFs } from "../driver-fs";

export type FreeBsdConfig = {
  /** Where jail roots live: <jailsRoot>/<name>. */
  jailsRoot: string;
  /** Parent dataset of the jail roots (`zroot/cellblock/jails`), or null for tarball mode. */
  zfsDataset: string | null;
  /** One jail(8) file per jail: <confDir>/<name>.conf. */
  confDir: string;
  /** The interface that carries the public pool; pf NATs on it. */
  externalInterface: string;
  /**
   * The interface that carries the private netblock (a cloned lo1 on a typical host). jail(8)
   * adds the jail's private address to it on start and removes it on stop. null: the address
   * is already configured on the host.
   */
  privateInterface: string | null;
  securelevel: number;
  devfsRuleset: number;
  /** Parent pf anchor; pf.conf must call `nat-anchor`, `rdr-anchor` and `anchor` "<pfAnchor>/*". */
  pfAnchor: string;
  /**
   * What the agent recorded about each jail (<stateDir>/<name>.json: its spec and limits, the
   * generation of its pf rules), to put limits and rules back into the kernel after a reboot.
   */
  stateDir: string;
};

export type FreeBsdDriverOptions = {
  runner: Runner;
  fs: DriverFs;
  config: Partial<FreeBsdConfig> & Pick<FreeBsdConfig, "externalInterface">;
};

const DEFAULTS: Omit<FreeBsdConfig, "externalInterface"> = {
  jailsRoot: "/usr/local/cellblock/jails",
  zfsDataset: null,
  confDir: "/etc/jail.conf.d",
  privateInterface: "lo1",
  securelevel: 2,
  devfsRuleset: 4,
  pfAnchor: "cellblock",
  stateDir: "/var/db/cellblock/jails",
};

const absPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]*$/)
  .refine((p) => !p.split("/").includes(".."), "no '..' in paths");
const ifName = z.string().regex(/^[a-z][a-z0-9_.]{0,14}$/, "Invalid interface name.");
const configSchema = z.object({
  jailsRoot: absPath,
  zfsDataset: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/)
    .nullable(),
  confDir: absPath,
  externalInterface: ifName,
  privateInterface: ifName.nullable(),
  securelevel: z.number().int().min(-1).max(3),
  devfsRuleset: z.number().int().min(0).max(65535),
  pfAnchor: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/),
  stateDir: absPath,
});

/** The defaults overlaid with `partial`, validated; throws a ZodError naming the bad setting. */
export function parseFreeBsdConfig(partial: FreeBsdDriverOptions["config"]): FreeBsdConfig {
  return configSchema.parse({ ...DEFAULTS, ...partial });
}

/** What every part of the driver works with: the runner, the host's files and the configuration. */
export type FreeBsdHost = {
  run(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  fs: DriverFs;
  config: FreeBsdConfig;
};

/** Where one jail's pieces live on the host. `name` must already be a parsed jailName. */
export function jailPaths(config: FreeBsdConfig, name: string) {
  return {
    root: `${config.jailsRoot}/${name}`,
    /** Tarball extraction happens here, renamed to `root` when complete. */
    staging: `${config.jailsRoot}/.${name}.partial`,
    conf: `${config.confDir}/${name}.conf`,
    dataset: `${config.zfsDataset}/${name}`,
    anchor: `${config.pfAnchor}/${name}`,
    state: `${config.stateDir}/${name}.json`,
  };
}

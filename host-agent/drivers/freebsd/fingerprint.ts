// The freebsd driver's "platform" part (Nomad's fingerprint): what the host is, whether it can
// run jails, and what the driver can do on it. Every missing prerequisite is reported in words
// for the admin console, with what to change; the README's "FreeBSD hosts" section lists them.
import type { DriverCapabilities } from "@/lib/schemas/capabilities";
import type { Fingerprint } from "../driver";
import type { FreeBsdHost } from "./config";
import { checkPf } from "./pf-checks";
import { checkInterfaces, checkRacct, recordedJails } from "./prerequisites";

/**
 * pf stores a rule's label in `char label[PF_RULE_LABEL_SIZE]` (64 with the NUL, sys/net/pfvar.h);
 * the longest label we make is `<name>-g<generation>-out` with up to 10 generation digits.
 */
export const MAX_JAIL_NAME_LENGTH = 63 - "-g".length - 10 - "-out".length;
/** MAXHOSTNAMELEN (sys/sys/param.h) is 256 bytes including the terminating NUL. */
export const MAX_HOSTNAME_LENGTH = 255;

/**
 * Probes the host: `uname -r`, `sysctl -n hw.ncpu`, RACCT now and at boot, the ZFS parent
 * dataset, the interfaces (prerequisites.ts) and pf (pf-checks.ts). Never throws for a missing
 * prerequisite: it ends up in `reason` and `ready` is false.
 */
export async function fingerprintHost(host: FreeBsdHost): Promise<Fingerprint> {
  const { config } = host;
  const problems: string[] = [];
  const release = (await host.run(["uname", "-r"])).stdout.trim();
  const ncpu = Number((await host.run(["sysctl", "-n", "hw.ncpu"])).stdout.trim()) || null;

  const racct = await checkRacct(host);
  problems.push(...racct.problems);

  let zfsAvailable = false;
  let datasetExists = false;
  if (config.zfsDataset) {
    try {
      const r = await host.run(["zfs", "list", "-H", "-o", "name", config.zfsDataset], { okCodes: [1] });
      zfsAvailable = true;
      datasetExists = r.code === 0;
      if (!datasetExists) problems.push(`The ZFS dataset ${config.zfsDataset} does not exist; create it before placing jails here.`);
    } catch {
      problems.push("ZFS is configured for this host but the zfs command is not available.");
    }
  }

  const interfaces = await checkInterfaces(host, await recordedJails(host));
  problems.push(...interfaces.problems);
  const pf = await checkPf(host);
  problems.push(...pf.problems);

  const zfs = config.zfsDataset !== null;
  const limitsEnforced = racct.facts.racct === true;
  const capabilities: DriverCapabilities = {
    snapshots: zfs,
    // Tarball roots are plain directories: nothing limits what they hold.
    diskQuota: zfs,
    memoryLimit: limitsEnforced,
    processLimit: limitsEnforced,
    cpuLimit: limitsEnforced,
    network: true,
    publicIpv4: pf.publicNat,
    // The jail file sets ip4.addr only.
    ipv6: false,
    hostnameLockdown: true,
    rootPassword: true,
    sshKeys: true,
    // Moves go through the jail's restic repository, which needs a ZFS snapshot to copy from (sysutils/restic installed).
    migration: zfs,
    limits: {
      maxJailNameLength: MAX_JAIL_NAME_LENGTH,
      maxHostnameLength: MAX_HOSTNAME_LENGTH,
      maxJails: pf.maxJails,
      maxCpuPercent: ncpu ? ncpu * 100 : null,
    },
  };

  return {
    driver: "freebsd",
    ready: problems.length === 0,
    ...(problems.length ? { reason: problems.join(" ") } : {}),
    facts: {
      release,
      ...racct.facts,
      storage: zfs ? "zfs" : "tarball",
      zfs: zfsAvailable,
      zfsDataset: config.zfsDataset,
      zfsDatasetExists: datasetExists,
      ...pf.facts,
      ...interfaces.facts,
      jailsRoot: config.jailsRoot,
      externalInterface: config.externalInterface,
    },
    capabilities,
  };
}

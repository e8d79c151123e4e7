// The freebsd driver's "platform" part (Nomad's fingerprint): what the host is, whether it can
// run jails, and what the driver can do on it. Every missing prerequisite is reported in words
// for the admin console, with what to change.
import type { DriverCapabilities } from "@/lib/schemas/capabilities";
import type { Fingerprint } from "../driver";
import type { FreeBsdHost } from "./config";

/**
 * pf stores a rule's label in `char label[PF_RULE_LABEL_SIZE]` (64, sys/net/pfvar.h): with the
 * longest suffix we add ("-out") a jail name may have 59 characters.
 */
export const MAX_JAIL_NAME_LENGTH = 64 - 1 - "-out".length;
/** MAXHOSTNAMELEN (sys/sys/param.h) is 256 bytes including the terminating NUL. */
export const MAX_HOSTNAME_LENGTH = 255;

/**
 * Probes the host: `uname -r`, `sysctl -n hw.ncpu kern.racct.enable`, the ZFS parent dataset
 * (`zfs list`), pf (`pfctl -s info`, and `-s nat` / `-s rules` for the anchor hooks). Never
 * throws for a missing prerequisite: it ends up in `reason` and `ready` is false.
 */
export async function fingerprintHost(host: FreeBsdHost): Promise<Fingerprint> {
  const { config } = host;
  const reasons: string[] = [];
  const release = (await host.run(["uname", "-r"])).stdout.trim();
  const ncpu = Number((await host.run(["sysctl", "-n", "hw.ncpu"])).stdout.trim()) || null;

  const racct = await host.run(["sysctl", "-n", "kern.racct.enable"], { okCodes: [1] });
  const racctEnabled = racct.code === 0 && racct.stdout.trim() === "1";
  if (racct.code !== 0) reasons.push("This kernel has no resource accounting (RACCT/RCTL), so jail limits cannot be enforced.");
  else if (!racctEnabled)
    reasons.push("Resource accounting is off: add kern.racct.enable=1 to /boot/loader.conf and reboot, or jail limits cannot be enforced.");

  let zfsAvailable = false;
  let datasetExists = false;
  if (config.zfsDataset) {
    try {
      const r = await host.run(["zfs", "list", "-H", "-o", "name", config.zfsDataset], { okCodes: [1] });
      zfsAvailable = true;
      datasetExists = r.code === 0;
      if (!datasetExists) reasons.push(`The ZFS dataset ${config.zfsDataset} does not exist; create it before placing jails here.`);
    } catch {
      reasons.push("ZFS is configured for this host but the zfs command is not available.");
    }
  }

  const pf = await host.run(["pfctl", "-s", "info"], { okCodes: [1] });
  const pfEnabled = pf.code === 0 && /^Status: Enabled/m.test(pf.stdout);
  let pfAnchors = false;
  if (!pfEnabled) reasons.push("The pf firewall is not enabled, so jails cannot be reached at their public addresses.");
  else {
    // Rules loaded into cellblock/<name> only take effect if the main ruleset calls them.
    const nat = (await host.run(["pfctl", "-s", "nat"])).stdout;
    const rules = (await host.run(["pfctl", "-s", "rules"])).stdout;
    const hook = (kind: string, text: string) => new RegExp(`^${kind} "${config.pfAnchor}/\\*"`, "m").test(text);
    pfAnchors = hook("nat-anchor", nat) && hook("rdr-anchor", nat) && hook("anchor", rules);
    if (!pfAnchors) {
      const a = `"${config.pfAnchor}/*"`;
      reasons.push(`pf.conf does not call the jail anchors; add nat-anchor ${a}, rdr-anchor ${a} and anchor ${a} to it.`);
    }
  }

  const zfs = config.zfsDataset !== null;
  const capabilities: DriverCapabilities = {
    snapshots: zfs,
    // Tarball roots are plain directories: nothing limits what they hold.
    diskQuota: zfs,
    memoryLimit: racctEnabled,
    processLimit: racctEnabled,
    cpuLimit: racctEnabled,
    network: true,
    publicIpv4: pfEnabled && pfAnchors,
    // The jail file sets ip4.addr only.
    ipv6: false,
    hostnameLockdown: true,
    rootPassword: true,
    sshKeys: true,
    migration: false,
    limits: {
      maxJailNameLength: MAX_JAIL_NAME_LENGTH,
      maxHostnameLength: MAX_HOSTNAME_LENGTH,
      maxJails: null,
      maxCpuPercent: ncpu ? ncpu * 100 : null,
    },
  };

  return {
    driver: "freebsd",
    ready: reasons.length === 0,
    ...(reasons.length ? { reason: reasons.join(" ") } : {}),
    facts: {
      release,
      racct: racctEnabled,
      storage: zfs ? "zfs" : "tarball",
      zfs: zfsAvailable,
      zfsDataset: config.zfsDataset,
      zfsDatasetExists: datasetExists,
      pf: pfEnabled,
      pfAnchors,
      jailsRoot: config.jailsRoot,
      externalInterface: config.externalInterface,
    },
    capabilities,
  };
}

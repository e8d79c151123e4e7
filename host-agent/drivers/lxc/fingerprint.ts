// What the lxc driver reports at enrolment and in every heartbeat: whether this host can run
// jails, the versions of the tools it uses, and the capabilities placement reads.
import os from "node:os";
import path from "node:path";
import type { Fingerprint } from "../driver";
import { readFileIfExists } from "../driver-fs";
import { MIN_DISK_QUOTA_MB } from "./disk-image";
import type { LxcHost } from "./provision";

/** The kernel's limit on a UTS nodename (__NEW_UTS_LEN, include/uapi/linux/utsname.h). */
export const LXC_MAX_HOSTNAME_LENGTH = 64;

export type FingerprintHost = LxcHost & {
  bridge: string | null;
  templateCache: string;
  cgroupRoot: string;
  isRoot: () => boolean;
};

/**
 * Checks the LXC tools (`lxc-create --version`), root, the busybox template, the cgroup memory
 * controller and xfsprogs (every jail's disk is an xfs image); reports whether nftables
 * (public addresses) and mmdebstrap (real-OS templates) are there, and the host's forwarding.
 */
export async function lxcFingerprint(host: FingerprintHost): Promise<Fingerprint> {
  const facts: Fingerprint["facts"] = {
    kernel: os.release(),
    lxcPath: host.lxcPath,
    bridge: host.bridge,
    templateCache: host.templateCache,
  };
  const problems: string[] = [];
  const version = async (argv: string[]) => {
    try {
      const r = await host.run(argv, { timeoutMs: 10_000 });
      return (r.stdout || r.stderr).trim().split("\n")[0] ?? "";
    } catch {
      return null;
    }
  };
  facts.lxcVersion = await version(["lxc-create", "--version"]);
  if (facts.lxcVersion === null) problems.push("the LXC tools are not installed (apt-get install lxc)");
  if (!host.isRoot()) problems.push("the agent does not run as root, which LXC needs here");
  if (!(await host.fs.exists("/usr/share/lxc/templates/lxc-busybox")) || !(await host.fs.exists("/bin/busybox"))) {
    problems.push("the busybox template is missing (apt-get install busybox-static)");
  }
  if (!(await host.fs.exists(path.join(host.cgroupRoot, "memory")))) problems.push("the cgroup memory controller is not mounted");
  facts.xfsprogs = await version(["mkfs.xfs", "-V"]);
  if (facts.xfsprogs === null) problems.push("xfsprogs is not installed, which every jail's disk image needs (apt-get install xfsprogs)");
  facts.nftables = await version(["nft", "--version"]);
  facts.mmdebstrap = await version(["mmdebstrap", "--version"]);
  facts.restic = await version(["restic", "version"]);
  const sysctl = async (p: string) => (await readFileIfExists(host.fs, `/proc/sys/${p}`))?.trim() ?? null;
  facts.ipv4Forwarding = (await sysctl("net/ipv4/ip_forward")) === "1";
  facts.ipv6Forwarding = (await sysctl("net/ipv6/conf/all/forwarding")) === "1";
  facts.diskQuota = `xfs image per jail, loop-mounted, sized at the plan's quota (minimum ${MIN_DISK_QUOTA_MB} MB)`;
  if (facts.mmdebstrap === null) facts.templates = "busybox only: real-OS templates need mmdebstrap (apt-get install mmdebstrap)";
  return {
    driver: "lxc",
    ready: problems.length === 0,
    reason: problems.length ? `Cannot run jails: ${problems.join("; ")}.` : undefined,
    facts,
    capabilities: {
      snapshots: false,
      diskQuota: true,
      memoryLimit: true,
      processLimit: true,
      cpuLimit: true,
      network: host.bridge !== null,
      // From outside the host also needs net.ipv4.ip_forward=1 (facts.ipv4Forwarding); this
      // host itself reaches the public address either way (the nat table's output chain).
      publicIpv4: host.bridge !== null && facts.nftables !== null,
      ipv6: host.bridge !== null,
      hostnameLockdown: true,
      rootPassword: true,
      sshKeys: true,
      // A move or an evacuation goes through the jail's restic repository: copy, then restore on the target.
      migration: facts.restic !== null,
      limits: {
        // The jailName schema's own limit; LXC adds none below it (the veth name is a digest).
        maxJailNameLength: 42,
        maxHostnameLength: LXC_MAX_HOSTNAME_LENGTH,
        maxJails: null,
        maxCpuPercent: os.availableParallelism() * 100,
      },
    },
  };
}

// The container's LXC config (lxc.container.conf(5)): the template's lines, then one block the
// agent owns and rewrites as a whole — hostname, network, cgroup limits, dropped capabilities —
// so a key is set exactly once however often a plan changes.
import type { JailLimits, JailSpec } from "@/lib/schemas/jobs";
import { BYTES_PER_MIB } from "@/lib/units";

export const MANAGED_BEGIN = "# --- cellblock managed: edits below this line are replaced ---";
/** CFS period for the CPU quota, in microseconds (the kernel's default, 100 ms). */
export const CPU_PERIOD_US = 100_000;

/**
 * The plan as cgroup v1 settings, `[file, value]`: memory.limit_in_bytes in bytes, pids.max a
 * count, and a CFS quota of cpuPercent % of one CPU per period (sched-design-CFS, "cpu.cfs_quota_us").
 */
export function cgroupLimits(limits: JailLimits): Array<[string, string]> {
  return [
    ["memory.limit_in_bytes", String(limits.memoryMb * BYTES_PER_MIB)],
    ["pids.max", String(limits.maxProcesses)],
    ["cpu.cfs_period_us", String(CPU_PERIOD_US)],
    ["cpu.cfs_quota_us", String(Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US))],
  ];
}

/** The host side of the jail's veth pair: at most 15 bytes (IFNAMSIZ), a stable digest of the jail name. */
export function vethName(name: string): string {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `vcb${h.toString(16).padStart(8, "0")}`;
}

/** The managed block of a config file's text ("" if it has none). */
export function managedPart(text: string): string {
  const i = text.indexOf(MANAGED_BEGIN);
  return i >= 0 ? text.slice(i) : "";
}

/** Everything before the managed block, without the template's own network and hostname lines. */
export function baseConfig(text: string): string {
  const i = text.indexOf(MANAGED_BEGIN);
  const base = i >= 0 ? text.slice(0, i) : text;
  return base
    .split("\n")
    .filter((l) => !/^lxc\.(net\.|uts\.name)/.test(l.trim()))
    .join("\n");
}

/** The hostname the managed block sets (`lxc.uts.name`), or null. */
export function managedHostname(text: string): string | null {
  return /^lxc\.uts\.name\s*=\s*"?([^"\n]+)"?\s*$/m.exec(managedPart(text))?.[1] ?? null;
}

/** The veth network the managed block sets (bridge, gateway, prefix), or null for none. */
export function managedNetwork(text: string): { link: string; gateway: string; prefix: number } | null {
  const block = managedPart(text);
  const link = /^lxc\.net\.0\.link = (\S+)$/m.exec(block)?.[1];
  const prefix = /^lxc\.net\.0\.ipv4\.address = \S+\/(\d+)$/m.exec(block)?.[1];
  const gateway = /^lxc\.net\.0\.ipv4\.gateway = (\S+)$/m.exec(block)?.[1];
  return link && prefix && gateway ? { link, gateway, prefix: Number(prefix) } : null;
}

/**
 * The config text with its managed block rewritten. With a spec, hostname and network come from
 * it (a veth on `bridge` with the private address, or `lxc.net.0.type = empty` without a bridge);
 * without one (a plan change) they are kept from the previous block. Limits always come from
 * `limits`, and CAP_SYS_ADMIN is always dropped.
 */
export function renderContainerConfig(
  text: string,
  opts: { name: string; spec: JailSpec | null; limits: JailLimits; bridge: string | null },
) {
  const { name, spec, limits, bridge } = opts;
  const previous = managedPart(text);
  const keep = (key: string) => previous.split("\n").filter((l) => l.startsWith(key));
  const network = spec
    ? bridge
      ? [
          "lxc.net.0.type = veth",
          `lxc.net.0.link = ${bridge}`,
          "lxc.net.0.flags = up",
          `lxc.net.0.veth.pair = ${vethName(name)}`,
          `lxc.net.0.ipv4.address = ${spec.network.privateIp}/${spec.network.privatePrefix}`,
          `lxc.net.0.ipv4.gateway = ${spec.network.privateGateway}`,
          // The jail's global IPv6 address on its veth; the host, which holds the prefix's
          // ::1 on the bridge, routes it.
          ...(spec.network.ipv6 && spec.network.ipv6PrefixLength && spec.network.ipv6Gateway
            ? [
                `lxc.net.0.ipv6.address = ${spec.network.ipv6}/${spec.network.ipv6PrefixLength}`,
                `lxc.net.0.ipv6.gateway = ${spec.network.ipv6Gateway}`,
              ]
            : []),
        ]
      : ["lxc.net.0.type = empty"]
    : keep("lxc.net.");
  const lines = [
    MANAGED_BEGIN,
    spec ? `lxc.uts.name = ${spec.hostname}` : (keep("lxc.uts.name")[0] ?? ""),
    ...network,
    ...cgroupLimits(limits).map(([k, v]) => `lxc.cgroup.${k} = ${v}`),
    // Hostname lockdown: without CAP_SYS_ADMIN the jail cannot sethostname(2), so the name
    // the panel shows stays the truth (FreeBSD: allow.set_hostname = 0).
    "lxc.cap.drop = sys_admin",
  ].filter(Boolean);
  return `${baseConfig(text).trimEnd()}\n\n${lines.join("\n")}\n`;
}

/**
 * The config of a jail whose root is a real OS (a Debian template), written by the driver
 * rather than by an LXC template script: LXC's common settings (device allow-list, dropped
 * capabilities, the seccomp deny-list), the root on the jail's mounted disk image, and what
 * systemd as pid 1 needs in a container without CAP_SYS_ADMIN (which the managed block drops for
 * hostname lockdown): /run, /run/lock and /dev/shm already mounted, since it cannot mount them
 * itself, and the signals it answers for a clean halt (SIGRTMIN+3) and reboot (SIGINT).
 */
export function realOsBaseConfig(opts: { rootfs: string; template: string }): string {
  return [
    `# Cellblock jail from the template ${opts.template} (lxc.container.conf(5)).`,
    "lxc.include = /usr/share/lxc/config/common.conf",
    "lxc.arch = linux64",
    `lxc.rootfs.path = dir:${opts.rootfs}`,
    "lxc.autodev = 1",
    "lxc.signal.halt = SIGRTMIN+3",
    "lxc.signal.reboot = SIGINT",
    "lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755,size=64m,create=dir 0 0",
    "lxc.mount.entry = tmpfs run/lock tmpfs rw,nosuid,nodev,noexec,size=5m,create=dir 0 0",
    "lxc.mount.entry = tmpfs dev/shm tmpfs rw,nosuid,nodev,size=64m,create=dir 0 0",
    "",
  ].join("\n");
}

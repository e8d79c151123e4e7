// The Linux driver: real containers through the LXC tools, so the whole product runs for real
// on a Linux box (development, CI, the end-to-end suite). Same contract as the FreeBSD driver:
// pid, mount, uts, ipc and net namespaces for isolation, cgroup v1 limits and usage.
//
// Where it differs from a jail, it says so: the `dir` rootfs has no disk quota (disk is
// measured and billed as overage instead), and a host without a bridge gives its jails no
// network.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  jailLimits as jailLimitsSchema,
  jailSpec as jailSpecSchema,
  authorizedKey,
  type JailLimits,
  type JailSpec,
} from "@/lib/schemas/jobs";
import { jailName as jailNameSchema } from "@/lib/schemas/net";
import type { Runner } from "../exec";
import { faultPause } from "../faults";
import {
  NotFoundError,
  UnsupportedError,
  type CreateResult,
  type Driver,
  type Fingerprint,
  type JailInfo,
  type JailUsage,
  type ProcessInfo,
} from "./driver";

export type LxcConfig = {
  runner: Runner;
  /** Where LXC keeps containers (lxc.lxcpath). */
  lxcPath?: string;
  /** Bridge for the jails' veth interfaces; null → jails get no network. */
  bridge?: string | null;
  cgroupRoot?: string;
};

const MANAGED_BEGIN = "# --- cellblock managed: edits below this line are replaced ---";
const CPU_PERIOD_US = 100_000;

export class LxcDriver implements Driver {
  readonly name = "lxc" as const;
  private readonly run: Runner["run"];
  private readonly lxcPath: string;
  private readonly bridge: string | null;
  private readonly cgroupRoot: string;
  /** Last CPU reading per pid, to turn cumulative ticks into a percentage between calls. */
  private cpuSeen = new Map<number, { ticks: number; at: number }>();

  constructor(config: LxcConfig) {
    this.run = config.runner.run.bind(config.runner);
    this.lxcPath = config.lxcPath ?? "/var/lib/lxc";
    this.bridge = config.bridge ?? null;
    this.cgroupRoot = config.cgroupRoot ?? "/sys/fs/cgroup";
  }

  async fingerprint(): Promise<Fingerprint> {
    const facts: Fingerprint["facts"] = { kernel: os.release(), lxcPath: this.lxcPath, bridge: this.bridge };
    const problems: string[] = [];
    try {
      facts.lxcVersion = (await this.run(["lxc-create", "--version"], { timeoutMs: 10_000 })).stdout.trim();
    } catch {
      problems.push("the LXC tools are not installed (apt-get install lxc)");
    }
    if (process.getuid?.() !== 0) problems.push("the agent does not run as root, which LXC needs here");
    if (!fs.existsSync("/usr/share/lxc/templates/lxc-busybox") || !fs.existsSync("/bin/busybox")) {
      problems.push("the busybox template is missing (apt-get install busybox-static)");
    }
    if (!fs.existsSync(path.join(this.cgroupRoot, "memory"))) problems.push("the cgroup memory controller is not mounted");
    facts.diskQuota = "not enforced (dir backend): measured and billed as overage";
    return {
      driver: "lxc",
      ready: problems.length === 0,
      reason: problems.length ? `Cannot run jails: ${problems.join("; ")}.` : undefined,
      facts,
    };
  }

  async create(specIn: JailSpec, opts: { sshKeys: string[]; start: boolean }): Promise<CreateResult> {
    const spec = jailSpecSchema.parse(specIn);
    const keys = opts.sshKeys.map((k) => authorizedKey.parse(k));
    let existing = await this.inspect(spec.name);
    if (existing && !fs.existsSync(this.createdMarker(spec.name))) {
      // A container without our marker is the remains of an attempt killed inside lxc-create:
      // it never ran and holds no customer data, so it is made again rather than adopted.
      await this.run(["lxc-destroy", "-n", spec.name, "-f"], { timeoutMs: 120_000 });
      existing = null;
    }
    if (!existing) {
      const bootstrap = path.join(os.tmpdir(), `cellblock-${spec.name}.conf`);
      fs.writeFileSync(bootstrap, "lxc.net.0.type = empty\n");
      try {
        await this.run(["lxc-create", "-n", spec.name, "-t", templateFor(spec), "-f", bootstrap], { timeoutMs: 180_000 });
      } finally {
        fs.rmSync(bootstrap, { force: true });
      }
      // The rootfs is brand new and nothing inside has run yet, so writing into it from the
      // host cannot be redirected by a tenant's symlink.
      this.seedRootfs(spec, keys);
      fs.writeFileSync(this.createdMarker(spec.name), new Date().toISOString() + "\n");
      await faultPause("after-create");
    }
    if (this.bridge) await this.ensureBridge(spec.network.privateGateway, spec.network.privatePrefix);
    this.writeManagedConfig(spec.name, spec, spec.limits);
    let info = (await this.inspect(spec.name))!;
    if (opts.start && !info.running) info = await this.start(spec.name);
    return {
      jid: info.jid,
      running: info.running,
      sshHostKeyFingerprint: await this.hostKeyFingerprint(spec.name),
      adopted: Boolean(existing),
    };
  }

  async start(name: string): Promise<JailInfo> {
    const info = await this.require(name);
    if (info.running) return info;
    await this.run(["lxc-start", "-n", name, "-d"], { timeoutMs: 60_000 });
    await this.run(["lxc-wait", "-n", name, "-s", "RUNNING", "-t", "30"], { timeoutMs: 40_000 });
    return (await this.inspect(name))!;
  }

  async stop(name: string): Promise<JailInfo> {
    const info = await this.require(name);
    if (!info.running) return info;
    await this.run(["lxc-stop", "-n", name, "-t", "10"], { timeoutMs: 40_000 });
    return (await this.inspect(name))!;
  }

  async restart(name: string): Promise<JailInfo> {
    await this.stop(name);
    return this.start(name);
  }

  async destroy(name: string): Promise<void> {
    jailNameSchema.parse(name);
    if (!(await this.inspect(name))) return;
    await this.run(["lxc-destroy", "-n", name, "-f"], { timeoutMs: 120_000 });
  }

  async inspect(name: string): Promise<JailInfo | null> {
    jailNameSchema.parse(name);
    if (!fs.existsSync(path.join(this.lxcPath, name, "config"))) return null;
    const r = await this.run(["lxc-info", "-n", name, "-s", "-p"], { timeoutMs: 15_000, okCodes: [1] });
    if (r.code !== 0) return null;
    const state = /State:\s*(\S+)/.exec(r.stdout)?.[1];
    const pid = /PID:\s*(\d+)/.exec(r.stdout)?.[1];
    const running = state === "RUNNING";
    return { name, running, jid: running && pid ? Number(pid) : null, hostname: this.configuredHostname(name) };
  }

  async list(): Promise<JailInfo[]> {
    const r = await this.run(["lxc-ls", "-f", "-F", "NAME,STATE,PID"], { timeoutMs: 30_000 });
    return r.stdout
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([name]) => name && name.startsWith("cb"))
      .map(([name, state, pid]) => ({
        name: name!,
        running: state === "RUNNING",
        jid: state === "RUNNING" && pid && /^\d+$/.test(pid) ? Number(pid) : null,
      }));
  }

  async setLimits(name: string, limitsIn: JailLimits): Promise<void> {
    const limits = jailLimitsSchema.parse(limitsIn);
    const info = await this.require(name);
    this.writeManagedConfig(name, null, limits);
    if (!info.running) return; // applied from the config at the next start
    for (const [key, value] of cgroupLimits(limits)) {
      await this.run(["lxc-cgroup", "-n", name, key, value], { timeoutMs: 15_000 });
    }
  }

  async setRootPasswordHash(name: string, passwordHash: string): Promise<void> {
    await this.requireRunning(name, "set the root password");
    const current = (await this.run(["lxc-attach", "-n", name, "--", "/bin/cat", "/etc/shadow"], { timeoutMs: 15_000 })).stdout;
    const days = Math.floor(Date.now() / 86_400_000);
    const rootLine = `root:${passwordHash}:${days}:0:99999:7:::`;
    const others = current.split("\n").filter((l) => l.trim() && !l.startsWith("root:"));
    // The hash travels on stdin, never on a command line.
    await this.run(["lxc-attach", "-n", name, "--", "/bin/dd", "of=/etc/shadow", "status=none"], {
      input: [rootLine, ...others].join("\n") + "\n",
      timeoutMs: 15_000,
    });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/chmod", "600", "/etc/shadow"], { timeoutMs: 15_000 });
  }

  async setAuthorizedKeys(name: string, keysIn: string[]): Promise<void> {
    const keys = keysIn.map((k) => authorizedKey.parse(k));
    await this.requireRunning(name, "change SSH keys");
    // Written from inside the jail's namespaces, so a symlink the tenant planted in /root
    // resolves inside the jail, never on the host.
    await this.run(["lxc-attach", "-n", name, "--", "/bin/mkdir", "-p", "-m", "700", "/root/.ssh"], { timeoutMs: 15_000 });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/dd", "of=/root/.ssh/authorized_keys", "status=none"], {
      input: keys.map((k) => `${k}\n`).join(""),
      timeoutMs: 15_000,
    });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/chmod", "600", "/root/.ssh/authorized_keys"], { timeoutMs: 15_000 });
  }

  async usage(names: string[]): Promise<JailUsage[]> {
    const out: JailUsage[] = [];
    for (const name of names) {
      jailNameSchema.parse(name);
      const rootfs = path.join(this.lxcPath, name, "rootfs");
      if (!fs.existsSync(rootfs)) continue;
      const du = await this.run(["du", "-s", "-x", "-B1", rootfs], { timeoutMs: 120_000, okCodes: [1] });
      const veth = vethName(name);
      out.push({
        name,
        diskBytes: Number(du.stdout.split(/\s+/)[0]) || 0,
        memoryBytes: this.readCgroupNumber("memory", name, "memory.usage_in_bytes"),
        cpuSeconds: this.readCgroupNumber("cpuacct", name, "cpuacct.usage") / 1e9,
        processes: this.readCgroupNumber("pids", name, "pids.current"),
        // Host side of the veth pair: what the host receives is what the jail sent.
        netRxBytes: readNumber(`/sys/class/net/${veth}/statistics/tx_bytes`),
        netTxBytes: readNumber(`/sys/class/net/${veth}/statistics/rx_bytes`),
      });
    }
    return out;
  }

  async processes(name: string): Promise<ProcessInfo[]> {
    jailNameSchema.parse(name);
    const procs = this.readCgroupFile("pids", name, "cgroup.procs");
    if (procs === null) return [];
    const hz = 100; // USER_HZ on Linux
    const now = Date.now();
    const result: ProcessInfo[] = [];
    const seen = new Set<number>();
    for (const pid of procs.split("\n").filter(Boolean).map(Number)) {
      const stat = readProcStat(pid);
      if (!stat) continue;
      seen.add(pid);
      const prev = this.cpuSeen.get(pid);
      this.cpuSeen.set(pid, { ticks: stat.ticks, at: now });
      const cpuPercent = prev && now > prev.at ? ((stat.ticks - prev.ticks) / hz / ((now - prev.at) / 1000)) * 100 : 0;
      result.push({ pid, command: stat.comm, cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10), nice: stat.nice });
    }
    for (const pid of this.cpuSeen.keys()) if (!seen.has(pid) && this.cpuSeen.get(pid)!.at < now - 3600_000) this.cpuSeen.delete(pid);
    return result;
  }

  async renice(name: string, pid: number, nice: number): Promise<void> {
    const procs = this.readCgroupFile("pids", name, "cgroup.procs") ?? "";
    // Only ever renice a process that belongs to this jail.
    if (!procs.split("\n").includes(String(pid))) throw new NotFoundError(`${name} (pid ${pid})`);
    await this.run(["renice", "-n", String(Math.trunc(nice)), "-p", String(Math.trunc(pid))], { timeoutMs: 10_000 });
  }

  async snapshot(): Promise<void> {
    throw new UnsupportedError("lxc", "snapshots (the dir backend has none; use the freebsd driver's ZFS snapshots)");
  }

  // ─── helpers ───

  private async require(name: string): Promise<JailInfo> {
    const info = await this.inspect(name);
    if (!info) throw new NotFoundError(name);
    return info;
  }

  private async requireRunning(name: string, what: string): Promise<void> {
    const info = await this.require(name);
    if (!info.running) throw new Error(`The jail must be running to ${what}. Start it and try again.`);
  }

  /** Written once the container and its seeded rootfs are complete. */
  createdMarker(name: string) {
    return path.join(this.lxcPath, name, "cellblock-created");
  }

  private configPath(name: string) {
    return path.join(this.lxcPath, name, "config");
  }

  private configuredHostname(name: string): string | null {
    try {
      const m = /^lxc\.uts\.name\s*=\s*"?([^"\n]+)"?\s*$/m.exec(managedPart(fs.readFileSync(this.configPath(name), "utf8")));
      return m?.[1] ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Rewrites the managed block at the end of the container's config: hostname, network,
   * limits, capabilities. Rewriting (not appending) keeps exactly one setting per key, however
   * often a plan changes.
   */
  private writeManagedConfig(name: string, spec: JailSpec | null, limits: JailLimits) {
    const file = this.configPath(name);
    const text = fs.readFileSync(file, "utf8");
    const base = baseConfig(text);
    const previous = managedPart(text);
    const keep = (key: string) => previous.split("\n").filter((l) => l.startsWith(key));
    const network = spec
      ? this.bridge
        ? [
            "lxc.net.0.type = veth",
            `lxc.net.0.link = ${this.bridge}`,
            "lxc.net.0.flags = up",
            `lxc.net.0.veth.pair = ${vethName(name)}`,
            `lxc.net.0.ipv4.address = ${spec.network.privateIp}/${spec.network.privatePrefix}`,
            `lxc.net.0.ipv4.gateway = ${spec.network.privateGateway}`,
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
    fs.writeFileSync(file, `${base.trimEnd()}\n\n${lines.join("\n")}\n`);
  }

  private seedRootfs(spec: JailSpec, keys: string[]) {
    const rootfs = path.join(this.lxcPath, spec.name, "rootfs");
    fs.writeFileSync(path.join(rootfs, "etc", "hostname"), `${spec.hostname}\n`);
    // The host sets the address (lxc.net.0.ipv4.*); the template's DHCP client would remove it
    // and hold up init, so boot without one.
    fs.writeFileSync(path.join(rootfs, "etc", "init.d", "rcS"), "#!/bin/sh\n/bin/syslogd\n/bin/mount -a\n", { mode: 0o755 });
    fs.mkdirSync(path.join(rootfs, "root", ".ssh"), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(rootfs, "root", ".ssh", "authorized_keys"), keys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
    if (spec.template.slug === "web-stack") {
      // The web template: busybox httpd answering on 8080, started by init.
      fs.mkdirSync(path.join(rootfs, "var", "www"), { recursive: true });
      fs.writeFileSync(path.join(rootfs, "var", "www", "index.html"), `<h1>${spec.hostname}</h1><p>Served from your Cellblock jail.</p>\n`);
      fs.appendFileSync(path.join(rootfs, "etc", "inittab"), "::respawn:/bin/httpd -f -p 8080 -h /var/www\n");
    }
  }

  private async hostKeyFingerprint(name: string): Promise<string | null> {
    const rootfs = path.join(this.lxcPath, name, "rootfs");
    const pub = path.join(rootfs, "etc", "ssh", "ssh_host_ed25519_key.pub");
    try {
      if (!fs.existsSync(pub)) {
        // A fresh jail gets its host key from us, so the panel can show its fingerprint
        // before the customer's first login (trust on first use, but checked).
        fs.mkdirSync(path.dirname(pub), { recursive: true });
        await this.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", `root@${name}`, "-f", pub.slice(0, -4)], {
          timeoutMs: 15_000,
        });
      }
      const out = (await this.run(["ssh-keygen", "-l", "-f", pub], { timeoutMs: 15_000 })).stdout;
      return /(SHA256:\S+)/.exec(out)?.[1] ?? null;
    } catch {
      return null; // no ssh-keygen on this host: the panel simply shows no fingerprint
    }
  }

  private async ensureBridge(gateway: string, prefix: number) {
    const bridge = this.bridge!;
    const show = await this.run(["ip", "-o", "addr", "show", "dev", bridge], { okCodes: [1], timeoutMs: 10_000 });
    if (show.code !== 0) {
      await this.run(["ip", "link", "add", bridge, "type", "bridge"], { timeoutMs: 10_000 });
    }
    if (!show.stdout.includes(` ${gateway}/${prefix} `)) {
      await this.run(["ip", "addr", "add", `${gateway}/${prefix}`, "dev", bridge], { okCodes: [2], timeoutMs: 10_000 });
    }
    await this.run(["ip", "link", "set", bridge, "up"], { timeoutMs: 10_000 });
  }

  private cgroupDir(controller: string, name: string): string | null {
    for (const dir of [`lxc.payload.${name}`, path.join("lxc", name)]) {
      const p = path.join(this.cgroupRoot, controller, dir);
      if (fs.existsSync(p)) return p;
    }
    return null;
  }

  private readCgroupFile(controller: string, name: string, file: string): string | null {
    const dir = this.cgroupDir(controller, name);
    if (!dir) return null;
    try {
      return fs.readFileSync(path.join(dir, file), "utf8");
    } catch {
      return null;
    }
  }

  private readCgroupNumber(controller: string, name: string, file: string): number {
    return Number(this.readCgroupFile(controller, name, file)?.trim() ?? 0) || 0;
  }
}

function templateFor(spec: JailSpec): string {
  // Only the busybox template exists offline; the web stack is busybox plus httpd (seedRootfs).
  return spec.template.lxcTemplate === "busybox" ? "busybox" : "busybox";
}

export function cgroupLimits(limits: JailLimits): Array<[string, string]> {
  return [
    ["memory.limit_in_bytes", String(limits.memoryMb * 1024 * 1024)],
    ["pids.max", String(limits.maxProcesses)],
    ["cpu.cfs_period_us", String(CPU_PERIOD_US)],
    ["cpu.cfs_quota_us", String(Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US))],
  ];
}

/** veth names are at most 15 bytes: a stable digest of the jail name. */
export function vethName(name: string): string {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `vcb${h.toString(16).padStart(8, "0")}`;
}

function managedPart(text: string): string {
  const i = text.indexOf(MANAGED_BEGIN);
  return i >= 0 ? text.slice(i) : "";
}

function baseConfig(text: string): string {
  const i = text.indexOf(MANAGED_BEGIN);
  const base = i >= 0 ? text.slice(0, i) : text;
  // The template's own network and hostname lines give way to the managed block.
  return base
    .split("\n")
    .filter((l) => !/^lxc\.(net\.|uts\.name)/.test(l.trim()))
    .join("\n");
}

function readNumber(file: string): number {
  try {
    return Number(fs.readFileSync(file, "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

function readProcStat(pid: number): { comm: string; ticks: number; nice: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // fields[0] is field 3 (state): utime = 14, stime = 15, nice = 19 (proc(5)).
    return { comm, ticks: Number(fields[11]) + Number(fields[12]), nice: Number(fields[16]) };
  } catch {
    return null;
  }
}

// The Linux driver: real containers through the LXC tools, so the whole product runs for real
// on a Linux box (development, CI, the end-to-end suite). Same contract as the FreeBSD driver:
// pid, mount, uts, ipc and net namespaces for isolation, cgroup v1 limits and usage.
//
// Where it differs from a jail, it says so (capabilities): the `dir` rootfs has no disk quota
// (disk is measured and billed as overage instead), a host without a bridge gives its jails no
// network, there is no NAT of public addresses and no snapshots.
//
// Every argument is parsed with the shared zod schemas before it reaches argv or a file; every
// file goes through the injected DriverFs (config-file.ts renders the container config,
// host-files.ts reads cgroup and /proc files).
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { authorizedKey, jailLimits, jailSpec, jobPayloads, type JailLimits, type JailSpec } from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import type { Runner } from "../../exec";
import { faultPause } from "../../faults";
import {
  NotFoundError,
  PreconditionError,
  ProcessNotFoundError,
  UnsupportedError,
  type CreateResult,
  type DesiredJail,
  type Driver,
  type Fingerprint,
  type JailInfo,
  type JailUsage,
  type ProcessInfo,
  type RecoveryReport,
} from "../driver";
import { readFileIfExists, type DriverFs } from "../driver-fs";
import { cgroupLimits, managedHostname, managedNetwork, renderContainerConfig } from "./config-file";
import { parseCgroupProcs, parseProcStat, readCgroupFile } from "./host-files";
import { measureUsage } from "./measure";
import { ensureBridge, hostKeyFingerprint, seedRootfs, type LxcHost } from "./provision";

export type LxcConfig = {
  runner: Runner;
  fs: DriverFs;
  /** Where LXC keeps containers (lxc.lxcpath). */
  lxcPath?: string;
  /** Bridge for the jails' veth interfaces; null → jails get no network. */
  bridge?: string | null;
  cgroupRoot?: string;
  /** Whether the agent runs as root (LXC needs it); tests inject it. */
  isRoot?: () => boolean;
  /** The clock (shadow's "last changed" day, CPU percentages); tests inject it. */
  now?: () => number;
};

/** The kernel's limit on a UTS nodename (__NEW_UTS_LEN, include/uapi/linux/utsname.h). */
export const LXC_MAX_HOSTNAME_LENGTH = 64;
/** USER_HZ: the unit of /proc/<pid>/stat times (proc(5)). */
const USER_HZ = 100;
const passwordHash = jobPayloads.SET_PASSWORD.shape.passwordHash;
const keyList = z.array(authorizedKey).max(50);
/** setpriority(2) range, as renice(1) takes it. */
const niceValue = z.number().int().min(-20).max(19);
const pidValue = z.number().int().positive();

export class LxcDriver implements Driver {
  readonly name = "lxc" as const;
  private readonly run: Runner["run"];
  private readonly fs: DriverFs;
  private readonly lxcPath: string;
  private readonly bridge: string | null;
  private readonly cgroupRoot: string;
  private readonly isRoot: () => boolean;
  private readonly now: () => number;
  private readonly host: LxcHost;
  /** Last CPU reading per pid, to turn cumulative ticks into a percentage between calls. */
  private cpuSeen = new Map<number, { ticks: number; at: number }>();

  constructor(config: LxcConfig) {
    this.run = config.runner.run.bind(config.runner);
    this.fs = config.fs;
    this.lxcPath = config.lxcPath ?? "/var/lib/lxc";
    this.bridge = config.bridge ?? null;
    this.cgroupRoot = config.cgroupRoot ?? "/sys/fs/cgroup";
    this.isRoot = config.isRoot ?? (() => process.getuid?.() === 0);
    this.now = config.now ?? Date.now;
    this.host = { run: this.run, fs: this.fs, lxcPath: this.lxcPath };
  }

  /** Checks the LXC tools (`lxc-create --version`), root, the busybox template and the cgroup memory controller. */
  async fingerprint(): Promise<Fingerprint> {
    const facts: Fingerprint["facts"] = { kernel: os.release(), lxcPath: this.lxcPath, bridge: this.bridge };
    const problems: string[] = [];
    try {
      facts.lxcVersion = (await this.run(["lxc-create", "--version"], { timeoutMs: 10_000 })).stdout.trim();
    } catch {
      problems.push("the LXC tools are not installed (apt-get install lxc)");
    }
    if (!this.isRoot()) problems.push("the agent does not run as root, which LXC needs here");
    if (!(await this.fs.exists("/usr/share/lxc/templates/lxc-busybox")) || !(await this.fs.exists("/bin/busybox"))) {
      problems.push("the busybox template is missing (apt-get install busybox-static)");
    }
    if (!(await this.fs.exists(path.join(this.cgroupRoot, "memory")))) problems.push("the cgroup memory controller is not mounted");
    facts.diskQuota = "not enforced (dir backend): measured and billed as overage";
    return {
      driver: "lxc",
      ready: problems.length === 0,
      reason: problems.length ? `Cannot run jails: ${problems.join("; ")}.` : undefined,
      facts,
      capabilities: {
        snapshots: false,
        diskQuota: false,
        memoryLimit: true,
        processLimit: true,
        cpuLimit: true,
        network: this.bridge !== null,
        publicIpv4: false,
        ipv6: false,
        hostnameLockdown: true,
        rootPassword: true,
        sshKeys: true,
        migration: false,
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

  async create(specIn: JailSpec, opts: { sshKeys: string[]; start: boolean }): Promise<CreateResult> {
    const spec = jailSpec.parse(specIn);
    const keys = keyList.parse(opts.sshKeys);
    if (spec.hostname.length > LXC_MAX_HOSTNAME_LENGTH) {
      throw new UnsupportedError("lxc", `hostnames longer than ${LXC_MAX_HOSTNAME_LENGTH} characters (the kernel's limit)`);
    }
    let existing = await this.inspect(spec.name);
    if (existing && !(await this.fs.exists(this.createdMarker(spec.name)))) {
      // A container without our marker is the remains of an attempt killed inside lxc-create:
      // it never ran and holds no customer data, so it is made again rather than adopted.
      await this.run(["lxc-destroy", "-n", spec.name, "-f"], { timeoutMs: 120_000 });
      existing = null;
    }
    if (!existing) {
      // The container starts with no network; the managed block below sets the real one.
      const bootstrap = path.join(this.lxcPath, `.cellblock-bootstrap-${spec.name}.conf`);
      await this.fs.mkdir(this.lxcPath, { recursive: true, mode: 0o755 });
      await this.fs.writeFile(bootstrap, "lxc.net.0.type = empty\n", { mode: 0o600 });
      try {
        await this.run(["lxc-create", "-n", spec.name, "-t", templateFor(spec), "-f", bootstrap], { timeoutMs: 180_000 });
      } finally {
        await this.fs.rm(bootstrap, { force: true });
      }
      // The rootfs is brand new and nothing inside has run yet, so writing into it from the
      // host cannot be redirected by a tenant's symlink.
      await seedRootfs(this.host, spec, keys);
      await this.fs.writeFile(this.createdMarker(spec.name), new Date(this.now()).toISOString() + "\n");
      await faultPause("after-create");
    }
    if (this.bridge) await ensureBridge(this.host, this.bridge, spec.network.privateGateway, spec.network.privatePrefix);
    await this.writeManagedConfig(spec.name, spec, spec.limits);
    let info = await this.mustInspect(spec.name);
    if (opts.start && !info.running) info = await this.start(spec.name);
    return {
      jid: null,
      initPid: info.initPid ?? null,
      running: info.running,
      sshHostKeyFingerprint: await hostKeyFingerprint(this.host, spec.name),
      adopted: Boolean(existing),
    };
  }

  async start(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const info = await this.mustInspect(name);
    if (info.running) return info;
    // After a host reboot the bridge the agent made is gone, and lxc-start would fail on the veth.
    const net = managedNetwork(await this.fs.readFile(this.configPath(name)));
    if (this.bridge && net?.link === this.bridge) await ensureBridge(this.host, this.bridge, net.gateway, net.prefix);
    await this.run(["lxc-start", "-n", name, "-d"], { timeoutMs: 60_000 });
    await this.run(["lxc-wait", "-n", name, "-s", "RUNNING", "-t", "30"], { timeoutMs: 40_000 });
    return this.mustInspect(name);
  }

  async stop(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const info = await this.mustInspect(name);
    if (!info.running) return info;
    await this.run(["lxc-stop", "-n", name, "-t", "10"], { timeoutMs: 40_000 });
    return this.mustInspect(name);
  }

  async restart(name: string): Promise<JailInfo> {
    await this.stop(name);
    return this.start(name);
  }

  async destroy(rawName: string): Promise<void> {
    const name = jailName.parse(rawName);
    if (!(await this.inspect(name))) return;
    await this.run(["lxc-destroy", "-n", name, "-f"], { timeoutMs: 120_000 });
  }

  /** `lxc-info -n <name> -s -p` (lxc-info(1)): `State: RUNNING` / `PID: 1234` lines. A container has no jid; PID is its init's. */
  async inspect(rawName: string): Promise<JailInfo | null> {
    const name = jailName.parse(rawName);
    if (!(await this.fs.exists(this.configPath(name)))) return null;
    const r = await this.run(["lxc-info", "-n", name, "-s", "-p"], { timeoutMs: 15_000, okCodes: [1] });
    if (r.code !== 0) return null;
    const state = /State:\s*(\S+)/.exec(r.stdout)?.[1];
    const pid = /PID:\s*(\d+)/.exec(r.stdout)?.[1];
    const running = state === "RUNNING";
    const config = await readFileIfExists(this.fs, this.configPath(name));
    return { name, running, jid: null, initPid: running && pid ? Number(pid) : null, hostname: config ? managedHostname(config) : null };
  }

  /** `lxc-ls -f -F NAME,STATE,PID` (lxc-ls(1)): a header line, then one whitespace-separated row per container. */
  async list(): Promise<JailInfo[]> {
    const r = await this.run(["lxc-ls", "-f", "-F", "NAME,STATE,PID"], { timeoutMs: 30_000 });
    return r.stdout
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([name]) => name && jailName.safeParse(name).success)
      .map(([name, state, pid]) => ({
        name: name!,
        running: state === "RUNNING",
        jid: null,
        initPid: state === "RUNNING" && pid && /^\d+$/.test(pid) ? Number(pid) : null,
      }));
  }

  async setLimits(rawName: string, limitsIn: JailLimits): Promise<void> {
    const name = jailName.parse(rawName);
    const limits = jailLimits.parse(limitsIn);
    const info = await this.mustInspect(name);
    await this.writeManagedConfig(name, null, limits);
    if (!info.running) return; // applied from the config at the next start
    for (const [key, value] of cgroupLimits(limits)) {
      await this.run(["lxc-cgroup", "-n", name, key, value], { timeoutMs: 15_000 });
    }
  }

  async setRootPasswordHash(rawName: string, rawHash: string): Promise<void> {
    const name = jailName.parse(rawName);
    const hash = passwordHash.parse(rawHash);
    await this.requireRunning(name, "set the root password");
    const current = (await this.run(["lxc-attach", "-n", name, "--", "/bin/cat", "/etc/shadow"], { timeoutMs: 15_000 })).stdout;
    // shadow(5): the date of the last change, in days since 1970-01-01.
    const days = Math.floor(this.now() / 86_400_000);
    const rootLine = `root:${hash}:${days}:0:99999:7:::`;
    const others = current.split("\n").filter((l) => l.trim() && !l.startsWith("root:"));
    // The hash travels on stdin, never on a command line.
    await this.run(["lxc-attach", "-n", name, "--", "/bin/dd", "of=/etc/shadow", "status=none"], {
      input: [rootLine, ...others].join("\n") + "\n",
      timeoutMs: 15_000,
    });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/chmod", "600", "/etc/shadow"], { timeoutMs: 15_000 });
  }

  async setAuthorizedKeys(rawName: string, keysIn: string[]): Promise<void> {
    const name = jailName.parse(rawName);
    const keys = keyList.parse(keysIn);
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

  /** See measure.ts: du, cgroup v1 files and the veth's statistics, with their epochs. */
  async usage(rawNames: string[]): Promise<JailUsage[]> {
    return measureUsage({ ...this.host, cgroupRoot: this.cgroupRoot }, z.array(jailName).parse(rawNames));
  }

  /** Starts every desired container that should run and does not (see Driver.recover); limits live in each config. */
  async recover(desired: DesiredJail[]): Promise<RecoveryReport> {
    const report: RecoveryReport = { started: [], converged: [], failed: [] };
    const running = new Set((await this.list()).filter((j) => j.running).map((j) => j.name));
    for (const d of desired) {
      if (!d.running || running.has(d.name)) continue;
      try {
        await this.start(d.name);
        report.started.push(d.name);
      } catch (err) {
        report.failed.push({ name: d.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return report;
  }

  /** The pids in the container's pids cgroup with their /proc/<pid>/stat; CPU % since the previous call. */
  async processes(rawName: string): Promise<ProcessInfo[]> {
    const name = jailName.parse(rawName);
    const procs = await readCgroupFile(this.fs, this.cgroupRoot, "pids", name, "cgroup.procs");
    if (procs === null) {
      await this.mustInspect(name);
      return []; // stopped: no cgroup
    }
    const now = this.now();
    const result: ProcessInfo[] = [];
    const seen = new Set<number>();
    for (const pid of parseCgroupProcs(procs)) {
      const text = await readFileIfExists(this.fs, `/proc/${pid}/stat`);
      const stat = text ? parseProcStat(text) : null;
      if (!stat) continue;
      seen.add(pid);
      const prev = this.cpuSeen.get(pid);
      this.cpuSeen.set(pid, { ticks: stat.ticks, at: now });
      const cpuPercent = prev && now > prev.at ? ((stat.ticks - prev.ticks) / USER_HZ / ((now - prev.at) / 1000)) * 100 : 0;
      result.push({ pid, command: stat.comm, cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10), nice: stat.nice });
    }
    for (const pid of this.cpuSeen.keys()) if (!seen.has(pid) && this.cpuSeen.get(pid)!.at < now - 3600_000) this.cpuSeen.delete(pid);
    return result;
  }

  /** `renice -n <nice> -p <pid>` (renice(1), util-linux), only for a pid in the container's cgroup. */
  async renice(rawName: string, rawPid: number, rawNice: number): Promise<void> {
    const name = jailName.parse(rawName);
    const pid = pidValue.parse(rawPid);
    const nice = niceValue.parse(rawNice);
    const procs = await readCgroupFile(this.fs, this.cgroupRoot, "pids", name, "cgroup.procs");
    if (procs === null) await this.mustInspect(name);
    // Only ever renice a process that belongs to this jail: a stale pid may have been reused.
    if (!parseCgroupProcs(procs).includes(pid)) throw new ProcessNotFoundError(name, pid);
    await this.run(["renice", "-n", String(nice), "-p", String(pid)], { timeoutMs: 10_000 });
  }

  async snapshot(): Promise<void> {
    throw new UnsupportedError("lxc", "snapshots (the dir backend has none; use the freebsd driver's ZFS snapshots)");
  }

  // ─── helpers ───

  private async mustInspect(name: string): Promise<JailInfo> {
    const info = await this.inspect(name);
    if (!info) throw new NotFoundError(name);
    return info;
  }

  private async requireRunning(name: string, what: string): Promise<void> {
    const info = await this.mustInspect(name);
    if (!info.running) throw new PreconditionError(`The jail must be running to ${what}. Start it and try again.`);
  }

  /** Written once the container and its seeded rootfs are complete. */
  createdMarker(name: string) {
    return path.join(this.lxcPath, name, "cellblock-created");
  }

  private configPath(name: string) {
    return path.join(this.lxcPath, name, "config");
  }

  private async writeManagedConfig(name: string, spec: JailSpec | null, limits: JailLimits) {
    const file = this.configPath(name);
    const text = await this.fs.readFile(file);
    await this.fs.writeFile(file, renderContainerConfig(text, { name, spec, limits, bridge: this.bridge }));
  }
}

function templateFor(spec: JailSpec): string {
  // Only the busybox template exists offline; the web stack is busybox plus httpd (seedRootfs).
  return spec.template.lxcTemplate === "busybox" ? "busybox" : "busybox";
}

// The Linux driver: real containers through the LXC tools, so the whole product runs for real
// on a Linux box (development, CI, the end-to-end suite) and a provider can sell on Linux hosts.
// Same contract as the FreeBSD driver:
//   - a template's root is a real OS (Debian built once per host by mmdebstrap, templates.ts)
//     unpacked per jail, or busybox from `lxc-create -t busybox` for fast tests;
//   - each jail's root is its own xfs disk image sized at the plan's quota (disk-image.ts):
//     a hard limit, grown online on an upgrade;
//   - pid, mount, uts, ipc and net namespaces, cgroup v1 limits and usage, hostname lockdown;
//   - a veth on the host's bridge with the private IPv4 and the global IPv6 address, and the
//     public IPv4 NAT'd by nftables (nat.ts);
//   - what a reboot forgets (mounts, bridge, NAT) is recorded per jail (state.ts) and put back by
//     start() and recover().
// No snapshots. What this host cannot do is said in its capabilities.
//
// Every argument is parsed with the shared zod schemas before it reaches argv or a file; every
// file goes through the injected DriverFs (config-file.ts renders the container config,
// host-files.ts reads cgroup, /proc and mount files).
import path from "node:path";
import { z } from "zod";
import { formatBytes, formatMb } from "@/lib/format";
import {
  authorizedKey,
  jailLimits,
  jailSpec,
  jailTemplate,
  jobPayloads,
  type JailLimits,
  type JailSpec,
  type JailTemplate,
} from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import { BYTES_PER_MIB } from "@/lib/units";
import type { Runner } from "../../exec";
import { faultPause } from "../../faults";
import {
  NO_JOB,
  PreconditionError,
  UnsupportedError,
  type CreateOptions,
  type CreateResult,
  type DesiredJail,
  type Driver,
  type Fingerprint,
  type JailInfo,
  type JailUsage,
  type JobContext,
  type ProcessInfo,
  type RecoveryReport,
  type TemplateBuildResult,
  requireJail,
} from "../driver";
import { readFileIfExists, type DriverFs } from "../driver-fs";
import { cgroupLimits, managedHostname, managedNetwork, realOsBaseConfig, renderContainerConfig } from "./config-file";
import {
  assertQuotaSupported,
  diskFigures,
  ensureMounted,
  fitToQuota,
  imagePath,
  makeImage,
  rootfsPath,
  shrinkImage,
  unmountIfMounted,
} from "./disk-image";
import { measureUsage } from "./measure";
import { ensureBridge, hostKeyFingerprint, seedRootfs, withRootPassword, type LxcHost } from "./provision";
import { readJailState, writeJailState } from "./state";
import { backupJail, restoreJail } from "./backup";
import { lxcFingerprint, LXC_MAX_HOSTNAME_LENGTH } from "./fingerprint";
import { LxcProcesses } from "./processes";
import { JailNetwork } from "./network";
import { waitForPresentedFingerprint, waitForSshd } from "./sshd-wait";

export { LXC_MAX_HOSTNAME_LENGTH };
import { type BackupResult, type BackupTarget } from "../restic";
import { ensureTemplateArchive, mmdebstrapRecipe, unpackTemplate } from "./templates";

export type LxcConfig = {
  runner: Runner;
  fs: DriverFs;
  /** Where LXC keeps containers (lxc.lxcpath). */
  lxcPath?: string;
  /** Bridge for the jails' veth interfaces; null → jails get no network. */
  bridge?: string | null;
  /** Where built templates are cached (one tarball per template version). */
  templateCache?: string;
  cgroupRoot?: string;
  /** Whether the agent runs as root (LXC needs it); tests inject it. */
  isRoot?: () => boolean;
  /** The clock (shadow's "last changed" day, CPU percentages); tests inject it. */
  now?: () => number;
  /** How long start waits for a real OS's sshd to listen before it reports the jail running anyway. */
  sshdWaitMs?: number;
  /** Waits between polls; tests inject one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
};

export const DEFAULT_TEMPLATE_CACHE = "/var/cache/cellblock/templates";
/** USER_HZ: the unit of /proc/<pid>/stat times (proc(5)). */
const passwordHash = jobPayloads.SET_PASSWORD.shape.passwordHash;
const keyList = z.array(authorizedKey).max(50);
/** setpriority(2) range, as renice(1) takes it. */

export class LxcDriver implements Driver {
  readonly name = "lxc" as const;
  private readonly run: Runner["run"];
  private readonly fs: DriverFs;
  private readonly lxcPath: string;
  private readonly bridge: string | null;
  private readonly templateCache: string;
  private readonly cgroupRoot: string;
  private readonly isRoot: () => boolean;
  private readonly now: () => number;
  private readonly sshdWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly host: LxcHost;
  /** Whether nft(8) is installed, asked once. */
  private readonly network: JailNetwork;
  /** Last CPU reading per pid, to turn cumulative ticks into a percentage between calls. */
  private readonly procs: LxcProcesses;

  constructor(config: LxcConfig) {
    this.run = config.runner.run.bind(config.runner);
    this.fs = config.fs;
    this.lxcPath = config.lxcPath ?? "/var/lib/lxc";
    this.bridge = config.bridge ?? null;
    this.templateCache = config.templateCache ?? DEFAULT_TEMPLATE_CACHE;
    this.cgroupRoot = config.cgroupRoot ?? "/sys/fs/cgroup";
    this.isRoot = config.isRoot ?? (() => process.getuid?.() === 0);
    this.now = config.now ?? Date.now;
    this.sshdWaitMs = config.sshdWaitMs ?? 90_000;
    this.sleep = config.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.host = { run: this.run, fs: this.fs, lxcPath: this.lxcPath };
    this.network = new JailNetwork(this.host, this.bridge);
    this.procs = new LxcProcesses({ run: this.run, fs: this.fs, cgroupRoot: this.cgroupRoot, now: this.now, driver: this });
  }

  async fingerprint(): Promise<Fingerprint> {
    return lxcFingerprint({
      ...this.host,
      bridge: this.bridge,
      templateCache: this.templateCache,
      cgroupRoot: this.cgroupRoot,
      isRoot: this.isRoot,
    });
  }

  /** See templates.ts: the template's tarball in this host's cache, built with mmdebstrap when missing. */
  async buildTemplate(templateIn: JailTemplate, job: JobContext = NO_JOB): Promise<TemplateBuildResult> {
    const template = jailTemplate.parse(templateIn);
    if (!mmdebstrapRecipe(template)) return { bytes: 0, cached: true }; // an LXC template script: nothing to build
    const { bytes, cached } = await ensureTemplateArchive(this.host, { cacheDir: this.templateCache, template, job });
    return { bytes, cached };
  }

  async create(specIn: JailSpec, opts: CreateOptions): Promise<CreateResult> {
    const spec = jailSpec.parse(specIn);
    const keys = keyList.parse(opts.sshKeys);
    const hash = opts.rootPasswordHash ? passwordHash.parse(opts.rootPasswordHash) : null;
    const job = opts.job ?? NO_JOB;
    if (spec.hostname.length > LXC_MAX_HOSTNAME_LENGTH) {
      throw new UnsupportedError("lxc", `hostnames longer than ${LXC_MAX_HOSTNAME_LENGTH} characters (the kernel's limit)`);
    }
    assertQuotaSupported(spec.limits.diskQuotaMb);
    const recipe = mmdebstrapRecipe(spec.template);
    const state = this.network.stateOf(spec, Boolean(recipe));
    let existing = await this.inspect(spec.name);
    if (!(await this.fs.exists(this.createdMarker(spec.name))) && (existing || (await this.fs.exists(this.dir(spec.name))))) {
      // A container without our marker is the remains of an attempt killed half-way (inside
      // lxc-create, the unpack, the seeding): it never ran and holds no customer data, so it is
      // made again rather than adopted.
      await this.discard(spec.name);
      existing = null;
    }
    if (!existing) {
      // A host whose cache lost the template (or that never got the build job) builds it now.
      const archive = recipe
        ? (await ensureTemplateArchive(this.host, { cacheDir: this.templateCache, template: spec.template, job })).archive
        : null;
      await this.fs.mkdir(this.dir(spec.name), { recursive: true, mode: 0o700 });
      job.progress({ percent: 40, message: `Making the jail's ${spec.limits.diskQuotaMb} MB disk` });
      await makeImage(this.host, { image: this.image(spec.name), dir: this.rootfs(spec.name), quotaMb: spec.limits.diskQuotaMb });
      if (archive) {
        await unpackTemplate(this.host, { archive, rootfs: this.rootfs(spec.name), job });
        await this.fs.writeFile(
          this.configPath(spec.name),
          realOsBaseConfig({ rootfs: this.rootfs(spec.name), template: `${spec.template.slug} v${spec.template.version}` }),
        );
      } else {
        // The template script installs into the mounted image (lxc-create keeps an existing rootfs
        // directory); the container starts with no network, the managed block sets the real one.
        const bootstrap = path.join(this.lxcPath, `.cellblock-bootstrap-${spec.name}.conf`);
        await this.fs.writeFile(bootstrap, "lxc.net.0.type = empty\n", { mode: 0o600 });
        try {
          await this.run(["lxc-create", "-n", spec.name, "-t", templateFor(spec), "-f", bootstrap], { timeoutMs: 180_000 });
        } finally {
          await this.fs.rm(bootstrap, { force: true });
        }
      }
      job.progress({ percent: 75, message: "Writing the jail's hostname, keys and root password" });
      // The rootfs is brand new and nothing inside has run yet, so writing into it from the
      // host cannot be redirected by a tenant's symlink.
      await seedRootfs(this.host, spec, { keys, realOs: Boolean(recipe), passwordHash: hash, now: this.now() });
      await writeJailState(this.fs, this.lxcPath, spec.name, state);
      await this.fs.writeFile(this.createdMarker(spec.name), new Date(this.now()).toISOString() + "\n");
      await faultPause("after-create");
    }
    // Adopted or new: the spec is the truth for addresses (the record is rewritten) and limits.
    await writeJailState(this.fs, this.lxcPath, spec.name, state);
    await ensureMounted(this.host, this.image(spec.name), this.rootfs(spec.name));
    await this.network.apply(state);
    await this.writeManagedConfig(spec.name, spec, spec.limits);
    let info = await requireJail(this, spec.name);
    if (opts.start && !info.running) info = await this.start(spec.name, job);
    const fingerprint = recipe
      ? info.running
        ? await waitForPresentedFingerprint(this.host, spec.name, { job, sleep: this.sleep })
        : null // a real OS makes its host keys at its first boot
      : await hostKeyFingerprint(this.host, spec.name);
    return {
      jid: null,
      initPid: info.initPid ?? null,
      running: info.running,
      sshHostKeyFingerprint: fingerprint,
      adopted: Boolean(existing),
      rootPasswordSet: hash !== null,
    };
  }

  async start(rawName: string, job: JobContext = NO_JOB): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const info = await requireJail(this, name);
    const state = await readJailState(this.fs, this.lxcPath, name);
    // After a reboot the image is not mounted and lxc-start would boot an empty directory.
    if (state?.image) await ensureMounted(this.host, state.image.path, this.rootfs(name));
    if (info.running) return info;
    // After a reboot the bridge and the NAT rules the agent made are gone, and lxc-start would
    // fail on the veth.
    if (state) await this.network.apply(state);
    else {
      const net = managedNetwork(await this.fs.readFile(this.configPath(name)));
      if (this.bridge && net?.link === this.bridge) await ensureBridge(this.host, this.bridge, net.gateway, net.prefix);
    }
    await this.run(["lxc-start", "-n", name, "-d"], { timeoutMs: 60_000 });
    await this.run(["lxc-wait", "-n", name, "-s", "RUNNING", "-t", "30"], { timeoutMs: 40_000 });
    const started = await requireJail(this, name);
    // "Running" is what the customer reads as "I can log in now": for a real OS, wait for sshd.
    if (state?.realOs && started.initPid)
      await waitForSshd(this.fs, started.initPid, { job, sleep: this.sleep, now: this.now, waitMs: this.sshdWaitMs });
    return started;
  }

  async stop(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const info = await requireJail(this, name);
    if (!info.running) return info;
    await this.run(["lxc-stop", "-n", name, "-t", "10"], { timeoutMs: 40_000 });
    return requireJail(this, name);
  }

  async restart(name: string): Promise<JailInfo> {
    await this.stop(name);
    return this.start(name);
  }

  /** Stops the jail, removes its NAT rules, unmounts and deletes its disk image and container. */
  async destroy(rawName: string): Promise<void> {
    const name = jailName.parse(rawName);
    const info = await this.inspect(name);
    if (!info && !(await this.fs.exists(this.dir(name)))) return;
    const state = await readJailState(this.fs, this.lxcPath, name);
    if (info?.running) await this.run(["lxc-stop", "-n", name, "-k"], { timeoutMs: 40_000 });
    await this.network.remove(state);
    await this.discard(name);
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

  /**
   * Replaces the jail's limits. The disk image follows the quota: grown online on an upgrade;
   * on a downgrade refused (PreconditionError, with the figures) when the jail uses more than
   * the new quota, otherwise copied into a smaller image while the jail is stopped for a moment
   * (xfs cannot shrink). Then the cgroup limits, in the config and, when running, live.
   */
  async setLimits(rawName: string, limitsIn: JailLimits): Promise<void> {
    const name = jailName.parse(rawName);
    const limits = jailLimits.parse(limitsIn);
    let info = await requireJail(this, name);
    const state = await readJailState(this.fs, this.lxcPath, name);
    if (state?.image) {
      await this.resizeDisk(name, state.image.path, limits.diskQuotaMb, info.running);
      info = await requireJail(this, name);
    }
    await this.writeManagedConfig(name, null, limits);
    if (!info.running) return; // applied from the config at the next start
    for (const [key, value] of cgroupLimits(limits)) {
      await this.run(["lxc-cgroup", "-n", name, key, value], { timeoutMs: 15_000 });
    }
  }

  private async resizeDisk(name: string, image: string, quotaMb: number, running: boolean) {
    assertQuotaSupported(quotaMb);
    const dir = this.rootfs(name);
    await ensureMounted(this.host, image, dir);
    const fig = (await diskFigures(this.host, [dir])).get(dir);
    if (!fig) throw new Error(`nothing is mounted at ${dir}`);
    const quota = quotaMb * BYTES_PER_MIB;
    if (fig.sizeBytes < quota - BYTES_PER_MIB) return fitToQuota(this.host, { image, dir, quotaMb, current: fig });
    // fitToQuota leaves the file system within a few blocks of the quota: that is "this size".
    if (fig.sizeBytes <= quota + 8 * BYTES_PER_MIB) return;
    if (fig.usedBytes > quota) {
      throw new PreconditionError(
        `The jail uses ${formatBytes(fig.usedBytes)}; the new plan allows ${formatMb(quotaMb)}. Delete files first.`,
      );
    }
    if (running) await this.stop(name);
    try {
      await shrinkImage(this.host, { image, dir, quotaMb });
    } finally {
      if (running) await this.start(name);
    }
  }

  async setRootPasswordHash(rawName: string, rawHash: string): Promise<void> {
    const name = jailName.parse(rawName);
    const hash = passwordHash.parse(rawHash);
    await requireJail(this, name, { runningTo: "set the root password" });
    const current = (await this.run(["lxc-attach", "-n", name, "--", "/bin/cat", "/etc/shadow"], { timeoutMs: 15_000 })).stdout;
    // The hash travels on stdin, never on a command line.
    await this.run(["lxc-attach", "-n", name, "--", "/bin/dd", "of=/etc/shadow", "status=none"], {
      input: withRootPassword(current, hash, this.now()),
      timeoutMs: 15_000,
    });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/chmod", "600", "/etc/shadow"], { timeoutMs: 15_000 });
  }

  async setAuthorizedKeys(rawName: string, keysIn: string[]): Promise<void> {
    const name = jailName.parse(rawName);
    const keys = keyList.parse(keysIn);
    await requireJail(this, name, { runningTo: "change SSH keys" });
    // Written from inside the jail's namespaces, so a symlink the tenant planted in /root
    // resolves inside the jail, never on the host.
    await this.run(["lxc-attach", "-n", name, "--", "/bin/mkdir", "-p", "-m", "700", "/root/.ssh"], { timeoutMs: 15_000 });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/dd", "of=/root/.ssh/authorized_keys", "status=none"], {
      input: keys.map((k) => `${k}\n`).join(""),
      timeoutMs: 15_000,
    });
    await this.run(["lxc-attach", "-n", name, "--", "/bin/chmod", "600", "/root/.ssh/authorized_keys"], { timeoutMs: 15_000 });
  }

  /** See measure.ts: the image's file system, cgroup v1 files and the veth's statistics, with their epochs. */
  async usage(rawNames: string[]): Promise<JailUsage[]> {
    return measureUsage({ ...this.host, cgroupRoot: this.cgroupRoot }, z.array(jailName).parse(rawNames));
  }

  /**
   * After an agent restart or a host reboot (see Driver.recover): for every desired jail that
   * exists, mounts its disk image, makes its bridge and NAT rules again, and starts it if it
   * should run and does not. Limits live in each config and apply at start.
   */
  async recover(desired: DesiredJail[]): Promise<RecoveryReport> {
    const report: RecoveryReport = { started: [], converged: [], failed: [] };
    const running = new Set((await this.list()).filter((j) => j.running).map((j) => j.name));
    for (const d of desired) {
      if (!(await this.fs.exists(this.configPath(d.name)))) continue; // never made here, or destroyed: never created again
      try {
        if (d.running && !running.has(d.name)) {
          await this.start(d.name); // mounts the image, makes the bridge and the NAT rules first
          report.started.push(d.name);
          continue;
        }
        const state = await readJailState(this.fs, this.lxcPath, d.name);
        if (state?.image) await ensureMounted(this.host, state.image.path, this.rootfs(d.name));
        if (state) await this.network.apply(state);
        if (running.has(d.name)) report.converged.push(d.name);
      } catch (err) {
        report.failed.push({ name: d.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return report;
  }

  async processes(name: string): Promise<ProcessInfo[]> {
    return this.procs.list(name);
  }

  async renice(name: string, pid: number, nice: number): Promise<void> {
    return this.procs.renice(name, pid, nice);
  }

  async snapshot(): Promise<void> {
    throw new UnsupportedError("lxc", "snapshots (its xfs disk images have none; use the freebsd driver's ZFS snapshots)");
  }

  /** See backup.ts: restic from a frozen-then-copied disk image. */
  async backup(name: string, target: BackupTarget, opts: { backupId: string; job?: JobContext }): Promise<BackupResult> {
    return backupJail({ ...this.host, driver: this }, name, target, opts);
  }

  /** See backup.ts: restore into a fresh image of the same size, swapped in. */
  async restore(name: string, target: BackupTarget, opts: { snapshotId: string; start: boolean; job?: JobContext }): Promise<JailInfo> {
    return restoreJail({ ...this.host, driver: this }, name, target, opts);
  }

  // ─── helpers ───

  /**
   * Removes what is at the jail's name: its disk image unmounted first (a half-made one too),
   * then the container directory, never crossing into a file system still mounted below it.
   */
  private async discard(name: string): Promise<void> {
    if ((await this.inspect(name))?.running) await this.run(["lxc-stop", "-n", name, "-k"], { timeoutMs: 40_000 });
    await unmountIfMounted(this.host, path.join(this.dir(name), "backup-snapshot"));
    await unmountIfMounted(this.host, `${this.rootfs(name)}.restore`);
    await unmountIfMounted(this.host, `${this.rootfs(name)}.new`);
    await unmountIfMounted(this.host, this.rootfs(name));
    if (await this.fs.exists(this.configPath(name))) await this.run(["lxc-destroy", "-n", name, "-f"], { timeoutMs: 120_000 });
    if (await this.fs.exists(this.dir(name))) await this.run(["rm", "-rf", "--one-file-system", this.dir(name)], { timeoutMs: 300_000 });
  }

  private dir(name: string) {
    return path.join(this.lxcPath, name);
  }
  private image(name: string) {
    return imagePath(this.lxcPath, name);
  }
  private rootfs(name: string) {
    return rootfsPath(this.lxcPath, name);
  }

  /** Written once the container, its disk and its seeded rootfs are complete. */
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
  // Only the busybox LXC template works offline; the web stack is busybox plus httpd (seedRootfs).
  const rootfs = spec.template.lxcRootfs;
  return rootfs?.kind === "lxc-template" && rootfs.name === "busybox" ? "busybox" : "busybox";
}

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
import { z } from "zod";
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
import type { Runner } from "../../exec";
import { NO_JOB, UnsupportedError, requireJail } from "../driver";
import type {
  CreateOptions,
  CreateResult,
  DesiredJail,
  Driver,
  Fingerprint,
  JailInfo,
  JailUsage,
  JobContext,
  ProcessInfo,
  RecoveryReport,
  TemplateBuildResult,
} from "../driver";
import { readFileIfExists, type DriverFs } from "../driver-fs";
import { type BackupResult, type BackupTarget } from "../restic";
import { writeAuthorizedKeys, writeRootPassword } from "./access";
import { backupJail, restoreJail } from "./backup";
import { cgroupLimits, managedHostname, managedNetwork, renderContainerConfig } from "./config-file";
import { assertQuotaSupported, ensureMounted, resizeImage, unmountIfMounted } from "./disk-image";
import { lxcFingerprint, LXC_MAX_HOSTNAME_LENGTH } from "./fingerprint";
import { makeJailRoot } from "./make-root";
import { measureUsage } from "./measure";
import { JailNetwork } from "./network";
import { DEFAULT_LXC_PATH, lxcJailPaths, runWithLxcPath } from "./paths";
import { LxcProcesses } from "./processes";
import { ensureBridge, hostKeyFingerprint, type LxcHost } from "./provision";
import { readJailState, writeJailState } from "./state";
import { waitForPresentedFingerprint, waitForSshd } from "./sshd-wait";
import { ensureTemplateArchive, mmdebstrapRecipe } from "./templates";

export { LXC_MAX_HOSTNAME_LENGTH };

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
const passwordHash = jobPayloads.SET_PASSWORD.shape.passwordHash;
const keyList = z.array(authorizedKey).max(50);

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
  private readonly network: JailNetwork;
  private readonly procs: LxcProcesses;

  constructor(config: LxcConfig) {
    this.fs = config.fs;
    this.lxcPath = config.lxcPath ?? DEFAULT_LXC_PATH;
    this.run = runWithLxcPath(config.runner.run.bind(config.runner), this.lxcPath);
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
    if (!(await this.fs.exists(this.createdMarker(spec.name))) && (existing || (await this.fs.exists(this.paths(spec.name).dir)))) {
      // A container without our marker is the remains of an attempt killed half-way (inside
      // lxc-create, the unpack, the seeding): it never ran and holds no customer data, so it is
      // made again rather than adopted.
      await this.discard(spec.name);
      existing = null;
    }
    if (!existing) {
      await makeJailRoot(this.host, { spec, keys, passwordHash: hash, state, templateCache: this.templateCache, nowMs: this.now(), job });
    }
    // Adopted or new: the spec is the truth for addresses (the record is rewritten) and limits.
    await writeJailState(this.fs, this.lxcPath, spec.name, state);
    await ensureMounted(this.host, this.paths(spec.name).image, this.paths(spec.name).rootfs);
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
    if (state?.image) await ensureMounted(this.host, state.image.path, this.paths(name).rootfs);
    if (info.running) return info;
    // After a reboot the bridge and the NAT rules the agent made are gone, and lxc-start would
    // fail on the veth.
    if (state) await this.network.apply(state);
    else {
      const net = managedNetwork(await this.fs.readFile(this.paths(name).config));
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
    if (!info && !(await this.fs.exists(this.paths(name).dir))) return;
    const state = await readJailState(this.fs, this.lxcPath, name);
    if (info?.running) await this.run(["lxc-stop", "-n", name, "-k"], { timeoutMs: 40_000 });
    await this.network.remove(state);
    await this.discard(name);
  }

  /** `lxc-info -n <name> -s -p` (lxc-info(1)): `State: RUNNING` / `PID: 1234` lines. A container has no jid; PID is its init's. */
  async inspect(rawName: string): Promise<JailInfo | null> {
    const name = jailName.parse(rawName);
    if (!(await this.fs.exists(this.paths(name).config))) return null;
    const r = await this.run(["lxc-info", "-n", name, "-s", "-p"], { timeoutMs: 15_000, okCodes: [1] });
    if (r.code !== 0) return null;
    const state = /State:\s*(\S+)/.exec(r.stdout)?.[1];
    const pid = /PID:\s*(\d+)/.exec(r.stdout)?.[1];
    const running = state === "RUNNING";
    const config = await readFileIfExists(this.fs, this.paths(name).config);
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
      await resizeImage(this.host, {
        image: state.image.path,
        dir: this.paths(name).rootfs,
        quotaMb: limits.diskQuotaMb,
        running: info.running,
        stop: () => this.stop(name),
        start: () => this.start(name),
      });
      info = await requireJail(this, name);
    }
    await this.writeManagedConfig(name, null, limits);
    if (!info.running) return; // applied from the config at the next start
    for (const [key, value] of cgroupLimits(limits)) {
      await this.run(["lxc-cgroup", "-n", name, key, value], { timeoutMs: 15_000 });
    }
  }

  /** See access.ts: written from inside the running jail, the hash on stdin. */
  async setRootPasswordHash(rawName: string, rawHash: string): Promise<void> {
    return writeRootPassword({ ...this.host, driver: this }, rawName, passwordHash.parse(rawHash), this.now());
  }

  /** See access.ts: root's authorized_keys, written from inside the running jail. */
  /**
   * lxc-attach(1) with `--clear-env` (the attached process starts with only container=lxc, plus
   * the TERM set here: no variable of the agent's leaks in) running `su -l root`, root's login
   * shell from the container's own passwd with a login environment (su(1) `-l`; busybox's su
   * takes the same flag). `-P <lxcpath>` when the agent's LXC path is not the default, as for
   * every LXC tool (runWithLxcPath).
   */
  async consoleArgv(rawName: string): Promise<string[]> {
    const name = jailName.parse(rawName);
    await requireJail(this, name, { runningTo: "open a console" });
    const argv = ["lxc-attach", "-n", name, "--clear-env", "--set-var", "TERM=xterm-256color", "--", "/bin/su", "-l", "root"];
    return runWithLxcPath((a: string[]) => a, this.lxcPath)(argv);
  }

  async setAuthorizedKeys(rawName: string, keysIn: string[]): Promise<void> {
    return writeAuthorizedKeys({ ...this.host, driver: this }, rawName, keyList.parse(keysIn));
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
      if (!(await this.fs.exists(this.paths(d.name).config))) continue; // never made here, or destroyed: never created again
      try {
        if (d.running && !running.has(d.name)) {
          await this.start(d.name); // mounts the image, makes the bridge and the NAT rules first
          report.started.push(d.name);
          continue;
        }
        const state = await readJailState(this.fs, this.lxcPath, d.name);
        if (state?.image) await ensureMounted(this.host, state.image.path, this.paths(d.name).rootfs);
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
    const p = this.paths(name);
    if ((await this.inspect(name))?.running) await this.run(["lxc-stop", "-n", name, "-k"], { timeoutMs: 40_000 });
    for (const dir of [p.backupSnapshot, `${p.rootfs}.restore`, `${p.rootfs}.new`, p.rootfs]) await unmountIfMounted(this.host, dir);
    if (await this.fs.exists(p.config)) await this.run(["lxc-destroy", "-n", name, "-f"], { timeoutMs: 120_000 });
    if (await this.fs.exists(p.dir)) await this.run(["rm", "-rf", "--one-file-system", p.dir], { timeoutMs: 300_000 });
  }

  private paths(name: string) {
    return lxcJailPaths(this.lxcPath, name);
  }

  /** Written once the container, its disk and its seeded rootfs are complete. */
  createdMarker(name: string) {
    return this.paths(name).createdMarker;
  }

  private async writeManagedConfig(name: string, spec: JailSpec | null, limits: JailLimits) {
    const file = this.paths(name).config;
    const text = await this.fs.readFile(file);
    await this.fs.writeFile(file, renderContainerConfig(text, { name, spec, limits, bridge: this.bridge }));
  }
}

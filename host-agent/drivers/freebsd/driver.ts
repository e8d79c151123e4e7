// The production driver: FreeBSD jails built from a ZFS clone (or a tarball skeleton), one
// jail(8) file per jail in /etc/jail.conf.d, limits through rctl(8), NAT through a per-jail pf
// anchor. Every command is an argv array handed to the Runner (no shell on the host); secrets go
// on stdin. Every name, hostname and address is parsed with the shared zod schemas before it is
// put into a command or a config file.
//
// One concern per file: config.ts (settings, paths), fingerprint.ts with prerequisites.ts and
// pf-checks.ts (host prerequisites and capabilities), storage.ts (ZFS / tarball roots), limits.ts
// (rctl, refquota), pf.ts (anchors, counters), state.ts (what survives a reboot), render.ts (what
// is written), parse.ts (what is read; samples in fixtures/).
//
// The kernel forgets rctl rules and runtime-loaded pf anchors on reboot, and rc.d/jail starts
// only jails named in jail_list. Rather than hand the host's boot a second copy of every jail's
// rules, the driver converges: start() puts the recorded limits and anchor back before
// `jail -c`, and recover() — run by the agent once it is back — starts what should run.
import { z } from "zod";
import { jailLimits, jailSpec, jobPayloads, type JailLimits, type JailSpec } from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import { ProcessNotFoundError, requireJail } from "../driver";
import type {
  CreateResult,
  DesiredJail,
  Driver,
  Fingerprint,
  JailInfo,
  JailUsage,
  JobContext,
  ProcessInfo,
  RecoveryReport,
} from "../driver";
import type { BackupResult, BackupTarget } from "../restic";
import { backupJail, restoreJail, snapshotJail } from "./backup";
import { jailPaths, parseFreeBsdConfig, type FreeBsdConfig, type FreeBsdDriverOptions, type FreeBsdHost } from "./config";
import { fingerprintHost } from "./fingerprint";
import { applyRctlLimits, applyRefquota, checkQuotaFits, readDiskFigures, removeRctlRules, type DiskFigures } from "./limits";
import { parseJls, parsePs, parseRctlUsage, parseSshKeygenFingerprint } from "./parse";
import { ensureAnchor, flushAnchor, readAnchor } from "./pf";
import { renderJailConf } from "./render";
import { readJailState, removeJailState, stateFor, withLimits, writeJailState } from "./state";
import { buildRoot, destroyRoot, diskBytesByName, storageExists } from "./storage";

export type { FreeBsdConfig, FreeBsdDriverOptions } from "./config";

const keysPayload = jobPayloads.SET_SSH_KEYS.shape.keys;
const passwordHashSchema = jobPayloads.SET_PASSWORD.shape.passwordHash;
/** setpriority(2) range, as renice(8) takes it. */
const niceValue = z.number().int().min(-20).max(20);
const pidValue = z.number().int().positive();

// Each step runs inside the jail (jexec), so /root/.ssh resolves inside the jail's root: a
// symlink a tenant planted there can only point at the tenant's own files. The keys arrive on
// stdin; argv holds only fixed paths. Written to a temporary file and renamed, so sshd never
// reads a half-written list.
const KEYS_TMP = "/root/.ssh/authorized_keys.cellblock";
const WRITE_AUTHORIZED_KEYS: string[][] = [
  ["/bin/mkdir", "-p", "/root/.ssh"],
  ["/bin/chmod", "700", "/root/.ssh"],
  ["/bin/dd", `of=${KEYS_TMP}`, "status=none"],
  ["/bin/chmod", "600", KEYS_TMP],
  ["/bin/mv", "-f", KEYS_TMP, "/root/.ssh/authorized_keys"],
];

export class FreeBsdDriver implements Driver {
  readonly name = "freebsd" as const;
  readonly config: FreeBsdConfig;
  private readonly host: FreeBsdHost;

  /** Throws a ZodError if a configuration value could carry syntax into pf, zfs or jail(8). */
  constructor(opts: FreeBsdDriverOptions) {
    this.config = parseFreeBsdConfig(opts.config);
    const runner = opts.runner;
    this.host = { run: (argv, o) => runner.run(argv, o), fs: opts.fs, config: this.config };
  }

  private paths(name: string) {
    return jailPaths(this.config, name);
  }

  /** See fingerprint.ts. */
  fingerprint(): Promise<Fingerprint> {
    return fingerprintHost(this.host);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async create(input: JailSpec, opts: { sshKeys: string[]; start: boolean }): Promise<CreateResult> {
    const spec = jailSpec.parse(input);
    const sshKeys = keysPayload.parse(opts.sshKeys);
    const { name } = spec;

    const adopted = await storageExists(this.host, name);
    if (!adopted) await buildRoot(this.host, spec);
    // An adopted root may already hold more than the plan allows: refuse before changing anything.
    const disk = await this.checkedDiskFigures(name, spec.limits);

    await this.fs.mkdir(this.config.confDir, { recursive: true, mode: 0o755 });
    await this.fs.writeFile(this.paths(name).conf, renderJailConf(spec, this.config), { mode: 0o644 });
    const state = stateFor(spec, await readJailState(this.host, name));
    await writeJailState(this.host, state);
    await this.applyLimits(name, spec.limits, disk);
    await ensureAnchor(this.host, state);

    let info = await this.inspect(name);
    // Keys are written from inside the jail (see setAuthorizedKeys), so a jail created stopped is
    // started just long enough to install them, and stopped again even if that fails.
    const startOnlyForKeys = !opts.start && !info?.running && sshKeys.length > 0;
    let sshHostKeyFingerprint: string | null = null;
    try {
      if (opts.start || startOnlyForKeys) info = await this.start(name);
      if (sshKeys.length > 0) await this.setAuthorizedKeys(name, sshKeys);
      if (info?.running) sshHostKeyFingerprint = await this.hostKeyFingerprint(name);
    } finally {
      if (startOnlyForKeys) info = await this.stop(name);
    }

    return { jid: info?.jid ?? null, running: info?.running ?? false, sshHostKeyFingerprint, adopted };
  }

  async start(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const current = await requireJail(this, name);
    if (current.running) return current;
    await this.converge(name);
    await this.host.run(["jail", "-f", this.paths(name).conf, "-c", name], { timeoutMs: 300_000 });
    return requireJail(this, name);
  }

  async stop(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const current = await requireJail(this, name);
    if (!current.running) return current;
    await this.removeRunningJail(name);
    return requireJail(this, name);
  }

  async restart(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const current = await requireJail(this, name);
    if (!current.running) return this.start(name);
    await this.converge(name);
    // jail(8): -r and -c together restart the jail (stop commands, remove, create, start commands).
    await this.host.run(["jail", "-f", this.paths(name).conf, "-rc", name], { timeoutMs: 300_000 });
    return requireJail(this, name);
  }

  async destroy(rawName: string): Promise<void> {
    const name = jailName.parse(rawName);
    if (await this.jls(name)) await this.removeRunningJail(name);
    await flushAnchor(this.host, name);
    await removeRctlRules(this.host, name);
    await destroyRoot(this.host, name);
    await this.fs.rm(this.paths(name).conf, { force: true });
    await removeJailState(this.host, name);
  }

  async inspect(rawName: string): Promise<JailInfo | null> {
    const name = jailName.parse(rawName);
    const running = await this.jls(name);
    if (running) return running;
    if (await this.fs.exists(this.paths(name).conf)) return { name, jid: null, running: false, hostname: null };
    return null;
  }

  async list(): Promise<JailInfo[]> {
    const { stdout } = await this.host.run(["jls", "--libxo", "json", "-v"]);
    const byName = new Map<string, JailInfo>();
    for (const j of parseJls(stdout)) if (j.name.startsWith("cb")) byName.set(j.name, j);
    // Stopped jails have no jls entry; their jail(8) file says they exist.
    for (const file of await this.fs.readdir(this.config.confDir)) {
      const m = /^(cb[a-z0-9]+)\.conf$/.exec(file);
      if (m && jailName.safeParse(m[1]).success && !byName.has(m[1]!)) {
        byName.set(m[1]!, { name: m[1]!, jid: null, running: false, hostname: null });
      }
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- limits -------------------------------------------------------------------------------

  /**
   * Checks first, then changes: a disk quota below what the dataset holds is refused with the
   * figures (PreconditionError) before rctl or ZFS are touched; then the limits are recorded,
   * refquota set, and the rctl rules made exactly the plan's.
   */
  async setLimits(rawName: string, rawLimits: JailLimits): Promise<void> {
    const name = jailName.parse(rawName);
    const limits = jailLimits.parse(rawLimits);
    const disk = await this.checkedDiskFigures(name, limits);
    const state = await readJailState(this.host, name);
    if (state) await writeJailState(this.host, withLimits(state, limits));
    await this.applyLimits(name, limits, disk);
  }

  /** Starts every desired jail that should run and does not, then converges every running jail (see Driver.recover). */
  async recover(desired: DesiredJail[]): Promise<RecoveryReport> {
    const report: RecoveryReport = { started: [], converged: [], failed: [] };
    const fail = (name: string, err: unknown) => report.failed.push({ name, error: err instanceof Error ? err.message : String(err) });
    const running = new Set((await this.list()).filter((j) => j.running).map((j) => j.name));
    for (const d of desired) {
      if (!d.running || running.has(d.name)) continue;
      try {
        await this.start(d.name); // converges first
        report.started.push(d.name);
      } catch (err) {
        fail(d.name, err);
      }
    }
    for (const name of running) {
      try {
        if (await this.converge(name)) report.converged.push(name);
      } catch (err) {
        fail(name, err);
      }
    }
    return report;
  }

  // ---- access -------------------------------------------------------------------------------

  async setRootPasswordHash(rawName: string, rawHash: string): Promise<void> {
    const name = jailName.parse(rawName);
    const hash = passwordHashSchema.parse(rawHash);
    await requireJail(this, name, { runningTo: "set the root password" });
    // pw(8) -H 0: read the already-encrypted password from file descriptor 0.
    await this.host.run(["jexec", "-l", name, "/usr/sbin/pw", "usermod", "root", "-H", "0"], { input: `${hash}\n` });
  }

  /**
   * jexec(8) `-l -U root <jail>` with no command: it attaches to the jail, discards the
   * environment but TERM and sets the login class's (`-l`; HOME, SHELL and USER from the jail's
   * own password database because of `-U`), changes to root's home and runs root's shell from
   * that database with `-i` (usr.sbin/jexec/jexec.c, "Run the specified command, or the shell").
   * env(1) `-i` first, so nothing of the agent's environment reaches jexec itself (the seed's
   * warning: what a host process carries into jail_attach(2) is then inside the jail, where the
   * jail's root can reach it). Full paths: env -i leaves no PATH to search.
   */
  async consoleArgv(rawName: string): Promise<string[]> {
    const name = jailName.parse(rawName);
    await requireJail(this, name, { runningTo: "open a console" });
    return ["/usr/bin/env", "-i", "TERM=xterm-256color", "/usr/sbin/jexec", "-l", "-U", "root", name];
  }

  async setAuthorizedKeys(rawName: string, rawKeys: string[]): Promise<void> {
    const name = jailName.parse(rawName);
    const keys = keysPayload.parse(rawKeys); // one OpenSSH key per line, no newlines inside a key
    await requireJail(this, name, { runningTo: "install SSH keys" });
    const body = keys.length ? `${keys.join("\n")}\n` : "";
    for (const step of WRITE_AUTHORIZED_KEYS) {
      await this.host.run(["jexec", "-l", name, ...step], step[0] === "/bin/dd" ? { input: body } : {});
    }
  }

  // ---- measurement --------------------------------------------------------------------------

  /**
   * Disk (ZFS `referenced` or du), memory / CPU / processes (`rctl -u`), traffic from the jail's
   * labelled pf rules. Epochs: CPU counts per host boot (`sysctl -n kern.boottime`; rctl keeps a
   * jail name's cputime across its restarts while rules name it), traffic per anchor generation
   * (pf.ts). A running jail with a public address whose anchor is missing (pf was restarted) gets
   * it back here, its counters starting a new epoch. Throws PfUnavailableError when pf is not
   * loaded: no traffic figures rather than zeros.
   */
  async usage(rawNames: string[]): Promise<JailUsage[]> {
    const names = z.array(jailName).parse(rawNames);
    if (names.length === 0) return [];
    const disk = await diskBytesByName(this.host, names);
    const boot = /sec = (\d+)/.exec((await this.host.run(["sysctl", "-n", "kern.boottime"])).stdout)?.[1] ?? "unknown";
    const running = new Set(parseJls((await this.host.run(["jls", "--libxo", "json", "-v"])).stdout).map((j) => j.name));
    const out: JailUsage[] = [];
    for (const name of names) {
      const diskBytes = disk.get(name);
      if (diskBytes === undefined) continue; // gone since the agent asked; the heartbeat reports it
      const racct = parseRctlUsage((await this.host.run(["rctl", "-u", `jail:${name}`])).stdout);
      let net = await readAnchor(this.host, name);
      if (!net.present && running.has(name)) {
        const state = await readJailState(this.host, name);
        if (state?.spec.network.publicIp && (await ensureAnchor(this.host, state)).loaded) net = await readAnchor(this.host, name);
      }
      out.push({
        name,
        diskBytes,
        memoryBytes: racct.memoryuse ?? 0,
        cpuSeconds: racct.cputime ?? 0,
        processes: racct.maxproc ?? 0,
        netRxBytes: net.rx,
        netTxBytes: net.tx,
        epochs: { cpu: `boot:${boot}`, net: net.present ? `pf:g${net.generation ?? "legacy"}` : "pf:none" },
      });
    }
    return out;
  }

  async processes(rawName: string): Promise<ProcessInfo[]> {
    const name = jailName.parse(rawName);
    const info = await requireJail(this, name);
    if (!info.running || info.jid === null) return [];
    // ps(1) exits 1 when no process matched (a jail between its last process and removal).
    // One -o per keyword: `keyword=` ends an -o list (see parsePs).
    const { stdout } = await this.host.run(["ps", "-J", String(info.jid), "-o", "pid=", "-o", "nice=", "-o", "pcpu=", "-o", "comm="], {
      okCodes: [1],
    });
    return parsePs(stdout);
  }

  async renice(rawName: string, rawPid: number, rawNice: number): Promise<void> {
    const name = jailName.parse(rawName);
    const pid = pidValue.parse(rawPid);
    const nice = niceValue.parse(rawNice);
    // Only ever renice a process that belongs to this jail: a stale pid may have been reused by
    // a host process or another tenant's.
    const procs = await this.processes(name);
    if (!procs.some((p) => p.pid === pid)) throw new ProcessNotFoundError(name, pid);
    await this.host.run(["renice", String(nice), "-p", String(pid)]);
  }

  /** See backup.ts: a named ZFS snapshot of the jail's dataset. */
  async snapshot(rawName: string, rawSnapshot: string): Promise<void> {
    return snapshotJail(this.host, rawName, rawSnapshot);
  }

  /** See backup.ts: restic from a ZFS snapshot of the jail's root. */
  async backup(rawName: string, target: BackupTarget, opts: { backupId: string; job?: JobContext }): Promise<BackupResult> {
    return backupJail(this.host, rawName, target, opts);
  }

  /** See backup.ts: restore into a new dataset beside the jail's, renamed into its place. */
  async restore(rawName: string, target: BackupTarget, opts: { snapshotId: string; start: boolean; job?: JobContext }): Promise<JailInfo> {
    return restoreJail({ ...this.host, driver: this }, rawName, target, opts);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private get fs() {
    return this.host.fs;
  }

  /** The running jail as jls(8) sees it, or null. */
  private async jls(name: string): Promise<JailInfo | null> {
    const r = await this.host.run(["jls", "--libxo", "json", "-v", "-j", name], { okCodes: [1] });
    if (r.code !== 0) {
      // The kernel's jail_get(2) message, printed by jls(8): `jail "<name>" not found`, or
      // `jail "<name>" is dying` for one removed but still holding resources: neither runs.
      if (/ not found| is dying/.test(r.stderr + r.stdout)) return null;
      throw new Error(`jls -j ${name} failed: ${(r.stderr || r.stdout).trim()}`);
    }
    return parseJls(r.stdout).find((j) => j.name === name) ?? null;
  }

  /** The dataset's figures, after refusing a quota it already exceeds; null in tarball mode or without a root. */
  private async checkedDiskFigures(name: string, limits: JailLimits): Promise<DiskFigures | null> {
    if (!this.config.zfsDataset || !(await storageExists(this.host, name))) return null;
    const figures = await readDiskFigures(this.host, name);
    checkQuotaFits(figures, limits.diskQuotaMb);
    return figures;
  }

  private async applyLimits(name: string, limits: JailLimits, disk: DiskFigures | null) {
    if (disk) await applyRefquota(this.host, name, limits.diskQuotaMb, disk);
    await applyRctlLimits(this.host, name, limits);
  }

  /**
   * Puts the jail's recorded rctl rules and pf anchor back into the kernel where they are
   * missing (after a reboot or a pf restart); false when nothing is recorded for it.
   */
  private async converge(name: string): Promise<boolean> {
    const state = await readJailState(this.host, name);
    if (!state) return false;
    await applyRctlLimits(this.host, name, state.spec.limits);
    await ensureAnchor(this.host, state);
    return true;
  }

  private async removeRunningJail(name: string) {
    const conf = this.paths(name).conf;
    // With its file, jail(8) runs exec.stop and unmounts devfs; without one it still removes it.
    const argv = (await this.fs.exists(conf)) ? ["jail", "-f", conf, "-r", name] : ["jail", "-r", name];
    await this.host.run(argv, { timeoutMs: 300_000 });
  }

  private async hostKeyFingerprint(name: string): Promise<string | null> {
    // Read from inside the jail: through the host path a tenant's symlink could point anywhere.
    for (const type of ["ed25519", "ecdsa", "rsa"]) {
      const r = await this.host.run(["jexec", "-l", name, "/usr/bin/ssh-keygen", "-l", "-f", `/etc/ssh/ssh_host_${type}_key.pub`], {
        okCodes: [1, 255],
      });
      const fp = r.code === 0 ? parseSshKeygenFingerprint(r.stdout) : null;
      if (fp) return fp;
    }
    return null;
  }
}

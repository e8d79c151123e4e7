// The production driver: FreeBSD jails built from a ZFS clone (or a tarball skeleton), one
// jail(8) file per jail in /etc/jail.conf.d, limits through rctl(8), NAT through a per-jail pf
// anchor. Every command is an argv array handed to the Runner (no shell on the host); secrets go
// on stdin. Every name, hostname and address is parsed with the shared zod schemas before it is
// put into a command or a config file.
//
// Output formats parsed here come from the FreeBSD sources and man pages; samples live in
// fixtures/freebsd/ with a README that says where each shape comes from.
//
// What the host must provide (fingerprint() reports the first three in words when missing):
//   - kern.racct.enable=1 in /boot/loader.conf (rctl does nothing without it);
//   - pf enabled, with `nat-anchor "cellblock/*"`, `rdr-anchor "cellblock/*"` and
//     `anchor "cellblock/*"` in pf.conf (host-wide blocks belong before the anchor call: the
//     jail's pass rules are `quick`);
//   - the ZFS parent dataset and the templates' snapshots (or the template tarballs);
//   - cloned_interfaces="lo1" for the private addresses, and the public pool routed to (or
//     aliased on) the external interface: the driver NATs it but does not configure it.
import { z } from "zod";
import { jailLimits, jailSpec, jobPayloads, type JailLimits, type JailSpec } from "@/lib/schemas/jobs";
import { jailName } from "@/lib/schemas/net";
import type { ExecOptions, ExecResult, Runner } from "../exec";
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

/** The few file operations the driver does on the host's own files (never inside a jail root). */
export interface DriverFs {
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string, opts?: { mode?: number }): Promise<void>;
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): Promise<void>;
  rm(path: string, opts?: { recursive?: boolean; force?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Entry names in a directory; [] if it does not exist. */
  readdir(path: string): Promise<string[]>;
}

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
});

/** The rctl(8) resources Cellblock owns on `jail:<name>`; exactly one deny rule each. */
const LIMITED_RESOURCES = ["memoryuse", "maxproc", "pcpu"] as const;
type LimitedResource = (typeof LIMITED_RESOURCES)[number];

const MB = 1024 * 1024;
const keysPayload = jobPayloads.SET_SSH_KEYS.shape.keys;
const passwordHashSchema = jobPayloads.SET_PASSWORD.shape.passwordHash;
const snapshotName = jobPayloads.SNAPSHOT.shape.snapshot;

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
  private readonly runner: Runner;
  private readonly fs: DriverFs;
  readonly config: FreeBsdConfig;

  constructor(opts: FreeBsdDriverOptions) {
    this.runner = opts.runner;
    this.fs = opts.fs;
    this.config = configSchema.parse({ ...DEFAULTS, ...opts.config });
  }

  // ---- paths and names ---------------------------------------------------------------------

  private jailPath(name: string) {
    return `${this.config.jailsRoot}/${name}`;
  }
  private stagingPath(name: string) {
    return `${this.config.jailsRoot}/.${name}.partial`;
  }
  private confPath(name: string) {
    return `${this.config.confDir}/${name}.conf`;
  }
  private dataset(name: string) {
    return `${this.config.zfsDataset}/${name}`;
  }
  private anchor(name: string) {
    return `${this.config.pfAnchor}/${name}`;
  }

  private run(argv: string[], opts?: ExecOptions): Promise<ExecResult> {
    return this.runner.run(argv, opts);
  }

  // ---- host facts ---------------------------------------------------------------------------

  async fingerprint(): Promise<Fingerprint> {
    const reasons: string[] = [];
    const release = (await this.run(["uname", "-r"])).stdout.trim();

    const racct = await this.run(["sysctl", "-n", "kern.racct.enable"], { okCodes: [1] });
    const racctEnabled = racct.code === 0 && racct.stdout.trim() === "1";
    if (racct.code !== 0) reasons.push("This kernel has no resource accounting (RACCT/RCTL), so jail limits cannot be enforced.");
    else if (!racctEnabled)
      reasons.push(
        "Resource accounting is off: add kern.racct.enable=1 to /boot/loader.conf and reboot, or jail limits cannot be enforced.",
      );

    let zfsAvailable = false;
    let datasetExists = false;
    if (this.config.zfsDataset) {
      try {
        const r = await this.run(["zfs", "list", "-H", "-o", "name", this.config.zfsDataset], { okCodes: [1] });
        zfsAvailable = true;
        datasetExists = r.code === 0;
        if (!datasetExists) reasons.push(`The ZFS dataset ${this.config.zfsDataset} does not exist; create it before placing jails here.`);
      } catch {
        reasons.push("ZFS is configured for this host but the zfs command is not available.");
      }
    }

    const pf = await this.run(["pfctl", "-s", "info"], { okCodes: [1] });
    const pfEnabled = pf.code === 0 && /^Status: Enabled/m.test(pf.stdout);
    let pfAnchors = false;
    if (!pfEnabled) reasons.push("The pf firewall is not enabled, so jails cannot be reached at their public addresses.");
    else {
      // Rules loaded into cellblock/<name> only take effect if the main ruleset calls them.
      const nat = (await this.run(["pfctl", "-s", "nat"])).stdout;
      const rules = (await this.run(["pfctl", "-s", "rules"])).stdout;
      const hook = (kind: string, text: string) => new RegExp(`^${kind} "${this.config.pfAnchor}/\\*"`, "m").test(text);
      pfAnchors = hook("nat-anchor", nat) && hook("rdr-anchor", nat) && hook("anchor", rules);
      if (!pfAnchors) {
        const a = `"${this.config.pfAnchor}/*"`;
        reasons.push(`pf.conf does not call the jail anchors; add nat-anchor ${a}, rdr-anchor ${a} and anchor ${a} to it.`);
      }
    }

    return {
      driver: "freebsd",
      ready: reasons.length === 0,
      ...(reasons.length ? { reason: reasons.join(" ") } : {}),
      facts: {
        release,
        racct: racctEnabled,
        storage: this.config.zfsDataset ? "zfs" : "tarball",
        zfs: zfsAvailable,
        zfsDataset: this.config.zfsDataset,
        zfsDatasetExists: datasetExists,
        pf: pfEnabled,
        pfAnchors,
        jailsRoot: this.config.jailsRoot,
        externalInterface: this.config.externalInterface,
      },
    };
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async create(input: JailSpec, opts: { sshKeys: string[]; start: boolean }): Promise<CreateResult> {
    const spec = jailSpec.parse(input);
    const sshKeys = keysPayload.parse(opts.sshKeys);
    const { name } = spec;

    const adopted = await this.storageExists(name);
    if (!adopted) await this.buildRoot(spec);

    await this.writeJailConf(spec);
    await this.setLimits(name, spec.limits);
    await this.loadPfAnchor(spec);

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
    const current = await this.inspect(name);
    if (!current) throw new NotFoundError(name);
    if (current.running) return current;
    await this.run(["jail", "-f", this.confPath(name), "-c", name], { timeoutMs: 300_000 });
    return this.mustInspect(name);
  }

  async stop(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const current = await this.inspect(name);
    if (!current) throw new NotFoundError(name);
    if (!current.running) return current;
    await this.removeRunningJail(name);
    return this.mustInspect(name);
  }

  async restart(rawName: string): Promise<JailInfo> {
    const name = jailName.parse(rawName);
    const current = await this.inspect(name);
    if (!current) throw new NotFoundError(name);
    if (!current.running) return this.start(name);
    // jail(8): -r and -c together restart the jail (stop commands, remove, create, start commands).
    await this.run(["jail", "-f", this.confPath(name), "-rc", name], { timeoutMs: 300_000 });
    return this.mustInspect(name);
  }

  async destroy(rawName: string): Promise<void> {
    const name = jailName.parse(rawName);
    const running = await this.jls(name);
    if (running) await this.removeRunningJail(name);

    await this.run(["pfctl", "-a", this.anchor(name), "-F", "all"]);
    // Rules on jail:<name> outlive the jail; a later jail of the same name would inherit them.
    if ((await this.listRctlRules(name)).length > 0) await this.run(["rctl", "-r", `jail:${name}`]);

    if (this.config.zfsDataset) {
      // -f: a jail that was just removed can linger as "dying" (sockets in TIME_WAIT) and keep
      // its root busy; a plain destroy would then fail with "dataset is busy".
      if (await this.storageExists(name)) await this.run(["zfs", "destroy", "-r", "-f", this.dataset(name)], { timeoutMs: 600_000 });
    } else if (await this.fs.exists(this.jailPath(name))) {
      const path = this.jailPath(name);
      // Tenants may have set user immutable flags; clear them, then remove without crossing
      // into anything still mounted below the root.
      await this.run(["chflags", "-R", "0", path], { timeoutMs: 600_000 });
      await this.run(["rm", "-r", "-f", "-x", path], { timeoutMs: 600_000 });
    }
    await this.fs.rm(this.confPath(name), { force: true });
  }

  async inspect(rawName: string): Promise<JailInfo | null> {
    const name = jailName.parse(rawName);
    const running = await this.jls(name);
    if (running) return running;
    if (await this.fs.exists(this.confPath(name))) return { name, jid: null, running: false, hostname: null };
    return null;
  }

  async list(): Promise<JailInfo[]> {
    const { stdout } = await this.run(["jls", "--libxo", "json", "-v"]);
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

  async setLimits(rawName: string, rawLimits: JailLimits): Promise<void> {
    const name = jailName.parse(rawName);
    const limits = jailLimits.parse(rawLimits);
    const wanted: Record<LimitedResource, string> = {
      memoryuse: `jail:${name}:memoryuse:deny=${limits.memoryMb * MB}`,
      maxproc: `jail:${name}:maxproc:deny=${limits.maxProcesses}`,
      pcpu: `jail:${name}:pcpu:deny=${limits.cpuPercent}`,
    };

    // Remove every rule on our resources that is not exactly the wanted one (and every second
    // copy of it), then add only what is missing: applying the same plan twice changes nothing,
    // and a plan change leaves one rule per resource. The listed text is removed verbatim, so a
    // rule with a /per suffix or another action is matched exactly and really goes away.
    const kept = new Set<LimitedResource>();
    for (const rule of await this.listRctlRules(name)) {
      if (!isLimitedResource(rule.resource)) continue;
      const exact =
        rule.action === "deny" &&
        (rule.per === null || rule.per === "jail") &&
        `jail:${name}:${rule.resource}:deny=${rule.amount}` === wanted[rule.resource];
      if (exact && !kept.has(rule.resource)) {
        kept.add(rule.resource);
        continue;
      }
      await this.run(["rctl", "-r", rule.text]);
    }
    for (const resource of LIMITED_RESOURCES) {
      if (!kept.has(resource)) await this.run(["rctl", "-a", wanted[resource]]);
    }

    if (this.config.zfsDataset && (await this.storageExists(name))) {
      const want = limits.diskQuotaMb * MB;
      const { stdout } = await this.run(["zfs", "get", "-Hp", "-o", "value", "refquota", this.dataset(name)]);
      if (Number(stdout.trim()) !== want) await this.run(["zfs", "set", `refquota=${limits.diskQuotaMb}M`, this.dataset(name)]);
    }
  }

  // ---- access -------------------------------------------------------------------------------

  async setRootPasswordHash(rawName: string, rawHash: string): Promise<void> {
    const name = jailName.parse(rawName);
    const hash = passwordHashSchema.parse(rawHash);
    await this.requireRunning(name, "set the root password");
    // pw(8) -H 0: read the already-encrypted password from file descriptor 0.
    await this.run(["jexec", "-l", name, "/usr/sbin/pw", "usermod", "root", "-H", "0"], { input: `${hash}\n` });
  }

  async setAuthorizedKeys(rawName: string, rawKeys: string[]): Promise<void> {
    const name = jailName.parse(rawName);
    const keys = keysPayload.parse(rawKeys); // one OpenSSH key per line, no newlines inside a key
    await this.requireRunning(name, "install SSH keys");
    const body = keys.length ? `${keys.join("\n")}\n` : "";
    for (const step of WRITE_AUTHORIZED_KEYS) {
      await this.run(["jexec", "-l", name, ...step], step[0] === "/bin/dd" ? { input: body } : {});
    }
  }

  // ---- measurement --------------------------------------------------------------------------

  async usage(rawNames: string[]): Promise<JailUsage[]> {
    const names = z.array(jailName).parse(rawNames);
    const zfsUsed = this.config.zfsDataset && names.length > 0 ? await this.zfsUsedByName() : null;
    const out: JailUsage[] = [];
    for (const name of names) {
      const diskBytes = zfsUsed ? (zfsUsed.get(this.dataset(name)) ?? null) : await this.duBytes(name);
      if (diskBytes === null) continue; // gone since the agent asked; the heartbeat reports it
      const racct = parseRctlUsage((await this.run(["rctl", "-u", `jail:${name}`])).stdout);
      const net = await this.netCounters(name);
      out.push({
        name,
        diskBytes,
        memoryBytes: racct.memoryuse ?? 0,
        cpuSeconds: racct.cputime ?? 0,
        processes: racct.maxproc ?? 0,
        netRxBytes: net.rx,
        netTxBytes: net.tx,
      });
    }
    return out;
  }

  async processes(rawName: string): Promise<ProcessInfo[]> {
    const name = jailName.parse(rawName);
    const info = await this.inspect(name);
    if (!info) throw new NotFoundError(name);
    if (!info.running || info.jid === null) return [];
    // ps(1) exits 1 when no process matched (a jail between its last process and removal).
    const { stdout } = await this.run(["ps", "-J", String(info.jid), "-o", "pid=,nice=,pcpu=,comm="], { okCodes: [1] });
    return parsePs(stdout);
  }

  async renice(rawName: string, rawPid: number, rawNice: number): Promise<void> {
    const name = jailName.parse(rawName);
    const pid = z.number().int().positive().parse(rawPid);
    const nice = z.number().int().min(-20).max(20).parse(rawNice);
    // Only ever renice a process that belongs to this jail: a stale pid may have been reused by
    // a host process or another tenant's.
    const procs = await this.processes(name);
    if (!procs.some((p) => p.pid === pid)) throw new Error(`process ${pid} is not running in jail ${name}`);
    await this.run(["renice", String(nice), "-p", String(pid)]);
  }

  async snapshot(rawName: string, rawSnapshot: string): Promise<void> {
    const name = jailName.parse(rawName);
    const snap = snapshotName.parse(rawSnapshot);
    if (!this.config.zfsDataset) throw new UnsupportedError("freebsd", "snapshots without ZFS");
    if (!(await this.storageExists(name))) throw new NotFoundError(name);
    const full = `${this.dataset(name)}@${snap}`;
    const have = await this.run(["zfs", "list", "-H", "-o", "name", "-t", "snapshot", full], { okCodes: [1] });
    if (have.code === 0) return;
    await this.run(["zfs", "snapshot", full]);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The running jail as jls(8) sees it, or null. */
  private async jls(name: string): Promise<JailInfo | null> {
    const r = await this.run(["jls", "--libxo", "json", "-v", "-j", name], { okCodes: [1] });
    if (r.code !== 0) {
      // The kernel's jail_get(2) message, printed by jls(8): `jail "<name>" not found`, or
      // `jail "<name>" is dying` for one removed but still holding resources: neither runs.
      if (/ not found| is dying/.test(r.stderr + r.stdout)) return null;
      throw new Error(`jls -j ${name} failed: ${(r.stderr || r.stdout).trim()}`);
    }
    return parseJls(r.stdout).find((j) => j.name === name) ?? null;
  }

  private async mustInspect(name: string): Promise<JailInfo> {
    const info = await this.inspect(name);
    if (!info) throw new NotFoundError(name);
    return info;
  }

  private async requireRunning(name: string, what: string): Promise<JailInfo> {
    const info = await this.inspect(name);
    if (!info) throw new NotFoundError(name);
    if (!info.running) throw new Error(`jail ${name} must be running to ${what}`);
    return info;
  }

  private async removeRunningJail(name: string) {
    const conf = this.confPath(name);
    // With its file, jail(8) runs exec.stop and unmounts devfs; without one it still removes it.
    const argv = (await this.fs.exists(conf)) ? ["jail", "-f", conf, "-r", name] : ["jail", "-r", name];
    await this.run(argv, { timeoutMs: 300_000 });
  }

  private async storageExists(name: string): Promise<boolean> {
    if (!this.config.zfsDataset) return this.fs.exists(this.jailPath(name));
    const r = await this.run(["zfs", "list", "-H", "-o", "name", this.dataset(name)], { okCodes: [1] });
    return r.code === 0;
  }

  private async buildRoot(spec: JailSpec) {
    const path = this.jailPath(spec.name);
    if (this.config.zfsDataset) {
      const snap = spec.template.zfsSnapshot;
      if (!snap) throw new Error(`template ${spec.template.slug} has no ZFS snapshot and this host clones from ZFS`);
      await this.run(
        ["zfs", "clone", "-o", `mountpoint=${path}`, "-o", `refquota=${spec.limits.diskQuotaMb}M`, snap, this.dataset(spec.name)],
        { timeoutMs: 300_000 },
      );
      return;
    }
    const tarball = spec.template.tarballPath;
    if (!tarball) throw new Error(`template ${spec.template.slug} has no tarball and this host has no ZFS dataset`);
    // Extract beside the final place and rename when complete: a crash or a failed tar leaves
    // only the staging directory, which the retry clears, never a half root it would adopt.
    const staging = this.stagingPath(spec.name);
    if (await this.fs.exists(staging)) await this.run(["rm", "-r", "-f", "-x", staging], { timeoutMs: 600_000 });
    await this.fs.mkdir(staging, { recursive: true, mode: 0o755 });
    try {
      await this.run(["tar", "-xpf", tarball, "-C", staging], { timeoutMs: 900_000 });
    } catch (err) {
      await this.run(["rm", "-r", "-f", "-x", staging], { timeoutMs: 600_000 });
      throw err;
    }
    await this.fs.rename(staging, path);
  }

  private async writeJailConf(spec: JailSpec) {
    await this.fs.mkdir(this.config.confDir, { recursive: true, mode: 0o755 });
    await this.fs.writeFile(this.confPath(spec.name), renderJailConf(spec, this.config), { mode: 0o644 });
  }

  private async loadPfAnchor(spec: JailSpec) {
    await this.run(["pfctl", "-a", this.anchor(spec.name), "-f", "-"], { input: renderPfAnchor(spec, this.config.externalInterface) });
  }

  private async listRctlRules(name: string): Promise<RctlRule[]> {
    const { stdout } = await this.run(["rctl", `jail:${name}`]);
    return parseRctlRules(stdout);
  }

  /** One `zfs get` for every jail on the host: a usage pass is one command, not one per jail. */
  private async zfsUsedByName(): Promise<Map<string, number>> {
    const parent = this.config.zfsDataset!;
    const { stdout } = await this.run(["zfs", "get", "-Hp", "-t", "filesystem", "-d", "1", "-o", "name,value", "used", parent]);
    return parseZfsGetNameValue(stdout);
  }

  private async duBytes(name: string): Promise<number | null> {
    if (!(await this.fs.exists(this.jailPath(name)))) return null;
    // du(1) does not follow symlinks by default (-P), so a tenant's links cannot inflate or
    // redirect the measurement; -x keeps it off devfs.
    const { stdout } = await this.run(["du", "-skx", this.jailPath(name)], { timeoutMs: 300_000 });
    return toCount(stdout.trim().split(/\s+/)[0] ?? "0") * 1024;
  }

  private async netCounters(name: string): Promise<{ rx: number; tx: number }> {
    const r = await this.run(["pfctl", "-a", this.anchor(name), "-s", "labels"], { okCodes: [1] });
    if (r.code !== 0) {
      if (/does not exist|No such/i.test(r.stderr)) return { rx: 0, tx: 0 };
      throw new Error(`pfctl -s labels for ${name} failed: ${r.stderr.trim()}`);
    }
    let rx = 0;
    let tx = 0;
    for (const l of parsePfLabels(r.stdout)) {
      if (!l.labels.some((x) => x.startsWith(`${name}-`))) continue;
      rx += l.bytesIn;
      tx += l.bytesOut;
    }
    return { rx, tx };
  }

  private async hostKeyFingerprint(name: string): Promise<string | null> {
    // Read from inside the jail: through the host path a tenant's symlink could point anywhere.
    for (const type of ["ed25519", "ecdsa", "rsa"]) {
      const r = await this.run(["jexec", "-l", name, "/usr/bin/ssh-keygen", "-l", "-f", `/etc/ssh/ssh_host_${type}_key.pub`], {
        okCodes: [1, 255],
      });
      const fp = r.code === 0 ? parseSshKeygenFingerprint(r.stdout) : null;
      if (fp) return fp;
    }
    return null;
  }
}

function isLimitedResource(r: string): r is LimitedResource {
  return (LIMITED_RESOURCES as readonly string[]).includes(r);
}

function toCount(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`expected a number, got ${JSON.stringify(s.slice(0, 40))}`);
  return Number(s);
}

// ---- renderers (exported for tests) ---------------------------------------------------------

/** The jail(8) file for one jail. Every value has been through the zod schemas first. */
export function renderJailConf(spec: JailSpec, config: FreeBsdConfig): string {
  const ip = config.privateInterface ? `${config.privateInterface}|${spec.network.privateIp}/32` : spec.network.privateIp;
  return [
    "# Written by the Cellblock host agent; changes here are overwritten.",
    `${spec.name} {`,
    `\tpath = "${config.jailsRoot}/${spec.name}";`,
    `\thost.hostname = "${spec.hostname}";`,
    `\tip4.addr = "${ip}";`,
    "\tallow.set_hostname = 0;",
    "\tenforce_statfs = 2;",
    `\tsecurelevel = ${config.securelevel};`,
    `\tdevfs_ruleset = ${config.devfsRuleset};`,
    "\tmount.devfs;",
    // What /etc/rc printed, for an admin working out why a jail did not start.
    `\texec.consolelog = "/var/log/jail_${spec.name}_console.log";`,
    // Start and stop commands get a clean environment, not the agent's.
    "\texec.clean;",
    '\texec.start = "/bin/sh /etc/rc";',
    '\texec.stop = "/bin/sh /etc/rc.shutdown";',
    "}",
    "",
  ].join("\n");
}

/**
 * The jail's pf anchor: 1:1 NAT between its public and private address, and two labelled pass
 * rules whose counters are the jail's traffic on the external interface (see usage()).
 */
export function renderPfAnchor(spec: JailSpec, ext: string): string {
  const { privateIp, publicIp } = spec.network;
  const lines = [`# Cellblock jail ${spec.name}`];
  if (publicIp) {
    lines.push(
      `nat on ${ext} inet from ${privateIp} to any -> ${publicIp}`,
      `rdr on ${ext} inet from any to ${publicIp} -> ${privateIp}`,
      // Translation happens before filtering: inbound the filter sees the private address,
      // outbound it sees the public one.
      `pass in quick on ${ext} inet from any to ${privateIp} keep state label "${spec.name}-in"`,
      `pass out quick on ${ext} inet from ${publicIp} to any keep state label "${spec.name}-out"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// ---- parsers (exported for tests) -----------------------------------------------------------

const jlsJson = z.object({
  "jail-information": z.object({
    jail: z.array(
      z.object({
        jid: z.number().int(),
        name: z.string(),
        hostname: z.string().optional(),
        state: z.string().optional(),
      }),
    ),
  }),
});

/** `jls --libxo json -v [-j name]` (jls(8), libxo version "2"). */
export function parseJls(stdout: string): JailInfo[] {
  const doc = jlsJson.parse(JSON.parse(stdout));
  return doc["jail-information"].jail.map((j) => ({
    name: j.name,
    jid: j.jid,
    running: (j.state ?? "ACTIVE") === "ACTIVE",
    hostname: j.hostname || null,
  }));
}

export type RctlRule = {
  text: string;
  subject: string;
  subjectId: string;
  resource: string;
  action: string;
  amount: number;
  per: string | null;
};

/** `rctl [filter]`: one rule per line, `subject:id:resource:action=amount[/per]` (rctl(8)). */
export function parseRctlRules(stdout: string): RctlRule[] {
  const rules: RctlRule[] = [];
  for (const line of stdout.split("\n")) {
    const text = line.trim();
    if (!text) continue;
    const m = /^([a-z]+):([^:]*):([a-z]+):([a-z0-9]+)=(\d+)(?:\/([a-z]+))?$/.exec(text);
    if (!m) throw new Error(`unexpected rctl rule line: ${JSON.stringify(text.slice(0, 120))}`);
    rules.push({ text, subject: m[1]!, subjectId: m[2]!, resource: m[3]!, action: m[4]!, amount: Number(m[5]), per: m[6] ?? null });
  }
  return rules;
}

/** `rctl -u subject:id`: `resource=value` lines (rctl(8)); values are raw unless -h is given. */
export function parseRctlUsage(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([a-z]+)=(\d+)$/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

export type PfLabel = {
  labels: string[];
  evaluations: number;
  packets: number;
  bytes: number;
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  states: number;
};

/**
 * `pfctl -s labels`: per labelled rule, the label(s) then evaluations, packets, bytes,
 * packets in, bytes in, packets out, bytes out, state creations (pfctl(8)). Newer pfctl prints
 * every label of a rule first, so the eight counters are read from the end of the line.
 */
export function parsePfLabels(stdout: string): PfLabel[] {
  const out: PfLabel[] = [];
  for (const line of stdout.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 9) continue;
    const nums = parts.slice(-8);
    if (!nums.every((n) => /^\d+$/.test(n))) continue;
    const [evaluations, packets, bytes, packetsIn, bytesIn, packetsOut, bytesOut, states] = nums.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    out.push({ labels: parts.slice(0, -8), evaluations, packets, bytes, packetsIn, bytesIn, packetsOut, bytesOut, states });
  }
  return out;
}

/** `zfs get -Hp -o name,value <prop> …`: `name<TAB>value` lines, exact numbers (zfs-get(8)). */
export function parseZfsGetNameValue(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const [name, value] = line.split("\t");
    if (name && value !== undefined && /^\d+$/.test(value.trim())) out.set(name, Number(value.trim()));
  }
  return out;
}

/** `ps -J jid -o pid=,nice=,pcpu=,comm=` (ps(1)): blank headers, so data lines only. */
export function parsePs(stdout: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(-?\d+)\s+(\d+(?:\.\d+)?)\s+(.+?)\s*$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), nice: Number(m[2]), cpuPercent: Number(m[3]), command: m[4]! });
  }
  return out;
}

/** `ssh-keygen -l -f key.pub`: `bits SHA256:… comment (TYPE)` (ssh-keygen(1)). */
export function parseSshKeygenFingerprint(stdout: string): string | null {
  const m = /^\d+\s+(SHA256:[A-Za-z0-9+/]+={0,2})\s/m.exec(stdout);
  return m ? m[1]! : null;
}

// ---- the real file system -------------------------------------------------------------------

/** DriverFs on node:fs, for the agent on a real host. */
export async function nodeDriverFs(): Promise<DriverFs> {
  const fsp = await import("node:fs/promises");
  return {
    readFile: (p) => fsp.readFile(p, "utf8"),
    writeFile: async (p, data, opts) => {
      // Write then rename, so jail(8) never reads a half-written file.
      const tmp = `${p}.tmp-${process.pid}`;
      await fsp.writeFile(tmp, data, { mode: opts?.mode ?? 0o644 });
      await fsp.rename(tmp, p);
    },
    mkdir: async (p, opts) => {
      await fsp.mkdir(p, { recursive: opts?.recursive ?? false, mode: opts?.mode });
    },
    rm: (p, opts) => fsp.rm(p, { recursive: opts?.recursive ?? false, force: opts?.force ?? false }),
    rename: (from, to) => fsp.rename(from, to),
    exists: async (p) => {
      try {
        await fsp.lstat(p);
        return true;
      } catch {
        return false;
      }
    },
    readdir: async (p) => {
      try {
        return await fsp.readdir(p);
      } catch {
        return [];
      }
    },
  };
}

// The FreeBSD driver cannot run here, so it is tested by the exact argv it issues (recorded by a
// fake host that answers like FreeBSD does) and by parsing real output shapes kept in
// fixtures/freebsd/ (see the README there for where each comes from).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { JailSpec } from "@/lib/schemas/jobs";
import { CommandError, type ExecOptions, type ExecResult, type Runner } from "../exec";
import { NotFoundError, UnsupportedError } from "./driver";
import {
  FreeBsdDriver,
  parseJls,
  parsePfLabels,
  parsePs,
  parseRctlRules,
  parseRctlUsage,
  parseSshKeygenFingerprint,
  parseZfsGetNameValue,
  type DriverFs,
} from "./freebsd";

const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures/freebsd", f), "utf8");

const NAME = "cbk3x9q2m7";
const DS = `zroot/cellblock/jails/${NAME}`;
const ROOT = `/usr/local/cellblock/jails/${NAME}`;
const CONF = `/etc/jail.conf.d/${NAME}.conf`;
const STAGING = `/usr/local/cellblock/jails/.${NAME}.partial`;
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
const HASH = `$6$saltsalt$${"a".repeat(86)}`;

function spec(over: Partial<JailSpec> = {}): JailSpec {
  return {
    name: NAME,
    hostname: "www.example.com",
    template: {
      slug: "freebsd-14",
      version: 1,
      lxcTemplate: "busybox",
      lxcRootfs: null,
      zfsSnapshot: "zroot/cellblock/templates/freebsd-14@base",
      tarballPath: "/usr/local/cellblock/templates/freebsd-14.txz",
    },
    limits: { memoryMb: 512, maxProcesses: 64, cpuPercent: 50, diskQuotaMb: 10240 },
    network: {
      privateIp: "10.77.0.5",
      privatePrefix: 24,
      privateGateway: "10.77.0.1",
      publicIp: "203.0.113.5",
      ipv6: null,
      ipv6PrefixLength: null,
      ipv6Gateway: null,
    },
    ...over,
  };
}

type Call = { argv: string[]; input?: string };
const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

/**
 * A FreeBSD host in memory: running jails, ZFS datasets, rctl rules (with the kernel's rule
 * semantics), pf anchors. Records every argv and stdin; answers in the formats of the fixtures.
 */
class FakeHost implements Runner {
  calls: Call[] = [];
  jails = new Map<string, { jid: number; hostname: string; path: string }>();
  datasets = new Map<string, { refquota: number; used: number }>();
  snapshots = new Set<string>();
  rules: string[] = [];
  anchors = new Map<string, string>();
  nextJid = 1;
  racct = "1\n";
  pfInfo = fixture("pfctl-s-info.txt");
  pfNat = fixture("pfctl-s-nat.txt");
  failTar = false;
  failKeys = false;

  async run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push(opts.input === undefined ? { argv } : { argv, input: opts.input });
    const r = this.answer(argv);
    if (r.code !== 0 && !(opts.okCodes ?? []).includes(r.code)) throw new CommandError(argv, r, `${argv.join(" ")} exited with ${r.code}`);
    return r;
  }

  private jlsJson(names: string[]) {
    const items = names.map((n) => {
      const j = this.jails.get(n)!;
      return `{"jid":${j.jid},"hostname":"${j.hostname}","path":"${j.path}","name":"${n}","state":"ACTIVE","cpusetid":${j.jid + 3}, "ipv4_addrs": ["10.77.0.5"], "ipv6_addrs": []}`;
    });
    return `{"__version": "2", "jail-information": {"jail": [${items.join(", ")}]}}\n`;
  }

  private answer(a: string[]): ExecResult {
    const cmd = a.join(" ");
    if (a[0] === "uname") return ok(fixture("uname-r.txt"));
    if (a[0] === "sysctl") return ok(this.racct);
    if (cmd === "pfctl -s info") return ok(this.pfInfo);
    if (cmd === "pfctl -s nat") return ok(this.pfNat);
    if (cmd === "pfctl -s rules") return ok(fixture("pfctl-s-rules.txt"));
    if (a[0] === "jls") {
      const j = a.indexOf("-j");
      if (j < 0) return ok(this.jlsJson([...this.jails.keys()]));
      const n = a[j + 1]!;
      return this.jails.has(n) ? ok(this.jlsJson([n])) : fail(1, `jls: jail "${n}" not found\n`);
    }
    if (a[0] === "jail") {
      const n = a[a.length - 1]!;
      const flag = a[a.length - 2];
      if (flag === "-c") this.jails.set(n, { jid: this.nextJid++, hostname: "www.example.com", path: `/usr/local/cellblock/jails/${n}` });
      else if (flag === "-r") this.jails.delete(n);
      else if (flag === "-rc") this.jails.set(n, { ...this.jails.get(n)!, jid: this.nextJid++ });
      return ok();
    }
    if (a[0] === "zfs") {
      const target = a[a.length - 1]!;
      if (a[1] === "list") {
        const exists = a.includes("snapshot") ? this.snapshots.has(target) : this.datasets.has(target);
        return exists ? ok(`${target}\n`) : fail(1, `cannot open '${target}': dataset does not exist\n`);
      }
      if (a[1] === "clone") {
        const q = a.find((x) => x.startsWith("refquota="))!;
        this.datasets.set(target, { refquota: Number(q.slice(9, -1)) * 1048576, used: 1342177280 });
        return ok();
      }
      if (a[1] === "get" && a.includes("-d")) {
        const lines = [...this.datasets].filter(([n]) => n === target || n.startsWith(`${target}/`)).map(([n, d]) => `${n}\t${d.used}\n`);
        return ok(lines.join(""));
      }
      if (a[1] === "get") {
        const d = this.datasets.get(target);
        if (!d) return fail(1, `cannot open '${target}': dataset does not exist\n`);
        return ok(`${a[a.length - 2] === "used" ? d.used : d.refquota}\n`);
      }
      if (a[1] === "set") {
        this.datasets.get(target)!.refquota = Number(a[2]!.slice(9, -1)) * 1048576;
        return ok();
      }
      if (a[1] === "destroy") {
        this.datasets.delete(target);
        return ok();
      }
      if (a[1] === "snapshot") {
        this.snapshots.add(target);
        return ok();
      }
    }
    if (a[0] === "rctl") return this.rctl(a);
    if (a[0] === "pfctl") {
      const anchor = a[2]!;
      if (a[3] === "-f") this.anchors.set(anchor, "loaded");
      if (a[3] === "-F") this.anchors.delete(anchor);
      if (a[3] === "-s") return this.anchors.has(anchor) ? ok(fixture("pfctl-s-labels.txt")) : fail(1, "pfctl: Anchor does not exist.\n");
      return ok();
    }
    if (a[0] === "jexec" && a.includes("/usr/bin/ssh-keygen")) return ok(fixture("ssh-keygen-l.txt"));
    if (a[0] === "jexec" && a.includes("/bin/mv") && this.failKeys) return fail(1, "mv: rename: Operation not permitted\n");
    if (a[0] === "ps") return ok(fixture("ps-J.txt"));
    if (a[0] === "du") return ok(fixture("du-sk.txt"));
    if (a[0] === "tar" && this.failTar) return fail(1, "tar: Error opening archive\n");
    return ok();
  }

  // rctl(8) with kern_rctl.c's semantics: a deny rule replaces one differing only by amount;
  // -r removes every rule matching the filter and fails (ESRCH) when none did.
  private rctl(a: string[]): ExecResult {
    const key = (r: string) => r.replace(/=\d+/, "");
    if (a[1] === "-a") {
      const rule = a[2]!;
      this.rules = this.rules.filter((r) => (rule.includes(":deny=") ? key(r) !== key(rule) : r !== rule));
      this.rules.push(rule);
      return ok();
    }
    if (a[1] === "-r") {
      const filter = a[2]!;
      const before = this.rules.length;
      this.rules = this.rules.filter((r) => !(r === filter || r.startsWith(`${filter}:`)));
      return this.rules.length < before ? ok() : fail(1, `rctl: failed to remove rule '${filter}': No such process\n`);
    }
    if (a[1] === "-u") return ok(fixture("rctl-u.txt"));
    const subject = a[1]!;
    return ok(
      this.rules
        .filter((r) => r.startsWith(`${subject}:`))
        .map((r) => `${r}\n`)
        .join(""),
    );
  }

  argvs() {
    return this.calls.map((c) => c.argv.join(" "));
  }
  reset() {
    this.calls = [];
  }
}

class MemoryFs implements DriverFs {
  files = new Map<string, string>();
  dirs = new Set<string>();
  async readFile(p: string) {
    const f = this.files.get(p);
    if (f === undefined) throw new Error(`ENOENT: ${p}`);
    return f;
  }
  async writeFile(p: string, data: string) {
    this.files.set(p, data);
  }
  async mkdir(p: string) {
    this.dirs.add(p);
  }
  async rm(p: string) {
    this.files.delete(p);
    this.dirs.delete(p);
  }
  async rename(from: string, to: string) {
    if (this.dirs.delete(from)) this.dirs.add(to);
  }
  async exists(p: string) {
    return this.files.has(p) || this.dirs.has(p);
  }
  async readdir(dir: string) {
    return [...this.files.keys()].filter((f) => path.dirname(f) === dir).map((f) => path.basename(f));
  }
}

function setup(mode: "zfs" | "tarball" = "zfs") {
  const host = new FakeHost();
  const mem = new MemoryFs();
  const driver = new FreeBsdDriver({
    runner: host,
    fs: mem,
    config: { externalInterface: "em0", zfsDataset: mode === "zfs" ? "zroot/cellblock/jails" : null },
  });
  return { host, mem, driver };
}

/** A jail that create() already built: dataset, conf file, optionally running. */
async function existingJail(running: boolean, mode: "zfs" | "tarball" = "zfs") {
  const s = setup(mode);
  await s.driver.create(spec(), { sshKeys: [], start: running });
  s.host.reset();
  return s;
}

const RCTL_ADD = [
  `rctl -a jail:${NAME}:memoryuse:deny=536870912`,
  `rctl -a jail:${NAME}:maxproc:deny=64`,
  `rctl -a jail:${NAME}:pcpu:deny=50`,
];

const KEYS_TMP = "/root/.ssh/authorized_keys.cellblock";
const keySteps = (name: string) => [
  `jexec -l ${name} /bin/mkdir -p /root/.ssh`,
  `jexec -l ${name} /bin/chmod 700 /root/.ssh`,
  `jexec -l ${name} /bin/dd of=${KEYS_TMP} status=none`,
  `jexec -l ${name} /bin/chmod 600 ${KEYS_TMP}`,
  `jexec -l ${name} /bin/mv -f ${KEYS_TMP} /root/.ssh/authorized_keys`,
];

describe("FreeBsdDriver.create", () => {
  it("clones the template with the plan's refquota, writes the jail file, limits, pf anchor, starts, installs keys (ZFS)", async () => {
    const { host, mem, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true });

    expect(host.argvs()).toEqual([
      `zfs list -H -o name ${DS}`,
      `zfs clone -o mountpoint=${ROOT} -o refquota=10240M zroot/cellblock/templates/freebsd-14@base ${DS}`,
      `rctl jail:${NAME}`,
      ...RCTL_ADD,
      `zfs list -H -o name ${DS}`,
      `zfs get -Hp -o value refquota ${DS}`,
      `pfctl -a cellblock/${NAME} -f -`,
      `jls --libxo json -v -j ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -c ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
      ...keySteps(NAME),
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
    ]);
    expect(result).toEqual({
      jid: 1,
      running: true,
      sshHostKeyFingerprint: "SHA256:uqN3Zo8N2oXyp0SHsXVX1CqYaxZ8mJ3Jv6a0G6lFkQE",
      adopted: false,
    });

    expect(mem.files.get(CONF)).toBe(
      [
        "# Written by the Cellblock host agent; changes here are overwritten.",
        `${NAME} {`,
        `\tpath = "${ROOT}";`,
        '\thost.hostname = "www.example.com";',
        '\tip4.addr = "lo1|10.77.0.5/32";',
        "\tallow.set_hostname = 0;",
        "\tenforce_statfs = 2;",
        "\tsecurelevel = 2;",
        "\tdevfs_ruleset = 4;",
        "\tmount.devfs;",
        `\texec.consolelog = "/var/log/jail_${NAME}_console.log";`,
        "\texec.clean;",
        '\texec.start = "/bin/sh /etc/rc";',
        '\texec.stop = "/bin/sh /etc/rc.shutdown";',
        "}",
        "",
      ].join("\n"),
    );
    const pf = host.calls.find((c) => c.argv[0] === "pfctl")!;
    expect(pf.input).toBe(
      [
        `# Cellblock jail ${NAME}`,
        "nat on em0 inet from 10.77.0.5 to any -> 203.0.113.5",
        "rdr on em0 inet from any to 203.0.113.5 -> 10.77.0.5",
        `pass in quick on em0 inet from any to 10.77.0.5 keep state label "${NAME}-in"`,
        `pass out quick on em0 inet from 203.0.113.5 to any keep state label "${NAME}-out"`,
        "",
      ].join("\n"),
    );
    const keys = host.calls.find((c) => c.argv.includes("/bin/dd"))!;
    expect(keys.input).toBe(`${KEY}\n`);
    expect(host.rules).toEqual(RCTL_ADD.map((r) => r.slice("rctl -a ".length)));
  });

  it("adopts an existing dataset and running jail: no second clone, no second start, config and limits re-applied", async () => {
    const { host, driver } = await existingJail(true);
    const result = await driver.create(spec(), { sshKeys: [], start: true });

    expect(host.argvs()).toEqual([
      `zfs list -H -o name ${DS}`,
      `rctl jail:${NAME}`,
      `zfs list -H -o name ${DS}`,
      `zfs get -Hp -o value refquota ${DS}`,
      `pfctl -a cellblock/${NAME} -f -`,
      `jls --libxo json -v -j ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
    ]);
    expect(result).toMatchObject({ jid: 1, running: true, adopted: true });
    expect(host.argvs().some((a) => a.startsWith("zfs clone") || a.startsWith("jail "))).toBe(false);
    expect(host.rules).toHaveLength(3);
  });

  it("extracts the template tarball when the host has no ZFS dataset, and leaves the jail stopped if asked", async () => {
    const { host, mem, driver } = setup("tarball");
    const result = await driver.create(spec(), { sshKeys: [], start: false });

    expect(host.argvs()).toEqual([
      `tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`,
      `rctl jail:${NAME}`,
      ...RCTL_ADD,
      `pfctl -a cellblock/${NAME} -f -`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
    expect(mem.dirs.has(ROOT)).toBe(true);
    expect(mem.dirs.has(STAGING)).toBe(false);
    expect(result).toEqual({ jid: null, running: false, sshHostKeyFingerprint: null, adopted: false });
  });

  it("adopts an existing tarball root instead of extracting again", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    const result = await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().some((a) => a.startsWith("tar "))).toBe(false);
    expect(result.adopted).toBe(true);
  });

  it("never leaves a half-extracted root where a retry would adopt it", async () => {
    const { host, mem, driver } = setup("tarball");
    host.failTar = true;
    await expect(driver.create(spec(), { sshKeys: [], start: false })).rejects.toThrow(CommandError);
    expect(host.argvs()).toEqual([`tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`, `rm -r -f -x ${STAGING}`]);
    expect(mem.dirs.has(ROOT)).toBe(false);

    // A crash mid-extraction leaves the staging directory behind: the retry clears it first.
    host.failTar = false;
    host.reset();
    await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().slice(0, 2)).toEqual([
      `rm -r -f -x ${STAGING}`,
      `tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`,
    ]);
    expect(mem.dirs.has(ROOT)).toBe(true);
  });

  it("starts a jail created stopped just long enough to install keys, then stops it", async () => {
    const { host, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: false });
    expect(host.argvs().slice(-9)).toEqual([
      ...keySteps(NAME),
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
    expect(result.running).toBe(false);
    expect(host.jails.size).toBe(0);
  });

  it("stops the temporarily started jail even when installing the keys fails", async () => {
    const { host, driver } = setup();
    host.failKeys = true;
    await expect(driver.create(spec(), { sshKeys: [KEY], start: false })).rejects.toThrow(CommandError);
    expect(host.argvs().slice(-3)).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
    expect(host.jails.size).toBe(0);
  });

  it("with no public address loads an empty anchor (no NAT, no stale rules)", async () => {
    const { host, driver } = setup();
    await driver.create(spec({ network: { ...spec().network, publicIp: null } }), { sshKeys: [], start: false });
    expect(host.calls.find((c) => c.argv[0] === "pfctl")!.input).toBe(`# Cellblock jail ${NAME}\n`);
  });

  it.each([
    ["a name with a slash", spec({ name: "cb../../etc" })],
    ["a name not starting cb", spec({ name: "rootjail01" })],
    ["a hostname with a quote", spec({ hostname: 'a".example.com' })],
    ["a hostname with a newline", spec({ hostname: "a.example.com\n}" })],
    ["a bad private address", spec({ network: { ...spec().network, privateIp: "10.77.0.256" } })],
    ["a bad public address", spec({ network: { ...spec().network, publicIp: "203.0.113.5; pass all" } })],
    ["a snapshot with a space", spec({ template: { ...spec().template, zfsSnapshot: "zroot/t@base -o x" } })],
  ])("refuses %s before running anything", async (_what, bad) => {
    const { host, driver } = setup();
    await expect(driver.create(bad, { sshKeys: [], start: true })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });

  it("refuses an invalid SSH key before running anything", async () => {
    const { host, driver } = setup();
    await expect(driver.create(spec(), { sshKeys: ["ssh-ed25519 AAAA\nroot"], start: true })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver start / stop / restart", () => {
  it("starts a stopped jail with its own jail(8) file", async () => {
    const { host, driver } = await existingJail(false);
    const info = await driver.start(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`, `jail -f ${CONF} -c ${NAME}`, `jls --libxo json -v -j ${NAME}`]);
    expect(info).toEqual({ name: NAME, jid: 1, running: true, hostname: "www.example.com" });
  });

  it("start of a running jail is a no-op", async () => {
    const { host, driver } = await existingJail(true);
    const info = await driver.start(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`]);
    expect(info.running).toBe(true);
  });

  it("start of an unknown jail throws NotFoundError", async () => {
    const { driver } = setup();
    await expect(driver.start(NAME)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stops a running jail (running its exec.stop) and stop of a stopped one is a no-op", async () => {
    const { host, driver } = await existingJail(true);
    expect(await driver.stop(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`, `jail -f ${CONF} -r ${NAME}`, `jls --libxo json -v -j ${NAME}`]);
    host.reset();
    await driver.stop(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`]);
  });

  it("restarts a running jail with -rc and starts a stopped one", async () => {
    const { host, driver } = await existingJail(true);
    const info = await driver.restart(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`, `jail -f ${CONF} -rc ${NAME}`, `jls --libxo json -v -j ${NAME}`]);
    expect(info).toMatchObject({ running: true, jid: 2 });

    await driver.stop(NAME);
    host.reset();
    await driver.restart(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -c ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
  });
});

describe("FreeBsdDriver.destroy", () => {
  it("stops, flushes the pf anchor, removes rctl rules, destroys the dataset and the jail file", async () => {
    const { host, mem, driver } = await existingJail(true);
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}`,
      `zfs list -H -o name ${DS}`,
      `zfs destroy -r -f ${DS}`,
    ]);
    expect(mem.files.has(CONF)).toBe(false);
    expect(host.rules).toEqual([]);
    expect(host.datasets.size).toBe(0);
  });

  it("removes the tree in tarball mode, clearing file flags first", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}`,
      `chflags -R 0 ${ROOT}`,
      `rm -r -f -x ${ROOT}`,
    ]);
  });

  it("succeeds for a jail that does not exist, destroying nothing", async () => {
    const { host, driver } = setup();
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `zfs list -H -o name ${DS}`,
    ]);
  });

  it("refuses an invalid name", async () => {
    const { host, driver } = setup();
    await expect(driver.destroy("cb/../../..")).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver.setLimits", () => {
  const plan = { memoryMb: 512, maxProcesses: 64, cpuPercent: 50, diskQuotaMb: 10240 };

  it("adds one rule per resource on a fresh jail", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = [];
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([`rctl jail:${NAME}`, ...RCTL_ADD, `zfs list -H -o name ${DS}`, `zfs get -Hp -o value refquota ${DS}`]);
  });

  it("applying the same plan twice only lists the second time", async () => {
    const { host, driver } = await existingJail(false);
    await driver.setLimits(NAME, plan);
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([`rctl jail:${NAME}`, `zfs list -H -o name ${DS}`, `zfs get -Hp -o value refquota ${DS}`]);
    expect(host.rules).toHaveLength(3);
  });

  it("a plan change removes the old rules, adds the new ones and changes refquota", async () => {
    const { host, driver } = await existingJail(false);
    await driver.setLimits(NAME, { memoryMb: 1024, maxProcesses: 128, cpuPercent: 100, diskQuotaMb: 20480 });
    expect(host.argvs()).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:memoryuse:deny=536870912`,
      `rctl -r jail:${NAME}:maxproc:deny=64`,
      `rctl -r jail:${NAME}:pcpu:deny=50`,
      `rctl -a jail:${NAME}:memoryuse:deny=1073741824`,
      `rctl -a jail:${NAME}:maxproc:deny=128`,
      `rctl -a jail:${NAME}:pcpu:deny=100`,
      `zfs list -H -o name ${DS}`,
      `zfs get -Hp -o value refquota ${DS}`,
      `zfs set refquota=20480M ${DS}`,
    ]);
    expect(host.rules).toEqual([`jail:${NAME}:memoryuse:deny=1073741824`, `jail:${NAME}:maxproc:deny=128`, `jail:${NAME}:pcpu:deny=100`]);
  });

  it("changing one resource touches only that rule", async () => {
    const { host, driver } = await existingJail(false);
    await driver.setLimits(NAME, { ...plan, maxProcesses: 100 });
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:maxproc:deny=64`,
      `rctl -a jail:${NAME}:maxproc:deny=100`,
    ]);
  });

  it("cleans up rules other tools left on our resources, keeps the rest, and ends with exactly one per resource", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = fixture("rctl-rules.txt").trim().split("\n");
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:memoryuse:log=1073741824`,
    ]);
    const ours = parseRctlRules(host.rules.join("\n")).filter((r) => ["memoryuse", "maxproc", "pcpu"].includes(r.resource));
    expect(ours.map((r) => r.resource).sort()).toEqual(["maxproc", "memoryuse", "pcpu"]);
    expect(host.rules).toContain(`jail:${NAME}:openfiles:deny=4096/process`);
  });

  it("removes a same-resource rule with a /per suffix rather than piling a second one on", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = [`jail:${NAME}:maxproc:deny=64/process`];
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:maxproc:deny=64/process`,
      ...RCTL_ADD,
    ]);
    expect(host.rules).toHaveLength(3);
  });

  it("skips refquota in tarball mode and refuses an invalid plan", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([`rctl jail:${NAME}`]);
    host.reset();
    await expect(driver.setLimits(NAME, { ...plan, memoryMb: -1 })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver access", () => {
  it("sets root's password from the hash on stdin, never on argv", async () => {
    const { host, driver } = await existingJail(true);
    await driver.setRootPasswordHash(NAME, HASH);
    expect(host.calls).toEqual([
      { argv: ["jls", "--libxo", "json", "-v", "-j", NAME] },
      { argv: ["jexec", "-l", NAME, "/usr/sbin/pw", "usermod", "root", "-H", "0"], input: `${HASH}\n` },
    ]);
    expect(host.calls.some((c) => c.argv.some((a) => a.includes("$6$")))).toBe(false);
  });

  it("refuses a plain password or a malformed hash, and a stopped jail", async () => {
    const { host, driver } = await existingJail(false);
    await expect(driver.setRootPasswordHash(NAME, "hunter2hunter2")).rejects.toThrow();
    expect(host.calls).toEqual([]);
    await expect(driver.setRootPasswordHash(NAME, HASH)).rejects.toThrow(/must be running/);
    expect(host.argvs().some((a) => a.startsWith("jexec"))).toBe(false);
  });

  it("writes authorized_keys from inside the jail with the keys on stdin", async () => {
    const { host, driver } = await existingJail(true);
    const second = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob";
    await driver.setAuthorizedKeys(NAME, [KEY, second]);
    expect(host.calls.find((c) => c.argv.includes("/bin/dd"))).toEqual({
      argv: ["jexec", "-l", NAME, "/bin/dd", `of=${KEYS_TMP}`, "status=none"],
      input: `${KEY}\n${second}\n`,
    });
    expect(host.calls.every((c) => !c.argv.includes("/bin/sh") || c.argv[0] === "jail")).toBe(true);
    // Nothing is written through the host path into the jail root.
    expect(host.argvs().some((a) => a.includes(ROOT))).toBe(false);
  });

  it("an empty key list empties the file; a malformed key is refused", async () => {
    const { host, driver } = await existingJail(true);
    await driver.setAuthorizedKeys(NAME, []);
    expect(host.calls.find((c) => c.argv.includes("/bin/dd"))!.input).toBe("");
    host.reset();
    await expect(driver.setAuthorizedKeys(NAME, [`${KEY}\nssh-ed25519 AAAA evil`])).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver measurement", () => {
  it("reads disk from ZFS, memory/CPU/processes from rctl -u, traffic from the anchor's labels", async () => {
    const { host, driver } = await existingJail(true);
    const usage = await driver.usage([NAME]);
    expect(host.argvs()).toEqual([
      "zfs get -Hp -t filesystem -d 1 -o name,value used zroot/cellblock/jails",
      `rctl -u jail:${NAME}`,
      `pfctl -a cellblock/${NAME} -s labels`,
    ]);
    expect(usage).toEqual([
      {
        name: NAME,
        diskBytes: 1342177280,
        memoryBytes: 25550848,
        cpuSeconds: 174,
        processes: 5,
        netRxBytes: 47000000 + 812345,
        netTxBytes: 4234567 + 9000000,
      },
    ]);
  });

  it("reads disk for every jail with one zfs get and skips jails that are gone", async () => {
    const { host, driver } = await existingJail(true);
    const usage = await driver.usage([NAME, "cbgone0000"]);
    expect(host.argvs().filter((a) => a.startsWith("zfs"))).toEqual([
      "zfs get -Hp -t filesystem -d 1 -o name,value used zroot/cellblock/jails",
    ]);
    expect(usage.map((u) => u.name)).toEqual([NAME]);
  });

  it("uses du -skx in tarball mode and skips jails that are gone", async () => {
    const { host, driver } = await existingJail(true, "tarball");
    const usage = await driver.usage([NAME, "cbgone0000"]);
    expect(host.argvs()[0]).toBe(`du -skx ${ROOT}`);
    expect(usage.map((u) => [u.name, u.diskBytes])).toEqual([[NAME, 1310720 * 1024]]);
    expect(host.argvs().filter((a) => a.includes("cbgone0000"))).toEqual([]);
  });

  it("lists processes of the jail by jid and parses them", async () => {
    const { host, driver } = await existingJail(true);
    const procs = await driver.processes(NAME);
    expect(host.argvs().at(-1)).toBe("ps -J 1 -o pid=,nice=,pcpu=,comm=");
    expect(procs).toHaveLength(5);
    expect(procs[3]).toEqual({ pid: 36590, nice: 20, cpuPercent: 97.4, command: "perl" });
  });

  it("a stopped jail has no processes; a missing one is not found", async () => {
    const { driver } = await existingJail(false);
    expect(await driver.processes(NAME)).toEqual([]);
    await expect(setup().driver.processes(NAME)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("renices only a process of this jail, with FreeBSD renice syntax", async () => {
    const { host, driver } = await existingJail(true);
    await driver.renice(NAME, 36590, 10);
    expect(host.argvs().at(-1)).toBe("renice 10 -p 36590");
    host.reset();
    await expect(driver.renice(NAME, 1, 10)).rejects.toThrow(/not running in jail/);
    expect(host.argvs().some((a) => a.startsWith("renice"))).toBe(false);
  });

  it("snapshots with ZFS once, and says tarball mode cannot", async () => {
    const { host, driver } = await existingJail(false);
    await driver.snapshot(NAME, "before-upgrade");
    await driver.snapshot(NAME, "before-upgrade");
    expect(host.argvs().filter((a) => a.startsWith("zfs snapshot"))).toEqual([`zfs snapshot ${DS}@before-upgrade`]);
    await expect((await existingJail(false, "tarball")).driver.snapshot(NAME, "x")).rejects.toBeInstanceOf(UnsupportedError);
  });
});

describe("FreeBsdDriver inspect / list", () => {
  it("inspects a running jail from jls, a stopped one from its jail file, and a missing one as null", async () => {
    const running = await existingJail(true);
    expect(await running.driver.inspect(NAME)).toEqual({ name: NAME, jid: 1, running: true, hostname: "www.example.com" });
    const stopped = await existingJail(false);
    expect(await stopped.driver.inspect(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
    expect(await setup().driver.inspect(NAME)).toBeNull();
  });

  it("treats a dying jail (removed, still holding resources) as not running", async () => {
    const { host, driver } = await existingJail(false);
    host.run = async (argv, opts) => {
      host.calls.push({ argv });
      if (argv[0] === "jls" && (opts?.okCodes ?? []).includes(1)) return fail(1, fixture("jls-dying.stderr"));
      return ok();
    };
    expect(await driver.inspect(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
  });

  it("lists only Cellblock jails, running ones from jls and stopped ones from /etc/jail.conf.d", async () => {
    const { host, mem, driver } = setup();
    host.run = async (argv) => {
      host.calls.push({ argv });
      return ok(fixture("jls-v.json"));
    };
    mem.files.set("/etc/jail.conf.d/cbstopped01.conf", "");
    mem.files.set("/etc/jail.conf.d/builder.conf", "");
    const jails = await driver.list();
    expect(host.argvs()).toEqual(["jls --libxo json -v"]);
    expect(jails).toEqual([
      { name: "cbk3x9q2m7", jid: 2, running: true, hostname: "www.example.com" },
      { name: "cbstopped01", jid: null, running: false, hostname: null },
      { name: "cbw8r4t1z0", jid: 7, running: true, hostname: "shop.example.org" },
    ]);
  });
});

describe("FreeBsdDriver.fingerprint", () => {
  it("is ready with racct on, the dataset present and pf enabled", async () => {
    const { host, driver } = setup();
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, used: 0 });
    const fp = await driver.fingerprint();
    expect(host.argvs()).toEqual([
      "uname -r",
      "sysctl -n kern.racct.enable",
      "zfs list -H -o name zroot/cellblock/jails",
      "pfctl -s info",
      "pfctl -s nat",
      "pfctl -s rules",
    ]);
    expect(fp).toEqual({
      driver: "freebsd",
      ready: true,
      facts: {
        release: "14.1-RELEASE-p5",
        racct: true,
        storage: "zfs",
        zfs: true,
        zfsDataset: "zroot/cellblock/jails",
        zfsDatasetExists: true,
        pf: true,
        pfAnchors: true,
        jailsRoot: "/usr/local/cellblock/jails",
        externalInterface: "em0",
      },
    });
  });

  it("is not ready, and says why in words, when racct is off, the dataset is missing and pf is disabled", async () => {
    const { host, driver } = setup();
    host.racct = fixture("sysctl-racct-disable.txt");
    host.pfInfo = fixture("pfctl-s-info-disabled.txt");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toMatch(/kern\.racct\.enable=1/);
    expect(fp.reason).toMatch(/zroot\/cellblock\/jails does not exist/);
    expect(fp.reason).toMatch(/pf firewall is not enabled/);
  });

  it("is not ready when pf.conf does not call the jail anchors", async () => {
    const { host, driver } = setup();
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, used: 0 });
    host.pfNat = "";
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.facts.pfAnchors).toBe(false);
    expect(fp.reason).toBe(
      'pf.conf does not call the jail anchors; add nat-anchor "cellblock/*", rdr-anchor "cellblock/*" and anchor "cellblock/*" to it.',
    );
  });
});

describe("FreeBsdDriver config", () => {
  it("refuses an interface or dataset that could smuggle syntax into pf or zfs", () => {
    const runner = new FakeHost();
    const mem = new MemoryFs();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0 all" } })).toThrow();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0", zfsDataset: "zroot/a b" } })).toThrow();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0", jailsRoot: "/usr/../etc" } })).toThrow();
  });
});

describe("parsers on real FreeBSD output shapes", () => {
  it("jls --libxo json -v", () => {
    expect(parseJls(fixture("jls-v.json"))).toEqual([
      { name: "cbk3x9q2m7", jid: 2, running: true, hostname: "www.example.com" },
      { name: "cbw8r4t1z0", jid: 7, running: true, hostname: "shop.example.org" },
      { name: "builder", jid: 11, running: true, hostname: "builder" },
    ]);
    expect(parseJls(fixture("jls-v-j.json"))).toHaveLength(1);
    expect(parseJls('{"__version": "2", "jail-information": {"jail": []}}')).toEqual([]);
  });

  it("rctl rule listing", () => {
    const rules = parseRctlRules(fixture("rctl-rules.txt"));
    expect(rules).toHaveLength(5);
    expect(rules[0]).toEqual({
      text: `jail:${NAME}:memoryuse:deny=536870912`,
      subject: "jail",
      subjectId: NAME,
      resource: "memoryuse",
      action: "deny",
      amount: 536870912,
      per: null,
    });
    expect(rules[4]).toMatchObject({ resource: "openfiles", per: "process" });
    expect(parseRctlRules("")).toEqual([]);
    expect(() => parseRctlRules("jail:x:memoryuse:deny=512M")).toThrow(); // humanised (-h) output is not what we asked for
  });

  it("rctl -u", () => {
    const u = parseRctlUsage(fixture("rctl-u.txt"));
    expect(u).toMatchObject({ cputime: 174, memoryuse: 25550848, maxproc: 5, pcpu: 0, vmemoryuse: 296804352 });
    expect(Object.keys(u)).toHaveLength(25);
  });

  it("pfctl -s labels, one label or several per rule", () => {
    const one = parsePfLabels(fixture("pfctl-s-labels.txt"));
    expect(one[0]).toEqual({
      labels: [`${NAME}-in`],
      evaluations: 3021,
      packets: 48211,
      bytes: 51234567,
      packetsIn: 30102,
      bytesIn: 47000000,
      packetsOut: 18109,
      bytesOut: 4234567,
      states: 211,
    });
    const multi = parsePfLabels(fixture("pfctl-s-labels-multi.txt"));
    expect(multi[1]).toMatchObject({ labels: [`${NAME}-out`, "cellblock"], bytesIn: 812345, bytesOut: 9000000 });
  });

  it("ps -o pid=,nice=,pcpu=,comm=", () => {
    expect(parsePs(fixture("ps-J.txt"))).toEqual([
      { pid: 36211, nice: 0, cpuPercent: 0, command: "init" },
      { pid: 36502, nice: 0, cpuPercent: 0, command: "syslogd" },
      { pid: 36577, nice: 0, cpuPercent: 0, command: "cron" },
      { pid: 36590, nice: 20, cpuPercent: 97.4, command: "perl" },
      { pid: 36604, nice: -5, cpuPercent: 1.2, command: "nginx" },
    ]);
    expect(parsePs("")).toEqual([]);
  });

  it("ssh-keygen -l and zfs get -Hp", () => {
    expect(parseSshKeygenFingerprint(fixture("ssh-keygen-l.txt"))).toBe("SHA256:uqN3Zo8N2oXyp0SHsXVX1CqYaxZ8mJ3Jv6a0G6lFkQE");
    expect(parseZfsGetNameValue(fixture("zfs-get-used-d1.txt"))).toEqual(
      new Map([
        ["zroot/cellblock/jails", 2952790016],
        [DS, 1342177280],
        ["zroot/cellblock/jails/cbw8r4t1z0", 1610612736],
      ]),
    );
    expect(Number(fixture("zfs-get-refquota.txt").trim())).toBe(10737418240);
    expect(fixture("jls-not-found.stderr")).toMatch(/not found/);
  });
});

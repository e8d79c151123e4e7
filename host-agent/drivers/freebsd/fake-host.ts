// Test double for the freebsd driver's unit tests: a FreeBSD host in memory that records every
// argv and answers in the formats of the fixtures (fixtures/README.md says where each comes from).
// Not used by the agent.
import fs from "node:fs";
import path from "node:path";
import type { JailSpec } from "@/lib/schemas/jobs";
import { CommandError, type ExecOptions, type ExecResult, type Runner } from "../../exec";
import { MemoryFs } from "../memory-fs";
import { FreeBsdDriver } from "./driver";
import { FakePf } from "./fake-pf";
import { renderPs, type FakeProc } from "./fake-ps";

export const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

export const NAME = "cbk3x9q2m7";
export const DS = `zroot/cellblock/jails/${NAME}`;
export const ROOT = `/usr/local/cellblock/jails/${NAME}`;
export const CONF = `/etc/jail.conf.d/${NAME}.conf`;
export const STAGING = `/usr/local/cellblock/jails/.${NAME}.partial`;
export const STATE = `/var/db/cellblock/jails/${NAME}.json`;
export const ANCHOR = `cellblock/${NAME}`;
export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
export const HASH = `$6$saltsalt$${"a".repeat(86)}`;

export function spec(over: Partial<JailSpec> = {}): JailSpec {
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

export type Call = { argv: string[]; input?: string };
export const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
export const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

/**
 * A FreeBSD host in memory: running jails, ZFS datasets, rctl rules (with the kernel's rule
 * semantics), pf (fake-pf.ts), processes (fake-ps.ts), rc.conf / loader.conf through sysrc, and
 * interfaces. Records every argv and stdin; answers in the formats of the fixtures. reboot()
 * keeps what is on disk and forgets what lives only in the kernel.
 */
export class FakeHost implements Runner {
  calls: Call[] = [];
  jails = new Map<string, { jid: number; hostname: string; path: string }>();
  datasets = new Map<string, { refquota: number; referenced: number; refreservation: number }>();
  snapshots = new Set<string>();
  rules: string[] = [];
  pf = new FakePf();
  procs: FakeProc[] = [];
  nextJid = 1;
  boottime = 1_762_000_000;
  racct = "1\n";
  /** rc.conf as sysrc(8) reads it (defaults included), and /boot/loader.conf. */
  rcConf = new Map<string, string>([
    ["pf_enable", "YES"],
    ["pf_rules", "/etc/pf.conf"],
    ["cloned_interfaces", "lo1"],
  ]);
  loaderConf = new Map<string, string>([["kern.racct.enable", "1"]]);
  /** Interfaces and their IPv4 addresses. */
  ifaces = new Map<string, string[]>([
    ["em0", ["198.51.100.10", "203.0.113.5"]],
    ["lo1", []],
  ]);
  failTar = false;
  failKeys = false;
  /** restic: snapshots in the (one) repository, and the environment of each restic command. */
  resticSnapshots = false;
  failResticBackup = false;
  resticEnvs: NodeJS.ProcessEnv[] = [];

  constructor() {
    this.pf.info = fixture("pfctl-s-info.txt");
    this.pf.nat = fixture("pfctl-s-nat.txt");
    this.pf.rules = fixture("pfctl-s-rules.txt");
    this.pf.memory = fixture("pfctl-s-memory-14.txt");
  }

  async run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push(opts.input === undefined ? { argv } : { argv, input: opts.input });
    if (argv[0] === "restic" && opts.env) this.resticEnvs.push(opts.env);
    const r = this.answer(argv, opts.input);
    if (r.code !== 0 && !(opts.okCodes ?? []).includes(r.code)) throw new CommandError(argv, r, `${argv.join(" ")} exited with ${r.code}`);
    return r;
  }

  /**
   * A reboot: no jail runs, no rctl rule or pf anchor is left in the kernel; pf, RACCT and lo1
   * come back only as rc.conf and loader.conf say. Datasets and files stay.
   */
  reboot() {
    this.jails.clear();
    this.procs = [];
    this.rules = [];
    this.pf.forgetAnchors();
    this.pf.loaded = this.rcConf.get("pf_enable") === "YES";
    this.racct = this.loaderConf.get("kern.racct.enable") === "1" ? "1\n" : "0\n";
    if (!(this.rcConf.get("cloned_interfaces") ?? "").split(" ").includes("lo1")) this.ifaces.delete("lo1");
    this.nextJid = 1;
    this.boottime += 86_400;
  }

  private jlsJson(names: string[]) {
    const items = names.map((n) => {
      const j = this.jails.get(n)!;
      return `{"jid":${j.jid},"hostname":"${j.hostname}","path":"${j.path}","name":"${n}","state":"ACTIVE","cpusetid":${j.jid + 3}, "ipv4_addrs": ["10.77.0.5"], "ipv6_addrs": []}`;
    });
    return `{"__version": "2", "jail-information": {"jail": [${items.join(", ")}]}}\n`;
  }

  private answer(a: string[], input?: string): ExecResult {
    const cmd = a.join(" ");
    if (a[0] === "uname") return ok(fixture("uname-r.txt"));
    if (cmd === "sysctl -n hw.ncpu") return ok("8\n");
    if (cmd === "sysctl -n kern.boottime") return ok(`{ sec = ${this.boottime}, usec = 263021 } Sat Nov  1 12:26:40 2025\n`);
    if (a[0] === "sysctl") return ok(this.racct);
    if (a[0] === "sysrc") {
      const conf = a[1] === "-f" ? (a[2] === "/boot/loader.conf" ? this.loaderConf : new Map<string, string>()) : this.rcConf;
      const value = conf.get(a[a.length - 1]!);
      return value === undefined ? fail(1, "") : ok(`${value}\n`);
    }
    if (a[0] === "ifconfig") {
      const addrs = this.ifaces.get(a[1]!);
      if (!addrs) return fail(1, `ifconfig: interface ${a[1]} does not exist\n`);
      return ok(
        `${a[1]}: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n` +
          addrs.map((ip) => `\tinet ${ip} netmask 0xffffffff broadcast ${ip}\n`).join(""),
      );
    }
    if (a[0] === "pfctl") return this.pf.answer(a, input);
    if (a[0] === "jls") {
      const j = a.indexOf("-j");
      if (j < 0) return ok(this.jlsJson([...this.jails.keys()]));
      const n = a[j + 1]!;
      return this.jails.has(n) ? ok(this.jlsJson([n])) : fail(1, `jls: jail "${n}" not found\n`);
    }
    if (a[0] === "jail") return this.jail(a);
    if (a[0] === "zfs") return this.zfs(a);
    if (a[0] === "restic") return this.restic(a);
    if (a[0] === "rctl") return this.rctl(a);
    if (a[0] === "jexec" && a.includes("/usr/bin/ssh-keygen")) return ok(fixture("ssh-keygen-l.txt"));
    if (a[0] === "jexec" && a.includes("/bin/mv") && this.failKeys) return fail(1, "mv: rename: Operation not permitted\n");
    if (a[0] === "ps") {
      const r = renderPs(a, this.procs);
      return { ...ok(r.stdout), code: r.code };
    }
    if (a[0] === "du") return ok(fixture("du-sk.txt"));
    if (a[0] === "tar" && this.failTar) return fail(1, "tar: Error opening archive\n");
    return ok();
  }

  // jail(8): -c creates (adding the lo1 alias, which fails without lo1), -r removes, -rc restarts.
  private jail(a: string[]): ExecResult {
    const n = a[a.length - 1]!;
    const flag = a[a.length - 2];
    if ((flag === "-c" || flag === "-rc") && !this.ifaces.has("lo1")) {
      return fail(
        1,
        `jail: ${n}: ifconfig lo1 inet 10.77.0.5 netmask 255.255.255.255 alias: ifconfig: interface lo1 does not exist\njail: ${n}: failed\n`,
      );
    }
    if (flag === "-c") {
      const jid = this.nextJid++;
      this.jails.set(n, { jid, hostname: "www.example.com", path: `/usr/local/cellblock/jails/${n}` });
      this.procs.push(...PROCS.map((p) => ({ ...p, jid })));
    } else if (flag === "-r") {
      const jid = this.jails.get(n)?.jid;
      this.jails.delete(n);
      this.procs = this.procs.filter((p) => p.jid !== jid);
    } else if (flag === "-rc") this.jails.set(n, { ...this.jails.get(n)!, jid: this.nextJid++ });
    return ok();
  }

  private zfs(a: string[]): ExecResult {
    const target = a[a.length - 1]!;
    if (a[1] === "list") {
      const exists = a.includes("snapshot") ? this.snapshots.has(target) : this.datasets.has(target);
      return exists ? ok(`${target}\n`) : fail(1, `cannot open '${target}': dataset does not exist\n`);
    }
    if (a[1] === "clone") {
      const q = a.find((x) => x.startsWith("refquota="))!;
      this.datasets.set(target, { refquota: Number(q.slice(9, -1)) * 1048576, referenced: 1342177280, refreservation: 0 });
      return ok();
    }
    if (a[1] === "get" && a.includes("-d")) {
      const lines = [...this.datasets]
        .filter(([n]) => n === target || n.startsWith(`${target}/`))
        .map(([n, d]) => `${n}\t${d.referenced}\n`);
      return ok(lines.join(""));
    }
    if (a[1] === "get") {
      const d = this.datasets.get(target);
      if (!d) return fail(1, `cannot open '${target}': dataset does not exist\n`);
      if (a.includes("value") && a[a.indexOf("value") - 1] === "-o") {
        const props = a[a.length - 2]!.split(",") as Array<keyof typeof d>;
        return ok(props.map((p) => `${d[p]}\n`).join(""));
      }
      const props = a[a.length - 2]!.split(",") as Array<keyof typeof d>;
      return ok(props.map((p) => `${p}\t${d[p]}\n`).join(""));
    }
    if (a[1] === "set" && a[2]!.startsWith("mountpoint=")) return ok();
    if (a[1] === "create") {
      const q = a.find((x) => x.startsWith("refquota="))!;
      this.datasets.set(target, { refquota: Number(q.slice(9)), referenced: 0, refreservation: 0 });
      return ok();
    }
    if (a[1] === "rename") {
      const from = a[2]!;
      const d = this.datasets.get(from);
      if (!d) return fail(1, `cannot open '${from}': dataset does not exist\n`);
      this.datasets.delete(from);
      this.datasets.set(target, d);
      return ok();
    }
    if (a[1] === "set") {
      // dsl_dataset_set_refquota_check(): ENOSPC below referenced or refreservation; libzfs's words.
      const d = this.datasets.get(target)!;
      const bytes = Number(a[2]!.slice(9, -1)) * 1048576;
      if (bytes < d.referenced || bytes < d.refreservation) {
        return fail(1, `cannot set property for '${target}': size is less than current used or reserved space\n`);
      }
      d.refquota = bytes;
      return ok();
    }
    if (a[1] === "destroy") {
      if (target.includes("@")) this.snapshots.delete(target);
      this.datasets.delete(target);
      return ok();
    }
    if (a[1] === "snapshot") {
      this.snapshots.add(target);
      return ok();
    }
    return ok();
  }

  // restic with one repository: `init` once, then "config file already exists"; `backup` makes
  // the fixture's snapshot, which `snapshots --json` then lists.
  private repoExists = false;
  private restic(a: string[]): ExecResult {
    if (a[1] === "init") {
      if (this.repoExists)
        return fail(1, "Fatal: create repository at rest:http://h:***@127.0.0.1:1/h/j/ failed: Fatal: config file already exists\n");
      this.repoExists = true;
      return ok("created restic repository 441da8b2 at rest:http://h:***@127.0.0.1:1/h/j/\n");
    }
    if (a[1] === "snapshots") return ok(this.resticSnapshots ? fixture("restic-snapshots-json.txt") : "[]\n");
    if (a[1] === "backup") {
      if (this.failResticBackup)
        return fail(1, "Fatal: unable to save snapshot: server response unexpected: 500 Internal Server Error (500)\n");
      this.resticSnapshots = true;
      return ok(fixture("restic-backup-json.txt"));
    }
    if (a[1] === "stats") return ok('{"total_size":6,"total_file_count":2,"snapshots_count":1}\n');
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

/** The processes every fake jail runs (the values of fixtures/ps-J.txt). */
export const PROCS: Array<Omit<FakeProc, "jid">> = [
  { pid: 36211, nice: 0, pcpu: 0, comm: "init" },
  { pid: 36502, nice: 0, pcpu: 0, comm: "syslogd" },
  { pid: 36577, nice: 0, pcpu: 0, comm: "cron" },
  { pid: 36590, nice: 20, pcpu: 97.4, comm: "perl" },
  { pid: 36604, nice: -5, pcpu: 1.2, comm: "nginx" },
];

/** A fake host, an in-memory file system and a driver on them (ZFS or tarball mode). */
export function setup(mode: "zfs" | "tarball" = "zfs") {
  const host = new FakeHost();
  const mem = new MemoryFs();
  mem.files.set("/etc/pf.conf", fixture("pf.conf"));
  const driver = new FreeBsdDriver({
    runner: host,
    fs: mem,
    config: { externalInterface: "em0", zfsDataset: mode === "zfs" ? "zroot/cellblock/jails" : null },
  });
  return { host, mem, driver };
}

/** A jail that create() already built: dataset, conf file, optionally running. */
export async function existingJail(running: boolean, mode: "zfs" | "tarball" = "zfs") {
  const s = setup(mode);
  await s.driver.create(spec(), { sshKeys: [], start: running });
  s.host.reset();
  return s;
}

export const RCTL_ADD = [
  `rctl -a jail:${NAME}:memoryuse:deny=536870912`,
  `rctl -a jail:${NAME}:maxproc:deny=64`,
  `rctl -a jail:${NAME}:pcpu:deny=50`,
];

export const KEYS_TMP = "/root/.ssh/authorized_keys.cellblock";
export const keySteps = (name: string) => [
  `jexec -l ${name} /bin/mkdir -p /root/.ssh`,
  `jexec -l ${name} /bin/chmod 700 /root/.ssh`,
  `jexec -l ${name} /bin/dd of=${KEYS_TMP} status=none`,
  `jexec -l ${name} /bin/chmod 600 ${KEYS_TMP}`,
  `jexec -l ${name} /bin/mv -f ${KEYS_TMP} /root/.ssh/authorized_keys`,
];

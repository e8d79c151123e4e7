// Test double for the freebsd driver's unit tests: a FreeBSD host in memory that records every
// argv and answers in the formats of the fixtures (fixtures/README.md says where each comes from).
// Not used by the agent.
import fs from "node:fs";
import path from "node:path";
import type { JailSpec } from "@/lib/schemas/jobs";
import { CommandError, type ExecOptions, type ExecResult, type Runner } from "../../exec";
import { MemoryFs } from "../memory-fs";
import { FreeBsdDriver } from "./driver";

export const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

export const NAME = "cbk3x9q2m7";
export const DS = `zroot/cellblock/jails/${NAME}`;
export const ROOT = `/usr/local/cellblock/jails/${NAME}`;
export const CONF = `/etc/jail.conf.d/${NAME}.conf`;
export const STAGING = `/usr/local/cellblock/jails/.${NAME}.partial`;
export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
export const HASH = `$6$saltsalt$${"a".repeat(86)}`;

export function spec(over: Partial<JailSpec> = {}): JailSpec {
  return {
    name: NAME,
    hostname: "www.example.com",
    template: {
      slug: "freebsd-14",
      lxcTemplate: "busybox",
      zfsSnapshot: "zroot/cellblock/templates/freebsd-14@base",
      tarballPath: "/usr/local/cellblock/templates/freebsd-14.txz",
    },
    limits: { memoryMb: 512, maxProcesses: 64, cpuPercent: 50, diskQuotaMb: 10240 },
    network: { privateIp: "10.77.0.5", privatePrefix: 24, privateGateway: "10.77.0.1", publicIp: "203.0.113.5" },
    ...over,
  };
}

export type Call = { argv: string[]; input?: string };
export const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
export const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

/**
 * A FreeBSD host in memory: running jails, ZFS datasets, rctl rules (with the kernel's rule
 * semantics), pf anchors. Records every argv and stdin; answers in the formats of the fixtures.
 */
export class FakeHost implements Runner {
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
    if (cmd === "sysctl -n hw.ncpu") return ok("8\n");
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

/** A fake host, an in-memory file system and a driver on them (ZFS or tarball mode). */
export function setup(mode: "zfs" | "tarball" = "zfs") {
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

// Test double for the lxc driver's unit tests: a Linux host in memory that records every argv
// and answers as the LXC tools do (fixtures/README.md says where each answer comes from). The
// container directories, cgroup files and /proc live in a MemoryFs shared with the driver.
// The end-to-end suite runs the real tools; this is for exact argv and the edge cases (a kill
// inside lxc-create) that are slow or impossible to provoke on a real host. Not used by the agent.
import fs from "node:fs";
import path from "node:path";
import type { JailSpec } from "@/lib/schemas/jobs";
import { CommandError, type ExecOptions, type ExecResult, type Runner } from "../../exec";
import { MemoryFs } from "../memory-fs";
import { vethName } from "./config-file";
import { LxcDriver } from "./driver";

export const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

export const NAME = "cbq7w2e9r4";
export const LXC = "/var/lib/lxc";
export const CONFIG = `${LXC}/${NAME}/config`;
export const ROOTFS = `${LXC}/${NAME}/rootfs`;
export const BOOTSTRAP = `${LXC}/.cellblock-bootstrap-${NAME}.conf`;
export const CG = "/sys/fs/cgroup";
export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
export const HASH = `$6$saltsalt$${"a".repeat(86)}`;
/** 2026-11-02T00:00:00Z: day 20759 since 1970 for shadow(5). */
export const NOW = Date.UTC(2026, 10, 2);

export function spec(over: Partial<JailSpec> = {}): JailSpec {
  return {
    name: NAME,
    hostname: "www.example.com",
    template: { slug: "base", version: 1, lxcTemplate: "busybox", lxcRootfs: null, zfsSnapshot: null, tarballPath: null },
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

const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

export class FakeLxc implements Runner {
  calls: Array<{ argv: string[]; input?: string }> = [];
  containers = new Map<string, { running: boolean; pid: number | null }>();
  bridges = new Set<string>();
  /** lxc-cgroup writes, in order: [name, key, value]. */
  cgroupWrites: Array<[string, string, string]> = [];
  nextPid = 5723;
  /** The next lxc-create is killed (timeout) after writing the config, before the template finished. */
  killInsideCreate = false;
  /** Answer lxc-ls with this text instead of rendering the containers (a captured fixture). */
  lsOutput: string | null = null;
  shadow = "root:x:0:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n";

  constructor(readonly fs: MemoryFs) {}

  async run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push(opts.input === undefined ? { argv } : { argv, input: opts.input });
    const r = await this.answer(argv);
    if (r.code !== 0 && !(opts.okCodes ?? []).includes(r.code)) throw new CommandError(argv, r, `${argv.join(" ")} exited with ${r.code}`);
    return r;
  }

  argvs() {
    return this.calls.map((c) => c.argv.join(" "));
  }
  reset() {
    this.calls = [];
  }

  private async answer(a: string[]): Promise<ExecResult> {
    const name = a[a.indexOf("-n") + 1] ?? "";
    const dir = `${LXC}/${name}`;
    switch (a[0]) {
      case "lxc-create": {
        if (a[1] === "--version") return ok("5.0.2\n");
        if (this.containers.has(name)) return fail(1, `lxc-create: ${name}: Container already exists\n`);
        const bootstrap = await this.fs.readFile(a[a.indexOf("-f") + 1]!);
        const config = fixture("busybox-config.txt").replaceAll("cbfixture01", name).replace("lxc.net.0.type = empty\n", bootstrap);
        await this.fs.mkdir(dir);
        await this.fs.writeFile(`${dir}/config`, config);
        this.containers.set(name, { running: false, pid: null });
        if (this.killInsideCreate) {
          this.killInsideCreate = false;
          throw new CommandError(a, null, "lxc-create timed out after 180000 ms", true);
        }
        for (const d of ["rootfs", "rootfs/etc", "rootfs/etc/init.d", "rootfs/root"]) await this.fs.mkdir(`${dir}/${d}`);
        await this.fs.writeFile(`${dir}/rootfs/etc/inittab`, "::sysinit:/etc/init.d/rcS\n");
        return ok();
      }
      case "lxc-info": {
        const c = this.containers.get(name);
        if (!c) return fail(1, fixture("lxc-info-missing.stderr").replace("cbfixture01", name));
        return ok(c.running ? fixture("lxc-info-running.txt").replace("5723", String(c.pid)) : fixture("lxc-info-stopped.txt"));
      }
      case "lxc-start":
        return this.start(name);
      case "lxc-stop": {
        const c = this.containers.get(name)!;
        await this.fs.rm(`/sys/class/net/${vethName(name)}`, { recursive: true });
        for (const ctl of ["pids", "memory", "cpuacct"]) await this.fs.rm(`${CG}/${ctl}/lxc.payload.${name}`, { recursive: true });
        c.running = false;
        c.pid = null;
        return ok();
      }
      case "lxc-destroy":
        this.containers.delete(name);
        await this.fs.rm(dir, { recursive: true });
        return ok();
      case "lxc-ls":
        if (this.lsOutput !== null) return ok(this.lsOutput);
        return ok(
          [
            "NAME        STATE   PID  ",
            ...[...this.containers].map(([n, c]) => `${n} ${c.running ? "RUNNING" : "STOPPED"} ${c.pid ?? "-"} `),
          ].join("\n") + "\n",
        );
      case "lxc-cgroup":
        this.cgroupWrites.push([name, a[3]!, a[4]!]);
        return ok();
      case "lxc-attach":
        return a.includes("/bin/cat") && a.includes("/etc/shadow") ? ok(this.shadow) : ok();
      case "du":
        return ok(`1310720\t${a[a.length - 1]}\n`);
      case "ssh-keygen": {
        if (a[1] === "-l") return ok(fixture("ssh-keygen-l.txt"));
        const key = a[a.indexOf("-f") + 1]!;
        await this.fs.writeFile(key, "private");
        await this.fs.writeFile(`${key}.pub`, "ssh-ed25519 AAAA root@x\n");
        return ok();
      }
      case "ip": {
        const dev = a[a.length - 1]!;
        if (a[1] === "-o")
          return this.bridges.has(dev) ? ok(`3: ${dev}    inet 10.77.0.1/24 brd 10.77.0.255 scope global ${dev}\n`) : fail(1, "");
        if (a[1] === "link" && a[2] === "add") this.bridges.add(a[3]!);
        return ok();
      }
      default:
        return ok(); // lxc-wait, renice
    }
  }

  private async start(name: string): Promise<ExecResult> {
    const c = this.containers.get(name)!;
    c.running = true;
    c.pid = this.nextPid;
    this.nextPid += 100;
    // The container's init and one more process, in its cgroups and /proc, as on the real host.
    const pids = [c.pid, c.pid + 8];
    for (const ctl of ["pids", "cpuacct"])
      await this.fs.writeFile(`${CG}/${ctl}/lxc.payload.${name}/cgroup.procs`, pids.map((p) => `${p}\n`).join(""));
    await this.fs.writeFile(`${CG}/pids/lxc.payload.${name}/pids.current`, "2\n");
    await this.fs.writeFile(`${CG}/memory/lxc.payload.${name}/memory.usage_in_bytes`, "25550848\n");
    await this.fs.writeFile(`${CG}/cpuacct/lxc.payload.${name}/cpuacct.usage`, "174000000000\n");
    for (const d of ["pids", "memory", "cpuacct"]) await this.fs.mkdir(`${CG}/${d}/lxc.payload.${name}`);
    for (const pid of pids) this.setProc(pid, pid === c.pid ? "init" : "yes", 0, 0, pid === c.pid ? this.bootTicks : this.bootTicks + 40);
    this.bootTicks += 1000;
    return ok();
  }

  /** Clock ticks since boot at the next container start (proc(5) starttime). */
  bootTicks = 197353;

  /** Writes /proc/<pid>/stat in the kernel's format (fixtures/proc-stat.txt) with these values. */
  setProc(pid: number, comm: string, ticks: number, nice: number, startTicks?: number) {
    const fields = fixture("proc-stat.txt").trim().split(" ");
    fields[0] = String(pid);
    fields[1] = `(${comm})`;
    fields[13] = String(ticks); // utime (field 14)
    fields[14] = "0"; // stime (field 15)
    fields[18] = String(nice); // nice (field 19)
    if (startTicks !== undefined) fields[21] = String(startTicks); // starttime (field 22)
    void this.fs.writeFile(`/proc/${pid}/stat`, `${fields.join(" ")}\n`);
  }
}

/** A fake host, an in-memory file system with LXC's templates installed, and a driver on them. */
export function setup(opts: { bridge?: string | null } = {}) {
  const mem = new MemoryFs();
  for (const f of ["/usr/share/lxc/templates/lxc-busybox", "/bin/busybox"]) mem.files.set(f, "");
  mem.dirs.add(`${CG}/memory`);
  const host = new FakeLxc(mem);
  const clock = { now: NOW };
  const driver = new LxcDriver({ runner: host, fs: mem, bridge: opts.bridge ?? null, isRoot: () => true, now: () => clock.now });
  return { host, mem, driver, clock };
}

/** A container create() already finished, optionally running. */
export async function existingContainer(running: boolean, opts: { bridge?: string | null } = {}) {
  const s = setup(opts);
  await s.driver.create(spec(), { sshKeys: [KEY], start: running });
  s.host.reset();
  return s;
}

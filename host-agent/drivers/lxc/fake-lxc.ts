// Test double for the lxc driver's unit tests: a Linux host in memory that records every argv
// and answers as the real tools do (fixtures/README.md says where each answer comes from). The
// container directories, cgroup files, /proc and the mount table live in a MemoryFs shared with
// the driver. The end-to-end suite runs the real tools; this is for exact argv and the edge
// cases (a kill inside lxc-create, a disk that is full) that are slow or impossible to provoke on
// a real host. Not used by the agent.
import fs from "node:fs";
import path from "node:path";
import type { JailSpec, JailTemplate } from "@/lib/schemas/jobs";
import { BYTES_PER_MIB } from "@/lib/units";
import { CommandError, type ExecOptions, type ExecResult, type Runner } from "../../exec";
import { MemoryFs } from "../memory-fs";
import { vethName } from "./config-file";
import { LxcDriver } from "./driver";
import { FakeNft } from "./fake-nft";

export const fixture = (f: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

export const NAME = "cbq7w2e9r4";
export const LXC = "/var/lib/lxc";
export const CONFIG = `${LXC}/${NAME}/config`;
export const ROOTFS = `${LXC}/${NAME}/rootfs`;
export const IMAGE = `${LXC}/${NAME}/rootfs.img`;
export const BOOTSTRAP = `${LXC}/.cellblock-bootstrap-${NAME}.conf`;
export const CACHE = "/var/cache/cellblock/templates";
export const CG = "/sys/fs/cgroup";
export const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop";
export const HASH = `$6$saltsalt$${"a".repeat(86)}`;
/** 2026-11-02T00:00:00Z: day 20759 since 1970 for shadow(5). */
export const NOW = Date.UTC(2026, 10, 2);
/** mkfs.xfs's internal log on these image sizes (xfs_info: log blocks=16384 of 4096 bytes). */
export const XFS_LOG = 64 * BYTES_PER_MIB;
/** What an empty xfs of these sizes reports as used (its metadata). */
export const XFS_EMPTY_USED = 30 * BYTES_PER_MIB;

export const DEBIAN: JailTemplate = {
  slug: "debian-12",
  version: 1,
  lxcTemplate: "busybox",
  lxcRootfs: { kind: "mmdebstrap", suite: "bookworm", variant: "minbase", packages: ["openssh-server", "iproute2", "less"] },
  zfsSnapshot: null,
  tarballPath: null,
};

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
      publicIp: "127.77.0.5",
      ipv6: "fd0c:b10c:ce11::5",
      ipv6PrefixLength: 64,
      ipv6Gateway: "fd0c:b10c:ce11::1",
    },
    ...over,
  };
}

const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", durationMs: 1 });
const fail = (code: number, stderr: string): ExecResult => ({ code, stdout: "", stderr, durationMs: 1 });

type Fs = { fsBytes: number; usedBytes: number };

export class FakeLxc implements Runner {
  calls: Array<{ argv: string[]; input?: string }> = [];
  /** Running containers and their init pids (a container exists when its config file does). */
  running = new Map<string, number>();
  bridges = new Set<string>();
  /** lxc-cgroup writes, in order: [name, key, value]. */
  cgroupWrites: Array<[string, string, string]> = [];
  /** The xfs inside each image file, by the id mkfs.xfs wrote into the file (it follows a rename). */
  images = new Map<string, Fs>();
  private nextFs = 0;
  /** Whether a real OS's sshd comes up at start (false: it never listens). */
  sshd = true;
  /** What the last `tar -cf` packed: the build root's files, by path below it. */
  packed = new Map<string, string>();
  /** Mount point → image, as `mount -o loop` made them (also written to /proc/self/mountinfo). */
  mounts = new Map<string, { image: string; device: string }>();
  /** nftables: the table ip cellblock's NAT maps. */
  readonly nft = new FakeNft();
  nextPid = 5723;
  nextLoop = 0;
  /** The next lxc-create is killed (timeout) after writing the config, before the template finished. */
  killInsideCreate = false;
  /** The next mmdebstrap fails as apt does without its sources. */
  failMmdebstrap = false;
  /** Answer lxc-ls with this text instead of rendering the containers (a captured fixture). */
  lsOutput: string | null = null;
  /** Tools missing from this host (their commands fail to start). */
  missing = new Set<string>();
  shadow = "root:x:0:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n";

  constructor(readonly fs: MemoryFs) {
    this.writeMountinfo();
  }

  async run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push(opts.input === undefined ? { argv } : { argv, input: opts.input });
    if (this.missing.has(argv[0]!)) throw new CommandError(argv, null, `${argv[0]}: spawn ${argv[0]} ENOENT`);
    const r = await this.answer(argv, opts);
    if (r.code !== 0 && !(opts.okCodes ?? []).includes(r.code)) {
      throw new CommandError(argv, r, `${argv.join(" ")} exited with ${r.code}: ${r.stderr.trim()}`);
    }
    return r;
  }

  argvs() {
    return this.calls.map((c) => c.argv.join(" "));
  }
  reset() {
    this.calls = [];
  }
  exists(name: string) {
    return this.fs.files.has(`${LXC}/${name}/config`);
  }

  /** The file system mounted at `dir` (a jail's rootfs). */
  fsAt(dir: string): Fs {
    const m = this.mounts.get(dir);
    if (!m) throw new Error(`nothing mounted at ${dir}`);
    return this.images.get(m.image)!;
  }

  /** The file system in an image file. */
  private fsIn(image: string): string {
    const id = this.fs.files.get(image);
    if (!id?.startsWith("xfs:")) throw new Error(`no file system in ${image}`);
    return id;
  }

  /** Forgets a mount (as a reboot or someone else's umount would). */
  dropMount(dir: string) {
    this.mounts.delete(dir);
    this.writeMountinfo();
  }

  private async answer(a: string[], opts: ExecOptions): Promise<ExecResult> {
    const name = a[a.indexOf("-n") + 1] ?? "";
    const dir = `${LXC}/${name}`;
    switch (a[0]) {
      case "lxc-create": {
        if (a[1] === "--version") return ok("5.0.2\n");
        if (this.exists(name)) return fail(1, `lxc-create: ${name}: Container already exists\n`);
        const bootstrap = await this.fs.readFile(a[a.indexOf("-f") + 1]!);
        const config = fixture("busybox-config.txt").replaceAll("cbfixture01", name).replace("lxc.net.0.type = empty\n", bootstrap);
        await this.fs.mkdir(dir);
        await this.fs.writeFile(`${dir}/config`, config);
        if (this.killInsideCreate) {
          this.killInsideCreate = false;
          throw new CommandError(a, null, "lxc-create timed out after 180000 ms", true);
        }
        for (const d of ["rootfs", "rootfs/etc", "rootfs/etc/init.d", "rootfs/root"]) await this.fs.mkdir(`${dir}/${d}`);
        await this.fs.writeFile(`${dir}/rootfs/etc/inittab`, "::sysinit:/etc/init.d/rcS\n");
        await this.fs.writeFile(`${dir}/rootfs/etc/shadow`, this.shadow);
        return ok();
      }
      case "lxc-info": {
        if (!this.exists(name)) return fail(1, fixture("lxc-info-missing.stderr").replace("cbfixture01", name));
        const pid = this.running.get(name);
        return ok(pid ? fixture("lxc-info-running.txt").replace("5723", String(pid)) : fixture("lxc-info-stopped.txt"));
      }
      case "lxc-start":
        return this.start(name);
      case "lxc-stop": {
        await this.fs.rm(`/sys/class/net/${vethName(name)}`, { recursive: true });
        for (const ctl of ["pids", "memory", "cpuacct"]) await this.fs.rm(`${CG}/${ctl}/lxc.payload.${name}`, { recursive: true });
        this.running.delete(name);
        return ok();
      }
      case "lxc-destroy":
        this.running.delete(name);
        await this.fs.rm(dir, { recursive: true });
        return ok();
      case "lxc-ls":
        if (this.lsOutput !== null) return ok(this.lsOutput);
        return ok(
          [
            "NAME        STATE   PID  ",
            ...[...this.fs.dirs]
              .filter((d) => path.dirname(d) === LXC && this.exists(path.basename(d)))
              .map((d) => path.basename(d))
              .map((n) => `${n} ${this.running.has(n) ? "RUNNING" : "STOPPED"} ${this.running.get(n) ?? "-"} `),
          ].join("\n") + "\n",
        );
      case "lxc-cgroup":
        this.cgroupWrites.push([name, a[3]!, a[4]!]);
        return ok();
      case "lxc-attach": {
        if (a.includes("/bin/cat") && a.includes("/etc/shadow")) return ok(this.shadow);
        if (a.includes("/etc/ssh/ssh_host_ed25519_key.pub")) {
          const real = this.fs.files.has(`${dir}/cellblock.json`) && JSON.parse(this.fs.files.get(`${dir}/cellblock.json`)!).realOs;
          return real && this.running.has(name) ? ok(fixture("ssh-host-ed25519.pub")) : fail(1, "/bin/cat: No such file or directory\n");
        }
        return ok();
      }
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
        const dev = a[a.length - 1] === "nodad" ? a[a.length - 2]! : a[a.length - 1]!;
        if (a[1] === "-o")
          return this.bridges.has(dev) ? ok(`3: ${dev}    inet 10.77.0.1/24 brd 10.77.0.255 scope global ${dev}\n`) : fail(1, "");
        if (a[1] === "link" && a[2] === "add") this.bridges.add(a[3]!);
        return ok();
      }
      case "truncate": {
        const file = a[3]!;
        if (!this.fs.files.has(file)) this.fs.files.set(file, "");
        this.fs.sizes.set(file, Number(a[2]));
        return ok();
      }
      case "mkfs.xfs": {
        if (a[1] === "-V") return ok("mkfs.xfs version 6.1.0\n");
        const image = a[a.length - 1]!;
        const size = await this.fs.size(image);
        const id = `xfs:${this.nextFs++}`;
        this.fs.files.set(image, id);
        this.fs.sizes.set(image, size);
        this.images.set(id, { fsBytes: size - XFS_LOG, usedBytes: XFS_EMPTY_USED });
        return ok();
      }
      case "mount": {
        const [image, target] = a.slice(-2) as [string, string];
        this.mounts.set(target, { image: this.fsIn(image), device: `/dev/loop${this.nextLoop++}` });
        this.writeMountinfo();
        return ok();
      }
      case "umount": {
        this.mounts.delete(a[a.length - 1]!);
        this.writeMountinfo();
        return ok();
      }
      case "losetup":
        return ok();
      case "xfs_growfs": {
        const dir = a[1]!;
        const image = `${dir.replace(/rootfs(\.new)?$/, "rootfs.img")}${dir.endsWith(".new") ? ".new" : ""}`;
        this.fsAt(dir).fsBytes = (await this.fs.size(image)) - XFS_LOG;
        return ok();
      }
      case "df": {
        const rows = a.slice(3).map((d) => {
          const f = this.fsAt(d);
          return `${f.fsBytes} ${f.usedBytes} ${f.fsBytes - f.usedBytes} ${d}`;
        });
        return ok([fixture("df-output.txt").split("\n")[0], ...rows].join("\n") + "\n");
      }
      case "cp": {
        const [from, to] = a.slice(-2) as [string, string];
        const src = this.fsAt(from.replace(/\/$/, ""));
        const dst = this.fsAt(to);
        // The copy's files need a little more than their data: the new file system's own inodes and btrees.
        const need = Math.round((src.usedBytes - XFS_EMPTY_USED) * 1.01);
        if (need > dst.fsBytes - dst.usedBytes) return fail(1, `cp: error writing '${to}/root/big': No space left on device\n`);
        dst.usedBytes += src.usedBytes - XFS_EMPTY_USED;
        return ok();
      }
      case "rm":
        await this.fs.rm(a[a.length - 1]!, { recursive: true });
        return ok();
      case "ln":
        await this.fs.writeFile(a[a.length - 1]!, `symlink to ${a[a.length - 2]}`);
        return ok();
      case "mmdebstrap": {
        if (a[1] === "--version") return ok("mmdebstrap 1.3.5\n");
        if (this.failMmdebstrap) {
          this.failMmdebstrap = false;
          return fail(1, "E: apt-get update failed\n");
        }
        const root = a[a.length - 1]!;
        // As a pipe delivers it: in chunks of up to 4 KiB.
        const log = fixture("mmdebstrap-verbose.txt");
        for (let i = 0; i < log.length; i += 4096) opts.onOutput?.(log.slice(i, i + 4096));
        for (const f of ["ssh_host_ed25519_key", "ssh_host_ed25519_key.pub", "ssh_host_rsa_key", "sshd_config"])
          await this.fs.writeFile(`${root}/etc/ssh/${f}`, f);
        await this.fs.writeFile(`${root}/etc/machine-id`, "c2885a4109e942e4b3d641b9b5384728\n");
        await this.fs.writeFile(`${root}/etc/hostname`, "buildhost\n");
        return ok();
      }
      case "tar": {
        if (a.includes("-cf")) {
          const out = a[a.indexOf("-cf") + 1]!;
          const root = a[a.indexOf("-C") + 1]!;
          this.packed = new Map([...this.fs.files].filter(([f]) => f.startsWith(`${root}/`)).map(([f, t]) => [f.slice(root.length), t]));
          this.fs.files.set(out, "tar");
          this.fs.sizes.set(out, 233_277_440);
          return ok();
        }
        // -xf: the template's files land in the jail's (mounted) root.
        const rootfs = a[a.indexOf("-C") + 1]!;
        this.fsAt(rootfs).usedBytes += 240 * BYTES_PER_MIB;
        for (const d of ["etc/ssh", "etc/init.d", "root"]) await this.fs.mkdir(`${rootfs}/${d}`);
        await this.fs.writeFile(`${rootfs}/etc/shadow`, this.shadow);
        await this.fs.writeFile(`${rootfs}/etc/ssh/sshd_config`, "Include /etc/ssh/sshd_config.d/*.conf\n");
        return ok();
      }
      case "nft":
        return this.nft.run(a, opts.input ?? "");
      case "sysctl":
        return ok();
      default:
        return ok(); // lxc-wait, renice
    }
  }

  writeMountinfo() {
    const base = fixture("mountinfo.txt").split("\n").filter(Boolean);
    const template = base.find((l) => l.includes("/dev/loop"))!;
    const lines = base.filter((l) => !l.includes("/dev/loop"));
    let id = 100;
    for (const [target, m] of this.mounts) {
      lines.push(
        template
          .replace(/^\d+/, String(id++))
          .replace(/ \/var\/lib\/lxc\/\S+ /, ` ${target} `)
          .replace(/\/dev\/loop\d+/, m.device),
      );
    }
    this.fs.files.set("/proc/self/mountinfo", lines.join("\n") + "\n");
  }

  private async start(name: string): Promise<ExecResult> {
    const pid = this.nextPid;
    this.running.set(name, pid);
    this.nextPid += 100;
    // The container's init and one more process, in its cgroups and /proc, as on the real host.
    const pids = [pid, pid + 8];
    for (const ctl of ["pids", "cpuacct"])
      await this.fs.writeFile(`${CG}/${ctl}/lxc.payload.${name}/cgroup.procs`, pids.map((p) => `${p}\n`).join(""));
    await this.fs.writeFile(`${CG}/pids/lxc.payload.${name}/pids.current`, "2\n");
    await this.fs.writeFile(`${CG}/memory/lxc.payload.${name}/memory.usage_in_bytes`, "220880896\n");
    await this.fs.writeFile(`${CG}/memory/lxc.payload.${name}/memory.stat`, fixture("memory-stat.txt"));
    await this.fs.writeFile(`${CG}/cpuacct/lxc.payload.${name}/cpuacct.usage`, "174000000000\n");
    for (const d of ["pids", "memory", "cpuacct"]) await this.fs.mkdir(`${CG}/${d}/lxc.payload.${name}`);
    for (const p of pids) this.setProc(p, p === pid ? "init" : "yes", 0, 0, p === pid ? this.bootTicks : this.bootTicks + 40);
    // A real OS's sshd listens once its first boot has made the host keys.
    await this.fs.writeFile(`/proc/${pid}/net/tcp`, fixture("proc-net-tcp-empty.txt"));
    await this.fs.writeFile(`/proc/${pid}/net/tcp6`, fixture(this.sshd ? "proc-net-tcp6-sshd.txt" : "proc-net-tcp-empty.txt"));
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
  const driver = new LxcDriver({
    runner: host,
    fs: mem,
    bridge: opts.bridge ?? null,
    isRoot: () => true,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  return { host, mem, driver, clock };
}

/** A container create() already finished, optionally running. */
export async function existingContainer(running: boolean, opts: { bridge?: string | null; template?: JailTemplate } = {}) {
  const s = setup(opts);
  await s.driver.create(spec(opts.template ? { template: opts.template } : {}), { sshKeys: [KEY], start: running });
  s.host.reset();
  return s;
}

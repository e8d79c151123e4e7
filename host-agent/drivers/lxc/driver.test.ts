// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { BYTES_PER_MIB } from "@/lib/units";
import { CommandError } from "../../exec";
import { NotFoundError, PreconditionError, ProcessNotFoundError, UnsupportedError, type ProgressReport } from "../driver";
import { MANAGED_BEGIN, vethName } from "./config-file";
import {
  BOOTSTRAP,
  CACHE,
  CONFIG,
  DEBIAN,
  HASH,
  IMAGE,
  KEY,
  LXC,
  NAME,
  ROOTFS,
  XFS_EMPTY_USED,
  XFS_LOG,
  existingContainer,
  fixture,
  setup,
  spec,
} from "./fake-lxc";
import { parseNatMaps } from "./nat";
import { buildPhase, templateKey } from "./templates";

const INFO = `lxc-info -n ${NAME} -s -p`;
const PUB = `${ROOTFS}/etc/ssh/ssh_host_ed25519_key.pub`;
const DF = `df -B1 --output=size,used,avail,target ${ROOTFS}`;
const GIB10 = 10240 * BYTES_PER_MIB;
const ARCHIVE = `${CACHE}/${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}.tar`;
/** The disk made for a 10 GB plan: an image of the quota, xfs, mounted, grown by the log's share once. */
const MAKE_DISK = [
  `truncate -s ${GIB10} ${IMAGE}`,
  `mkfs.xfs -q -f ${IMAGE}`,
  `mount -t xfs -o loop ${IMAGE} ${ROOTFS}`,
  DF,
  `truncate -s ${GIB10 + XFS_LOG} ${IMAGE}`,
  "losetup -c /dev/loop0",
  `xfs_growfs ${ROOTFS}`,
  DF,
];

/** The managed block's lines, and how often each key is set in the whole file. */
function managed(text: string) {
  const block = text.slice(text.indexOf(MANAGED_BEGIN)).trim().split("\n").slice(1);
  const keys = text
    .split("\n")
    .filter((l) => /^lxc\.[a-z0-9_.]+\s*=/.test(l))
    .map((l) => l.split("=")[0]!.trim());
  const count = (key: string) => keys.filter((k) => k === key).length;
  return { block, count, blocks: text.split(MANAGED_BEGIN).length - 1 };
}

function progressLog() {
  const reports: ProgressReport[] = [];
  return { reports, job: { progress: (r: ProgressReport) => reports.push(r) } };
}

describe("LxcDriver.create (busybox)", () => {
  it("makes the jail's disk image, creates from the busybox template into it, seeds the rootfs, writes the managed block, starts", async () => {
    const { host, mem, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true, rootPasswordHash: HASH });
    expect(host.argvs()).toEqual([
      ...MAKE_DISK,
      `lxc-create -n ${NAME} -t busybox -f ${BOOTSTRAP}`,
      INFO,
      INFO,
      `lxc-start -n ${NAME} -d`,
      `lxc-wait -n ${NAME} -s RUNNING -t 30`,
      INFO,
      `ssh-keygen -q -t ed25519 -N  -C root@${NAME} -f ${PUB.slice(0, -4)}`,
      `ssh-keygen -l -f ${PUB}`,
    ]);
    expect(result).toEqual({
      jid: null,
      initPid: 5723,
      running: true,
      sshHostKeyFingerprint: "SHA256:jC8TJaAGjh8lq9wOcsiKe1LqR0f1tZWvvTR6UYxSSPU",
      adopted: false,
      rootPasswordSet: true,
    });
    // The file system holds the quota: df in the jail shows the plan's 10 GB.
    expect(host.fsAt(ROOTFS).fsBytes).toBe(GIB10);
    expect(mem.files.has(BOOTSTRAP)).toBe(false);
    expect(mem.files.get(`${ROOTFS}/etc/hostname`)).toBe("www.example.com\n");
    expect(mem.files.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe(`${KEY}\n`);
    expect(mem.modes.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe(0o600);
    // Root's password from the job's hash, written before the jail first ran (shadow(5): day 20759).
    expect(mem.files.get(`${ROOTFS}/etc/shadow`)).toBe(`root:${HASH}:20759:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`);
    expect(mem.modes.get(`${ROOTFS}/etc/shadow`)).toBe(0o600);
    expect(mem.files.get(`${ROOTFS}/etc/init.d/rcS`)).not.toMatch(/udhcpc/);
    expect(mem.files.has(`${LXC}/${NAME}/cellblock-created`)).toBe(true);
    expect(JSON.parse(mem.files.get(`${LXC}/${NAME}/cellblock.json`)!)).toMatchObject({
      image: { path: IMAGE, fsType: "xfs" },
      realOs: false,
      network: { bridge: null, privateIp: "10.77.0.5", publicIp: "127.77.0.5", ipv6: "fd0c:b10c:ce11::5" },
    });
  });

  it("writes one managed block: hostname, cgroup limits with the CPU quota, CAP_SYS_ADMIN dropped, template lines replaced", async () => {
    const { mem } = await existingContainer(false);
    const config = mem.files.get(CONFIG)!;
    const { block, count } = managed(config);
    expect(block).toEqual([
      "lxc.uts.name = www.example.com",
      "lxc.net.0.type = empty",
      "lxc.cgroup.memory.limit_in_bytes = 536870912",
      "lxc.cgroup.pids.max = 64",
      "lxc.cgroup.cpu.cfs_period_us = 100000",
      // 50 % of one CPU: 50 ms of every 100 ms period (sched-design-CFS).
      "lxc.cgroup.cpu.cfs_quota_us = 50000",
      "lxc.cap.drop = sys_admin",
    ]);
    // The template's own hostname and network lines gave way; its other settings stayed.
    expect(count("lxc.uts.name")).toBe(1);
    expect(count("lxc.net.0.type")).toBe(1);
    expect(config).toContain("lxc.cap.drop = sys_module mac_admin mac_override sys_time");
    expect(config).toContain(`lxc.rootfs.path = dir:${ROOTFS}`);
  });

  it("without a bridge the jail gets no network and no bridge or NAT is touched; with one, a veth with both addresses and NAT", async () => {
    const bare = await existingContainer(false);
    expect(managed(bare.mem.files.get(CONFIG)!).block).toContain("lxc.net.0.type = empty");
    expect(bare.host.nat).toBeNull();
    expect((await bare.driver.fingerprint()).capabilities).toMatchObject({ network: false, publicIpv4: false, ipv6: false });

    const { host, mem, driver } = setup({ bridge: "cbbr0" });
    await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().filter((a) => /^(ip|nft|sysctl) /.test(a))).toEqual([
      "ip -o addr show dev cbbr0",
      "ip link add cbbr0 type bridge",
      "ip addr add 10.77.0.1/24 dev cbbr0",
      // The host's own address in the jails' IPv6 prefix: their gateway and route.
      "ip -6 addr add fd0c:b10c:ce11::1/64 dev cbbr0 nodad",
      "ip link set cbbr0 up",
      "nft --version",
      "nft -f -",
      // Loopback sources on the bridge only after the guard against jails reaching 127/8 is loaded.
      "sysctl -q -w net.ipv4.conf.cbbr0.route_localnet=1",
      "nft -j list table ip cellblock",
      "nft -f -",
    ]);
    const scripts = host.calls.filter((c) => c.argv.join(" ") === "nft -f -").map((c) => c.input!);
    expect(scripts[0]).toContain("add rule ip cellblock guard iifname @bridges ip daddr 127.0.0.0/8 drop\n");
    expect(scripts[0]).toContain("add rule ip cellblock output dnat to ip daddr map @dnat4\n");
    expect(scripts[0]).toContain('add element ip cellblock bridges { "cbbr0" }\n');
    expect(scripts[1]).toBe(
      "add element ip cellblock dnat4 { 127.77.0.5 : 10.77.0.5 }\nadd element ip cellblock snat4 { 10.77.0.5 : 127.77.0.5 }\n",
    );
    expect(host.nat).toEqual({ dnat4: new Map([["127.77.0.5", "10.77.0.5"]]), snat4: new Map([["10.77.0.5", "127.77.0.5"]]) });
    const { block } = managed(mem.files.get(CONFIG)!);
    expect(block.filter((l) => l.startsWith("lxc.net."))).toEqual([
      "lxc.net.0.type = veth",
      "lxc.net.0.link = cbbr0",
      "lxc.net.0.flags = up",
      expect.stringMatching(/^lxc\.net\.0\.veth\.pair = vcb[0-9a-f]{8}$/),
      "lxc.net.0.ipv4.address = 10.77.0.5/24",
      "lxc.net.0.ipv4.gateway = 10.77.0.1",
      "lxc.net.0.ipv6.address = fd0c:b10c:ce11::5/64",
      "lxc.net.0.ipv6.gateway = fd0c:b10c:ce11::1",
    ]);
    expect((await driver.fingerprint()).capabilities).toMatchObject({ network: true, publicIpv4: true, ipv6: true, diskQuota: true });
  });

  it("rebuilds a container left without the created-marker by a kill inside lxc-create: unmounted, destroyed, made again", async () => {
    const { host, mem, driver } = setup();
    host.killInsideCreate = true;
    await expect(driver.create(spec(), { sshKeys: [], start: true })).rejects.toBeInstanceOf(CommandError);
    expect(mem.files.has(CONFIG)).toBe(true); // the half-made container is there…
    expect(mem.files.has(`${LXC}/${NAME}/cellblock-created`)).toBe(false); // …without the marker

    host.reset();
    const result = await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().slice(0, 5)).toEqual([
      INFO,
      INFO,
      `umount ${ROOTFS}`,
      `lxc-destroy -n ${NAME} -f`,
      `truncate -s ${GIB10} ${IMAGE}`,
    ]);
    expect(host.argvs()).toContain(`lxc-create -n ${NAME} -t busybox -f ${BOOTSTRAP}`);
    expect(result.adopted).toBe(false);
    expect(mem.files.get(`${ROOTFS}/etc/hostname`)).toBe("www.example.com\n");
  });

  it("adopts a finished container: no second image or lxc-create, no reseeding, the managed block rewritten once", async () => {
    const { host, mem, driver } = await existingContainer(true);
    mem.files.set(`${ROOTFS}/root/.ssh/authorized_keys`, "tenant's own keys\n");
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true });
    expect(host.argvs()).toEqual([INFO, INFO, `ssh-keygen -l -f ${PUB}`]);
    expect(result).toMatchObject({ adopted: true, running: true, jid: null, initPid: 5723 });
    expect(mem.files.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe("tenant's own keys\n");
    expect(managed(mem.files.get(CONFIG)!).blocks).toBe(1);
  });

  it("refuses a bad spec or key, a hostname longer than the kernel's 64 characters and a quota below xfs's minimum, before running anything", async () => {
    const { host, driver } = setup();
    await expect(driver.create(spec({ name: "cb../../etc" }), { sshKeys: [], start: true })).rejects.toThrow();
    await expect(driver.create(spec(), { sshKeys: ["ssh-ed25519 AAAA\nroot"], start: true })).rejects.toThrow();
    await expect(driver.create(spec(), { sshKeys: [], start: true, rootPasswordHash: "hunter2" })).rejects.toThrow();
    const long = `${"a".repeat(60)}.example.com`;
    await expect(driver.create(spec({ hostname: long }), { sshKeys: [], start: true })).rejects.toBeInstanceOf(UnsupportedError);
    const tiny = { ...spec().limits, diskQuotaMb: 256 };
    await expect(driver.create(spec({ limits: tiny }), { sshKeys: [], start: true })).rejects.toBeInstanceOf(UnsupportedError);
    expect(host.calls).toEqual([]);
  });
});

describe("LxcDriver templates (Debian by mmdebstrap)", () => {
  it("builds once into the cache: mmdebstrap from the host's sources, per-jail files removed, packed under a temporary name, renamed", async () => {
    const { host, mem, driver } = setup();
    const { reports, job } = progressLog();
    mem.dirs.add(CACHE);
    mem.dirs.add(`${CACHE}/.build-${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}-999999-0badc0de`); // a killed agent's
    expect(await driver.buildTemplate(DEBIAN, job)).toEqual({ bytes: 233_277_440, cached: false });
    const argv = host.argvs();
    // The killed agent's build directory goes first (its pid is gone from /proc).
    expect(argv.shift()).toBe(`rm -rf --one-file-system ${CACHE}/.build-${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}-999999-0badc0de`);
    expect(argv[0]).toMatch(
      new RegExp(
        `^mmdebstrap --verbose --variant=minbase --include=systemd-sysv,openssh-server,iproute2,less bookworm ${CACHE}/\\.build-debian-12-v1-[0-9a-f]{12}-\\d+-[0-9a-f]{8}/root$`,
      ),
    );
    const root = argv[0]!.split(" ").at(-1)!;
    expect(argv[1]).toBe(`ln -sfn /dev/null ${root}/etc/systemd/system/ssh.socket`);
    expect(argv[2]).toMatch(
      new RegExp(`^tar --numeric-owner --xattrs --xattrs-include=\\* -C ${root} -cf ${ARCHIVE}\\.\\.build-\\S+ \\.$`),
    );
    expect(mem.files.has(ARCHIVE)).toBe(true);
    // No jail may share another's SSH host keys or machine id: what was packed has none.
    expect([...host.packed.keys()].filter((f) => f.includes("ssh_host_"))).toEqual([]);
    expect(host.packed.get("/etc/machine-id")).toBe("uninitialized\n");
    expect(host.packed.get("/etc/systemd/system/ssh.service.d/cellblock-host-keys.conf")).toContain(
      "ExecStartPre=/usr/bin/ssh-keygen -A\n",
    );
    expect(host.packed.get("/etc/ssh/sshd_config.d/cellblock.conf")).toContain("PermitRootLogin yes\n");
    expect(host.packed.has("/etc/hostname")).toBe(false);
    // Progress in words, never backwards, with mmdebstrap's output for the admin.
    const percents = reports.map((r) => r.percent).filter((p) => p !== undefined);
    expect(percents).toEqual([...percents].sort((a, b) => a! - b!));
    expect(percents.at(-1)).toBe(100);
    expect(reports.some((r) => /^Installing the template's packages \(\d+ of 72\)$/.test(r.message ?? ""))).toBe(true);
    expect(reports.some((r) => r.output?.includes("I: success"))).toBe(true);
    // The build directory is removed without crossing into a file system mounted below it.
    await new Promise((r) => setImmediate(r));
    expect(host.argvs()).toContain(`rm -rf --one-file-system ${root.slice(0, -"/root".length)}`);

    host.reset();
    expect(await driver.buildTemplate(DEBIAN)).toEqual({ bytes: 233_277_440, cached: true });
    expect(host.calls).toEqual([]);
  });

  it("a failed build leaves no tarball a jail could unpack, and says what apt said", async () => {
    const { host, mem, driver } = setup();
    host.failMmdebstrap = true;
    const err = await driver.buildTemplate(DEBIAN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).outputTail).toContain("E: apt-get update failed");
    expect([...mem.files.keys()].filter((f) => f.startsWith(CACHE) && f.includes(".tar"))).toEqual([]);
  });

  it("reads mmdebstrap's progress from its output: the step, then the share of packages set up", () => {
    const log = fixture("mmdebstrap-verbose.txt");
    expect(buildPhase("")).toBeNull();
    expect(buildPhase(log.slice(0, log.indexOf("I: extracting archives")))).toEqual({ percent: 12, message: "Downloading packages" });
    const from = log.indexOf("I: installing remaining packages");
    const to = log.indexOf("I: cleaning package lists");
    expect(buildPhase(log.slice(0, log.indexOf("\n", from) + 1))?.percent).toBe(50);
    const half = buildPhase(log.slice(0, log.indexOf("Setting up", (from + to) / 2)))!;
    expect(half.percent).toBeGreaterThan(50);
    expect(half.percent).toBeLessThan(85);
    expect(half.message).toMatch(/^Installing the template's packages \(\d+ of 72\)$/);
    expect(buildPhase(log)).toEqual({ percent: 88, message: "Built" });
  });

  it("keys the cache by slug, version and a digest of the recipe", () => {
    const key = templateKey(DEBIAN, DEBIAN.lxcRootfs as never);
    expect(key).toMatch(/^debian-12-v1-[0-9a-f]{12}$/);
    const more = { ...DEBIAN.lxcRootfs!, packages: ["openssh-server", "iproute2", "less", "vim"] } as never;
    expect(templateKey(DEBIAN, more)).not.toBe(key);
    expect(templateKey({ ...DEBIAN, version: 2 }, DEBIAN.lxcRootfs as never)).toMatch(/^debian-12-v2-/);
  });

  it("creates a jail by unpacking the cached template into its disk, writes its config, waits for sshd, reports the key sshd presents", async () => {
    const { host, mem, driver } = setup({ bridge: "cbbr0" });
    await driver.buildTemplate(DEBIAN);
    host.reset();
    const { reports, job } = progressLog();
    const result = await driver.create(spec({ template: DEBIAN }), { sshKeys: [KEY], start: true, rootPasswordHash: HASH, job });
    const argv = host.argvs();
    expect(argv.slice(0, MAKE_DISK.length)).toEqual(MAKE_DISK);
    expect(argv[MAKE_DISK.length]).toBe(`tar --numeric-owner --xattrs --xattrs-include=* -p -C ${ROOTFS} -xf ${ARCHIVE}`);
    expect(argv).not.toContain(expect.stringMatching(/^(lxc-create|mmdebstrap)/));
    expect(argv.slice(-3)).toEqual([INFO, `lxc-attach -n ${NAME} -- /bin/cat /etc/ssh/ssh_host_ed25519_key.pub`, "ssh-keygen -l -f -"]);
    // The public key goes to ssh-keygen on stdin, read from inside the jail.
    expect(host.calls.at(-1)!.input).toBe(fixture("ssh-host-ed25519.pub"));
    expect(result).toMatchObject({
      running: true,
      adopted: false,
      rootPasswordSet: true,
      sshHostKeyFingerprint: "SHA256:jC8TJaAGjh8lq9wOcsiKe1LqR0f1tZWvvTR6UYxSSPU",
    });
    const config = mem.files.get(CONFIG)!;
    expect(config).toContain("lxc.include = /usr/share/lxc/config/common.conf\n");
    expect(config).toContain("lxc.signal.halt = SIGRTMIN+3\n");
    expect(config).toContain("lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755,size=64m,create=dir 0 0\n");
    expect(managed(config).block).toContain("lxc.cap.drop = sys_admin");
    expect(mem.files.get(`${ROOTFS}/etc/hosts`)).toContain("127.0.1.1\twww.example.com www\n");
    expect(mem.files.get(`${ROOTFS}/etc/shadow`)).toMatch(new RegExp(`^root:${HASH.replaceAll("$", "\\$")}:20759:`));
    expect(mem.files.has(`${ROOTFS}/etc/init.d/rcS`)).toBe(false);
    expect(reports.map((r) => r.message).filter(Boolean)).toEqual([
      "Making the jail's 10240 MB disk",
      "Unpacking the template into the jail's disk",
      "Writing the jail's hostname, keys and root password",
    ]);
  });

  it("a host whose cache lacks the template builds it as part of the create", async () => {
    const { host, driver } = setup();
    const result = await driver.create(spec({ template: DEBIAN }), { sshKeys: [], start: false });
    expect(host.argvs()[0]).toMatch(/^mmdebstrap /);
    expect(host.argvs()).toContain(`tar --numeric-owner --xattrs --xattrs-include=* -p -C ${ROOTFS} -xf ${ARCHIVE}`);
    // Not started: the host keys are made at the first boot, so there is no fingerprint yet.
    expect(result).toMatchObject({ running: false, sshHostKeyFingerprint: null, rootPasswordSet: false });
  });

  it("a jail whose sshd never listens is still reported running once the wait is over", async () => {
    const { host, driver, clock } = await existingContainer(false, { template: DEBIAN });
    const started = clock.now;
    host.sshd = false;
    expect(await driver.start(NAME)).toMatchObject({ running: true });
    expect(clock.now - started).toBeGreaterThanOrEqual(90_000);
  });

  it("refuses to build on a driver config whose template is a script, by building nothing", async () => {
    const { host, driver } = setup();
    expect(await driver.buildTemplate(spec().template)).toEqual({ bytes: 0, cached: true });
    expect(host.calls).toEqual([]);
  });
});

describe("LxcDriver start / stop / destroy", () => {
  it("starts and waits, stops with a timeout, and each is a no-op the second time", async () => {
    const { host, driver } = await existingContainer(false);
    expect(await driver.start(NAME)).toMatchObject({ running: true, jid: null, initPid: 5723 });
    await driver.start(NAME);
    expect(host.argvs()).toEqual([INFO, `lxc-start -n ${NAME} -d`, `lxc-wait -n ${NAME} -s RUNNING -t 30`, INFO, INFO]);
    host.reset();
    expect(await driver.stop(NAME)).toMatchObject({ running: false, jid: null, initPid: null });
    await driver.stop(NAME);
    expect(host.argvs()).toEqual([INFO, `lxc-stop -n ${NAME} -t 10`, INFO, INFO]);
  });

  it("destroys: stopped, NAT elements removed, image unmounted, container destroyed; a missing jail is already gone", async () => {
    const { host, mem, driver } = await existingContainer(true, { bridge: "cbbr0" });
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      INFO,
      `lxc-stop -n ${NAME} -k`,
      "nft -j list table ip cellblock",
      "nft -f -",
      INFO,
      `umount ${ROOTFS}`,
      `lxc-destroy -n ${NAME} -f`,
    ]);
    expect(host.nat).toEqual({ dnat4: new Map(), snat4: new Map() });
    expect(host.mounts.size).toBe(0);
    expect([...mem.files.keys()].some((f) => f.startsWith(`${LXC}/${NAME}/`))).toBe(false);
    host.reset();
    await driver.destroy(NAME);
    expect(host.calls).toEqual([]);
    await expect(driver.start(NAME)).rejects.toBeInstanceOf(NotFoundError);
    await expect(driver.destroy("cb/../..")).rejects.toThrow();
  });

  it("lists only Cellblock containers, from lxc-ls's fancy output", async () => {
    const { host, mem, driver } = await existingContainer(true);
    mem.dirs.add(`${LXC}/builder`);
    mem.files.set(`${LXC}/builder/config`, "");
    host.running.set("builder", 6120);
    expect(await driver.list()).toEqual([{ name: NAME, running: true, jid: null, initPid: 5723 }]);
    expect(host.argvs()).toEqual(["lxc-ls -f -F NAME,STATE,PID"]);
    // The real tool's output (captured): padded columns, "-" for a stopped container's pid.
    host.lsOutput = fixture("lxc-ls-f.txt");
    expect(await driver.list()).toEqual([
      { name: "cbfixture01", running: true, jid: null, initPid: 5723 },
      { name: "cbstopped01", running: false, jid: null, initPid: null },
    ]);
  });
});

describe("LxcDriver.setLimits", () => {
  const bigger = { memoryMb: 1024, maxProcesses: 128, cpuPercent: 200, diskQuotaMb: 20480 };

  it("keeps exactly one setting per key after repeated plan changes, and applies them live to a running jail", async () => {
    const { host, mem, driver } = await existingContainer(true);
    await driver.setLimits(NAME, bigger);
    await driver.setLimits(NAME, { ...bigger, cpuPercent: 25 });
    await driver.setLimits(NAME, bigger);
    const { block, count, blocks } = managed(mem.files.get(CONFIG)!);
    expect(blocks).toBe(1);
    for (const key of ["memory.limit_in_bytes", "pids.max", "cpu.cfs_period_us", "cpu.cfs_quota_us"])
      expect(count(`lxc.cgroup.${key}`)).toBe(1);
    expect(block).toContain("lxc.cgroup.cpu.cfs_quota_us = 200000");
    expect(block).toContain("lxc.uts.name = www.example.com"); // kept from create
    expect(block).toContain("lxc.net.0.type = empty");
    expect(block.at(-1)).toBe("lxc.cap.drop = sys_admin");
    expect(
      host
        .argvs()
        .filter((a) => a.startsWith("lxc-cgroup"))
        .slice(0, 4),
    ).toEqual([
      `lxc-cgroup -n ${NAME} memory.limit_in_bytes 1073741824`,
      `lxc-cgroup -n ${NAME} pids.max 128`,
      `lxc-cgroup -n ${NAME} cpu.cfs_period_us 100000`,
      `lxc-cgroup -n ${NAME} cpu.cfs_quota_us 200000`,
    ]);
  });

  it("grows the disk online on an upgrade: the image extended, the loop device told, xfs grown while the jail runs", async () => {
    const { host, driver } = await existingContainer(true);
    await driver.setLimits(NAME, bigger);
    expect(host.argvs().slice(0, 6)).toEqual([
      INFO,
      DF,
      `truncate -s ${GIB10 + XFS_LOG + GIB10} ${IMAGE}`,
      "losetup -c /dev/loop0",
      `xfs_growfs ${ROOTFS}`,
      DF,
    ]);
    expect(host.fsAt(ROOTFS).fsBytes).toBe(2 * GIB10);
    expect(host.argvs()).not.toContain(`lxc-stop -n ${NAME} -t 10`);
    host.reset();
    await driver.setLimits(NAME, bigger); // the same size again: nothing to do
    expect(host.argvs().filter((a) => /^(truncate|xfs_growfs|losetup)/.test(a))).toEqual([]);
  });

  it("refuses a downgrade below what the jail uses, with the figures, before stopping anything", async () => {
    const { host, driver } = await existingContainer(true);
    host.fsAt(ROOTFS).usedBytes = Math.round(3.2 * 1024 * BYTES_PER_MIB);
    const err = await driver.setLimits(NAME, { ...bigger, diskQuotaMb: 2048 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionError);
    expect((err as Error).message).toBe("The jail uses 3.2 GB; the new plan allows 2 GB. Delete files first.");
    expect(host.argvs()).toEqual([INFO, DF]);
    expect(host.fsAt(ROOTFS).fsBytes).toBe(GIB10);
  });

  it("shrinks by copying into a smaller image while the jail is stopped, then starts it again", async () => {
    const { host, mem, driver } = await existingContainer(true);
    host.fsAt(ROOTFS).usedBytes = XFS_EMPTY_USED + 500 * BYTES_PER_MIB;
    await driver.setLimits(NAME, { ...bigger, diskQuotaMb: 4096 });
    const argv = host.argvs();
    const at = (s: string) => argv.indexOf(s);
    expect(at(`lxc-stop -n ${NAME} -t 10`)).toBeGreaterThan(0);
    expect(at(`cp -a --sparse=always -T ${ROOTFS}/ ${ROOTFS}.new`)).toBeGreaterThan(at(`lxc-stop -n ${NAME} -t 10`));
    expect(at(`umount ${ROOTFS}`)).toBeGreaterThan(at(`cp -a --sparse=always -T ${ROOTFS}/ ${ROOTFS}.new`));
    expect(at(`lxc-start -n ${NAME} -d`)).toBeGreaterThan(at(`mount -t xfs -o loop ${IMAGE} ${ROOTFS}`));
    expect(host.fsAt(ROOTFS).fsBytes).toBe(4096 * BYTES_PER_MIB);
    expect(host.fsAt(ROOTFS).usedBytes).toBe(XFS_EMPTY_USED + 500 * BYTES_PER_MIB);
    expect(host.running.has(NAME)).toBe(true);
    expect(mem.files.has(`${IMAGE}.new`)).toBe(false);
    expect(host.cgroupWrites.at(-1)).toEqual([NAME, "cpu.cfs_quota_us", "200000"]);
  });

  it("a copy that runs out of space puts the old image back and says so in words", async () => {
    const { host, driver } = await existingContainer(false);
    // Fits by df's figure, not with the new file system's own metadata.
    host.fsAt(ROOTFS).usedBytes = 4090 * BYTES_PER_MIB;
    const err = await driver.setLimits(NAME, { ...bigger, diskQuotaMb: 4096 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionError);
    expect((err as Error).message).toBe("The jail's files do not fit in 4 GB of disk. Delete files first.");
    expect(host.fsAt(ROOTFS).fsBytes).toBe(GIB10);
    expect(host.mounts.has(`${ROOTFS}.new`)).toBe(false);
  });

  it("only rewrites the config of a stopped jail, and refuses an invalid plan before anything", async () => {
    const { host, driver } = await existingContainer(false);
    await driver.setLimits(NAME, { ...bigger, diskQuotaMb: 10240 });
    expect(host.argvs()).toEqual([INFO, DF, INFO]);
    host.reset();
    await expect(driver.setLimits(NAME, { ...bigger, memoryMb: -1 })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("LxcDriver access", () => {
  it("sets root's password from the hash on stdin, keeping the other shadow lines", async () => {
    const { host, driver } = await existingContainer(true);
    await driver.setRootPasswordHash(NAME, HASH);
    expect(host.calls).toEqual([
      { argv: ["lxc-info", "-n", NAME, "-s", "-p"] },
      { argv: ["lxc-attach", "-n", NAME, "--", "/bin/cat", "/etc/shadow"] },
      // shadow(5): last change in days since 1970 (the injected clock: 2026-11-02 is day 20759).
      {
        argv: ["lxc-attach", "-n", NAME, "--", "/bin/dd", "of=/etc/shadow", "status=none"],
        input: `root:${HASH}:20759:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`,
      },
      { argv: ["lxc-attach", "-n", NAME, "--", "/bin/chmod", "600", "/etc/shadow"] },
    ]);
    expect(host.calls.some((c) => c.argv.some((a) => a.includes("$6$")))).toBe(false);
  });

  it("refuses a plain password or malformed hash before anything, and a stopped jail with a precondition error", async () => {
    const { host, driver } = await existingContainer(false);
    await expect(driver.setRootPasswordHash(NAME, "hunter2hunter2")).rejects.toThrow();
    await expect(driver.setRootPasswordHash(NAME, "$1$abc$def")).rejects.toThrow();
    expect(host.calls).toEqual([]);
    const err = await driver.setRootPasswordHash(NAME, HASH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionError);
    expect((err as Error).message).toBe("The jail must be running to set the root password. Start it and try again.");
  });

  it("writes authorized_keys from inside the container with the keys on stdin", async () => {
    const { host, driver } = await existingContainer(true);
    await driver.setAuthorizedKeys(NAME, [KEY]);
    expect(host.calls).toEqual([
      { argv: ["lxc-info", "-n", NAME, "-s", "-p"] },
      { argv: ["lxc-attach", "-n", NAME, "--", "/bin/mkdir", "-p", "-m", "700", "/root/.ssh"] },
      { argv: ["lxc-attach", "-n", NAME, "--", "/bin/dd", "of=/root/.ssh/authorized_keys", "status=none"], input: `${KEY}\n` },
      { argv: ["lxc-attach", "-n", NAME, "--", "/bin/chmod", "600", "/root/.ssh/authorized_keys"] },
    ]);
    host.reset();
    await expect(driver.setAuthorizedKeys(NAME, [`${KEY}\nssh-ed25519 AAAA evil`])).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("LxcDriver processes and renice", () => {
  it("reads the jail's processes from its pids cgroup and /proc, CPU % between two looks", async () => {
    const { host, driver, clock } = await existingContainer(true);
    expect(await driver.processes(NAME)).toEqual([
      { pid: 5723, command: "init", cpuPercent: 0, nice: 0 },
      { pid: 5731, command: "yes", cpuPercent: 0, nice: 0 },
    ]);
    // 9.5 s of CPU time (950 ticks at USER_HZ 100) in 10 s of wall time: 95 %.
    host.setProc(5731, "yes", 950, 0);
    clock.now += 10_000;
    expect(await driver.processes(NAME)).toContainEqual({ pid: 5731, command: "yes", cpuPercent: 95, nice: 0 });
    expect(host.calls).toEqual([]);
    await driver.stop(NAME);
    expect(await driver.processes(NAME)).toEqual([]);
  });

  it("renices a process of the jail with util-linux syntax; a pid outside it is a missing process, not a missing jail", async () => {
    const { host, driver } = await existingContainer(true);
    await driver.renice(NAME, 5731, 10);
    expect(host.argvs()).toEqual(["renice -n 10 -p 5731"]);
    host.reset();
    const err = await driver.renice(NAME, 1, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessNotFoundError);
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect(host.calls).toEqual([]);
  });

  it("refuses a nice value or pid out of range before reading anything; a missing jail is not found", async () => {
    const { host, driver } = await existingContainer(true);
    await expect(driver.renice(NAME, 5731, 40)).rejects.toThrow();
    await expect(driver.renice(NAME, -1, 10)).rejects.toThrow();
    await expect(driver.renice(NAME, 5731.5, 10)).rejects.toThrow();
    expect(host.calls).toEqual([]);
    await expect(driver.renice("cbmissing00", 5731, 10)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("LxcDriver usage, recovery and fingerprint", () => {
  it("reads disk from the image's file system, memory as the working set, CPU and processes from the cgroup, traffic from the veth", async () => {
    const { host, mem, driver } = await existingContainer(true);
    const veth = `/sys/class/net/${vethName(NAME)}`;
    mem.files.set(`${veth}/ifindex`, "17\n");
    mem.files.set(`${veth}/statistics/tx_bytes`, "47000000\n");
    mem.files.set(`${veth}/statistics/rx_bytes`, "9000000\n");
    host.fsAt(ROOTFS).usedBytes = 268_435_456;
    expect(await driver.usage([NAME, "cbgone00000"])).toEqual([
      {
        name: NAME,
        diskBytes: 268_435_456,
        // memory.usage_in_bytes 220880896 less total_inactive_file 212340736 (a Debian jail that
        // just wrote a 200 MB file, captured): what the processes hold, not the page cache.
        memoryBytes: 8_540_160,
        cpuSeconds: 174,
        processes: 2,
        netRxBytes: 47000000,
        netTxBytes: 9000000,
        // The cgroup (CPU) and the veth (traffic) are made anew at each start.
        epochs: { cpu: "init:197353", net: "if:17" },
      },
    ]);
    expect(host.argvs()).toEqual([DF]);
  });

  it("measures several jails with one df, and leaves out one whose image is not mounted yet", async () => {
    const { host, driver } = await existingContainer(true);
    const other = "cbother00001";
    await driver.create(spec({ name: other }), { sshKeys: [], start: true });
    const otherRoot = `${LXC}/${other}/rootfs`;
    host.reset();
    expect((await driver.usage([NAME, other])).map((u) => u.name)).toEqual([NAME, other]);
    expect(host.argvs()).toEqual([`df -B1 --output=size,used,avail,target ${ROOTFS} ${otherRoot}`]);
    host.dropMount(otherRoot);
    host.reset();
    expect((await driver.usage([NAME, other])).map((u) => u.name)).toEqual([NAME]);
  });

  it("starts new epochs when the container restarts", async () => {
    const { mem, driver } = await existingContainer(true);
    const veth = `/sys/class/net/${vethName(NAME)}`;
    mem.files.set(`${veth}/ifindex`, "17\n");
    const before = (await driver.usage([NAME]))[0]!.epochs;
    await driver.restart(NAME);
    mem.files.set(`${veth}/ifindex`, "18\n");
    const after = (await driver.usage([NAME]))[0]!.epochs;
    expect(after.cpu).not.toBe(before.cpu);
    expect(after.net).toBe("if:18");
    await driver.stop(NAME);
    expect((await driver.usage([NAME]))[0]!.epochs).toEqual({ cpu: "stopped", net: "if:none" });
  });

  it("recover() after a reboot: mounts the image, re-makes bridge and NAT, starts what should run; then changes nothing", async () => {
    const { host, driver } = await existingContainer(true, { bridge: "cbbr0" });
    // A reboot: no mounts, no bridge, no nftables table, no container running.
    host.bridges.clear();
    host.dropMount(ROOTFS);
    host.nat = null;
    host.running.clear();
    host.reset();
    expect(
      await driver.recover([
        { name: NAME, running: true },
        { name: "cbnever0001", running: true },
      ]),
    ).toEqual({
      started: [NAME],
      converged: [],
      failed: [],
    });
    expect(host.argvs().filter((a) => /^(mount|ip link add|nft -f|lxc-start)/.test(a))).toEqual([
      `mount -t xfs -o loop ${IMAGE} ${ROOTFS}`,
      "ip link add cbbr0 type bridge",
      "nft -f -",
      "nft -f -",
      `lxc-start -n ${NAME} -d`,
    ]);
    expect(host.nat!.dnat4.get("127.77.0.5")).toBe("10.77.0.5");
    host.reset();
    expect(await driver.recover([{ name: NAME, running: true }])).toEqual({ started: [], converged: [NAME], failed: [] });
    // Rules that are right are not reloaded; the base table is (idempotently, as one transaction).
    expect(host.argvs().filter((a) => /^(mount|lxc-start)/.test(a))).toEqual([]);
    expect(host.calls.filter((c) => c.input?.includes("add element ip cellblock dnat4"))).toEqual([]);
    expect(await driver.recover([{ name: NAME, running: false }])).toMatchObject({ started: [] });
  });

  it("changes a jail's NAT elements in one transaction when its addresses changed", async () => {
    const { host, driver } = await existingContainer(true, { bridge: "cbbr0" });
    const moved = spec({ network: { ...spec().network, publicIp: "127.77.0.9" } });
    host.nat!.dnat4.set("127.77.0.9", "10.77.0.77"); // a stale element for that address
    await driver.create(moved, { sshKeys: [], start: true });
    expect(host.calls.at(-1)!.argv[0]).not.toBe("nft");
    const script = host.calls.filter((c) => c.argv.join(" ") === "nft -f -").at(-1)!.input!;
    expect(script.split("\n").filter(Boolean)).toEqual([
      "delete element ip cellblock dnat4 { 127.77.0.9 }",
      "delete element ip cellblock snat4 { 10.77.0.5 }",
      "add element ip cellblock dnat4 { 127.77.0.9 : 10.77.0.5 }",
      "add element ip cellblock snat4 { 10.77.0.5 : 127.77.0.9 }",
    ]);
  });

  it("parses the captured `nft -j list table` output", () => {
    const maps = parseNatMaps(fixture("nft-list-table.json"));
    expect([...maps.dnat4]).toEqual([["127.250.77.7", "10.250.77.7"]]);
    expect([...maps.snat4]).toEqual([["10.250.77.7", "127.250.77.7"]]);
    expect(parseNatMaps("")).toEqual({ dnat4: new Map(), snat4: new Map() });
  });

  it("declares what it can do: a disk quota, public NAT and IPv6 with a bridge, no snapshots, hostnames up to 64", async () => {
    const { driver } = setup({ bridge: "cbbr0" });
    const fp = await driver.fingerprint();
    expect(fp).toMatchObject({
      ready: true,
      facts: { lxcVersion: "5.0.2", xfsprogs: "mkfs.xfs version 6.1.0", mmdebstrap: "mmdebstrap 1.3.5" },
    });
    expect(fp.capabilities).toMatchObject({ diskQuota: true, snapshots: false, publicIpv4: true, ipv6: true, hostnameLockdown: true });
    expect(fp.capabilities.limits.maxHostnameLength).toBe(64);
    await expect(driver.snapshot()).rejects.toBeInstanceOf(UnsupportedError);
  });

  it("is not ready without xfsprogs, and offers no public addresses without nftables", async () => {
    const { host, driver } = setup({ bridge: "cbbr0" });
    host.missing.add("mkfs.xfs").add("nft");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toContain("xfsprogs is not installed");
    expect(fp.capabilities.publicIpv4).toBe(false);
  });
});

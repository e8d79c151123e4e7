// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real LXC tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { CommandError } from "../../exec";
import { NotFoundError, PreconditionError, ProcessNotFoundError, UnsupportedError } from "../driver";
import { MANAGED_BEGIN, vethName } from "./config-file";
import { BOOTSTRAP, CONFIG, HASH, KEY, LXC, NAME, ROOTFS, existingContainer, fixture, setup, spec } from "./fake-lxc";

const INFO = `lxc-info -n ${NAME} -s -p`;
const PUB = `${ROOTFS}/etc/ssh/ssh_host_ed25519_key.pub`;

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

describe("LxcDriver.create", () => {
  it("creates from the busybox template with no network, seeds the rootfs, writes the managed block, starts", async () => {
    const { host, mem, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true });
    expect(host.argvs()).toEqual([
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
    });
    expect(mem.files.has(BOOTSTRAP)).toBe(false);
    expect(mem.files.get(`${ROOTFS}/etc/hostname`)).toBe("www.example.com\n");
    expect(mem.files.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe(`${KEY}\n`);
    expect(mem.modes.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe(0o600);
    expect(mem.files.get(`${ROOTFS}/etc/init.d/rcS`)).not.toMatch(/udhcpc/);
    expect(mem.files.has(`${LXC}/${NAME}/cellblock-created`)).toBe(true);
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

  it("without a bridge the jail gets no network and no bridge is touched; with one, a veth with its private address", async () => {
    const bare = await existingContainer(false);
    expect(managed(bare.mem.files.get(CONFIG)!).block).toContain("lxc.net.0.type = empty");
    expect((await bare.driver.fingerprint()).capabilities.network).toBe(false);

    const { host, mem, driver } = setup({ bridge: "cbbr0" });
    await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().filter((a) => a.startsWith("ip "))).toEqual([
      "ip -o addr show dev cbbr0",
      "ip link add cbbr0 type bridge",
      "ip addr add 10.77.0.1/24 dev cbbr0",
      "ip link set cbbr0 up",
    ]);
    const { block } = managed(mem.files.get(CONFIG)!);
    expect(block.filter((l) => l.startsWith("lxc.net."))).toEqual([
      "lxc.net.0.type = veth",
      "lxc.net.0.link = cbbr0",
      "lxc.net.0.flags = up",
      expect.stringMatching(/^lxc\.net\.0\.veth\.pair = vcb[0-9a-f]{8}$/),
      "lxc.net.0.ipv4.address = 10.77.0.5/24",
      "lxc.net.0.ipv4.gateway = 10.77.0.1",
    ]);
    expect((await driver.fingerprint()).capabilities.network).toBe(true);
  });

  it("rebuilds a container left without the created-marker by a kill inside lxc-create", async () => {
    const { host, mem, driver } = setup();
    host.killInsideCreate = true;
    await expect(driver.create(spec(), { sshKeys: [], start: true })).rejects.toBeInstanceOf(CommandError);
    expect(mem.files.has(CONFIG)).toBe(true); // the half-made container is there…
    expect(mem.files.has(`${LXC}/${NAME}/cellblock-created`)).toBe(false); // …without the marker

    host.reset();
    const result = await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().slice(0, 3)).toEqual([INFO, `lxc-destroy -n ${NAME} -f`, `lxc-create -n ${NAME} -t busybox -f ${BOOTSTRAP}`]);
    expect(result.adopted).toBe(false);
    expect(mem.files.get(`${ROOTFS}/etc/hostname`)).toBe("www.example.com\n");
  });

  it("adopts a finished container: no second lxc-create, no reseeding, the managed block rewritten once", async () => {
    const { host, mem, driver } = await existingContainer(true);
    mem.files.set(`${ROOTFS}/root/.ssh/authorized_keys`, "tenant's own keys\n");
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true });
    expect(host.argvs()).toEqual([INFO, INFO, `ssh-keygen -l -f ${PUB}`]);
    expect(result).toMatchObject({ adopted: true, running: true, jid: null, initPid: 5723 });
    expect(mem.files.get(`${ROOTFS}/root/.ssh/authorized_keys`)).toBe("tenant's own keys\n");
    expect(managed(mem.files.get(CONFIG)!).blocks).toBe(1);
  });

  it("refuses a bad spec or key, and a hostname longer than the kernel's 64 characters, before running anything", async () => {
    const { host, driver } = setup();
    await expect(driver.create(spec({ name: "cb../../etc" }), { sshKeys: [], start: true })).rejects.toThrow();
    await expect(driver.create(spec(), { sshKeys: ["ssh-ed25519 AAAA\nroot"], start: true })).rejects.toThrow();
    const long = `${"a".repeat(60)}.example.com`;
    await expect(driver.create(spec({ hostname: long }), { sshKeys: [], start: true })).rejects.toBeInstanceOf(UnsupportedError);
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

  it("destroys with lxc-destroy -f; a missing container is not found for start and already gone for destroy", async () => {
    const { host, driver } = await existingContainer(true);
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([INFO, `lxc-destroy -n ${NAME} -f`]);
    host.reset();
    await driver.destroy(NAME);
    expect(host.calls).toEqual([]);
    await expect(driver.start(NAME)).rejects.toBeInstanceOf(NotFoundError);
    await expect(driver.destroy("cb/../..")).rejects.toThrow();
  });

  it("lists only Cellblock containers, from lxc-ls's fancy output", async () => {
    const { host, driver } = await existingContainer(true);
    host.containers.set("builder", { running: true, pid: 6120 });
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
    expect(host.argvs().slice(0, 6)).toEqual([
      INFO,
      `lxc-cgroup -n ${NAME} memory.limit_in_bytes 1073741824`,
      `lxc-cgroup -n ${NAME} pids.max 128`,
      `lxc-cgroup -n ${NAME} cpu.cfs_period_us 100000`,
      `lxc-cgroup -n ${NAME} cpu.cfs_quota_us 200000`,
      INFO,
    ]);
  });

  it("only rewrites the config of a stopped jail, and refuses an invalid plan before anything", async () => {
    const { host, driver } = await existingContainer(false);
    await driver.setLimits(NAME, bigger);
    expect(host.argvs()).toEqual([INFO]);
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

describe("LxcDriver usage and fingerprint", () => {
  it("reads disk with du, memory, CPU and processes from the cgroup, traffic from the veth, with epochs", async () => {
    const { host, mem, driver } = await existingContainer(true);
    const veth = `/sys/class/net/${vethName(NAME)}`;
    mem.files.set(`${veth}/ifindex`, "17\n");
    mem.files.set(`${veth}/statistics/tx_bytes`, "47000000\n");
    mem.files.set(`${veth}/statistics/rx_bytes`, "9000000\n");
    expect(await driver.usage([NAME, "cbgone00000"])).toEqual([
      {
        name: NAME,
        diskBytes: 1310720,
        memoryBytes: 25550848,
        cpuSeconds: 174,
        processes: 2,
        netRxBytes: 47000000,
        netTxBytes: 9000000,
        // The cgroup (CPU) and the veth (traffic) are made anew at each start.
        epochs: { cpu: "init:197353", net: "if:17" },
      },
    ]);
    expect(host.argvs()).toEqual([`du -s -x -B1 ${ROOTFS}`]);
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

  it("recover() starts what should run after a reboot, re-making the bridge its veth needs", async () => {
    const { host, driver } = await existingContainer(true, { bridge: "cbbr0" });
    host.bridges.clear(); // a reboot: the bridge the agent made is gone, no container runs
    for (const c of host.containers.values()) Object.assign(c, { running: false, pid: null });
    host.reset();
    expect(await driver.recover([{ name: NAME, running: true }])).toEqual({ started: [NAME], converged: [], failed: [] });
    expect(host.argvs().filter((a) => a.startsWith("ip ") || a.startsWith("lxc-start"))).toEqual([
      "ip -o addr show dev cbbr0",
      "ip link add cbbr0 type bridge",
      "ip addr add 10.77.0.1/24 dev cbbr0",
      "ip link set cbbr0 up",
      `lxc-start -n ${NAME} -d`,
    ]);
    expect(await driver.recover([{ name: NAME, running: false }])).toEqual({ started: [], converged: [], failed: [] });
  });

  it("declares what it cannot do: no disk quota, no snapshots, no public NAT, no IPv6, hostnames up to 64", async () => {
    const { driver } = setup();
    const fp = await driver.fingerprint();
    expect(fp).toMatchObject({ ready: true, facts: { lxcVersion: "5.0.2" } });
    expect(fp.capabilities).toMatchObject({ diskQuota: false, snapshots: false, publicIpv4: false, ipv6: false, hostnameLockdown: true });
    expect(fp.capabilities.limits.maxHostnameLength).toBe(64);
    await expect(driver.snapshot()).rejects.toBeInstanceOf(UnsupportedError);
  });
});

// LxcDriver start / stop / destroy, usage, recovery and the host fingerprint.
// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { MemoryFs } from "../memory-fs";
import { LxcDriver } from "./driver";
import { DEFAULT_LXC_PATH, runWithLxcPath } from "./paths";
import { NotFoundError, UnsupportedError } from "../driver";
import { vethName } from "./config-file";
import { IMAGE, LXC, NAME, ROOTFS, existingContainer, fixture, setup, spec } from "./fake-lxc";
import { parseNatMaps } from "./nat";

import { INFO, DF } from "./test-kit";

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
    expect(host.nft.nat).toEqual({ dnat4: new Map(), snat4: new Map() });
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
    host.nft.nat = null;
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
    expect(host.nft.nat!.dnat4.get("127.77.0.5")).toBe("10.77.0.5");
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
    host.nft.nat!.dnat4.set("127.77.0.9", "10.77.0.77"); // a stale element for that address
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

describe("LxcDriver with its own lxc.lxcpath", () => {
  it("names a path other than LXC's default to every LXC tool (-P) and to nothing else, so two agents on one machine keep apart", async () => {
    const mem = new MemoryFs();
    mem.files.set("/srv/lxc-b/cbxjail01/config", "lxc.uts.name = x\n");
    const calls: string[][] = [];
    const runner = {
      run: async (argv: string[]) => {
        calls.push(argv);
        return { code: 0, stdout: argv[0] === "lxc-info" ? "State: STOPPED\n" : "NAME STATE PID\n", stderr: "", durationMs: 1 };
      },
    };
    const driver = new LxcDriver({ runner, fs: mem, lxcPath: "/srv/lxc-b", isRoot: () => true });
    expect(await driver.inspect("cbxjail01")).toMatchObject({ name: "cbxjail01", running: false });
    await driver.list();
    expect(calls).toEqual([
      ["lxc-info", "-P", "/srv/lxc-b", "-n", "cbxjail01", "-s", "-p"],
      ["lxc-ls", "-P", "/srv/lxc-b", "-f", "-F", "NAME,STATE,PID"],
    ]);
    const wrapped = runWithLxcPath(runner.run, "/srv/lxc-b");
    await wrapped(["ip", "link", "show"]);
    await wrapped(["lxc-create", "--version"]);
    expect(calls.slice(2)).toEqual([
      ["ip", "link", "show"],
      ["lxc-create", "--version"],
    ]);
    expect(runWithLxcPath(runner.run, DEFAULT_LXC_PATH)).toBe(runner.run);
  });
});

// LxcDriver.create on a busybox template.
// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { CommandError } from "../../exec";
import { UnsupportedError } from "../driver";
import { BOOTSTRAP, CONFIG, HASH, IMAGE, KEY, LXC, NAME, ROOTFS, existingContainer, setup, spec } from "./fake-lxc";

import { INFO, PUB, GIB10, MAKE_DISK, managed } from "./test-kit";

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
    expect(bare.host.nft.nat).toBeNull();
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
    expect(host.nft.nat).toEqual({ dnat4: new Map([["127.77.0.5", "10.77.0.5"]]), snat4: new Map([["10.77.0.5", "127.77.0.5"]]) });
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

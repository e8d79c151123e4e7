// LxcDriver.setLimits (disk image, cgroups), root's password and keys, processes and renice.
// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { BYTES_PER_MIB } from "@/lib/units";
import { NotFoundError, PreconditionError, ProcessNotFoundError } from "../driver";
import { CONFIG, HASH, IMAGE, KEY, NAME, ROOTFS, XFS_EMPTY_USED, XFS_LOG, existingContainer } from "./fake-lxc";

import { INFO, DF, GIB10, managed } from "./test-kit";
import { LxcDriver } from "./driver";
import { MemoryFs } from "../memory-fs";

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

describe("LxcDriver.consoleArgv", () => {
  it("is root's login shell through lxc-attach with the environment cleared (lxc-attach(1) --clear-env), and runs nothing itself", async () => {
    const { host, driver } = await existingContainer(true);
    expect(await driver.consoleArgv(NAME)).toEqual([
      "lxc-attach",
      "-n",
      NAME,
      "--clear-env",
      "--set-var",
      "TERM=xterm-256color",
      "--",
      "/bin/su",
      "-l",
      "root",
    ]);
    // Only the check that the jail runs: the shell itself is the agent's pty's to start.
    expect(host.argvs()).toEqual([`lxc-info -n ${NAME} -s -p`]);
  });

  it("refuses a stopped jail, a missing one and a malformed name", async () => {
    const { driver } = await existingContainer(false);
    await expect(driver.consoleArgv(NAME)).rejects.toThrow(PreconditionError);
    await expect(driver.consoleArgv(NAME)).rejects.toThrow(/must be running to open a console/);
    await expect(driver.consoleArgv("cbmissing01")).rejects.toThrow(NotFoundError);
    await expect(driver.consoleArgv("../etc")).rejects.toThrow();
  });

  it("names the agent's own lxc.lxcpath (-P) when it is not LXC's default", async () => {
    const mem = new MemoryFs();
    mem.files.set("/srv/lxc-b/cbxjail01/config", "lxc.uts.name = x\n");
    const runner = { run: async () => ({ code: 0, stdout: "State: RUNNING\nPID: 4242\n", stderr: "", durationMs: 1 }) };
    const driver = new LxcDriver({ runner, fs: mem, lxcPath: "/srv/lxc-b", isRoot: () => true });
    expect((await driver.consoleArgv("cbxjail01")).slice(0, 5)).toEqual(["lxc-attach", "-P", "/srv/lxc-b", "-n", "cbxjail01"]);
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

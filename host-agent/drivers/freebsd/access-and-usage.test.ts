// Root password, SSH keys, usage, processes, renice and snapshots on the fake host.
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../driver";
import { ANCHOR, DS, KEY, NAME, ROOT, HASH, KEYS_TMP, existingJail } from "./fake-host";

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

describe("FreeBsdDriver.consoleArgv", () => {
  // jexec(8): -l "execute in a clean environment" (only HOME, SHELL, TERM, USER and the login
  // class's variables), -U root with the jail's own password database; with no command it runs
  // that user's shell (usr.sbin/jexec/jexec.c). env(1) -i before it: the agent's environment
  // never reaches jexec, so nothing of the host's is carried into jail_attach(2).
  it("is root's shell in the jail through env -i and jexec -l -U root, by full path, and runs nothing itself", async () => {
    const { host, driver } = await existingJail(true);
    expect(await driver.consoleArgv(NAME)).toEqual([
      "/usr/bin/env",
      "-i",
      "TERM=xterm-256color",
      "/usr/sbin/jexec",
      "-l",
      "-U",
      "root",
      NAME,
    ]);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`]);
  });

  it("refuses a stopped jail and a malformed name", async () => {
    const { host, driver } = await existingJail(false);
    await expect(driver.consoleArgv(NAME)).rejects.toThrow(/must be running to open a console/);
    await expect(driver.consoleArgv("x; rm -rf /")).rejects.toThrow();
    expect(host.argvs().some((a) => a.includes("jexec"))).toBe(false);
  });
});

describe("FreeBsdDriver measurement", () => {
  const REFERENCED = "zfs get -Hp -t filesystem -d 1 -o name,value referenced zroot/cellblock/jails";

  it("reads disk as ZFS referenced, memory/CPU/processes from rctl -u, traffic from the anchor's labels, with epochs", async () => {
    const { host, driver } = await existingJail(true);
    host.pf.count(`${NAME}-g1-in`, 47000000, 4234567);
    host.pf.count(`${NAME}-g1-out`, 812345, 9000000);
    const usage = await driver.usage([NAME]);
    expect(host.argvs()).toEqual([
      REFERENCED,
      "sysctl -n kern.boottime",
      "jls --libxo json -v",
      `rctl -u jail:${NAME}`,
      `pfctl -a ${ANCHOR} -s labels`,
    ]);
    expect(usage).toEqual([
      {
        name: NAME,
        // zfsprops(7): `referenced` is what refquota limits; `used` would add snapshots.
        diskBytes: 1342177280,
        memoryBytes: 25550848,
        cpuSeconds: 174,
        processes: 5,
        netRxBytes: 47000000 + 812345,
        netTxBytes: 4234567 + 9000000,
        epochs: { cpu: "boot:1762000000", net: "pf:g1" },
      },
    ]);
  });

  it("reads disk for every jail with one zfs get and skips jails that are gone", async () => {
    const { host, driver } = await existingJail(true);
    const usage = await driver.usage([NAME, "cbgone0000"]);
    expect(host.argvs().filter((a) => a.startsWith("zfs"))).toEqual([REFERENCED]);
    expect(usage.map((u) => u.name)).toEqual([NAME]);
  });

  it("uses du -skx in tarball mode and skips jails that are gone", async () => {
    const { host, driver } = await existingJail(true, "tarball");
    const usage = await driver.usage([NAME, "cbgone0000"]);
    expect(host.argvs()[0]).toBe(`du -skx ${ROOT}`);
    expect(usage.map((u) => [u.name, u.diskBytes])).toEqual([[NAME, 1310720 * 1024]]);
    expect(host.argvs().filter((a) => a.includes("cbgone0000"))).toEqual([]);
  });

  it("snapshots with ZFS once, and says tarball mode cannot", async () => {
    const { host, driver } = await existingJail(false);
    await driver.snapshot(NAME, "before-upgrade");
    await driver.snapshot(NAME, "before-upgrade");
    expect(host.argvs().filter((a) => a.startsWith("zfs snapshot"))).toEqual([`zfs snapshot ${DS}@before-upgrade`]);
    await expect((await existingJail(false, "tarball")).driver.snapshot(NAME, "x")).rejects.toBeInstanceOf(UnsupportedError);
  });
});

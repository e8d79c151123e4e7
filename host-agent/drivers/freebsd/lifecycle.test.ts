// The freebsd driver by the exact argv it issues on a fake host (fake-host.ts): create, start,
// stop, restart, destroy, inspect, list.
import { describe, expect, it } from "vitest";
import { CommandError } from "../../exec";
import { NotFoundError } from "../driver";
import {
  ANCHOR,
  CONF,
  DS,
  KEY,
  NAME,
  ROOT,
  STAGING,
  STATE,
  RCTL_ADD,
  keySteps,
  existingJail,
  fixture,
  setup,
  spec,
  ok,
  fail,
} from "./fake-host";

const JLS = `jls --libxo json -v -j ${NAME}`;
const LABELS = `pfctl -a ${ANCHOR} -s labels`;
const DISK = `zfs get -Hp -o property,value referenced,refquota,refreservation ${DS}`;
/** What start() checks before `jail -c`: the recorded rctl rules and anchor are in the kernel. */
const CONVERGE = [`rctl jail:${NAME}`, LABELS];

describe("FreeBsdDriver.create", () => {
  it("clones the template with the plan's refquota, writes the jail file, limits, pf anchor, starts, installs keys (ZFS)", async () => {
    const { host, mem, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: true });

    expect(host.argvs()).toEqual([
      `zfs list -H -o name ${DS}`,
      `zfs clone -o mountpoint=${ROOT} -o refquota=10240M zroot/cellblock/templates/freebsd-14@base ${DS}`,
      `zfs list -H -o name ${DS}`,
      DISK,
      `rctl jail:${NAME}`,
      ...RCTL_ADD,
      LABELS,
      `pfctl -a ${ANCHOR} -f -`,
      JLS,
      JLS,
      ...CONVERGE,
      `jail -f ${CONF} -c ${NAME}`,
      JLS,
      JLS,
      ...keySteps(NAME),
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
    ]);
    expect(result).toEqual({
      jid: 1,
      running: true,
      sshHostKeyFingerprint: "SHA256:uqN3Zo8N2oXyp0SHsXVX1CqYaxZ8mJ3Jv6a0G6lFkQE",
      adopted: false,
    });

    expect(mem.files.get(CONF)).toBe(
      [
        "# Written by the Cellblock host agent; changes here are overwritten.",
        `${NAME} {`,
        `\tpath = "${ROOT}";`,
        '\thost.hostname = "www.example.com";',
        '\tip4.addr = "lo1|10.77.0.5/32";',
        "\tallow.set_hostname = 0;",
        "\tenforce_statfs = 2;",
        "\tsecurelevel = 2;",
        "\tdevfs_ruleset = 4;",
        "\tmount.devfs;",
        `\texec.consolelog = "/var/log/jail_${NAME}_console.log";`,
        "\texec.clean;",
        '\texec.start = "/bin/sh /etc/rc";',
        '\texec.stop = "/bin/sh /etc/rc.shutdown";',
        "}",
        "",
      ].join("\n"),
    );
    const pf = host.calls.find((c) => c.argv.includes("-f"))!;
    // Generation 1 in the labels: counters of a new generation start at zero (see pf.ts).
    expect(pf.input).toBe(
      [
        `# Cellblock jail ${NAME}, generation 1`,
        "nat on em0 inet from 10.77.0.5 to any -> 203.0.113.5",
        "rdr on em0 inet from any to 203.0.113.5 -> 10.77.0.5",
        `pass in quick on em0 inet from any to 10.77.0.5 keep state label "${NAME}-g1-in"`,
        `pass out quick on em0 inet from 203.0.113.5 to any keep state label "${NAME}-g1-out"`,
        "",
      ].join("\n"),
    );
    // What a reboot needs to put back is recorded beside the jail file.
    expect(JSON.parse(mem.files.get(STATE)!)).toEqual({ version: 1, spec: spec(), anchorGeneration: 1, anchorRules: pf.input });
    const keys = host.calls.find((c) => c.argv.includes("/bin/dd"))!;
    expect(keys.input).toBe(`${KEY}\n`);
    expect(host.rules).toEqual(RCTL_ADD.map((r) => r.slice("rctl -a ".length)));
  });

  it("adopts an existing dataset and running jail: no second clone or start, config and limits re-applied, the anchor not reloaded", async () => {
    const { host, driver } = await existingJail(true);
    host.pf.count(`${NAME}-g1-in`, 5000, 700);
    const result = await driver.create(spec(), { sshKeys: [], start: true });

    expect(host.argvs()).toEqual([
      `zfs list -H -o name ${DS}`,
      `zfs list -H -o name ${DS}`,
      DISK,
      `rctl jail:${NAME}`,
      LABELS,
      JLS,
      JLS,
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
    ]);
    expect(result).toMatchObject({ jid: 1, running: true, adopted: true });
    expect(host.argvs().some((a) => a.startsWith("zfs clone") || a.startsWith("jail "))).toBe(false);
    expect(host.rules).toHaveLength(3);
    // Same rules, anchor loaded: no reload, so its counters (and the connections' states) stay.
    expect(host.pf.loads).toBe(1);
    expect(host.pf.counters.get(`${NAME}-g1-in`)?.bin).toBe(5000);
  });

  it("extracts the template tarball when the host has no ZFS dataset, and leaves the jail stopped if asked", async () => {
    const { host, mem, driver } = setup("tarball");
    const result = await driver.create(spec(), { sshKeys: [], start: false });

    expect(host.argvs()).toEqual([
      `tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`,
      `rctl jail:${NAME}`,
      ...RCTL_ADD,
      LABELS,
      `pfctl -a ${ANCHOR} -f -`,
      JLS,
    ]);
    expect(mem.dirs.has(ROOT)).toBe(true);
    expect(mem.dirs.has(STAGING)).toBe(false);
    expect(result).toEqual({ jid: null, running: false, sshHostKeyFingerprint: null, adopted: false });
  });

  it("adopts an existing tarball root instead of extracting again", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    const result = await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().some((a) => a.startsWith("tar "))).toBe(false);
    expect(result.adopted).toBe(true);
  });

  it("never leaves a half-extracted root where a retry would adopt it", async () => {
    const { host, mem, driver } = setup("tarball");
    host.failTar = true;
    await expect(driver.create(spec(), { sshKeys: [], start: false })).rejects.toThrow(CommandError);
    expect(host.argvs()).toEqual([`tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`, `rm -r -f -x ${STAGING}`]);
    expect(mem.dirs.has(ROOT)).toBe(false);

    // A crash mid-extraction leaves the staging directory behind: the retry clears it first.
    host.failTar = false;
    host.reset();
    await driver.create(spec(), { sshKeys: [], start: false });
    expect(host.argvs().slice(0, 2)).toEqual([
      `rm -r -f -x ${STAGING}`,
      `tar -xpf /usr/local/cellblock/templates/freebsd-14.txz -C ${STAGING}`,
    ]);
    expect(mem.dirs.has(ROOT)).toBe(true);
  });

  it("starts a jail created stopped just long enough to install keys, then stops it", async () => {
    const { host, driver } = setup();
    const result = await driver.create(spec(), { sshKeys: [KEY], start: false });
    expect(host.argvs().slice(-9)).toEqual([
      ...keySteps(NAME),
      `jexec -l ${NAME} /usr/bin/ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub`,
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
    expect(result.running).toBe(false);
    expect(host.jails.size).toBe(0);
  });

  it("stops the temporarily started jail even when installing the keys fails", async () => {
    const { host, driver } = setup();
    host.failKeys = true;
    await expect(driver.create(spec(), { sshKeys: [KEY], start: false })).rejects.toThrow(CommandError);
    expect(host.argvs().slice(-3)).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `jls --libxo json -v -j ${NAME}`,
    ]);
    expect(host.jails.size).toBe(0);
  });

  it("with no public address loads no rules, and a re-create without one flushes what an earlier one left", async () => {
    const noPublic = spec({ network: { ...spec().network, publicIp: null } });
    const { host, driver } = setup();
    await driver.create(noPublic, { sshKeys: [], start: false });
    expect(host.argvs().filter((a) => a.startsWith("pfctl"))).toEqual([LABELS]);
    expect(host.pf.anchors.size).toBe(0);

    const withPublic = await existingJail(false);
    withPublic.host.reset();
    await withPublic.driver.create(noPublic, { sshKeys: [], start: false });
    expect(withPublic.host.argvs().filter((a) => a.startsWith("pfctl"))).toEqual([LABELS, `pfctl -a ${ANCHOR} -F all`]);
    expect(withPublic.host.pf.anchors.size).toBe(0);
  });

  it("reloads the anchor when the rules differ (a new public address), with the next generation", async () => {
    const { host, driver } = await existingJail(true);
    await driver.create(spec({ network: { ...spec().network, publicIp: "203.0.113.9" } }), { sshKeys: [], start: true });
    expect(host.pf.loads).toBe(2);
    expect(host.pf.anchors.get(ANCHOR)).toContain(`label "${NAME}-g2-out"`);
    expect(host.pf.anchors.get(ANCHOR)).toContain("-> 203.0.113.9");
  });

  it.each([
    ["a name with a slash", spec({ name: "cb../../etc" })],
    ["a name not starting cb", spec({ name: "rootjail01" })],
    ["a hostname with a quote", spec({ hostname: 'a".example.com' })],
    ["a hostname with a newline", spec({ hostname: "a.example.com\n}" })],
    ["a bad private address", spec({ network: { ...spec().network, privateIp: "10.77.0.256" } })],
    ["a bad public address", spec({ network: { ...spec().network, publicIp: "203.0.113.5; pass all" } })],
    ["a snapshot with a space", spec({ template: { ...spec().template, zfsSnapshot: "zroot/t@base -o x" } })],
  ])("refuses %s before running anything", async (_what, bad) => {
    const { host, driver } = setup();
    await expect(driver.create(bad, { sshKeys: [], start: true })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });

  it("refuses an invalid SSH key before running anything", async () => {
    const { host, driver } = setup();
    await expect(driver.create(spec(), { sshKeys: ["ssh-ed25519 AAAA\nroot"], start: true })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver start / stop / restart", () => {
  it("starts a stopped jail with its own jail(8) file", async () => {
    const { host, driver } = await existingJail(false);
    const info = await driver.start(NAME);
    expect(host.argvs()).toEqual([JLS, ...CONVERGE, `jail -f ${CONF} -c ${NAME}`, JLS]);
    expect(info).toEqual({ name: NAME, jid: 1, running: true, hostname: "www.example.com" });
  });

  it("start of a running jail is a no-op", async () => {
    const { host, driver } = await existingJail(true);
    const info = await driver.start(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`]);
    expect(info.running).toBe(true);
  });

  it("start of an unknown jail throws NotFoundError", async () => {
    const { driver } = setup();
    await expect(driver.start(NAME)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stops a running jail (running its exec.stop) and stop of a stopped one is a no-op", async () => {
    const { host, driver } = await existingJail(true);
    expect(await driver.stop(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`, `jail -f ${CONF} -r ${NAME}`, `jls --libxo json -v -j ${NAME}`]);
    host.reset();
    await driver.stop(NAME);
    expect(host.argvs()).toEqual([`jls --libxo json -v -j ${NAME}`]);
  });

  it("restarts a running jail with -rc and starts a stopped one", async () => {
    const { host, driver } = await existingJail(true);
    const info = await driver.restart(NAME);
    expect(host.argvs()).toEqual([JLS, ...CONVERGE, `jail -f ${CONF} -rc ${NAME}`, JLS]);
    expect(info).toMatchObject({ running: true, jid: 2 });

    await driver.stop(NAME);
    host.reset();
    await driver.restart(NAME);
    expect(host.argvs()).toEqual([JLS, JLS, ...CONVERGE, `jail -f ${CONF} -c ${NAME}`, JLS]);
  });
});

describe("FreeBsdDriver.destroy", () => {
  it("stops, flushes the pf anchor, removes rctl rules, destroys the dataset and the jail file", async () => {
    const { host, mem, driver } = await existingJail(true);
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `jail -f ${CONF} -r ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}`,
      `zfs list -H -o name ${DS}`,
      `zfs destroy -r -f ${DS}`,
    ]);
    expect(mem.files.has(CONF)).toBe(false);
    expect(mem.files.has(STATE)).toBe(false);
    expect(host.rules).toEqual([]);
    expect(host.datasets.size).toBe(0);
    expect(host.pf.anchors.size).toBe(0);
  });

  it("destroys a jail on a host whose pf is not loaded (there is no anchor to flush)", async () => {
    const { host, driver } = await existingJail(false);
    host.pf.loaded = false;
    await driver.destroy(NAME);
    expect(host.datasets.size).toBe(0);
  });

  it("removes the tree in tarball mode, clearing file flags first", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}`,
      `chflags -R 0 ${ROOT}`,
      `rm -r -f -x ${ROOT}`,
    ]);
  });

  it("succeeds for a jail that does not exist, destroying nothing", async () => {
    const { host, driver } = setup();
    await driver.destroy(NAME);
    expect(host.argvs()).toEqual([
      `jls --libxo json -v -j ${NAME}`,
      `pfctl -a cellblock/${NAME} -F all`,
      `rctl jail:${NAME}`,
      `zfs list -H -o name ${DS}`,
    ]);
  });

  it("refuses an invalid name", async () => {
    const { host, driver } = setup();
    await expect(driver.destroy("cb/../../..")).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });
});

describe("FreeBsdDriver inspect / list", () => {
  it("inspects a running jail from jls, a stopped one from its jail file, and a missing one as null", async () => {
    const running = await existingJail(true);
    expect(await running.driver.inspect(NAME)).toEqual({ name: NAME, jid: 1, running: true, hostname: "www.example.com" });
    const stopped = await existingJail(false);
    expect(await stopped.driver.inspect(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
    expect(await setup().driver.inspect(NAME)).toBeNull();
  });

  it("treats a dying jail (removed, still holding resources) as not running", async () => {
    const { host, driver } = await existingJail(false);
    host.run = async (argv, opts) => {
      host.calls.push({ argv });
      if (argv[0] === "jls" && (opts?.okCodes ?? []).includes(1)) return fail(1, fixture("jls-dying.stderr"));
      return ok();
    };
    expect(await driver.inspect(NAME)).toEqual({ name: NAME, jid: null, running: false, hostname: null });
  });

  it("lists only Cellblock jails, running ones from jls and stopped ones from /etc/jail.conf.d", async () => {
    const { host, mem, driver } = setup();
    host.run = async (argv) => {
      host.calls.push({ argv });
      return ok(fixture("jls-v.json"));
    };
    mem.files.set("/etc/jail.conf.d/cbstopped01.conf", "");
    mem.files.set("/etc/jail.conf.d/builder.conf", "");
    const jails = await driver.list();
    expect(host.argvs()).toEqual(["jls --libxo json -v"]);
    expect(jails).toEqual([
      { name: "cbk3x9q2m7", jid: 2, running: true, hostname: "www.example.com" },
      { name: "cbstopped01", jid: null, running: false, hostname: null },
      { name: "cbw8r4t1z0", jid: 7, running: true, hostname: "shop.example.org" },
    ]);
  });
});

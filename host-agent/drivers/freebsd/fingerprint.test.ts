// Host prerequisites and capabilities (issue 16 items 5, 6, 8, 9), and the configuration the
// driver refuses. Sources: rctl(8) (kern.racct.enable is a loader tunable), rc.conf(5)
// (cloned_interfaces, pf_enable), jail(8) (ip4.addr "lo1|addr" aliases), pf.conf(5) (quick,
// anchors, set keepcounters, FreeBSD 15's set limit anchors), pfctl_show_limits() in
// sbin/pfctl/pfctl.c for the `-s memory` lines.
import { describe, expect, it } from "vitest";
import { MemoryFs } from "../memory-fs";
import { FreeBsdDriver } from "./driver";
import { ANCHOR, NAME, FakeHost, existingJail, fixture, setup } from "./fake-host";
import { shadowingRules } from "./pf-checks";

function readyHost(mode: "zfs" | "tarball" = "zfs") {
  const s = setup(mode);
  s.host.datasets.set("zroot/cellblock/jails", { refquota: 0, referenced: 0, refreservation: 0 });
  return s;
}

describe("FreeBsdDriver.fingerprint", () => {
  it("is ready when every prerequisite holds, now and at the next boot", async () => {
    const { host, driver } = readyHost();
    const fp = await driver.fingerprint();
    expect(host.argvs()).toEqual([
      "uname -r",
      "sysctl -n hw.ncpu",
      "sysctl -n kern.racct.enable",
      "sysrc -f /boot/loader.conf -qn kern.racct.enable",
      "zfs list -H -o name zroot/cellblock/jails",
      "ifconfig em0",
      "ifconfig lo1",
      "sysrc -qn cloned_interfaces",
      "pfctl -s info",
      "sysrc -qn pf_enable",
      "pfctl -s nat",
      "pfctl -s rules",
      "sysrc -qn pf_rules",
      "pfctl -s memory",
    ]);
    expect(fp).toEqual({
      driver: "freebsd",
      ready: true,
      facts: {
        release: "14.1-RELEASE-p5",
        racct: true,
        racctAtBoot: true,
        storage: "zfs",
        zfs: true,
        zfsDataset: "zroot/cellblock/jails",
        zfsDatasetExists: true,
        pfLoaded: true,
        pf: true,
        pfAtBoot: true,
        pfAnchors: true,
        pfShadowingRules: null,
        pfKeepCounters: true,
        privateInterfaceAtBoot: true,
        publicAddressesNotAliased: null,
        jailsRoot: "/usr/local/cellblock/jails",
        externalInterface: "em0",
      },
      capabilities: {
        snapshots: true,
        diskQuota: true,
        memoryLimit: true,
        processLimit: true,
        cpuLimit: true,
        network: true,
        publicIpv4: true,
        ipv6: false,
        hostnameLockdown: true,
        rootPassword: true,
        sshKeys: true,
        migration: true,
        // FreeBSD 14 has no anchor limit (no "anchors" line in pfctl -s memory).
        limits: { maxJailNameLength: 47, maxHostnameLength: 255, maxJails: null, maxCpuPercent: 800 },
      },
    });
  });

  it("is not ready, and says why in words, when racct is off, the dataset is missing and pf is disabled", async () => {
    const { host, driver } = setup();
    host.racct = fixture("sysctl-racct-disable.txt");
    host.pf.info = fixture("pfctl-s-info-disabled.txt");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toMatch(/kern\.racct\.enable=1/);
    expect(fp.reason).toMatch(/zroot\/cellblock\/jails does not exist/);
    expect(fp.reason).toMatch(/pf firewall is not enabled/);
    expect(fp.capabilities).toMatchObject({ memoryLimit: false, publicIpv4: false });
  });

  it("says what a reboot would lose: racct not in loader.conf, lo1 not in cloned_interfaces, pf_enable not YES", async () => {
    const { host, driver } = readyHost();
    host.loaderConf.clear();
    host.rcConf.set("cloned_interfaces", "bridge0");
    host.rcConf.set("pf_enable", "NO");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toContain("Resource accounting is on but not in /boot/loader.conf");
    expect(fp.reason).toContain("lo1 exists but is not in cloned_interfaces");
    expect(fp.reason).toContain('pf runs but pf_enable is not "YES" in /etc/rc.conf');
    expect(fp.facts).toMatchObject({ racctAtBoot: false, privateInterfaceAtBoot: false, pfAtBoot: false });
    // And the reboot does what the fingerprint warned about.
    host.reboot();
    const after = await driver.fingerprint();
    expect(after.reason).toContain("Resource accounting is off");
    expect(after.reason).toContain("lo1 does not exist: add lo1 to cloned_interfaces");
    expect(after.reason).toContain("pf is not loaded (/dev/pf is missing)");
  });

  it("needs the external interface, and reports recorded public addresses not aliased on it", async () => {
    const { host, driver } = await existingJail(false);
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, referenced: 0, refreservation: 0 });
    host.ifaces.set("em0", ["198.51.100.10"]);
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(true); // routed to this host is fine too; it cannot be seen from here
    expect(fp.facts.publicAddressesNotAliased).toBe(
      "203.0.113.5: not on em0; alias them there (ifconfig_em0_aliases in rc.conf) unless the upstream router routes them to this host",
    );
    host.ifaces.delete("em0");
    expect((await driver.fingerprint()).reason).toContain("The external interface em0 does not exist");
  });

  it("pf not loaded is its own reason, not 'disabled'", async () => {
    const { host, driver } = readyHost();
    host.pf.loaded = false;
    const fp = await driver.fingerprint();
    expect(fp.reason).toContain('pf is not loaded (/dev/pf is missing): set pf_enable="YES"');
    expect(fp.facts).toMatchObject({ pfLoaded: false, pf: false });
  });

  it("is not ready when pf.conf does not call the jail anchors", async () => {
    const { host, driver } = readyHost();
    host.pf.nat = "";
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.facts.pfAnchors).toBe(false);
    expect(fp.reason).toBe(
      'pf.conf does not call the jail anchors; add nat-anchor "cellblock/*", rdr-anchor "cellblock/*" and anchor "cellblock/*" to it.',
    );
  });

  it("is not ready when a quick pass rule before the anchor captures the jails' traffic (Bastille's default pf.conf)", async () => {
    // usr/local/share/bastille/setup.sh writes `pass out quick keep state` above `anchor "bastille/*"`;
    // pfctl -s rules prints it back as `pass out quick all flags S/SA keep state`.
    const { host, driver } = readyHost();
    host.pf.rules = fixture("pfctl-s-rules-shadowed.txt");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toBe(
      'pf.conf passes traffic with a quick rule before anchor "cellblock/*", so the jails\' rules never count it (transfer would read 0): ' +
        'move the anchor above "pass out quick all flags S/SA keep state", or drop "quick" there.',
    );
    expect(fp.capabilities.publicIpv4).toBe(false);
  });

  it("reports set keepcounters from the pf.conf file rc.conf names", async () => {
    const { mem, driver } = readyHost();
    mem.files.set("/etc/pf.conf", fixture("pf.conf").replace("set keepcounters", "# set keepcounters"));
    expect((await driver.fingerprint()).facts.pfKeepCounters).toBe(false);
  });

  it("on FreeBSD 15 derives the jail capacity from pf's anchor limit", async () => {
    const { host, driver } = await existingJail(false);
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, referenced: 0, refreservation: 0 });
    host.pf.memory = fixture("pfctl-s-memory-15.txt");
    host.pf.otherAnchors = ["blacklistd", "blacklistd/22"];
    const fp = await driver.fingerprint();
    expect(host.argvs().slice(-2)).toEqual(["pfctl -s memory", "pfctl -v -s Anchors"]);
    // 512 anchors, 2 used by others, 1 for the parent "cellblock": 509 jails (one is here already).
    expect(fp.capabilities.limits.maxJails).toBe(509);
    expect(fp.facts).toMatchObject({ pfAnchorLimit: 512, pfAnchorsInUse: 4 });
    expect(host.pf.anchors.has(ANCHOR)).toBe(true);
    expect(NAME.length).toBeLessThanOrEqual(fp.capabilities.limits.maxJailNameLength);
  });

  it("declares a tarball host without disk quota or snapshots, so plans with a quota are not placed there", async () => {
    const { driver } = readyHost("tarball");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(true);
    expect(fp.facts.storage).toBe("tarball");
    expect(fp.capabilities).toMatchObject({ diskQuota: false, snapshots: false });
  });
});

describe("quick rules before the anchor", () => {
  const rules = (...lines: string[]) => [...lines, 'anchor "cellblock/*" all', "pass out quick all flags S/SA keep state"].join("\n");

  it("flags pass quick rules that can match the jails' traffic on the external interface, and only those", () => {
    expect(
      shadowingRules(
        rules(
          "pass out quick all flags S/SA keep state",
          "pass in quick on em0 inet proto tcp from any to any port = http flags S/SA keep state",
          "pass quick on lo0 all flags S/SA keep state",
          "pass in quick on ! em0 all flags S/SA keep state",
          "pass in quick on em0 inet proto tcp from any to (em0) port = ssh flags S/SA keep state",
          "block drop in quick on em0 from <bruteforce> to any",
          "block drop in on em0 all",
        ),
        "cellblock",
        "em0",
      ),
    ).toEqual({
      anchorFound: true,
      shadowing: [
        "pass out quick all flags S/SA keep state",
        "pass in quick on em0 inet proto tcp from any to any port = http flags S/SA keep state",
      ],
    });
    // Quick rules after the anchor do not matter: the jails' own quick rules match first.
    expect(shadowingRules(fixture("pfctl-s-rules.txt"), "cellblock", "em0")).toEqual({ anchorFound: true, shadowing: [] });
    expect(shadowingRules("pass out quick all flags S/SA keep state\n", "cellblock", "em0").anchorFound).toBe(false);
  });
});

describe("FreeBsdDriver config", () => {
  it("refuses an interface or dataset that could smuggle syntax into pf or zfs", () => {
    const runner = new FakeHost();
    const mem = new MemoryFs();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0 all" } })).toThrow();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0", zfsDataset: "zroot/a b" } })).toThrow();
    expect(() => new FreeBsdDriver({ runner, fs: mem, config: { externalInterface: "em0", jailsRoot: "/usr/../etc" } })).toThrow();
  });
});

// Host prerequisites and capabilities, and the configuration the driver refuses.
import { describe, expect, it } from "vitest";
import { MemoryFs } from "../memory-fs";
import { FreeBsdDriver } from "./driver";
import { fixture, setup, FakeHost } from "./fake-host";

describe("FreeBsdDriver.fingerprint", () => {
  it("is ready with racct on, the dataset present and pf enabled", async () => {
    const { host, driver } = setup();
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, used: 0 });
    const fp = await driver.fingerprint();
    expect(host.argvs()).toEqual([
      "uname -r",
      "sysctl -n hw.ncpu",
      "sysctl -n kern.racct.enable",
      "zfs list -H -o name zroot/cellblock/jails",
      "pfctl -s info",
      "pfctl -s nat",
      "pfctl -s rules",
    ]);
    expect(fp).toEqual({
      driver: "freebsd",
      ready: true,
      facts: {
        release: "14.1-RELEASE-p5",
        racct: true,
        storage: "zfs",
        zfs: true,
        zfsDataset: "zroot/cellblock/jails",
        zfsDatasetExists: true,
        pf: true,
        pfAnchors: true,
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
        migration: false,
        limits: { maxJailNameLength: 59, maxHostnameLength: 255, maxJails: null, maxCpuPercent: 800 },
      },
    });
  });

  it("is not ready, and says why in words, when racct is off, the dataset is missing and pf is disabled", async () => {
    const { host, driver } = setup();
    host.racct = fixture("sysctl-racct-disable.txt");
    host.pfInfo = fixture("pfctl-s-info-disabled.txt");
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.reason).toMatch(/kern\.racct\.enable=1/);
    expect(fp.reason).toMatch(/zroot\/cellblock\/jails does not exist/);
    expect(fp.reason).toMatch(/pf firewall is not enabled/);
  });

  it("is not ready when pf.conf does not call the jail anchors", async () => {
    const { host, driver } = setup();
    host.datasets.set("zroot/cellblock/jails", { refquota: 0, used: 0 });
    host.pfNat = "";
    const fp = await driver.fingerprint();
    expect(fp.ready).toBe(false);
    expect(fp.facts.pfAnchors).toBe(false);
    expect(fp.reason).toBe(
      'pf.conf does not call the jail anchors; add nat-anchor "cellblock/*", rdr-anchor "cellblock/*" and anchor "cellblock/*" to it.',
    );
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

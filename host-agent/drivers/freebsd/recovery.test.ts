// Issue 16 item 2: nothing survives a reboot. rc.d/jail starts only jails named in jail_list
// (libexec/rc/rc.d/jail: `run_rc_command $@ ${jail_list:-_ALL}`; _ALL reads /etc/jail.conf only),
// and rctl rules and runtime-loaded pf anchors live only in the kernel. The driver converges
// instead, as Bastille re-applies rctl.conf and rdr.conf in `bastille start`
// (usr/local/share/bastille/start.sh): start() puts the recorded limits and anchor back, and
// recover() starts what should run. The fake host's reboot() forgets jails, rules and anchors.
import { describe, expect, it } from "vitest";
import { ANCHOR, NAME, existingJail, spec } from "./fake-host";

const OTHER = "cbz9y8x7w6";
const other = spec({
  name: OTHER,
  network: { ...spec().network, privateIp: "10.77.0.6", publicIp: "203.0.113.6" },
});

async function hostWithTwoJails() {
  const s = await existingJail(true); // NAME runs
  await s.driver.create(other, { sshKeys: [], start: false }); // OTHER is stopped
  s.host.reboot();
  s.host.reset();
  return s;
}

describe("after a reboot", () => {
  it("the kernel has no jail, no rctl rule and no anchor", async () => {
    const { host, driver } = await hostWithTwoJails();
    expect(await driver.list()).toEqual([
      { name: NAME, jid: null, running: false, hostname: null },
      { name: OTHER, jid: null, running: false, hostname: null },
    ]);
    expect(host.rules).toEqual([]);
    expect(host.pf.anchors.size).toBe(0);
  });

  it("recover() starts what should run, with its limits and its NAT, and leaves the rest stopped", async () => {
    const { host, driver } = await hostWithTwoJails();
    const report = await driver.recover([
      { name: NAME, running: true },
      { name: OTHER, running: false },
    ]);
    expect(report).toEqual({ started: [NAME], converged: [], failed: [] });
    expect((await driver.inspect(NAME))?.running).toBe(true);
    expect((await driver.inspect(OTHER))?.running).toBe(false);
    expect(host.rules).toEqual([`jail:${NAME}:memoryuse:deny=536870912`, `jail:${NAME}:maxproc:deny=64`, `jail:${NAME}:pcpu:deny=50`]);
    expect(host.pf.anchors.get(ANCHOR)).toContain("nat on em0 inet from 10.77.0.5 to any -> 203.0.113.5");
    expect(host.pf.anchors.get(ANCHOR)).toContain(`label "${NAME}-g2-in"`);
    expect(host.pf.anchors.has(`cellblock/${OTHER}`)).toBe(false);
  });

  it("a START brings a jail up with its plan's limits and its NAT (not bare)", async () => {
    const { host, driver } = await hostWithTwoJails();
    await driver.setLimits(OTHER, { memoryMb: 1024, maxProcesses: 100, cpuPercent: 200, diskQuotaMb: 10240 });
    host.reboot();
    await driver.start(OTHER);
    expect(host.rules).toEqual([
      `jail:${OTHER}:memoryuse:deny=1073741824`,
      `jail:${OTHER}:maxproc:deny=100`,
      `jail:${OTHER}:pcpu:deny=200`,
    ]);
    expect(host.pf.anchors.get(`cellblock/${OTHER}`)).toContain("rdr on em0 inet from any to 203.0.113.6 -> 10.77.0.6");
  });

  it("recover() restores the rules of jails still running (an agent restart after `service pf restart`)", async () => {
    const { host, driver } = await existingJail(true);
    host.pf.forgetAnchors();
    host.rules = [];
    expect(await driver.recover([{ name: NAME, running: true }])).toEqual({ started: [], converged: [NAME], failed: [] });
    expect(host.rules).toHaveLength(3);
    expect(host.pf.anchors.has(ANCHOR)).toBe(true);
  });

  it("one jail that cannot start does not stop the others, and the report says why", async () => {
    const { host, driver } = await hostWithTwoJails();
    host.rcConf.set("cloned_interfaces", ""); // lo1 was never made persistent …
    host.reboot(); // … so it is gone now, and jail(8) cannot add the jail's address to it
    const report = await driver.recover([
      { name: NAME, running: true },
      { name: "cbnothere01", running: true },
    ]);
    expect(report.started).toEqual([]);
    expect(report.failed.map((f) => f.name)).toEqual([NAME, "cbnothere01"]);
    expect(report.failed[0]!.error).toMatch(/jail -f .* -c cbk3x9q2m7 exited with 1/);
    expect(report.failed[1]!.error).toBe("jail cbnothere01 does not exist on this host");
    expect(host.jails.size).toBe(0);
  });
});

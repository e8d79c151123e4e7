// Issue 16 items 4 and 7: pf counters across reloads, and pf's absence. The fake host answers
// as sbin/pfctl/pfctl.c does: no /dev/pf → exit 1 "pfctl: /dev/pf: No such file or directory"
// (main(): err(1, "%s", pf_device)); `-s labels` on a missing anchor → "pfctl: DIOCGETRULES:
// Invalid argument" on stderr and exit 0 (main() ignores pfctl_show_rules()'s result); a load
// replaces an anchor's rules and their counters (pf_commit_rules, sys/netpfil/pf/pf_ioctl.c).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UsageMeter } from "../../usage-meter";
import { ANCHOR, NAME, existingJail, fixture, spec } from "./fake-host";
import { PfUnavailableError } from "./pf";

const LABELS = `pfctl -a ${ANCHOR} -s labels`;

describe("pf absent", () => {
  it("is an error naming the cause, never zero traffic", async () => {
    const { host, driver } = await existingJail(true);
    host.pf.loaded = false;
    const answer = await host.run(["pfctl", "-a", ANCHOR, "-s", "labels"], { okCodes: [1] });
    expect(answer).toMatchObject({ code: 1, stderr: fixture("pfctl-no-pf.stderr") });
    const err = await driver.usage([NAME]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PfUnavailableError);
    expect((err as Error).message).toMatch(/^pf is not available \(\/dev\/pf: No such file or directory\): load it/);
  });
});

describe("a missing anchor", () => {
  it("reads as absent (pfctl exits 0), and a running jail gets its rules back in a new generation", async () => {
    const { host, driver } = await existingJail(true);
    host.pf.forgetAnchors(); // service pf restart
    expect(await host.run(["pfctl", "-a", ANCHOR, "-s", "labels"])).toMatchObject({
      code: 0,
      stdout: "",
      stderr: fixture("pfctl-labels-no-anchor.stderr"),
    });
    host.reset();
    const [u] = await driver.usage([NAME]);
    expect(host.argvs().filter((a) => a.startsWith("pfctl"))).toEqual([LABELS, LABELS, `pfctl -a ${ANCHOR} -f -`, LABELS]);
    expect(u).toMatchObject({ netRxBytes: 0, netTxBytes: 0, epochs: { net: "pf:g2" } });
  });

  it("of a stopped jail is left alone by usage (start puts it back)", async () => {
    const { host, driver } = await existingJail(false);
    host.pf.forgetAnchors();
    const [u] = await driver.usage([NAME]);
    expect(u!.epochs.net).toBe("pf:none");
    expect(host.pf.anchors.size).toBe(0);
    await driver.start(NAME);
    expect(host.pf.anchors.get(ANCHOR)).toContain(`label "${NAME}-g2-in"`);
  });
});

describe("counters across reloads", () => {
  it("an anchor is reloaded only when its rules differ, and the agent counts the new generation from zero", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-"));
    const meter = new UsageMeter(dir);
    const t0 = new Date("2026-11-01T00:00:00Z");
    const { host, driver } = await existingJail(true);

    host.pf.count(`${NAME}-g1-in`, 5_000, 100);
    meter.sample(await driver.usage([NAME]), t0);
    // Re-applying the same spec (a CREATE retried, a restart) does not reload: counters keep going.
    await driver.create(spec(), { sshKeys: [], start: true });
    await driver.restart(NAME);
    expect(host.pf.loads).toBe(1);
    host.pf.count(`${NAME}-g1-in`, 7_000, 150);
    const [same] = meter.sample(await driver.usage([NAME]), new Date(t0.getTime() + 60_000));
    expect(same).toMatchObject({ netRxBytes: 2_000, netTxBytes: 50 });

    // A new public address changes the rules: generation 2, fresh rules whose counters start at
    // zero even under `set keepcounters` (it only carries counters to identical rules, and the
    // label makes them differ). 9,000 bytes since: more than the old total, still counted whole.
    await driver.create(spec({ network: { ...spec().network, publicIp: "203.0.113.9" } }), { sshKeys: [], start: true });
    expect(host.pf.loads).toBe(2);
    host.pf.count(`${NAME}-g2-in`, 9_000, 10);
    const [after] = meter.sample(await driver.usage([NAME]), new Date(t0.getTime() + 120_000));
    expect(after).toMatchObject({ netRxBytes: 9_000, netTxBytes: 10 });
  });

  it("reads labels from before generations as a legacy epoch and moves the anchor to a generation on the next start", async () => {
    const { host, driver } = await existingJail(false);
    host.pf.anchors.set(ANCHOR, `pass in quick on em0 inet from any to 10.77.0.5 keep state label "${NAME}-in"\n`);
    const [u] = await driver.usage([NAME]);
    expect(u!.epochs.net).toBe("pf:glegacy");
    await driver.start(NAME);
    expect(host.pf.anchors.get(ANCHOR)).toContain(`label "${NAME}-g2-in"`);
  });
});

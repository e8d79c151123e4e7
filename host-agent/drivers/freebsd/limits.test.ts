// rctl rules and refquota: exactly one rule per resource however often a plan changes.
import { describe, expect, it } from "vitest";
import { PreconditionError } from "../driver";
import { parseRctlRules } from "./parse";
import { DS, NAME, RCTL_ADD, STATE, existingJail, fixture } from "./fake-host";

const CHECK = [`zfs list -H -o name ${DS}`, `zfs get -Hp -o property,value referenced,refquota,refreservation ${DS}`];

describe("FreeBsdDriver.setLimits", () => {
  const plan = { memoryMb: 512, maxProcesses: 64, cpuPercent: 50, diskQuotaMb: 10240 };

  it("adds one rule per resource on a fresh jail", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = [];
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([...CHECK, `rctl jail:${NAME}`, ...RCTL_ADD]);
  });

  it("applying the same plan twice only lists the second time", async () => {
    const { host, driver } = await existingJail(false);
    await driver.setLimits(NAME, plan);
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([...CHECK, `rctl jail:${NAME}`]);
    expect(host.rules).toHaveLength(3);
  });

  it("a plan change removes the old rules, adds the new ones and changes refquota", async () => {
    const { host, mem, driver } = await existingJail(false);
    await driver.setLimits(NAME, { memoryMb: 1024, maxProcesses: 128, cpuPercent: 100, diskQuotaMb: 20480 });
    expect(host.argvs()).toEqual([
      ...CHECK,
      `zfs set refquota=20480M ${DS}`,
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:memoryuse:deny=536870912`,
      `rctl -r jail:${NAME}:maxproc:deny=64`,
      `rctl -r jail:${NAME}:pcpu:deny=50`,
      `rctl -a jail:${NAME}:memoryuse:deny=1073741824`,
      `rctl -a jail:${NAME}:maxproc:deny=128`,
      `rctl -a jail:${NAME}:pcpu:deny=100`,
    ]);
    expect(host.rules).toEqual([`jail:${NAME}:memoryuse:deny=1073741824`, `jail:${NAME}:maxproc:deny=128`, `jail:${NAME}:pcpu:deny=100`]);
    // Recorded, so a reboot brings back these limits, not the create-time ones.
    expect(JSON.parse(mem.files.get(STATE)!).spec.limits).toEqual({
      memoryMb: 1024,
      maxProcesses: 128,
      cpuPercent: 100,
      diskQuotaMb: 20480,
    });
  });

  it("changing one resource touches only that rule", async () => {
    const { host, driver } = await existingJail(false);
    await driver.setLimits(NAME, { ...plan, maxProcesses: 100 });
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:maxproc:deny=64`,
      `rctl -a jail:${NAME}:maxproc:deny=100`,
    ]);
  });

  it("cleans up rules other tools left on our resources, keeps the rest, and ends with exactly one per resource", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = fixture("rctl-rules.txt").trim().split("\n");
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:memoryuse:log=1073741824`,
    ]);
    const ours = parseRctlRules(host.rules.join("\n")).filter((r) => ["memoryuse", "maxproc", "pcpu"].includes(r.resource));
    expect(ours.map((r) => r.resource).sort()).toEqual(["maxproc", "memoryuse", "pcpu"]);
    expect(host.rules).toContain(`jail:${NAME}:openfiles:deny=4096/process`);
  });

  it("removes a same-resource rule with a /per suffix rather than piling a second one on", async () => {
    const { host, driver } = await existingJail(false);
    host.rules = [`jail:${NAME}:maxproc:deny=64/process`];
    host.reset();
    await driver.setLimits(NAME, plan);
    expect(host.argvs().filter((a) => a.startsWith("rctl"))).toEqual([
      `rctl jail:${NAME}`,
      `rctl -r jail:${NAME}:maxproc:deny=64/process`,
      ...RCTL_ADD,
    ]);
    expect(host.rules).toHaveLength(3);
  });

  it("skips refquota in tarball mode and refuses an invalid plan", async () => {
    const { host, driver } = await existingJail(false, "tarball");
    await driver.setLimits(NAME, plan);
    expect(host.argvs()).toEqual([`rctl jail:${NAME}`]);
    host.reset();
    await expect(driver.setLimits(NAME, { ...plan, memoryMb: -1 })).rejects.toThrow();
    expect(host.calls).toEqual([]);
  });

  it("refuses a downgrade below what the jail holds, with the figures, before changing rctl or ZFS", async () => {
    // OpenZFS dsl_dataset_set_refquota_check(): a refquota below `referenced` fails with ENOSPC,
    // which libzfs prints as "size is less than current used or reserved space" — after the old
    // driver had already replaced the rctl rules. Now nothing changes and the customer is told why.
    const { host, mem, driver } = await existingJail(false);
    host.datasets.get(DS)!.referenced = 12 * 1024 ** 3;
    host.datasets.get(DS)!.refquota = 20 * 1024 ** 3;
    expect((await host.run(CHECK[1]!.split(" "))).stdout).toBe(fixture("zfs-get-disk-figures.txt"));
    await expect(host.run(["zfs", "set", "refquota=10240M", DS])).rejects.toThrow(/exited with 1/);
    const rulesBefore = [...host.rules];
    const stateBefore = mem.files.get(STATE);
    host.reset();

    const err = await driver.setLimits(NAME, { ...plan, memoryMb: 256, diskQuotaMb: 10240 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionError);
    expect((err as Error).message).toBe(
      "The jail holds 12.0 GiB of data; the new plan's disk quota is 10.0 GiB. Delete at least 2.0 GiB inside the jail, or choose a plan with more disk, and try again.",
    );
    expect(host.argvs()).toEqual(CHECK);
    expect(host.rules).toEqual(rulesBefore);
    expect(host.datasets.get(DS)!.refquota).toBe(20 * 1024 ** 3);
    expect(mem.files.get(STATE)).toBe(stateBefore);
  });
});

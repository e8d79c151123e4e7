import { describe, expect, it } from "vitest";
import { ProcessNotFoundError, type Driver, type ProcessInfo } from "./drivers/driver";
import { HogWatch } from "./hog-watch";

/** A driver double with only the two calls the hog watch makes; `gone` pids have exited before the renice. */
function fakeDriver(procs: () => ProcessInfo[], gone = new Set<number>()) {
  const reniced: Array<[string, number, number]> = [];
  const driver = {
    processes: async () => procs(),
    renice: async (name: string, pid: number, nice: number) => {
      if (gone.has(pid)) throw new ProcessNotFoundError(name, pid);
      reniced.push([name, pid, nice]);
    },
  } as unknown as Driver;
  return { driver, reniced };
}

describe("hog watch", () => {
  it("renices a process only after it stayed above the threshold for the whole period, once", async () => {
    let cpu = 95;
    let nice = 0;
    const { driver, reniced } = fakeDriver(() => [{ pid: 42, command: "yes", cpuPercent: cpu, nice }]);
    const watch = new HogWatch(driver);
    const opts = { cpuPercent: 80, seconds: 300 };
    const t0 = 1_000_000;
    expect(await watch.check(["cbjail01"], opts, t0)).toEqual([]);
    expect(await watch.check(["cbjail01"], opts, t0 + 299_000)).toEqual([]);
    const events = await watch.check(["cbjail01"], opts, t0 + 300_000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ jail: "cbjail01", pid: 42, command: "yes", key: `cbjail01:42:${t0}` });
    expect(reniced).toEqual([["cbjail01", 42, 10]]);
    nice = 10; // it is reniced now: no second event
    expect(await watch.check(["cbjail01"], opts, t0 + 360_000)).toEqual([]);
    // Dipping below the threshold restarts the clock.
    nice = 0;
    cpu = 10;
    await watch.check(["cbjail01"], opts, t0 + 400_000);
    cpu = 95;
    expect(await watch.check(["cbjail01"], opts, t0 + 500_000)).toEqual([]);
  });

  it("skips a process that exited between the listing and the renice, and still reports the others", async () => {
    const procs = [
      { pid: 42, command: "yes", cpuPercent: 95, nice: 0 },
      { pid: 43, command: "burn", cpuPercent: 99, nice: 0 },
    ];
    const { driver, reniced } = fakeDriver(() => procs, new Set([42]));
    const watch = new HogWatch(driver);
    const opts = { cpuPercent: 80, seconds: 60 };
    await watch.check(["cbjail01"], opts, 0);
    const events = await watch.check(["cbjail01"], opts, 60_000);
    expect(events.map((e) => e.pid)).toEqual([43]);
    expect(reniced).toEqual([["cbjail01", 43, 10]]);
  });
});

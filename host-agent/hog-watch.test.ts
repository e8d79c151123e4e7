import { describe, expect, it } from "vitest";
import type { Driver, ProcessInfo } from "./drivers/driver";
import { HogWatch } from "./hog-watch";

/** A driver double with only the two calls the hog watch makes. */
function fakeDriver(procs: () => ProcessInfo[]) {
  const reniced: Array<[string, number, number]> = [];
  const driver = {
    processes: async () => procs(),
    renice: async (name: string, pid: number, nice: number) => {
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
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { counterDelta, UsageMeter } from "./usage-meter";

const usage = (cpuSeconds: number, rx: number, tx: number, epochs = { cpu: "boot:1", net: "pf:g1" }) => ({
  name: "cbjail0001",
  diskBytes: 5,
  memoryBytes: 6,
  cpuSeconds,
  processes: 2,
  netRxBytes: rx,
  netTxBytes: tx,
  epochs,
});

describe("usage meter", () => {
  it("turns cumulative counters into deltas, never negative, never doubled after a reset", () => {
    expect(counterDelta(undefined, 500)).toBe(0);
    expect(counterDelta(100, 150)).toBe(50);
    expect(counterDelta(1000, 30)).toBe(30); // counter reset (reboot): 30 bytes since the reset
    // A new epoch counts the new value whole, even when it already passed the old one.
    expect(counterDelta(1000, 1500, "pf:g1", "pf:g2")).toBe(1500);
    expect(counterDelta(1000, 1500, "pf:g2", "pf:g2")).toBe(500);
    // An older reading without an epoch is not taken as a reset.
    expect(counterDelta(1000, 1500, undefined, "pf:g2")).toBe(500);
  });

  it("survives a restart of the agent and measures CPU over the interval", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-"));
    const t0 = new Date("2026-11-01T00:00:00Z");
    new UsageMeter(dir).sample([usage(10, 1000, 2000)], t0);
    // A new meter (agent restarted) reads the previous counters from disk.
    const [s] = new UsageMeter(dir).sample([usage(15, 1500, 2100)], new Date(t0.getTime() + 10_000));
    expect(s).toMatchObject({ cpuPercent: 50, netRxBytes: 500, netTxBytes: 100 });
    const [afterReset] = new UsageMeter(dir).sample([usage(16, 40, 50)], new Date(t0.getTime() + 20_000));
    expect(afterReset).toMatchObject({ netRxBytes: 40, netTxBytes: 50 });
    // Wiped state: the first sample reports no traffic rather than the whole counter.
    fs.rmSync(path.join(dir, "counters.json"));
    const [wiped] = new UsageMeter(dir).sample([usage(2, 9_999_999, 9_999_999)], new Date(t0.getTime() + 30_000));
    expect(wiped).toMatchObject({ netRxBytes: 0, netTxBytes: 0, cpuPercent: 0 });
  });

  it("counts a reset traffic counter from zero when its epoch changed, even if it grew past the old value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-"));
    const t0 = new Date("2026-11-01T00:00:00Z");
    const meter = new UsageMeter(dir);
    meter.sample([usage(100, 5_000, 1_000)], t0);
    // The anchor was reloaded (generation 2) and 6,000 bytes arrived since: more than the old total.
    const [s] = meter.sample([usage(130, 6_000, 800, { cpu: "boot:1", net: "pf:g2" })], new Date(t0.getTime() + 60_000));
    expect(s).toMatchObject({ netRxBytes: 6_000, netTxBytes: 800, cpuPercent: 50 });
    // The CPU counter kept its epoch, so only its growth counts (no spike from the reload).
    expect(s!.cpuPercent).toBe(50);
  });

  it("samples a jail once per second: a second reading in the same second yields nothing and loses no traffic", () => {
    const meter = new UsageMeter(fs.mkdtempSync(path.join(os.tmpdir(), "meter-")));
    const t0 = new Date("2026-11-30T12:00:00.100Z");
    expect(meter.sample([usage(1, 100, 10)], t0)).toHaveLength(1);
    expect(meter.sample([usage(1, 160, 15)], new Date(t0.getTime() + 500))).toEqual([]);
    const [next] = meter.sample([usage(2, 200, 20)], new Date(t0.getTime() + 1000));
    // The delta since the first reading, the skipped one's traffic included.
    expect(next).toMatchObject({ sampledAt: "2026-11-30T12:00:01.000Z", netRxBytes: 100, netTxBytes: 10 });
  });

  it("ignores an unreadable counters file instead of failing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-"));
    fs.writeFileSync(path.join(dir, "counters.json"), '{"cbjail0001": {"at": "yesterday"}}');
    const [s] = new UsageMeter(dir).sample([usage(10, 1000, 2000)]);
    expect(s).toMatchObject({ netRxBytes: 0, cpuPercent: 0 });
  });
});

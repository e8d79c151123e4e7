import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ServerClock, type ClockSources } from "./clock";
import { UsageMeter } from "./usage-meter";

const SERVER_NOW = Date.parse("2026-11-30T12:55:00.000Z");

/** A host whose wall clock is `offsetMs` off the server's, with a monotonic clock we move. */
function host(offsetMs: number, bootId: string | null = "boot-1") {
  const h = { mono: 1_000_000, server: SERVER_NOW };
  const sources: ClockSources = { wall: () => h.server + offsetMs, monotonic: () => h.mono, bootId: () => bootId };
  const advance = (ms: number) => {
    h.mono += ms;
    h.server += ms;
  };
  return { h, sources, advance };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "clock-test-"));

describe("the agent's server clock", () => {
  it("stamps in the server's time however far the host's wall clock is off, and reports the offset", () => {
    for (const offset of [600_000, -600_000]) {
      const { h, sources, advance } = host(offset);
      const clock = new ServerClock(tmp(), sources);
      expect(clock.synced).toBe(false);
      // A heartbeat with a 40 ms round trip: the server answered at the midpoint.
      const sent = h.mono;
      advance(20);
      const serverTime = new Date(h.server).toISOString();
      advance(20);
      expect(clock.observe(serverTime, sent, h.mono)).toBe(offset);
      expect(clock.synced).toBe(true);
      advance(3_600_000 - 40 + 123);
      expect(clock.nowMs()).toBe(h.server);
      // The usage meter stamps what the clock says: the sample lands in the server's hour.
      const [s] = new UsageMeter(tmp()).sample(
        [
          {
            name: "j1",
            diskBytes: 1,
            memoryBytes: 1,
            cpuSeconds: 1,
            processes: 1,
            netRxBytes: 1,
            netTxBytes: 1,
            epochs: { cpu: "c", net: "n" },
          },
        ],
        clock.now(),
      );
      expect(s!.sampledAt).toBe(new Date(Math.floor(h.server / 1000) * 1000).toISOString());
    }
  });

  it("keeps its anchor across an agent restart in the same boot, not across a reboot", () => {
    const dir = tmp();
    const { h, sources, advance } = host(600_000);
    new ServerClock(dir, sources).observe(new Date(h.server).toISOString(), h.mono, h.mono);
    advance(5_000);
    const restarted = new ServerClock(dir, sources);
    expect(restarted.synced).toBe(true);
    expect(restarted.nowMs()).toBe(h.server);
    expect(new ServerClock(dir, { ...sources, bootId: () => "boot-2" }).synced).toBe(false);
  });

  it("does not jitter backwards when a new anchor lands a few ms behind, but follows a real step back of the server", () => {
    const { h, sources, advance } = host(0);
    const clock = new ServerClock(tmp(), sources);
    clock.observe(new Date(h.server).toISOString(), h.mono, h.mono);
    advance(1000);
    const t = clock.nowMs();
    clock.observe(new Date(h.server - 30).toISOString(), h.mono, h.mono);
    expect(clock.nowMs()).toBe(t);
    clock.observe(new Date(h.server - 60_000).toISOString(), h.mono, h.mono);
    expect(clock.nowMs()).toBe(h.server - 60_000);
  });
});

import { describe, expect, it } from "vitest";
import { heartbeatIntervalSeconds } from "./heartbeat-interval";

describe("heartbeatIntervalSeconds (Nomad's max_heartbeats_per_second rule)", () => {
  it("spreads the fleet so its total rate stays at or under the cap", () => {
    expect(heartbeatIntervalSeconds(500, 50, 30)).toBe(10);
    expect(heartbeatIntervalSeconds(501, 50, 600)).toBe(11);
    // …unless that leaves fewer than three beats before a host shows stale (30 s).
    expect(heartbeatIntervalSeconds(501, 50, 30)).toBe(10);
    expect(heartbeatIntervalSeconds(250, 50, 30)).toBe(5);
    for (const hosts of [1, 49, 50, 51, 99, 100, 333, 499, 500]) {
      const every = heartbeatIntervalSeconds(hosts, 50, 600);
      expect(hosts / every).toBeLessThanOrEqual(50);
      // …and no slower than it must be: one second less would break the cap (or hit the 1 s floor).
      if (every > 1) expect(hosts / (every - 1)).toBeGreaterThan(50);
    }
  });

  it("is at least one second, for an empty or small fleet", () => {
    expect(heartbeatIntervalSeconds(0, 50, 30)).toBe(1);
    expect(heartbeatIntervalSeconds(3, 50, 30)).toBe(1);
  });

  it("never leaves fewer than three beats before a host shows stale", () => {
    expect(heartbeatIntervalSeconds(10_000, 50, 30)).toBe(10);
    expect(heartbeatIntervalSeconds(10_000, 50, 2)).toBe(1);
  });

  it("refuses nonsense settings by name", () => {
    expect(() => heartbeatIntervalSeconds(10, 0, 30)).toThrow(/maxPerSecond/);
    expect(() => heartbeatIntervalSeconds(10, 50, Number.NaN)).toThrow(/staleAfterSeconds/);
    expect(() => heartbeatIntervalSeconds(-1, 50, 30)).toThrow(/enrolledHosts/);
  });
});

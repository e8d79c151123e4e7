import { describe, expect, it } from "vitest";
import { heartbeatRequest } from "./agent";
import { hostCapabilities, type DriverCapabilities } from "./capabilities";

const caps: DriverCapabilities = {
  snapshots: false,
  diskQuota: false,
  memoryLimit: true,
  processLimit: true,
  cpuLimit: true,
  network: true,
  publicIpv4: false,
  ipv6: false,
  hostnameLockdown: true,
  rootPassword: true,
  sshKeys: true,
  migration: false,
  limits: { maxJailNameLength: 42, maxHostnameLength: 64, maxJails: null, maxCpuPercent: 200 },
};

describe("driver capabilities", () => {
  it("ride in the heartbeat, optional for agents that predate them", () => {
    const hb = { agentVersion: "1", driver: "lxc", loadAverage: 0, ready: true, reason: null, facts: {}, inventory: null };
    expect(heartbeatRequest.parse({ ...hb, capabilities: caps }).capabilities).toEqual(caps);
    expect(heartbeatRequest.parse(hb).capabilities).toBeUndefined();
    expect(heartbeatRequest.safeParse({ ...hb, capabilities: { ...caps, limits: {} } }).success).toBe(false);
  });

  it("are read back from a host's facts JSON, or null when unknown or malformed", () => {
    expect(hostCapabilities({ kernel: "6.1", capabilities: caps })).toEqual(caps);
    expect(hostCapabilities({ kernel: "6.1" })).toBeNull();
    expect(hostCapabilities(null)).toBeNull();
    expect(hostCapabilities({ capabilities: { snapshots: "yes" } })).toBeNull();
  });
});

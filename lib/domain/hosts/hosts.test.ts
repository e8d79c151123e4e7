import { staffActor } from "@/lib/domain/actor";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff, uid } from "@/lib/test/factories";
import { authenticateAgent } from "./authenticate-agent";
import { createHost as addHost } from "./create-host";
import { enrollHost } from "./enroll-host";
import { recordHeartbeat } from "./record-heartbeat";
import { ingestUsage } from "@/lib/domain/usage/ingest-usage";
import { hostCapabilities } from "@/lib/schemas/capabilities";

const hb = (inventory: Array<{ name: string; jid: number | null; running: boolean }> | null) => ({
  agentVersion: "test",
  driver: "lxc" as const,
  loadAverage: 0.5,
  ready: true,
  reason: null,
  facts: {},
  inventory,
});

describe("hosts", () => {
  it("enrols once with the token, stores only hashes, and authenticates the agent by its secret", async () => {
    const admin = await createStaff("ADMIN");
    const n = Math.floor(Math.random() * 200);
    const { host, token } = await addHost({
      actor: staffActor(admin),
      input: {
        name: `h-${uid()}`,
        fqdn: `h-${uid()}.example.test`,
        driver: "LXC",
        capacityJails: 10,
        capacityDiskMb: 1000,
        capacityMemoryMb: 1000,
        privateNetblock: `10.201.${n}.0/24`,
        publicPoolCidr: null,
        ipv6Prefix: null,
      },
    });
    const row = await db.host.findUniqueOrThrow({ where: { id: host.id }, omit: { enrollTokenHash: false } });
    expect(row.enrollTokenHash).not.toContain(token);
    const { secret } = await enrollHost(token, { agentVersion: "1", driver: "lxc" });
    await expect(enrollHost(token, { agentVersion: "1", driver: "lxc" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await authenticateAgent(`Bearer ${secret}`)).id).toBe(host.id);
    await expect(authenticateAgent(`Bearer ${secret}x`)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).status).toBe("ACTIVE");
    expect(await db.auditLog.count({ where: { action: "host.create", targetId: host.id } })).toBe(1);
  });

  it("stores the driver's capabilities from the heartbeat in the host's facts", async () => {
    const host = await createHost();
    const capabilities = {
      snapshots: false,
      diskQuota: false,
      memoryLimit: true,
      processLimit: true,
      cpuLimit: true,
      network: false,
      publicIpv4: false,
      ipv6: false,
      hostnameLockdown: true,
      rootPassword: true,
      sshKeys: true,
      migration: false,
      limits: { maxJailNameLength: 42, maxHostnameLength: 64, maxJails: null, maxCpuPercent: 200 },
    };
    await recordHeartbeat(host.id, { ...hb(null), facts: { kernel: "6.1" }, capabilities });
    const row = await db.host.findUniqueOrThrow({ where: { id: host.id } });
    expect(row.facts).toEqual({ kernel: "6.1", capabilities });
    expect(hostCapabilities(row.facts)).toEqual(capabilities);
  });

  it("records drift only when it changes: missing, unexpected, state mismatch, then resolved", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const a = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const b = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    await recordHeartbeat(
      host.id,
      hb([
        { name: b.name, jid: 1, running: false },
        { name: "cbstranger01", jid: 2, running: true },
      ]),
    );
    const drift = await db.hostDrift.findMany({ where: { hostId: host.id, resolvedAt: null }, orderBy: { kind: "asc" } });
    expect(drift.map((d) => [d.kind, d.jailName])).toEqual([
      ["MISSING", a.name],
      ["UNEXPECTED", "cbstranger01"],
      ["STATE", b.name],
    ]);
    await recordHeartbeat(
      host.id,
      hb([
        { name: a.name, jid: 1, running: true },
        { name: b.name, jid: 3, running: true },
      ]),
    );
    expect(await db.hostDrift.count({ where: { hostId: host.id, resolvedAt: null } })).toBe(0);
    // A heartbeat without an inventory (driver failed) says nothing about drift.
    await recordHeartbeat(host.id, hb(null));
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).lastHeartbeatAt).not.toBeNull();
  });

  it("stores usage once per (jail, time) and only for the reporting host's jails", async () => {
    const host = await createHost();
    const other = await createHost();
    const { account } = await createCustomer();
    const mine = await createJailRow({ accountId: account.id, hostId: host.id });
    const theirs = await createJailRow({ accountId: account.id, hostId: other.id });
    const sample = (jail: string, at: string) => ({
      jail,
      sampledAt: at,
      diskBytes: 1000,
      memoryBytes: 2000,
      cpuPercent: 5,
      processes: 3,
      netRxBytes: 10,
      netTxBytes: 20,
    });
    const batch = {
      samples: [
        sample(mine.name, "2026-11-01T00:00:00.000Z"),
        sample(mine.name, "2026-11-01T00:05:00.000Z"),
        sample(theirs.name, "2026-11-01T00:00:00.000Z"),
      ],
    };
    expect(await ingestUsage(host.id, batch)).toEqual({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(await ingestUsage(host.id, batch)).toEqual({ accepted: 0, duplicates: 2, rejected: 1 });
    expect(await db.usageSample.count({ where: { jailId: mine.id } })).toBe(2);
    expect(await db.usageSample.count({ where: { jailId: theirs.id } })).toBe(0);
  });
});

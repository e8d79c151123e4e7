import { describe, expect, it } from "vitest";
import { staffActor } from "@/lib/domain/actor";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff, nextPrivateNetblock, uid } from "@/lib/test/factories";
import { authenticateAgent } from "./authenticate-agent";
import { createHost as addHost, issueEnrollToken } from "./create-host";
import { enrollHost } from "./enroll-host";
import { hostHealth, onlineSince } from "./host-health";
import { getHost } from "./list-hosts";
import { recordHeartbeat } from "./record-heartbeat";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { ingestUsage, recordHogEvents } from "@/lib/domain/usage/ingest-usage";
import { hostCapabilities } from "@/lib/schemas/capabilities";

// Read lazily on first use: pin the thresholds this file's clock arithmetic relies on.
process.env.HOST_STALE_AFTER_SECONDS = "30";
process.env.HOST_OFFLINE_AFTER_SECONDS = "120";

const HOUR = 3_600_000;
const later = (t: Date, ms: number) => new Date(t.getTime() + ms);

// A private netblock from the test database's host sequence: two random picks could clash, and
// an overlapping netblock is refused (rightly).
async function hostInput() {
  return {
    name: `h-${uid()}`,
    fqdn: `h-${uid()}.example.test`,
    driver: "LXC" as const,
    capacityJails: 10,
    capacityDiskMb: 1000,
    capacityMemoryMb: 1000,
    privateNetblock: await nextPrivateNetblock(),
    publicPoolCidr: null,
    ipv6Prefix: null,
  };
}

/** Drift rows of a host with their row version (xmin): any UPDATE, even to the same values, changes it. */
const driftRows = (hostId: string) =>
  db.$queryRaw<Array<{ id: string; kind: string; jailName: string; resolvedAt: Date | null; detectedAt: Date; version: string }>>`
    SELECT "id", "kind"::text AS "kind", "jailName", "resolvedAt", "detectedAt", xmin::text AS "version"
    FROM "HostDrift" WHERE "hostId" = ${hostId} ORDER BY "kind", "jailName"`;

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
    const { host, token } = await addHost({ actor: staffActor(admin), input: await hostInput() });
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
  });

  it("compares only settled jails: none a job is changing, none not yet made; a stopped jail must be reported stopped", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const busy = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    await db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, jailId: busy.id, type: "START", payload: { name: busy.name } }));
    const ordered = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
    const stopped = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    const wrong = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    await recordHeartbeat(
      host.id,
      hb([
        { name: ordered.name, jid: null, running: false },
        { name: stopped.name, jid: null, running: false },
        { name: wrong.name, jid: null, running: false },
        // Reported twice: the last report of a name counts.
        { name: wrong.name, jid: 4, running: true },
      ]),
    );
    const drift = await db.hostDrift.findMany({ where: { hostId: host.id, resolvedAt: null } });
    expect(drift.map((d) => [d.kind, d.jailName, d.jailId, d.detail, d.hostRunning])).toEqual([
      ["STATE", wrong.name, wrong.id, "panel says stopped, host says running", true],
    ]);
  });

  it("writes drift only when it changes: the same inventory again leaves every drift row as it was", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const a = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const b = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const t0 = new Date();
    const drifting = hb([
      { name: b.name, jid: null, running: false },
      { name: "cbstranger02", jid: 9, running: true },
    ]);
    await recordHeartbeat(host.id, drifting, t0);
    const first = await driftRows(host.id);
    expect(first.map((d) => [d.kind, d.jailName, d.resolvedAt])).toEqual([
      ["MISSING", a.name, null],
      ["STATE", b.name, null],
      ["UNEXPECTED", "cbstranger02", null],
    ]);

    // The same report twice more: the host row moves on, the drift rows are not even rewritten.
    await recordHeartbeat(host.id, drifting, later(t0, 5_000));
    await recordHeartbeat(host.id, drifting, later(t0, 10_000));
    expect(await driftRows(host.id)).toEqual(first);
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).lastHeartbeatAt).toEqual(later(t0, 10_000));

    // One thing changes (the stranger is gone): only its row is written.
    await recordHeartbeat(host.id, hb([{ name: b.name, jid: null, running: false }]), later(t0, 15_000));
    const second = await driftRows(host.id);
    expect(second.filter((d) => d.kind !== "UNEXPECTED")).toEqual(first.filter((d) => d.kind !== "UNEXPECTED"));
    const stranger = second.find((d) => d.kind === "UNEXPECTED")!;
    expect(stranger.resolvedAt).toEqual(later(t0, 15_000));
    expect(stranger.version).not.toBe(first.find((d) => d.kind === "UNEXPECTED")!.version);
  });

  it("a heartbeat without an inventory (the driver failed) neither opens nor resolves drift", async () => {
    const host = await createHost({ heartbeat: new Date("2026-01-01T00:00:00Z") });
    const { account } = await createCustomer();
    const a = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const t0 = new Date();
    // No inventory while a jail the panel expects is absent from every report: no drift.
    await recordHeartbeat(host.id, { ...hb(null), ready: false, reason: "lxc-ls failed" }, t0);
    expect(await driftRows(host.id)).toEqual([]);
    const row = await db.host.findUniqueOrThrow({ where: { id: host.id } });
    expect(row.lastHeartbeatAt).toEqual(t0);
    expect(row.unavailableReason).toBe("lxc-ls failed");

    // Open drift stays open through a heartbeat that cannot see the host's jails.
    await recordHeartbeat(host.id, hb([]), later(t0, 1_000));
    const open = await driftRows(host.id);
    expect(open.map((d) => [d.kind, d.jailName, d.resolvedAt])).toEqual([["MISSING", a.name, null]]);
    await recordHeartbeat(host.id, hb(null), later(t0, 2_000));
    expect(await driftRows(host.id)).toEqual(open);
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).lastHeartbeatAt).toEqual(later(t0, 2_000));
  });

  it("an enrolment token works until 24 hours after it was issued, and not from then on", async () => {
    const admin = await createStaff("ADMIN");
    const actor = staffActor(admin);
    const agent = { agentVersion: "1", driver: "lxc" as const };
    const t0 = new Date("2030-03-01T12:00:00Z");
    const a = await addHost({ actor, input: await hostInput(), now: t0 });
    const b = await addHost({ actor, input: await hostInput(), now: t0 });

    expect((await enrollHost(a.token, agent, later(t0, 24 * HOUR - 1))).hostId).toBe(a.host.id);
    await expect(enrollHost(b.token, agent, later(t0, 24 * HOUR))).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: "This enrolment token is invalid or has expired. Issue a new one in the admin console.",
    });
    expect(await db.host.findUniqueOrThrow({ where: { id: b.host.id }, omit: { agentTokenHash: false } })).toMatchObject({
      status: "PENDING",
      enrolledAt: null,
      agentTokenHash: null,
    });

    // A new token for the same host counts its 24 hours from when it was issued.
    const t1 = later(t0, 30 * HOUR);
    const fresh = await issueEnrollToken({ actor, hostId: b.host.id, now: t1 });
    await expect(enrollHost(b.token, agent, t1)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await enrollHost(fresh, agent, later(t1, 24 * HOUR - 1))).hostId).toBe(b.host.id);
    expect(await db.host.findUniqueOrThrow({ where: { id: b.host.id } })).toMatchObject({ status: "ACTIVE" });
  });

  it("a silent host shows stale after 30 s, offline after 120 s, and its jails stay where they are", async () => {
    // A clock in the past: a host whose last heartbeat lies in the future of another test's
    // clock would look fresh to that test's placement (order-jail.test, which also covers that
    // a silent host takes no new jails, runs its placement far in the future).
    const t0 = new Date(Date.UTC(1990 + Math.floor(Math.random() * 9), Math.floor(Math.random() * 12), 1));
    const host = await createHost({ heartbeat: t0 });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const admin = staffActor(await createStaff("ADMIN"));
    const health = async (now: Date) => (await getHost({ actor: admin, hostId: host.id, now })).health;

    expect(hostHealth(t0, later(t0, 30_000))).toBe("ONLINE");
    expect(await health(later(t0, 30_000))).toBe("ONLINE");
    // Placement asks for a heartbeat newer than this: fresh until 30 s of silence.
    expect(onlineSince(later(t0, 29_999)).getTime()).toBeLessThan(t0.getTime());
    expect(onlineSince(later(t0, 30_000)).getTime()).toBe(t0.getTime());

    expect(hostHealth(t0, later(t0, 30_001))).toBe("STALE");
    expect(await health(later(t0, 31_000))).toBe("STALE");
    expect(hostHealth(t0, later(t0, 120_000))).toBe("STALE");
    expect(hostHealth(t0, later(t0, 120_001))).toBe("OFFLINE");
    expect(await health(later(t0, 121_000))).toBe("OFFLINE");
    expect(hostHealth(null, t0)).toBe("NEVER");

    // Silence moves and destroys nothing: the jail is where it was, as it was, with no job.
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({
      hostId: host.id,
      state: "RUNNING",
      destroyedAt: null,
    });
    expect(await db.job.count({ where: { jailId: jail.id } })).toBe(0);

    // A heartbeat brings it back at once.
    const t1 = later(t0, 600_000);
    await recordHeartbeat(host.id, hb([{ name: jail.name, jid: 1, running: true }]), t1);
    expect(await health(later(t1, 1_000))).toBe("ONLINE");
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

  it("keeps the first report of a sample: a resend with other figures changes nothing", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    const sample = (netRxBytes: number) => ({
      jail: jail.name,
      sampledAt: "2026-11-02T10:00:00.000Z",
      diskBytes: 1,
      memoryBytes: 1,
      cpuPercent: 1,
      processes: 1,
      netRxBytes,
      netTxBytes: 0,
    });
    expect(await ingestUsage(host.id, { samples: [sample(500)] })).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    expect(await ingestUsage(host.id, { samples: [sample(999_999), sample(999_999)] })).toEqual({
      accepted: 0,
      duplicates: 2,
      rejected: 0,
    });
    const rows = await db.usageSample.findMany({ where: { jailId: jail.id } });
    expect(rows.map((r) => r.netRxBytes)).toEqual([500n]);
    // A sample stamped more than five minutes ahead of the server's clock is a broken clock.
    const now = new Date("2026-11-02T10:00:00.000Z");
    expect(await ingestUsage(host.id, { samples: [{ ...sample(1), sampledAt: "2026-11-02T10:05:01.000Z" }] }, now)).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: 1,
    });
  });

  it("stores a whole agent batch in one go, every figure as sent (64-bit counters, fractional CPU, UTC times)", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jails = await Promise.all([0, 1, 2].map(() => createJailRow({ accountId: account.id, hostId: host.id })));
    const t0 = Date.UTC(2026, 10, 3, 0, 0, 0);
    const samples = Array.from({ length: 600 }, (_, k) => ({
      jail: jails[k % 3]!.name,
      sampledAt: new Date(t0 + Math.floor(k / 3) * 300_000).toISOString(),
      diskBytes: 5_000_000_000_000 + k,
      memoryBytes: 3_000_000_000 + k,
      cpuPercent: 12.5 + k / 1000,
      processes: k,
      netRxBytes: 2 ** 40 + k,
      netTxBytes: k,
    }));
    const before = Date.now();
    expect(await ingestUsage(host.id, { samples: [...samples, { ...samples[0]!, jail: "cbnosuchjail01" }] })).toEqual({
      accepted: 600,
      duplicates: 0,
      rejected: 1,
    });
    const rows = await db.usageSample.findMany({
      where: { jailId: { in: jails.map((j) => j.id) } },
      orderBy: [{ sampledAt: "asc" }, { processes: "asc" }],
    });
    expect(rows).toHaveLength(600);
    const last = rows[599]!;
    expect(last).toMatchObject({
      jailId: jails[599 % 3]!.id,
      hostId: host.id,
      sampledAt: new Date(samples[599]!.sampledAt),
      diskBytes: 5_000_000_000_599n,
      memoryBytes: 3_000_000_599n,
      cpuPercent: 12.5 + 0.599,
      processes: 599,
      netRxBytes: 2n ** 40n + 599n,
      netTxBytes: 599n,
    });
    expect(last.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(last.receivedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("records a hog event once per key, and only for the reporting host's own jails", async () => {
    const host = await createHost();
    const other = await createHost();
    const { account } = await createCustomer();
    const mine = await createJailRow({ accountId: account.id, hostId: host.id });
    const theirs = await createJailRow({ accountId: account.id, hostId: other.id });
    const event = (jail: string, key: string, cpuPercent = 97.5) => ({
      key,
      jail,
      pid: 4242,
      command: "yes",
      cpuPercent,
      action: "reniced to 10",
      detectedAt: "2026-11-02T10:00:00.000Z",
    });
    const key = `${mine.name}:4242:${uid()}`;
    expect(await recordHogEvents(host.id, { events: [event(mine.name, key), event(theirs.name, `${theirs.name}:1:x`)] })).toEqual({
      accepted: 1,
      rejected: 1,
    });
    // The agent resends its spool (same key, even with a later reading): nothing new.
    expect(await recordHogEvents(host.id, { events: [event(mine.name, key, 99)] })).toEqual({ accepted: 0, rejected: 0 });
    const rows = await db.hogEvent.findMany({ where: { jailId: mine.id } });
    expect(rows.map((r) => [r.eventKey, r.cpuPercent, r.pid])).toEqual([[`${host.id}:${key}`, 97.5, 4242]]);
    expect(await db.hogEvent.count({ where: { jailId: theirs.id } })).toBe(0);
    // A new hot streak of the same process has a new key: a second event.
    expect(await recordHogEvents(host.id, { events: [event(mine.name, `${key}-2`)] })).toEqual({ accepted: 1, rejected: 0 });
    expect(await db.hogEvent.count({ where: { jailId: mine.id } })).toBe(2);
  });
});

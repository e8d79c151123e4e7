import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { queueCreate } from "@/lib/test/jobs";
import { enqueueJob } from "./enqueue-job";
import { leaseJobs } from "./lease-jobs";
import { completeJob } from "./complete-job";
import { sweepExpiredLeases } from "./sweep-expired-leases";

async function setup() {
  const host = await createHost();
  const { account } = await createCustomer();
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
  return { host, account, jail };
}

describe("job queue", () => {
  it("leases a host's jobs once, marks the jail provisioning, and applies success to the jail", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    const [a, b] = await Promise.all([leaseJobs(host.id, "agent-a", 5), leaseJobs(host.id, "agent-b", 5)]);
    expect([...a, ...b].map((j) => j.id)).toEqual([job.id]); // SKIP LOCKED: handed out once
    expect((await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).state).toBe("PROVISIONING");
    await completeJob(host.id, job.id, { status: "SUCCEEDED", result: { jid: 42, running: true, sshHostKeyFingerprint: "SHA256:abc" } });
    const after = await db.jail.findUniqueOrThrow({ where: { id: jail.id } });
    expect(after).toMatchObject({ state: "RUNNING", jid: 42, sshHostKeyFingerprint: "SHA256:abc" });
    // A repeated report (agent retrying after a lost response) changes nothing.
    await expect(completeJob(host.id, job.id, { status: "FAILED", error: "late", retryable: false })).resolves.toMatchObject({
      duplicate: true,
    });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("SUCCEEDED");
  });

  it("never hands one host's jobs to another, and refuses another host's completion", async () => {
    const { host, jail } = await setup();
    const other = await createHost();
    const job = await queueCreate(jail);
    expect(await leaseJobs(other.id, "intruder", 10)).toEqual([]);
    await leaseJobs(host.id, "agent", 10);
    await expect(completeJob(other.id, job.id, { status: "SUCCEEDED", result: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("RUNNING");
  });

  it("runs a jail's jobs strictly in order", async () => {
    const { host, jail } = await setup();
    const create = await queueCreate(jail);
    const stop = await db.$transaction((tx) =>
      enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "STOP", payload: { name: jail.name } }),
    );
    const first = await leaseJobs(host.id, "agent", 10);
    expect(first.map((j) => j.id)).toEqual([create.id]); // the STOP waits for the CREATE
    await completeJob(host.id, create.id, { status: "SUCCEEDED", result: { running: true } });
    expect((await leaseJobs(host.id, "agent", 10)).map((j) => j.id)).toEqual([stop.id]);
  });

  it("retries a retryable failure with backoff, and gives up with the reason after the last attempt", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    await db.job.update({ where: { id: job.id }, data: { maxAttempts: 2 } });
    let now = new Date();
    await leaseJobs(host.id, "agent", 1, now);
    await completeJob(host.id, job.id, { status: "FAILED", error: "lxc-create timed out", retryable: true }, now);
    const queued = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(queued.status).toBe("QUEUED");
    expect(queued.runAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(await leaseJobs(host.id, "agent", 1, now)).toEqual([]); // not before the backoff
    now = new Date(queued.runAfter.getTime() + 1);
    expect(await leaseJobs(host.id, "agent", 1, now)).toHaveLength(1);
    await completeJob(host.id, job.id, { status: "FAILED", error: "disk full", retryable: true }, now);
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "FAILED", error: "disk full", attempts: 2 });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "FAILED", lastError: "disk full" });
  });

  it("hands an expired lease out again, and fails it once its attempts are used up", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    await db.job.update({ where: { id: job.id }, data: { maxAttempts: 2 } });
    const t0 = new Date();
    await leaseJobs(host.id, "agent-1", 1, t0);
    const later = new Date(t0.getTime() + 3600_000);
    const again = await leaseJobs(host.id, "agent-2", 1, later);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[job.id, 2]]);
    const muchLater = new Date(later.getTime() + 3600_000);
    await sweepExpiredLeases(muchLater);
    const failed = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/stopped reporting/);
  });

  it("removes the password hash from a SET_PASSWORD job when it ends", async () => {
    const { host, jail } = await setup();
    const hash = "$6$saltsalt$" + "a".repeat(86);
    const job = await db.$transaction((tx) =>
      enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "SET_PASSWORD", payload: { name: jail.name, passwordHash: hash } }),
    );
    await leaseJobs(host.id, "agent", 1);
    await completeJob(host.id, job.id, { status: "SUCCEEDED", result: {} });
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(JSON.stringify(row.payload)).not.toContain(hash);
    expect(row.payload).toMatchObject({ passwordHash: "[removed]" });
  });

  it("releases a destroyed jail's addresses", async () => {
    const { host, jail } = await setup();
    const job = await db.$transaction((tx) =>
      enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "DESTROY", payload: { name: jail.name } }),
    );
    await leaseJobs(host.id, "agent", 1);
    await completeJob(host.id, job.id, { status: "SUCCEEDED", result: { destroyed: true } });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "DESTROYED" });
    expect(await db.ipAddress.count({ where: { jailId: jail.id } })).toBe(0);
  });

  it("refuses a payload that does not fit its job type before anything is queued", async () => {
    const { host, jail } = await setup();
    await expect(
      db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "STOP", payload: { name: "bad name; rm -rf /" } })),
    ).rejects.toMatchObject({ name: "ZodError", issues: [expect.objectContaining({ path: ["name"] })] });
    expect(await db.job.count({ where: { jailId: jail.id } })).toBe(0);
  });
});

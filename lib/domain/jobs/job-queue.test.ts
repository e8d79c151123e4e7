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
    const [a, b] = await Promise.all([
      leaseJobs({ hostId: host.id, leasedBy: "agent-a", max: 5 }),
      leaseJobs({ hostId: host.id, leasedBy: "agent-b", max: 5 }),
    ]);
    expect([...a, ...b].map((j) => j.id)).toEqual([job.id]); // SKIP LOCKED: handed out once
    expect((await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).state).toBe("PROVISIONING");
    await completeJob({
      hostId: host.id,
      jobId: job.id,
      report: { status: "SUCCEEDED", result: { jid: 42, running: true, sshHostKeyFingerprint: "SHA256:abc" } },
    });
    const after = await db.jail.findUniqueOrThrow({ where: { id: jail.id } });
    expect(after).toMatchObject({ state: "RUNNING", jid: 42, sshHostKeyFingerprint: "SHA256:abc" });
    // A repeated report (agent retrying after a lost response) changes nothing.
    await expect(
      completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "late", retryable: false } }),
    ).resolves.toMatchObject({
      duplicate: true,
    });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("SUCCEEDED");
  });

  it("never hands one host's jobs to another, and refuses another host's completion", async () => {
    const { host, jail } = await setup();
    const other = await createHost();
    const job = await queueCreate(jail);
    expect(await leaseJobs({ hostId: other.id, leasedBy: "intruder", max: 10 })).toEqual([]);
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10 });
    await expect(completeJob({ hostId: other.id, jobId: job.id, report: { status: "SUCCEEDED", result: {} } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("RUNNING");
  });

  it("runs a jail's jobs strictly in order", async () => {
    const { host, jail } = await setup();
    const create = await queueCreate(jail);
    const stop = await db.$transaction((tx) =>
      enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "STOP", payload: { name: jail.name } }),
    );
    const first = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10 });
    expect(first.map((j) => j.id)).toEqual([create.id]); // the STOP waits for the CREATE
    await completeJob({ hostId: host.id, jobId: create.id, report: { status: "SUCCEEDED", result: { running: true } } });
    expect((await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10 })).map((j) => j.id)).toEqual([stop.id]);
  });

  it("retries a retryable failure with backoff, and gives up with the reason after the last attempt", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    await db.job.update({ where: { id: job.id }, data: { maxAttempts: 2 } });
    let now = new Date();
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: now });
    await completeJob({
      hostId: host.id,
      jobId: job.id,
      report: { status: "FAILED", error: "lxc-create timed out", retryable: true },
      now: now,
    });
    const queued = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(queued.status).toBe("QUEUED");
    expect(queued.runAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: now })).toEqual([]); // not before the backoff
    now = new Date(queued.runAfter.getTime() + 1);
    expect(await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: now })).toHaveLength(1);
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "disk full", retryable: true }, now: now });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "FAILED", error: "disk full", attempts: 2 });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "FAILED", lastError: "disk full" });
  });

  it("hands an expired lease out again, and fails it once its attempts are used up", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    await db.job.update({ where: { id: job.id }, data: { maxAttempts: 2, runAfter: new Date(Date.now() - 3 * 3600_000) } });
    // In the past, so the leases have really expired by now: the fleet-wide sweep below runs at
    // the real now and leaves other tests' live leases alone.
    const t0 = new Date(Date.now() - 2 * 3600_000);
    await leaseJobs({ hostId: host.id, leasedBy: "agent-1", max: 1, now: t0 });
    const later = new Date(t0.getTime() + 3600_000);
    const again = await leaseJobs({ hostId: host.id, leasedBy: "agent-2", max: 1, now: later });
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[job.id, 2]]);
    await sweepExpiredLeases();
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
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "SUCCEEDED", result: {} } });
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(JSON.stringify(row.payload)).not.toContain(hash);
    expect(row.payload).toMatchObject({ passwordHash: "[removed]" });
  });

  it("releases a destroyed jail's addresses", async () => {
    const { host, jail } = await setup();
    const job = await db.$transaction((tx) =>
      enqueueJob(tx, { hostId: host.id, jailId: jail.id, type: "DESTROY", payload: { name: jail.name } }),
    );
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "SUCCEEDED", result: { destroyed: true } } });
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

describe("a lease belongs to one attempt", () => {
  it("refuses the completion of an attempt whose lease was handed on, and accepts the attempt holding it", async () => {
    const { host, jail } = await setup();
    const job = await queueCreate(jail);
    await db.job.update({ where: { id: job.id }, data: { runAfter: new Date(Date.now() - 7_200_000) } });
    const t0 = new Date(Date.now() - 3_600_000);
    const [first] = await leaseJobs({ hostId: host.id, leasedBy: "agent-a", max: 1, now: t0 });
    // Attempt 1's lease runs out; attempt 2 is handed the job while attempt 1 is still busy.
    const [second] = await leaseJobs({ hostId: host.id, leasedBy: "agent-b", max: 1 });
    expect([first!.attempts, second!.attempts]).toEqual([1, 2]);
    await expect(
      completeJob({ hostId: host.id, jobId: job.id, report: { status: "SUCCEEDED", attempt: 1, result: { running: true } } }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/handed to attempt 2/) });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "RUNNING", attempts: 2 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "SUCCEEDED", attempt: 2, result: { running: true } } });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "SUCCEEDED" });
  });
});

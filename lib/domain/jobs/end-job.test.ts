// Every way a job can end, each asserting the job and its jail: a job can never be over while
// its jail still says it is being built (the bug where the lease path gave up on a CREATE and
// left the jail PROVISIONING for good).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { cancelJail } from "@/lib/domain/jails/cancel-jail";
import { startJail } from "@/lib/domain/jails/change-jail-power";
import { setRootPassword } from "@/lib/domain/jails/set-root-password";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { queueCreate } from "@/lib/test/jobs";
import { cancelJob } from "./admin-jobs";
import { completeJob } from "./complete-job";
import { leaseJobs } from "./lease-jobs";
import { sweepExpiredLeases } from "./sweep-expired-leases";

const HOUR = 3_600_000;

async function queuedCreate(maxAttempts = 5) {
  const host = await createHost();
  const { user, account } = await createCustomer();
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
  const job = await queueCreate(jail);
  // Due since two hours ago, so a test may lease it "in the past" (see the sweep tests).
  await db.job.update({ where: { id: job.id }, data: { maxAttempts, runAfter: new Date(Date.now() - 2 * HOUR) } });
  return { host, jail, job, actor: customerActor({ id: user.id, accountId: account.id }) };
}

const jobOf = (id: string) => db.job.findUniqueOrThrow({ where: { id } });
const jailOf = (id: string) => db.jail.findUniqueOrThrow({ where: { id } });

describe("how a job ends, and what its jail says afterwards", () => {
  it("success: the jail runs with the jid and host key the agent reported", async () => {
    const { host, jail, job } = await queuedCreate();
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    expect(await jailOf(jail.id)).toMatchObject({ state: "PROVISIONING" });
    await completeJob({
      hostId: host.id,
      jobId: job.id,
      report: { status: "SUCCEEDED", result: { jid: 9, running: true, sshHostKeyFingerprint: "SHA256:x" } },
    });
    expect(await jobOf(job.id)).toMatchObject({ status: "SUCCEEDED", leasedBy: null, leaseExpiresAt: null });
    expect(await jailOf(job.jailId!)).toMatchObject({ state: "RUNNING", jid: 9, sshHostKeyFingerprint: "SHA256:x", lastError: null });
  });

  it("a fatal failure: the job fails at once with the reason, and so does the jail", async () => {
    const { host, jail, job } = await queuedCreate();
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "template missing", retryable: false } });
    expect(await jobOf(job.id)).toMatchObject({ status: "FAILED", error: "template missing", attempts: 1 });
    expect(await jailOf(jail.id)).toMatchObject({ state: "FAILED", lastError: "template missing" });
  });

  it("a retryable failure with attempts left: back in the queue, and the jail waits in QUEUED, not PROVISIONING", async () => {
    const { host, jail, job } = await queuedCreate();
    const now = new Date();
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "timed out", retryable: true }, now });
    const row = await jobOf(job.id);
    expect(row).toMatchObject({ status: "QUEUED", error: "timed out", leasedBy: null, finishedAt: null });
    expect(row.runAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(await jailOf(jail.id)).toMatchObject({ state: "QUEUED" });
  });

  it("retries used up: the last retryable failure ends the job and fails the jail", async () => {
    const { host, jail, job } = await queuedCreate(1);
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "disk full", retryable: true } });
    expect(await jobOf(job.id)).toMatchObject({ status: "FAILED", error: "disk full", attempts: 1 });
    expect(await jailOf(jail.id)).toMatchObject({ state: "FAILED", lastError: "disk full" });
  });

  it("lease given up on the lease path (the agent asks again after its last attempt expired): job and jail FAILED", async () => {
    const { host, jail, job } = await queuedCreate(1);
    const t0 = new Date();
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: t0 });
    expect(await jailOf(jail.id)).toMatchObject({ state: "PROVISIONING" });
    // The agent comes back long after the lease ran out: no attempts left, so the lease path gives up.
    expect(await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: new Date(t0.getTime() + HOUR) })).toEqual([]);
    expect(await jobOf(job.id)).toMatchObject({ status: "FAILED", error: expect.stringMatching(/stopped reporting on this job 1 times/) });
    expect(await jailOf(jail.id)).toMatchObject({ state: "FAILED", lastError: expect.stringMatching(/stopped reporting/) });
  });

  it("lease given up by the worker's sweep (the host never asks again): job and jail FAILED, in one transaction", async () => {
    const { host, jail, job } = await queuedCreate(1);
    // Leased an hour ago, so its lease has really expired: the sweep runs at the real now and
    // touches no other test's live leases (it is fleet-wide by design).
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: new Date(Date.now() - HOUR) });
    const swept = await sweepExpiredLeases();
    expect(swept.failed).toBeGreaterThanOrEqual(1);
    expect(await jobOf(job.id)).toMatchObject({ status: "FAILED", error: expect.stringMatching(/giving up/) });
    expect(await jailOf(jail.id)).toMatchObject({ state: "FAILED", lastError: expect.stringMatching(/stopped reporting/) });
  });

  it("an expired lease with attempts left goes back to the queue by the sweep; the jail waits in QUEUED", async () => {
    const { host, jail, job } = await queuedCreate(3);
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: new Date(Date.now() - HOUR) });
    await sweepExpiredLeases();
    expect(await jobOf(job.id)).toMatchObject({ status: "QUEUED", leasedBy: null, attempts: 1 });
    expect(await jailOf(jail.id)).toMatchObject({ state: "QUEUED" });
  });

  it("cancelled by an administrator: the job is called off and the jail, never built, says so", async () => {
    const { jail, job } = await queuedCreate();
    const admin = staffActor(await createStaff("ADMIN"));
    await cancelJob({ actor: admin, jobId: job.id });
    expect(await jobOf(job.id)).toMatchObject({ status: "CANCELLED", error: "The create job was cancelled by an administrator." });
    expect(await jailOf(jail.id)).toMatchObject({ state: "FAILED", lastError: "The create job was cancelled by an administrator." });
  });

  it("a cancelled power job puts the desired state back to what the jail is", async () => {
    const host = await createHost();
    const { user, account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    await db.jail.update({ where: { id: jail.id }, data: { desiredState: "STOPPED" } });
    const { jobId } = await startJail({ actor: customerActor({ id: user.id, accountId: account.id }), jailId: jail.id });
    expect(await jailOf(jail.id)).toMatchObject({ desiredState: "RUNNING" });
    await cancelJob({ actor: staffActor(await createStaff("ADMIN")), jobId });
    expect(await jobOf(jobId)).toMatchObject({ status: "CANCELLED" });
    expect(await jailOf(jail.id)).toMatchObject({ state: "STOPPED", desiredState: "STOPPED" });
  });

  it("cancelled because its jail was cancelled: queued work is called off through the same path, the jail is DESTROYING", async () => {
    const { jail, job, actor } = await queuedCreate();
    const { jobId } = await cancelJail({ actor, jailId: jail.id, confirmHostname: jail.hostname });
    expect(await jobOf(job.id)).toMatchObject({ status: "CANCELLED", error: "Cancelled: the jail was cancelled by its owner." });
    expect(await jobOf(jobId!)).toMatchObject({ type: "DESTROY", status: "QUEUED" });
    expect(await jailOf(jail.id)).toMatchObject({ state: "DESTROYING", desiredState: "DESTROYED" });
  });

  it("superseded by a newer password: cancelled, its secret removed, the jail unchanged", async () => {
    const host = await createHost();
    const { user, account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const actor = customerActor({ id: user.id, accountId: account.id });
    const first = await setRootPassword({ actor, jailId: jail.id, password: "first long password" });
    await setRootPassword({ actor, jailId: jail.id, password: "second long password" });
    const row = await jobOf(first.jobId);
    expect(row).toMatchObject({ status: "CANCELLED", error: "Superseded by a newer password.", payload: { passwordHash: "[removed]" } });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(await jailOf(jail.id)).toMatchObject({ state: "RUNNING", lastError: null });
  });

  it("a DESTROY cannot be cancelled by an administrator (the jail's addresses wait on it)", async () => {
    const { jail, actor } = await queuedCreate();
    const { jobId } = await cancelJail({ actor, jailId: jail.id, confirmHostname: jail.hostname });
    await expect(cancelJob({ actor: staffActor(await createStaff("ADMIN")), jobId: jobId! })).rejects.toMatchObject({
      code: "PRECONDITION",
    });
    expect(await jobOf(jobId!)).toMatchObject({ status: "QUEUED" });
  });
});

import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { queueCreate } from "@/lib/test/jobs";
import { cancelJob, retryJob } from "./admin-jobs";
import { completeJob } from "./complete-job";
import { leaseJobs } from "./lease-jobs";

describe("admin job actions", () => {
  it("retries only a failed job, with fresh attempts, and audits it", async () => {
    const admin = await createStaff("ADMIN");
    const actor = staffActor(admin);
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
    const job = await queueCreate(jail);
    await expect(retryJob({ actor, jobId: job.id })).rejects.toMatchObject({ code: "PRECONDITION" });
    await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1 });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "template missing", retryable: false } });
    await retryJob({ actor, jobId: job.id });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "QUEUED", lastError: null });
    expect(await db.auditLog.count({ where: { action: "job.retry", targetId: job.id, actorId: admin.id } })).toBe(1);
  });

  it("cancels only a queued job", async () => {
    const admin = await createStaff("ADMIN");
    const actor = staffActor(admin);
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
    const job = await queueCreate(jail);
    await cancelJob({ actor, jobId: job.id });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("CANCELLED");
    expect(await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 5 })).toEqual([]);
    await expect(cancelJob({ actor, jobId: job.id })).rejects.toMatchObject({ code: "PRECONDITION" });
  });
});

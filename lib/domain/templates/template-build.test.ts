// Jails ordered before their host has the template wait on one BUILD_TEMPLATE job per host and
// template version; what happens to them when it succeeds or fails.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { customerActor } from "@/lib/domain/actor";
import { orderJail } from "@/lib/domain/jails/order-jail";
import { reinstallJail } from "@/lib/domain/jails/reinstall-jail";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { recordJobProgress } from "@/lib/domain/jobs/record-job-progress";
import { jobPayloads } from "@/lib/schemas/jobs";
import { createCustomer, createHost, createOsTemplate, getOrCreatePlan, uid } from "@/lib/test/factories";

// Placement looks at every host; each test lives far in the future where only its own host is fresh.
let epoch = 0;
const futureNow = () => new Date(Date.now() + (60_000 + ++epoch + (process.pid % 997) * 40) * 86_400_000); // beyond order-jail.test.ts's range

async function setup() {
  const now = futureNow();
  const host = await createHost({ heartbeat: now });
  const template = await createOsTemplate();
  const plan = await getOrCreatePlan();
  const order = async () => {
    const { user, account } = await createCustomer();
    const actor = customerActor({ id: user.id, accountId: account.id });
    const input = { plan: plan.slug, template: template.slug, hostname: `www.${uid()}.example.test`, orderKey: crypto.randomUUID() };
    const { jailId } = await orderJail({ actor, input, now });
    return { actor, jailId };
  };
  return { now, host, template, order };
}

describe("template builds", () => {
  it("the first jail on a host queues one build; the jail's CREATE waits for it, then runs", async () => {
    const { now, host, template, order } = await setup();
    const a = await order();
    const b = await order();
    const build = await db.templateBuild.findUniqueOrThrow({
      where: { hostId_templateId_version: { hostId: host.id, templateId: template.id, version: 1 } },
      include: { job: true },
    });
    expect(build).toMatchObject({ status: "QUEUED", job: { type: "BUILD_TEMPLATE", status: "QUEUED" } });
    expect(jobPayloads.BUILD_TEMPLATE.parse(build.job!.payload).template.lxcRootfs).toMatchObject({
      kind: "mmdebstrap",
      suite: "bookworm",
    });
    const creates = await db.job.findMany({ where: { jailId: { in: [a.jailId, b.jailId] } } });
    expect(creates.map((j) => [j.type, j.dependsOnId])).toEqual([
      ["CREATE", build.jobId],
      ["CREATE", build.jobId],
    ]);

    // Only the build is handed out while it runs; its progress renews its lease.
    const first = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10, now });
    expect(first.map((j) => j.type)).toEqual(["BUILD_TEMPLATE"]);
    expect((await db.templateBuild.findUniqueOrThrow({ where: { id: build.id } })).status).toBe("BUILDING");
    const later = new Date(now.getTime() + 60_000);
    const { leaseExpiresAt } = await recordJobProgress({
      hostId: host.id,
      jobId: build.jobId!,
      report: { attempt: 1, percent: 40, message: "unpacking" },
      now: later,
    });
    expect(leaseExpiresAt.getTime()).toBeGreaterThan(first[0]!.leaseExpiresAt!.getTime());
    expect(await db.job.findUniqueOrThrow({ where: { id: build.jobId! } })).toMatchObject({
      progressPercent: 40,
      progressMessage: "unpacking",
    });
    await expect(
      recordJobProgress({ hostId: host.id, jobId: build.jobId!, report: { attempt: 2, percent: 50 }, now: later }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    await completeJob({
      hostId: host.id,
      jobId: build.jobId!,
      report: { status: "SUCCEEDED", result: { templateBytes: 210_000_000 } },
      now: later,
    });
    expect(await db.templateBuild.findUniqueOrThrow({ where: { id: build.id } })).toMatchObject({
      status: "READY",
      sizeBytes: 210_000_000n,
    });
    const next = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10, now: later });
    expect(next.map((j) => j.jailId).sort()).toEqual([a.jailId, b.jailId].sort());

    // A jail ordered once the template is ready does not wait for anything.
    const c = await order();
    expect(await db.job.findFirstOrThrow({ where: { jailId: c.jailId } })).toMatchObject({ type: "CREATE", dependsOnId: null });
  });

  it("a failed build fails the jails waiting on it, in words; the next order queues a new build", async () => {
    const { now, host, template, order } = await setup();
    const a = await order();
    const [build] = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10, now });
    await completeJob({
      hostId: host.id,
      jobId: build!.id,
      report: { status: "FAILED", error: "mmdebstrap: could not download bookworm Release", retryable: false },
      now,
    });
    expect(await db.templateBuild.findFirstOrThrow({ where: { jobId: build!.id } })).toMatchObject({ status: "FAILED" });
    expect(await db.job.findFirstOrThrow({ where: { jailId: a.jailId } })).toMatchObject({
      status: "FAILED",
      error: "The host could not prepare the template: mmdebstrap: could not download bookworm Release",
    });
    expect(await db.jail.findUniqueOrThrow({ where: { id: a.jailId } })).toMatchObject({ state: "FAILED" });

    const b = await order();
    const again = await db.templateBuild.findUniqueOrThrow({
      where: { hostId_templateId_version: { hostId: host.id, templateId: template.id, version: 1 } },
    });
    expect(again).toMatchObject({ status: "QUEUED", error: null });
    expect(again.jobId).not.toBe(build!.id);
    expect(await db.job.findFirstOrThrow({ where: { jailId: b.jailId } })).toMatchObject({ dependsOnId: again.jobId });
  });

  it("a reinstall can set root's password in the same step; only the hash travels and it leaves the row when the job ends", async () => {
    const { now, host, order } = await setup();
    const a = await order();
    for (;;) {
      const jobs = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 10, now });
      if (!jobs.length) break;
      for (const j of jobs)
        await completeJob({ hostId: host.id, jobId: j.id, report: { status: "SUCCEEDED", result: { running: true } }, now });
    }
    const jail = await db.jail.findUniqueOrThrow({ where: { id: a.jailId } });
    expect(jail).toMatchObject({ state: "RUNNING", rootPasswordSetAt: null });
    const { jobId } = await reinstallJail({
      actor: a.actor,
      jailId: a.jailId,
      confirmHostname: jail.hostname,
      rootPassword: "a new root password",
    });
    const queued = jobPayloads.REINSTALL.parse((await db.job.findUniqueOrThrow({ where: { id: jobId } })).payload);
    expect(queued.rootPasswordHash).toMatch(/^\$6\$/);
    const [leased] = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now });
    await completeJob({
      hostId: host.id,
      jobId: leased!.id,
      report: { status: "SUCCEEDED", result: { running: true, rootPasswordSet: true } },
      now,
    });
    const done = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(jobPayloads.REINSTALL.parse(done.payload).rootPasswordHash).toBeNull();
    expect(JSON.stringify(done.payload)).not.toContain("$6$");
    expect((await db.jail.findUniqueOrThrow({ where: { id: a.jailId } })).rootPasswordSetAt).toEqual(now);
  });
});

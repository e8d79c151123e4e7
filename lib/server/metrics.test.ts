import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { queueCreate } from "@/lib/test/jobs";
import { getFleetFigures } from "@/lib/domain/metrics/fleet-figures";
import { metrics, routeLabel } from "./metrics";
import { metricsWithFleetGauges } from "./fleet-metrics";

describe("metrics", () => {
  it("folds ids out of route labels", () => {
    expect(routeLabel("/jails/cmx2wy3h40083gc7dt32hsvfd/activity?page=2")).toBe("/jails/:id/activity");
    expect(routeLabel("/api/agent/jobs/cmx2wy3h40083gc7dt32hsvfd/complete")).toBe("/api/agent/jobs/:id");
    expect(routeLabel("/")).toBe("/");
  });

  it("exposes the queue, the oldest waiting job and hosts by health, as the admin overview counts them", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
    const job = await queueCreate(jail);
    // This job has waited ten minutes: at least that long is the oldest wait.
    await db.job.update({ where: { id: job.id }, data: { runAfter: new Date(Date.now() - 600_000) } });
    const figures = await getFleetFigures();
    expect(figures.jobsByStatus.QUEUED).toBeGreaterThanOrEqual(1);
    expect(figures.oldestQueuedSeconds).toBeGreaterThanOrEqual(600);
    expect(figures.hostsByHealth.online).toBeGreaterThanOrEqual(1);
    metrics().usageSamples.inc(3);
    const text = await metricsWithFleetGauges().metrics();
    expect(text).toMatch(/cellblock_jobs\{status="QUEUED"\} \d+/);
    expect(text).toMatch(/cellblock_job_oldest_queued_seconds (\d+)/);
    expect(Number(/cellblock_job_oldest_queued_seconds (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(600);
    expect(text).toMatch(/cellblock_hosts\{health="online"\} [1-9]/);
    expect(text).toMatch(/cellblock_usage_samples_ingested_total [1-9]/);
    await db.job.update({ where: { id: job.id }, data: { status: "CANCELLED", finishedAt: new Date() } });
  });
});

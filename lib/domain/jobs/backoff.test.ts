// Retry backoff: JOB_BACKOFF_SECONDS doubled per failed attempt, capped at
// JOB_BACKOFF_MAX_SECONDS, with ±25 % jitter drawn from an injected random source; the jitter
// never takes a delay past the cap.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { queueCreate } from "@/lib/test/jobs";
import { completeJob } from "./complete-job";
import { backoffMs } from "./job-config";
import { leaseJobs } from "./lease-jobs";

// Read once, on the first backoffMs call of this file (the config is parsed lazily).
process.env.JOB_BACKOFF_SECONDS = "5";
process.env.JOB_BACKOFF_MAX_SECONDS = "300";

const noJitter = () => 0.5; // factor 0.75 + 0.5 × 0.5 = 1

describe("backoffMs", () => {
  it("doubles from JOB_BACKOFF_SECONDS with every failed attempt and stops doubling at JOB_BACKOFF_MAX_SECONDS", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 30, 10_000].map((attempt) => backoffMs(attempt, noJitter));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000]);
  });

  it("spreads each delay by ±25 % with the injected random source, and never past the cap", () => {
    expect(backoffMs(1, () => 0)).toBe(3_750);
    expect(backoffMs(1, () => 0.25)).toBe(4_375);
    expect(backoffMs(1, () => 0.999_999)).toBe(6_250);
    expect(backoffMs(3, () => 0)).toBe(15_000);
    expect(backoffMs(3, () => 0.999_999)).toBe(25_000);
    // 160 s × 1.25 = 200 s stays under the 300 s cap; 320 s × 0.75 = 240 s too; above it, the cap.
    expect(backoffMs(6, () => 0.999_999)).toBe(200_000);
    expect(backoffMs(7, () => 0)).toBe(240_000);
    expect(backoffMs(7, () => 0.999_999)).toBe(300_000);
    expect(backoffMs(9, () => 0)).toBe(300_000);
    expect(backoffMs(9, () => 0.999_999)).toBe(300_000);
    for (let attempt = 1; attempt < 60; attempt++) expect(backoffMs(attempt, () => 0.999_999)).toBeLessThanOrEqual(300_000);
    // Every draw stays inside the band.
    for (let i = 0; i < 200; i++) {
      const d = backoffMs(2);
      expect(d).toBeGreaterThanOrEqual(7_500);
      expect(d).toBeLessThanOrEqual(12_500);
    }
  });

  it("is what completeJob waits before a retryable failure is leased again", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, state: "QUEUED" });
    const job = await queueCreate(jail);
    let now = new Date("2031-01-01T00:00:00Z");
    for (const [attempt, lo, hi] of [
      [1, 3_750, 6_250],
      [2, 7_500, 12_500],
      [3, 15_000, 25_000],
    ] as const) {
      const leased = await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now });
      expect(leased.map((j) => [j.id, j.attempts])).toEqual([[job.id, attempt]]);
      await completeJob({
        hostId: host.id,
        jobId: job.id,
        report: { status: "FAILED", error: `attempt ${attempt} failed`, retryable: true },
        now,
      });
      const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(row.status).toBe("QUEUED");
      const wait = row.runAfter.getTime() - now.getTime();
      expect(wait).toBeGreaterThanOrEqual(lo);
      expect(wait).toBeLessThanOrEqual(hi);
      expect(await leaseJobs({ hostId: host.id, leasedBy: "agent", max: 1, now: new Date(row.runAfter.getTime() - 1) })).toEqual([]);
      now = row.runAfter;
    }
  });
});

// Rollups from raw samples. This file's era is 2010 (see billing-cycle.test.ts for why eras).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { createBillingPlan, GB, writeSamples } from "@/lib/test/billing-fixtures";
import { rollupUsage } from "./rollup-usage";

const at = (iso: string) => new Date(iso);

async function jail() {
  const plan = await createBillingPlan();
  const { account } = await createCustomer();
  const host = await createHost();
  return createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2010-01-01T00:00:00Z") });
}

const rollups = (jailId: string, period: "HOUR" | "DAY") =>
  db.usageRollup.findMany({ where: { jailId, period }, orderBy: { bucketStart: "asc" } });

describe("rollupUsage", () => {
  it("computes hourly max/avg and summed transfer, and daily figures weighted by samples", async () => {
    const j = await jail();
    // 10:00–10:50 every 10 min (6 samples): disk 1..6 GB. 11:00–11:30 (4 samples): disk 10 GB.
    await writeSamples(j, at("2010-05-04T10:00:00Z"), at("2010-05-04T10:50:00Z"), 10, (t) => ({
      diskBytes: (t.getUTCMinutes() / 10 + 1) * GB,
      memoryBytes: 100,
      cpuPercent: t.getUTCMinutes(),
      netRxBytes: 1000,
      netTxBytes: 10,
    }));
    await writeSamples(j, at("2010-05-04T11:00:00Z"), at("2010-05-04T11:30:00Z"), 10, () => ({
      diskBytes: 10 * GB,
      memoryBytes: 300,
      cpuPercent: 5,
      netRxBytes: 1,
      netTxBytes: 2,
    }));
    await rollupUsage(at("2010-05-04T11:35:00Z"));

    const hours = await rollups(j.id, "HOUR");
    expect(hours.map((h) => h.bucketStart.toISOString())).toEqual(["2010-05-04T10:00:00.000Z", "2010-05-04T11:00:00.000Z"]);
    expect(hours[0]).toMatchObject({
      samples: 6,
      diskMaxBytes: BigInt(6 * GB),
      diskAvgBytes: BigInt(3.5 * GB),
      cpuMaxPercent: 50,
      cpuAvgPercent: 25,
      netRxBytes: 6000n,
      netTxBytes: 60n,
    });
    expect(hours[1]).toMatchObject({ samples: 4, diskMaxBytes: BigInt(10 * GB), memoryAvgBytes: 300n, netRxBytes: 4n, netTxBytes: 8n });

    const [day] = await rollups(j.id, "DAY");
    expect(day).toMatchObject({ samples: 10, diskMaxBytes: BigInt(10 * GB), netRxBytes: 6004n, netTxBytes: 68n, memoryMaxBytes: 300n });
    // (6 × 3.5 GB + 4 × 10 GB) / 10 samples: the average of the samples, not of the two hours.
    expect(day!.diskAvgBytes).toBe(BigInt(Math.round(6.1 * GB)));
    expect(day!.memoryAvgBytes).toBe(180n);
  });

  it("is idempotent: a second pass leaves every row as it was, updatedAt included", async () => {
    const j = await jail();
    await writeSamples(j, at("2010-06-01T00:00:00Z"), at("2010-06-01T05:55:00Z"), 5, (t) => ({
      diskBytes: t.getUTCHours() * GB,
      netRxBytes: 7,
    }));
    await rollupUsage(at("2010-06-01T06:00:00Z"));
    const first = [...(await rollups(j.id, "HOUR")), ...(await rollups(j.id, "DAY"))];
    expect(first).toHaveLength(7);
    await new Promise((r) => setTimeout(r, 5));
    await rollupUsage(at("2010-06-01T06:01:00Z"));
    const second = [...(await rollups(j.id, "HOUR")), ...(await rollups(j.id, "DAY"))];
    expect(second).toEqual(first);
  });

  it("folds late samples into their buckets on the next pass, and never counts a resent one twice", async () => {
    const j = await jail();
    await writeSamples(j, at("2010-07-01T08:00:00Z"), at("2010-07-01T08:30:00Z"), 10, () => ({ netRxBytes: 100 }));
    await rollupUsage(at("2010-07-01T09:00:00Z"));
    // A late batch for 08:40–08:50 arrives together with a resend of 08:00–08:30.
    await writeSamples(j, at("2010-07-01T08:00:00Z"), at("2010-07-01T08:50:00Z"), 10, () => ({ netRxBytes: 100 }));
    await rollupUsage(at("2010-07-01T09:05:00Z"));
    const [hour] = await rollups(j.id, "HOUR");
    expect(hour).toMatchObject({ samples: 6, netRxBytes: 600n });
  });

  it("counts a negative transfer delta as zero", async () => {
    const j = await jail();
    await writeSamples(j, at("2010-08-01T08:00:00Z"), at("2010-08-01T08:20:00Z"), 10, (t) => ({
      netRxBytes: t.getUTCMinutes() === 10 ? -5000 : 100,
      netTxBytes: 1,
    }));
    await rollupUsage(at("2010-08-01T09:00:00Z"));
    const [hour] = await rollups(j.id, "HOUR");
    expect(hour).toMatchObject({ samples: 3, netRxBytes: 200n, netTxBytes: 3n });
  });
});

// Rollups from raw samples. This file's era is 2010 (see billing-cycle.test.ts for why eras).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { createBillingPlan, GB, serializeWithOtherBillingFiles, writeSamples } from "@/lib/test/billing-fixtures";
import { rollupUsage } from "./rollup-usage";
import { ingestUsage } from "./ingest-usage";

const at = (iso: string) => new Date(iso);

// The rollup's watermark is one row for the whole database: never alongside another file that moves it.
serializeWithOtherBillingFiles();

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

describe("rollups follow what arrived (issue 13, cases 6 and 8)", () => {
  it("rolls up an agent's 8-hour spool sent on reconnect, hours after the passes that missed it", async () => {
    const j = await jail();
    // Connected until midnight, cut off 00:00–08:00, sending again from 08:00.
    await writeSamples(j, at("2010-09-01T08:00:00Z"), at("2010-09-01T08:05:00Z"), 5, () => ({ netRxBytes: 1000 }));
    await rollupUsage(at("2010-09-01T08:06:00Z"));
    await rollupUsage(at("2010-09-01T09:00:00Z"));
    // On reconnect the spool arrives: every 5 minutes from 00:00 to 07:55, 96 samples.
    expect(await writeSamples(j, at("2010-09-01T00:00:00Z"), at("2010-09-01T07:55:00Z"), 5, () => ({ netRxBytes: 1000 }))).toBe(96);
    await rollupUsage(at("2010-09-01T09:05:00Z"));
    const hours = await rollups(j.id, "HOUR");
    expect(hours.map((h) => h.bucketStart.getUTCHours())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const [day] = await rollups(j.id, "DAY");
    // 98 samples × 1000 bytes, every byte once (the fixed 6-hour window of before kept only 03:00 on).
    expect(day).toMatchObject({ samples: 98, netRxBytes: 98_000n });
  });

  it("neither loses nor doubles transfer across a resent batch and a counter reset, through real ingestion", async () => {
    const j = await jail();
    const jailName = (await db.jail.findUniqueOrThrow({ where: { id: j.id } })).name;
    const sample = (minute: number, rx: number, tx: number) => ({
      jail: jailName,
      sampledAt: new Date(Date.UTC(2010, 9, 1, 12, minute)).toISOString(),
      diskBytes: 1,
      memoryBytes: 1,
      cpuPercent: 0,
      processes: 1,
      netRxBytes: rx,
      netTxBytes: tx,
    });
    const now = at("2010-10-01T13:00:00Z");
    // The agent's deltas: 500 + 700 before the counters reset (a rule reload), 300 after it —
    // the delta from the new epoch's zero, never the raw counter or a negative jump.
    const first = [sample(0, 500, 50), sample(5, 700, 70)];
    expect(await ingestUsage(j.hostId, { samples: first }, now)).toMatchObject({ accepted: 2, duplicates: 0 });
    await rollupUsage(now);
    // The response was lost: the agent resends the same batch with the next one (after the reset).
    const second = [...first, sample(10, 300, 30)];
    expect(await ingestUsage(j.hostId, { samples: second }, now)).toMatchObject({ accepted: 1, duplicates: 2 });
    // And a resend with other figures for an instant already stored cannot replace it.
    expect(await ingestUsage(j.hostId, { samples: [sample(5, 9_999_999, 0)] }, now)).toMatchObject({ accepted: 0, duplicates: 1 });
    await rollupUsage(now);
    await rollupUsage(now);
    const [hour] = await rollups(j.id, "HOUR");
    const [day] = await rollups(j.id, "DAY");
    for (const r of [hour, day]) expect(r).toMatchObject({ samples: 3, netRxBytes: 1500n, netTxBytes: 150n });
  });
});

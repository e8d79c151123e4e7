// Test fixtures for billing: a plan with small, round limits and raw usage samples stored
// through the agent's ingestion (primary key (jailId, sampledAt), resends skipped).
import { afterAll, beforeAll, beforeEach } from "vitest";
import { db } from "@/lib/db";
import { uid } from "@/lib/test/factories";
import { ingestUsage } from "@/lib/domain/usage/ingest-usage";

export const GB = 2 ** 30;

export async function createBillingPlan(
  overrides: Partial<{ priceCents: number; diskQuotaMb: number; bandwidthGb: number; overagePricePerGbCents: number }> = {},
) {
  return db.plan.create({
    data: {
      slug: `bill-${uid()}`,
      name: `Cell ${uid()}`,
      priceCents: overrides.priceCents ?? 1000,
      diskQuotaMb: overrides.diskQuotaMb ?? 1024,
      memoryLimitMb: 128,
      maxProcesses: 40,
      cpuPercent: 25,
      bandwidthGb: overrides.bandwidthGb ?? 10,
      overagePricePerGbCents: overrides.overagePricePerGbCents ?? 200,
    },
  });
}

/**
 * Samples every `stepMinutes` in [from, to], with the figures `at(t)` returns, stored through
 * ingestUsage — the agent API's own path — so a resend in a test meets the real duplicate rule.
 * Returns how many were accepted (new).
 */
export async function writeSamples(
  jail: { id: string; hostId: string; name: string },
  from: Date,
  to: Date,
  stepMinutes: number,
  at: (
    t: Date,
  ) => Partial<{ diskBytes: number; memoryBytes: number; cpuPercent: number; processes: number; netRxBytes: number; netTxBytes: number }>,
): Promise<number> {
  const samples = [];
  for (let t = from.getTime(); t <= to.getTime(); t += stepMinutes * 60_000) {
    const v = at(new Date(t));
    samples.push({
      jail: jail.name,
      sampledAt: new Date(t).toISOString(),
      diskBytes: Math.round(v.diskBytes ?? 0),
      memoryBytes: Math.round(v.memoryBytes ?? 0),
      cpuPercent: v.cpuPercent ?? 0,
      processes: v.processes ?? 1,
      netRxBytes: Math.round(v.netRxBytes ?? 0),
      netTxBytes: Math.round(v.netTxBytes ?? 0),
    });
  }
  const { accepted, rejected } = await ingestUsage(jail.hostId, { samples });
  if (rejected) throw new Error(`writeSamples: ${rejected} samples refused (wrong host for ${jail.name}?)`);
  return accepted;
}

export const hoursBefore = (d: Date, h: number) => new Date(d.getTime() - h * 3_600_000);

/**
 * billingTick and the invoice run look at every account (a run for May picks up any charge
 * still unbilled from before May). Test files that call them take this lock for their whole
 * run, so two such files never interleave; each also keeps to its own era of the past.
 * The usage rollup's watermark and pruning horizon (one row for the whole database) start
 * from nothing in every test: a file that pruned in 2031 would otherwise hide another's 2004
 * samples behind its horizon, and the outcome would depend on the order files ran in.
 */
export function serializeWithOtherBillingFiles() {
  let client: import("pg").Client | undefined;
  beforeAll(async () => {
    const pg = (await import("pg")).default;
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query("SELECT pg_advisory_lock(hashtext('cellblock-billing-tests'))");
  }, 120_000);
  beforeEach(async () => {
    await db.usageRollupState.deleteMany();
  });
  afterAll(async () => {
    await client?.query("SELECT pg_advisory_unlock(hashtext('cellblock-billing-tests'))").catch(() => {});
    await client?.end();
  });
}

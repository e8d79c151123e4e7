// Fault cases about usage: hosts whose clocks are 10 minutes off, and the control plane (web
// tier and worker) stopped while the agents keep measuring. Both use the same two hosts: one
// whose clock is 10 minutes fast, one 10 minutes slow, each running one jail and sampling
// every 2 s — so the outage is also survived by skewed hosts.
import fs from "node:fs";
import path from "node:path";
import type { FaultWorld } from "./environment";
import { faultHost, orderJail, startAgent, until, type FaultHost } from "./fleet";
import type { CaseResult } from "./matrix";

type Reporting = { hosts: FaultHost[]; jailIds: string[] };
let reporting: Promise<Reporting> | undefined;

/** The two reporting hosts (+600 s and −600 s), their agents running and their jails made (once per run). */
export function reportingHosts(world: FaultWorld): Promise<Reporting> {
  return (reporting ??= (async () => {
    const hosts = await Promise.all(
      [600, -600].map((s) =>
        faultHost(world, `fault-clock${s > 0 ? "fast" : "slow"}`, { CELLBLOCK_FAULT_CLOCK_OFFSET_SECONDS: String(s) }),
      ),
    );
    for (const h of hosts) startAgent(h);
    const orders = await Promise.all(hosts.map((h) => orderJail(h)));
    await until(
      "the reporting hosts' jails to run",
      async () => {
        const jobs = await world.db.job.findMany({ where: { id: { in: orders.map((o) => o.job.id) } } });
        const failed = jobs.find((j) => j.status === "FAILED");
        if (failed) throw new Error(`create failed: ${failed.error}`);
        return jobs.every((j) => j.status === "SUCCEEDED");
      },
      240_000,
    );
    return { hosts, jailIds: orders.map((o) => o.jail.id) };
  })());
}

/**
 * Hosts 10 minutes fast and 10 minutes slow report usage; every sample must be stored, filed at
 * the server's time (within 2 minutes of when the server received it: samples are sent as
 * taken, and the error looked for is 10 minutes), so in the hour the server was in. Counts from UsageSample; the offsets the agents measured
 * come from the hosts' heartbeat facts.
 */
export async function clockSkew(world: FaultWorld, { samples }: { samples: number }): Promise<CaseResult> {
  const { hosts, jailIds } = await reportingHosts(world);
  const since = new Date();
  const counts = () =>
    world.db.$queryRaw<Array<{ jailId: string; n: number; misplaced: number; otherHour: number }>>`
      SELECT "jailId", count(*)::int AS "n",
             count(*) FILTER (WHERE abs(extract(epoch FROM "receivedAt" - "sampledAt")) > 120)::int AS "misplaced",
             count(*) FILTER (WHERE date_trunc('hour', "sampledAt") <> date_trunc('hour', "receivedAt")
                                AND abs(extract(epoch FROM "receivedAt" - "sampledAt")) > 120)::int AS "otherHour"
      FROM "UsageSample" WHERE "jailId" = ANY(${jailIds}) AND "receivedAt" > ${since} GROUP BY "jailId"`;
  let timedOut = false;
  await until(
    `${samples} samples from each skewed host`,
    async () => {
      const rows = await counts();
      return rows.length === jailIds.length && rows.every((r) => r.n >= samples);
    },
    samples * 2000 + 90_000,
  ).catch(() => (timedOut = true));
  const rows = await counts();
  const byJail = new Map(rows.map((r) => [r.jailId, r]));
  const facts = await world.db.host.findMany({ where: { id: { in: hosts.map((h) => h.host.id) } }, select: { id: true, facts: true } });
  const offset = (i: number) => {
    const f = facts.find((x) => x.id === hosts[i]!.host.id)?.facts as { clockOffsetSeconds?: number } | null;
    return f?.clockOffsetSeconds === undefined ? "?" : `${f.clockOffsetSeconds > 0 ? "+" : ""}${f.clockOffsetSeconds} s`;
  };
  const parts = jailIds.map((id, i) => {
    const r = byJail.get(id);
    return `${i === 0 ? "+10 min" : "−10 min"} host (measured ${offset(i)}): ${r?.n ?? 0} samples, ${r?.misplaced ?? 0} misplaced, ${r?.otherHour ?? 0} in another hour`;
  });
  const ok = !timedOut && jailIds.every((id) => (byJail.get(id)?.n ?? 0) >= samples && byJail.get(id)!.misplaced === 0);
  return { ok, counts: parts.join("; ") };
}

type Spooled = { jail: string; sampledAt: string; diskBytes: number; memoryBytes: number; netRxBytes: number; netTxBytes: number };

/**
 * The web tier and the worker stopped (SIGKILL) for `seconds` while the reporting hosts keep
 * measuring, then started again. Every sample the agents spooled meanwhile (read from their
 * spool directories on the host) must be in the database once with the figures measured, the
 * samples must have no gap, and the hourly rollups must count each sample once (their sample
 * counts and transfer sums equal the raw samples').
 */
export async function controlPlaneOutage(world: FaultWorld, { seconds }: { seconds: number }): Promise<CaseResult> {
  const { hosts, jailIds } = await reportingHosts(world);
  await until("samples flowing from both hosts", async () => {
    const n = await world.db.usageSample.groupBy({
      by: ["jailId"],
      where: { jailId: { in: jailIds }, receivedAt: { gt: new Date(Date.now() - 10_000) } },
    });
    return n.length === jailIds.length;
  });
  const spooled = new Map<string, Spooled>();
  const readSpools = () => {
    let files = 0;
    for (const h of hosts) {
      const dir = path.join(h.stateDir, "spool", "usage");
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json"))) {
        files++;
        try {
          const item = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { samples: Spooled[] };
          for (const s of item.samples) spooled.set(`${s.jail}|${s.sampledAt}`, s);
        } catch {
          // delivered and removed between readdir and read: read on an earlier pass, or stored
        }
      }
    }
    return files;
  };

  const stoppedAt = new Date();
  const port = world.web.port;
  await Promise.all([world.stop(world.web, "SIGKILL"), world.stop(world.worker, "SIGKILL")]);
  // The outage itself: its length is the fault, not a wait for a condition.
  while (Date.now() - stoppedAt.getTime() < seconds * 1000) {
    readSpools();
    await new Promise((r) => setTimeout(r, 1000));
  }
  readSpools();
  world.web = await world.startWeb({ port });
  world.worker = world.startWorker();
  const restartedAt = new Date();
  await until("the agents' spools to drain", async () => readSpools() === 0, 300_000);
  const [latest] = await world.db.$queryRaw<
    Array<{ at: Date }>
  >`SELECT max("receivedAt") AS "at" FROM "UsageSample" WHERE "jailId" = ANY(${jailIds})`;
  await until(
    "the rollups to take every sample",
    async () => ((await world.db.usageRollupState.findUnique({ where: { id: "usage" } }))?.rolledUpTo ?? new Date(0)) >= latest!.at,
    120_000,
  );

  const names = await world.db.jail.findMany({ where: { id: { in: jailIds } }, select: { id: true, name: true, hostId: true } });
  const idOf = new Map(names.map((j) => [j.name, j.id]));
  const hostOfJail = new Map(names.map((j) => [j.name, j.hostId]));
  const rows = await world.db.usageSample.findMany({
    where: { jailId: { in: jailIds }, sampledAt: { gte: new Date(stoppedAt.getTime() - 60_000) } },
  });
  const stored = new Map(rows.map((r) => [`${r.jailId}|${r.sampledAt.toISOString()}`, r]));
  let lost = 0;
  let changed = 0;
  for (const s of spooled.values()) {
    const r = stored.get(`${idOf.get(s.jail)}|${s.sampledAt}`);
    if (!r) lost++;
    else if (
      [r.diskBytes, r.memoryBytes, r.netRxBytes, r.netTxBytes].join() !== [s.diskBytes, s.memoryBytes, s.netRxBytes, s.netTxBytes].join()
    )
      changed++;
  }
  // Gaps: consecutive samples of a jail more than 10 s apart (the agents sample every 2 s).
  const [gaps] = await world.db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS "n" FROM (
      SELECT "sampledAt" - lag("sampledAt") OVER (PARTITION BY "jailId" ORDER BY "sampledAt") AS "gap"
      FROM "UsageSample" WHERE "jailId" = ANY(${jailIds}) AND "sampledAt" BETWEEN ${new Date(stoppedAt.getTime() - 10_000)} AND ${restartedAt}
    ) g WHERE g."gap" > interval '10 seconds'`;
  // Counted twice (or not at all) in the rollups: an hour whose rollup differs from its raw
  // samples. One statement, so the rollups and their watermark come from one committed pass;
  // raw samples are those that pass could have seen (received up to its watermark). A sample
  // whose insert committed after the pass read is taken by the next one: wait for agreement.
  const rollupCheck = async () =>
    (
      await world.db.$queryRaw<Array<{ hours: number; wrong: number }>>`
        WITH w AS (SELECT "rolledUpTo" FROM "UsageRollupState" WHERE "id" = 'usage'),
        s AS (SELECT "jailId", date_trunc('hour', "sampledAt") AS "h", count(*)::int AS "n",
                     sum(GREATEST("netRxBytes", 0))::bigint AS "rx", sum(GREATEST("netTxBytes", 0))::bigint AS "tx"
              FROM "UsageSample" WHERE "jailId" = ANY(${jailIds}) AND "receivedAt" <= (SELECT "rolledUpTo" FROM w) GROUP BY 1, 2)
        SELECT count(*)::int AS "hours",
               count(*) FILTER (WHERE r."samples" IS DISTINCT FROM s."n" OR r."netRxBytes" IS DISTINCT FROM s."rx" OR r."netTxBytes" IS DISTINCT FROM s."tx")::int AS "wrong"
        FROM s LEFT JOIN "UsageRollup" r ON r."jailId" = s."jailId" AND r."period" = 'HOUR' AND r."bucketStart" = s."h"`
    )[0]!;
  let rollup = await rollupCheck();
  await until("the hourly rollups to agree with the raw samples", async () => (rollup = await rollupCheck()).wrong === 0, 60_000).catch(
    () => {},
  );
  // A spool flushed again after a crash (here: everything, with other figures) adds and changes nothing.
  let resentAccepted = 0;
  for (const h of hosts) {
    const mine = [...spooled.values()].filter((x) => idOf.has(x.jail) && h.host.id === hostOfJail.get(x.jail));
    if (!mine.length) continue;
    const res = await fetch(`${world.web.url}/api/agent/usage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${h.host.secret}` },
      body: JSON.stringify({
        samples: mine.map((x) => ({
          ...x,
          diskBytes: 1,
          memoryBytes: 1,
          cpuPercent: 1,
          processes: 1,
          netRxBytes: 999_999,
          netTxBytes: 999_999,
        })),
      }),
    });
    resentAccepted += ((await res.json()) as { accepted: number }).accepted;
  }
  const afterResend = await world.db.usageSample.findMany({
    where: { jailId: { in: jailIds }, sampledAt: { gte: new Date(stoppedAt.getTime() - 60_000) } },
  });
  const altered = afterResend.filter((r) => {
    const before = stored.get(`${r.jailId}|${r.sampledAt.toISOString()}`);
    return before && [r.diskBytes, r.netRxBytes, r.netTxBytes].join() !== [before.diskBytes, before.netRxBytes, before.netTxBytes].join();
  }).length;

  const minutes = seconds >= 60 ? `${(seconds / 60).toFixed(seconds % 60 ? 1 : 0)} min` : `${seconds} s`;
  const ok =
    spooled.size > 0 && lost === 0 && changed === 0 && gaps!.n === 0 && rollup.wrong === 0 && resentAccepted === 0 && altered === 0;
  return {
    ok,
    counts:
      `stopped ${minutes}, ${spooled.size} samples spooled on the hosts, ${lost} lost, ${changed} altered, ${gaps!.n} gaps, ` +
      `${rollup.wrong} of ${rollup.hours} hourly rollups counting a sample twice or not at all; ` +
      `all resent with other figures: ${resentAccepted} accepted, ${altered} changed`,
  };
}

// The steady fleet: every simulated host heartbeats with its full inventory, long-polls for
// jobs and sends its usage, while jobs are queued at a steady rate — each in its own
// transaction, as a user's click queues one (enqueueJob, as bench/dispatch does). Lease latency
// is read back from the database per job: startedAt − createdAt, the commit that queued it to
// the lease that handed it to the host's agent.
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import type { Db } from "@/lib/db";
import type { Clients } from "./clients";
import type { FleetConfig } from "./config";
import type { FleetReport, SimHostSlice } from "./protocol";

export type SteadyFigures = {
  reports: FleetReport[];
  wallMs: number;
  jobsQueued: number;
  /** Per queued job, ms from queued to leased; Infinity for one never leased. */
  leaseMs: number[];
};

/** Runs the steady phase for cfg.fleetSeconds and returns what the clients and the database saw. */
export async function runSteadyFleet(db: Db, clients: Clients, hosts: SimHostSlice[], cfg: FleetConfig): Promise<SteadyFigures> {
  const durationMs = cfg.fleetSeconds * 1000;
  const t0 = performance.now();
  const running = clients.fleet(durationMs, cfg.heartbeatSeconds * 1000, cfg.usageIntervalSeconds * 1000, cfg.jobWorkMs);
  // Queue from the second heartbeat round on (every agent long-polling by then) until 10 s
  // before the end, so that the last jobs have time to be leased on a loaded machine.
  const startAt = Date.now() + Math.min(durationMs / 3, 2 * cfg.heartbeatSeconds * 1000);
  const stopAt = Date.now() + Math.max(durationMs / 2, durationMs - 10_000 - cfg.jobWorkMs);
  const ids: string[] = [];
  const gapMs = 1000 / cfg.jobsPerSecond;
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  let k = 0;
  for (let due = Date.now(); due < stopAt; due += gapMs) {
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    // A jail spread over hosts: consecutive jobs go to different hosts and jails.
    const host = hosts[(k * 7919) % hosts.length]!;
    const jail = host.jails[(k * 104_729) % host.jails.length]!;
    k++;
    const job = await db.$transaction((tx) =>
      enqueueJob(tx as never, {
        hostId: host.id,
        jailId: `fj${jail.name.slice("cbfleet".length)}`,
        type: "START",
        payload: { name: jail.name },
      }),
    );
    ids.push(job.id);
  }
  const reports = await running;
  const wallMs = performance.now() - t0;
  const jobs = await db.job.findMany({ where: { id: { in: ids } }, select: { createdAt: true, startedAt: true } });
  return {
    reports,
    wallMs,
    jobsQueued: ids.length,
    leaseMs: jobs.map((j) => (j.startedAt ? j.startedAt.getTime() - j.createdAt.getTime() : Infinity)),
  };
}

// Fault cases about the agent process: SIGKILLed mid-create many times in a row, and its state
// directory wiped. Both count from the database (jobs, jails, addresses) and the host (lxc-ls).
import fs from "node:fs";
import path from "node:path";
import type { FaultWorld } from "./environment";
import { faultHost, hostCensus, orderJail, startAgent, stopAgent, until, type FaultHost } from "./fleet";
import type { CaseResult } from "./matrix";

const PAUSE = { CELLBLOCK_FAULT_PAUSE_AFTER_CREATE_MS: "600000" };

/**
 * The agent SIGKILLed `kills` times in a row while it creates jails: odd kills land inside the
 * create (the disk image made, lxc-create running or about to), even ones after the container is
 * finished but before the result is reported (the agent's fault pause). Then an agent runs
 * undisturbed until every job has ended. Counts: jobs ended, duplicate jails (a second CREATE
 * job or a container no live jail owns), orphaned addresses, live jails not running.
 */
export async function agentSigkillMidCreate(world: FaultWorld, { kills }: { kills: number }): Promise<CaseResult> {
  // One job at a time, so each kill lands in the one create in flight. A kill before the report
  // leaves a finished container (adopted later); one inside a create leaves a half-made one
  // (made again later): half the kills use up a jail, so kills / 2 + 2 jails are enough.
  const h = await faultHost(world, "fault-kill", { AGENT_MAX_JOBS: "1" });
  const jails = await Promise.all(Array.from({ length: Math.ceil(kills / 2) + 2 }, () => orderJail(h)));
  const names = new Set(jails.map((j) => j.jail.name));
  let landedInside = 0;
  let landedAfter = 0;
  for (let i = 1; i <= kills; i++) {
    const inside = i % 2 === 1;
    const startedAt = Date.now();
    startAgent(h, inside ? {} : PAUSE);
    const where = await until(
      `kill ${i}: a create by this agent ${inside ? "in progress" : "finished and not yet reported"}`,
      async () => findCreate(h.lxcPath, names, startedAt, inside),
      180_000,
    );
    await stopAgent(h, "SIGKILL");
    if (where === "inside") landedInside++;
    else landedAfter++;
  }
  startAgent(h);
  await until(
    "every job on the host to end",
    async () => {
      const c = await hostCensus(world, h);
      return c.ended === c.jobs && c.jobs > 0;
    },
    300_000,
  );
  const c = await hostCensus(world, h);
  await stopAgent(h, "SIGTERM");
  const ok = c.ended === c.jobs && c.duplicates === 0 && c.orphanedAddresses === 0 && c.notRunning.length === 0;
  return {
    ok,
    counts:
      `${kills} kills (${landedInside} inside a create, ${landedAfter} before its report), ${c.ended}/${c.jobs} jobs ended, ` +
      `${c.duplicates} duplicate jails (${c.containers} containers for ${c.jails} jails), ${c.orphanedAddresses} orphaned addresses` +
      (c.notRunning.length ? `, not running: ${c.notRunning.join("; ")}` : ""),
  };
}

/**
 * Which kill point the agent has reached for one of `names`, by what is on the host: "inside"
 * when a jail's disk image was made after `since` and the driver's finished-marker is not there
 * yet; "after" when the marker was written after `since` (the agent sits in its fault pause).
 */
function findCreate(lxcPath: string, names: Set<string>, since: number, inside: boolean): "inside" | "after" | null {
  for (const name of names) {
    const dir = path.join(lxcPath, name);
    const marker = mtime(path.join(dir, "cellblock-created"));
    if (inside) {
      const image = mtime(path.join(dir, "rootfs.img"));
      if (image !== null && image >= since - 1000 && marker === null) return "inside";
    } else if (marker !== null && marker >= since - 1000) return "after";
  }
  return null;
}

function mtime(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The agent's state directory wiped while it was down, with a create finished on the host whose
 * result was never reported (the agent was SIGKILLed in its fault pause): the spool holding
 * nothing, the desired-state and counter files gone. Restarted, the agent must adopt what the
 * host runs — the interrupted create adopted, not made again; no jail created twice; no drift —
 * and usage must resume for every jail.
 */
export async function agentStateWiped(world: FaultWorld): Promise<CaseResult> {
  const h = await faultHost(world, "fault-wipe");
  startAgent(h);
  const first = await Promise.all([orderJail(h), orderJail(h)]);
  await waitJobs(
    world,
    first.map((j) => j.job.id),
  );
  await stopAgent(h, "SIGKILL");

  startAgent(h, PAUSE);
  const late = await orderJail(h);
  await until(
    "the third jail's container to be finished",
    async () => fs.existsSync(path.join(h.lxcPath, late.jail.name, "cellblock-created")),
    180_000,
  );
  await stopAgent(h, "SIGKILL");
  const wiped = wipe(h);
  const restartedAt = new Date();
  startAgent(h);
  await waitJobs(world, [late.job.id]);
  // Inventory adopted: heartbeats after the restart find no drift, and every jail reports usage again.
  const jailIds = [...first, late].map((j) => j.jail.id);
  await until(
    "usage from every jail after the restart",
    async () => {
      const n = await world.db.usageSample.groupBy({ by: ["jailId"], where: { jailId: { in: jailIds }, receivedAt: { gt: restartedAt } } });
      return n.length === jailIds.length;
    },
    120_000,
  );
  const c = await hostCensus(world, h);
  const drift = await world.db.hostDrift.count({ where: { hostId: h.host.id, resolvedAt: null } });
  const job = await world.db.job.findUniqueOrThrow({ where: { id: late.job.id } });
  const adopted = JSON.stringify(job.result ?? {}).includes("adopted an existing jail");
  await stopAgent(h, "SIGTERM");
  const ok = c.duplicates === 0 && c.ended === c.jobs && drift === 0 && adopted && c.notRunning.length === 0 && c.orphanedAddresses === 0;
  return {
    ok,
    counts:
      `${wiped} files wiped, ${c.jails} jails / ${c.containers} containers, ${c.duplicates} created twice, ` +
      `interrupted create ${adopted ? "adopted" : "NOT adopted"} (${job.status}, attempt ${job.attempts}), ${drift} open drift, ` +
      `usage resumed for ${jailIds.length}/${jailIds.length} jails` +
      (c.notRunning.length ? `, not running: ${c.notRunning.join("; ")}` : ""),
  };
}

function wipe(h: FaultHost): number {
  let n = 0;
  const count = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) count(path.join(dir, e.name));
      else n++;
    }
  };
  count(h.stateDir);
  fs.rmSync(h.stateDir, { recursive: true, force: true });
  fs.mkdirSync(h.stateDir, { recursive: true, mode: 0o700 });
  return n;
}

async function waitJobs(world: FaultWorld, ids: string[]) {
  await until(
    "the jobs to succeed",
    async () => {
      const jobs = await world.db.job.findMany({ where: { id: { in: ids } }, select: { status: true, error: true } });
      const failed = jobs.find((j) => j.status === "FAILED" || j.status === "CANCELLED");
      if (failed) throw new Error(`a job ended ${failed.status}: ${failed.error}`);
      return jobs.every((j) => j.status === "SUCCEEDED");
    },
    240_000,
  );
}

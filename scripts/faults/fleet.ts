// Hosts and agents for the fault matrix: each host enrolled through the real endpoint
// (e2e/helpers/hosts.ts: DRAINING, so nothing else is placed on it), its agent a real
// `host-agent/cli.ts run` process with the lxc driver under the run's LXC path and no bridge,
// its jails ordered through the domain's own allocation and queueing (e2e/helpers/jobs.ts).
// Counts come from the database and from the host (lxc-ls, the agent's state directory).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { enrolHost, type EnrolledHost } from "../../e2e/helpers/hosts";
import { orderJailOn } from "../../e2e/helpers/jobs";
import type { FaultWorld } from "./environment";
import { DEFAULT_TEMPLATE_CACHE, writeConfig } from "../../host-agent/config";

const exec = promisify(execFile);

export type FaultHost = {
  host: EnrolledHost;
  /** The agent's enrolment file (kept outside the state directory, which a case may wipe). */
  config: string;
  stateDir: string;
  /** The host's LXC path (its own: lxc-ls -P lists only its containers). */
  lxcPath: string;
  agent: ChildProcess | null;
  agentLog: string;
  /** Environment the agent runs with (on top of the matrix's), kept for restarts. */
  agentEnv: Record<string, string>;
};

/** Enrols a host at the world's web server and writes its agent configuration; starts no agent. */
export async function faultHost(world: FaultWorld, tag: string, agentEnv: Record<string, string> = {}): Promise<FaultHost> {
  const host = await enrolHost({ tag, url: world.web.url });
  const dir = path.join(world.tmp, `host-${host.name}`);
  const stateDir = path.join(dir, "state");
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const lxcPath = path.join(world.lxcRoot, host.name);
  fs.mkdirSync(lxcPath, { recursive: true, mode: 0o755 });
  const config = path.join(dir, "agent.json");
  writeConfig(config, {
    url: world.web.url,
    hostId: host.id,
    hostName: host.name,
    secret: host.secret,
    driver: "lxc",
    stateDir,
    bridge: null,
    lxcPath,
    templateCache: DEFAULT_TEMPLATE_CACHE,
  });
  return { host, config, stateDir, lxcPath, agent: null, agentLog: path.join(dir, "agent.log"), agentEnv };
}

/** Every agent process the matrix started, for stopAllAgents. */
const agents = new Set<ChildProcess>();

/** SIGKILLs every agent the matrix started that is still running (cleanup, before containers are destroyed). */
export async function stopAllAgents(): Promise<void> {
  await Promise.all([...agents].map((child) => stopAgent({ agent: child } as FaultHost)));
}

/** Starts the host's agent (its own process group), with `extraEnv` for this start only. */
export function startAgent(h: FaultHost, extraEnv: Record<string, string> = {}): ChildProcess {
  const out = fs.openSync(h.agentLog, "a");
  h.agent = spawn(process.execPath, ["--import", "tsx", "host-agent/cli.ts", "run", "--config", h.config], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, AGENT_HEARTBEAT_SECONDS: "1", USAGE_INTERVAL: "2", ...h.agentEnv, ...extraEnv },
  });
  fs.closeSync(out);
  const child = h.agent;
  agents.add(child);
  child.once("exit", () => agents.delete(child));
  return child;
}

/** Sends `signal` to the agent's process group and waits until the agent process has exited. */
export async function stopAgent(h: FaultHost, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  const child = h.agent;
  h.agent = null;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return; // already gone
  }
  await exited;
}

/** Orders a busybox jail on the host (QUEUED, addresses, CREATE job), as ordering writes it. */
export async function orderJail(h: FaultHost) {
  return orderJailOn(h.host.id);
}

/** Polls `fn` every 100 ms until it returns something truthy; throws after `timeoutMs`, naming `what`. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The containers LXC lists under `lxcPath`, with their states (`lxc-ls -f`; must succeed). */
export async function lxcContainers(lxcPath: string): Promise<Map<string, string>> {
  const { stdout } = await exec("lxc-ls", ["-P", lxcPath, "-f", "-F", "NAME,STATE"]);
  const rows = stdout
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter(([name]) => name);
  return new Map(rows.map(([name, state]) => [name!, state ?? ""]));
}

/**
 * The state of one host's jails as the database and the host see them: jobs that have not
 * ended, jails with more than one container or CREATE job, containers with no live jail,
 * addresses held by jails that are gone or held twice, and live jails whose container is not
 * running.
 */
export async function hostCensus(world: FaultWorld, h: FaultHost) {
  const db = world.db;
  const hostId = h.host.id;
  const jails = await db.jail.findMany({
    where: { hostId },
    select: { id: true, name: true, state: true, ipAddresses: { select: { kind: true } }, jobs: { select: { type: true, status: true } } },
  });
  const containers = await lxcContainers(h.lxcPath);
  const live = jails.filter((j) => !["DESTROYED", "FAILED"].includes(j.state));
  const jobs = jails.flatMap((j) => j.jobs);
  const ended = jobs.filter((j) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(j.status)).length;
  const extraCreates = jails.reduce((n, j) => n + Math.max(0, j.jobs.filter((x) => x.type === "CREATE").length - 1), 0);
  const liveNames = new Set(live.map((j) => j.name));
  // Containers on the host that no live jail accounts for (a second copy, a leftover).
  const strayContainers = [...containers.keys()].filter((n) => !liveNames.has(n)).length;
  const orphanedAddresses =
    jails.filter((j) => !liveNames.has(j.name)).reduce((n, j) => n + j.ipAddresses.length, 0) +
    live.filter((j) => j.ipAddresses.length !== 2 || new Set(j.ipAddresses.map((a) => a.kind)).size !== 2).length;
  const notRunning = live
    .filter((j) => j.state !== "RUNNING" || containers.get(j.name) !== "RUNNING")
    .map((j) => `${j.name}: ${j.state}/${containers.get(j.name) ?? "no container"}`);
  return {
    jails: jails.length,
    containers: containers.size,
    jobs: jobs.length,
    ended,
    duplicates: extraCreates + strayContainers,
    orphanedAddresses,
    notRunning,
  };
}

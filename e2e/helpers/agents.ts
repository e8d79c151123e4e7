// Extra hosts with their own agent processes, for the fault specs.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { enrolHost } from "./hosts";
import { requireEnv } from "./env";
import { prisma } from "./jobs";
import { DEFAULT_TEMPLATE_CACHE, writeConfig } from "../../host-agent/config";
import { agentRunArgs } from "../../lib/hosts/agent-launch";

/**
 * A host enrolled at `url` (see hosts.ts: DRAINING, never chosen by placement) with an agent
 * configuration file for startAgent: lxc driver, no bridge (so its jails have no network).
 */
export async function enrolledHost(url: string) {
  const host = await enrolHost({ tag: "fault", url });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-fault-agent-"));
  const config = path.join(stateDir, "agent.json");
  writeConfig(config, {
    url,
    hostId: host.id,
    hostName: host.name,
    secret: host.secret,
    driver: "lxc",
    stateDir,
    bridge: null,
    lxcPath: "/var/lib/lxc",
    templateCache: DEFAULT_TEMPLATE_CACHE,
  });
  return { host, config, stateDir };
}

export function startAgent(config: string, env: Record<string, string> = {}): ChildProcess {
  // The bundled agent npm test built for its local host (scripts/lib/agent-bundle.ts): what a host runs.
  return spawn(process.execPath, agentRunArgs(requireEnv("E2E_AGENT_BUNDLE"), config), {
    cwd: process.cwd(),
    detached: true,
    stdio: "ignore",
    env: { ...process.env, AGENT_HEARTBEAT_SECONDS: "1", ...env },
  });
}

export function kill(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGKILL") {
  try {
    if (child?.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A STANDBY host with its own agent, LXC path, bridge and pools (derived from the local host's,
 * so parallel test runs keep apart): it takes no orders, only jails an admin moves or evacuates
 * onto it. Its public pool is loopback and its IPv6 prefix a ULA, so ssh to its jails works from
 * this machine and reaches nothing beyond it. `slot` (1 or 2) tells two such hosts apart.
 */
export async function standbyHost(url: string, slot: 1 | 2) {
  const local = await prisma().host.findUniqueOrThrow({
    where: { id: requireEnv("E2E_LOCAL_HOST_ID") },
    select: { privateNetblock: true },
  });
  const s = Number(/^10\.(\d+)\.0\.0\/24$/.exec(local.privateNetblock)?.[1] ?? crypto.randomInt(100, 250));
  const privateNetblock = `10.${s}.${slot}.0/24`;
  const publicPoolCidr = `127.77.${s}.${slot * 16}/28`;
  const ipv6Prefix = `fd0c:b10c:ce11:${(0xa00 + slot * 0x100 + s).toString(16)}::/64`;
  const host = await enrolHost({ tag: `standby${slot}`, url, status: "STANDBY", privateNetblock, publicPoolCidr, ipv6Prefix });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-standby${slot}-`));
  const lxcPath = `/var/lib/lxc-e2e-${s}-${slot}`;
  const bridge = `cbe${s}x${slot}`;
  const config = path.join(stateDir, "agent.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ url, hostId: host.id, hostName: host.name, secret: host.secret, driver: "lxc", stateDir, bridge, lxcPath }),
    { mode: 0o600 },
  );
  return { host, config, stateDir, lxcPath, bridge };
}

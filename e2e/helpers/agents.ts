// Extra hosts with their own agent processes, for the fault specs.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { enrolHost } from "./hosts";

/**
 * A host enrolled at `url` (see hosts.ts: DRAINING, never chosen by placement) with an agent
 * configuration file for startAgent: lxc driver, no bridge (so its jails have no network).
 */
export async function enrolledHost(url: string) {
  const host = await enrolHost({ tag: "fault", url });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-fault-agent-"));
  const config = path.join(stateDir, "agent.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      url,
      hostId: host.id,
      hostName: host.name,
      secret: host.secret,
      driver: "lxc",
      stateDir,
      bridge: null,
      lxcPath: "/var/lib/lxc",
    }),
    { mode: 0o600 },
  );
  return { host, config, stateDir };
}

export function startAgent(config: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "host-agent/cli.ts", "run", "--config", config], {
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

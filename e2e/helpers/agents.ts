// Extra hosts with their own agent processes, for the fault specs.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hashSecret, newSecret } from "@/lib/domain/hosts/agent-secrets";
import { populatePools } from "@/lib/domain/ipam/populate-pools";
import { prisma } from "./jobs";

export async function enrolledHost(url: string) {
  const secret = newSecret();
  const tag = Math.random().toString(36).slice(2, 8);
  const octet = 10 + Math.floor(Math.random() * 200);
  const host = await prisma().$transaction(async (tx) => {
    const host = await tx.host.create({
      data: {
        name: `fault-${tag}`,
        fqdn: `fault-${tag}.example.test`,
        driver: "LXC",
        status: "ACTIVE",
        capacityJails: 5,
        capacityDiskMb: 10_000,
        capacityMemoryMb: 10_000,
        privateNetblock: `10.241.${octet}.0/24`,
        agentTokenHash: hashSecret(secret),
        enrolledAt: new Date(),
        lastHeartbeatAt: new Date(),
      },
    });
    const publicPoolCidr = `198.19.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 15) * 16}/28`;
    await populatePools(tx, { hostId: host.id, privateNetblock: host.privateNetblock, publicPoolCidr });
    return host;
  });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-fault-agent-"));
  const config = path.join(stateDir, "agent.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ url, hostId: host.id, hostName: host.name, secret, driver: "lxc", stateDir, bridge: null, lxcPath: "/var/lib/lxc" }),
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

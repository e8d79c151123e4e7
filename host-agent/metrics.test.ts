// The agent's metrics: labels that stay small, commands timed by outcome, and the scrape
// endpoint's token check, against a real HTTP server on 127.0.0.1 and a real spool directory.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { CommandError, systemRunner } from "./exec";
import { AgentMetrics, commandLabel, serveAgentMetrics, timedRunner } from "./metrics";
import { Spool } from "./spool";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe("agent metrics", () => {
  it("labels a command by its program, and by its subcommand only for the tools that have one", () => {
    expect(commandLabel(["/usr/bin/lxc-start", "-n", "cb-secret-name"])).toBe("lxc-start");
    expect(commandLabel(["zfs", "snapshot", "zroot/jails/cbabc@x"])).toBe("zfs snapshot");
    expect(commandLabel(["restic", "backup", "--host", "h"])).toBe("restic backup");
    expect(commandLabel(["restic", "-r", "rest:http://x/", "snapshots"])).toBe("restic");
    expect(commandLabel(["nft", "-f", "-"])).toBe("nft");
    expect(commandLabel(["zfs", "cbABC/../x"])).toBe("zfs");
  });

  it("times each command of the real runner by outcome: ok, error, timeout", async () => {
    const metrics = new AgentMetrics();
    const runner = timedRunner(systemRunner, metrics);
    await runner.run(["true"]);
    await runner.run(["true"]);
    await expect(runner.run(["false"])).rejects.toBeInstanceOf(CommandError);
    const timeout = await runner.run(["sleep", "5"], { timeoutMs: 100 }).catch((e: CommandError) => e);
    expect((timeout as CommandError).timedOut).toBe(true);
    const text = await metrics.registry.getSingleMetricAsString("cellblock_agent_command_duration_seconds");
    expect(text).toMatch(/^cellblock_agent_command_duration_seconds_count\{command="true",outcome="ok"\} 2$/m);
    expect(text).toMatch(/^cellblock_agent_command_duration_seconds_count\{command="false",outcome="error"\} 1$/m);
    expect(text).toMatch(/^cellblock_agent_command_duration_seconds_count\{command="sleep",outcome="timeout"\} 1$/m);
  });

  it("serves /metrics only with the token, with the spool's depth read at scrape time", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-agent-metrics-"));
    try {
      const spool = new Spool(dir, () => {});
      const metrics = new AgentMetrics();
      metrics.watchSpool((kind) => spool.count(kind));
      const token = "t".repeat(32);
      const server = await serveAgentMetrics({ listen: "127.0.0.1:0", token, metrics });
      servers.push(server);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${"u".repeat(32)}` } })).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: token } })).status).toBe(401);
      expect((await fetch(`${base}/other`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);

      const scrape = async () => {
        const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/plain");
        return res.text();
      };
      expect(await scrape()).toMatch(/^cellblock_agent_spool_items\{kind="usage"\} 0$/m);
      spool.put("usage", { samples: [] });
      spool.put("usage", { samples: [] });
      spool.put("hogs", { events: [] });
      const text = await scrape();
      expect(text).toMatch(/^cellblock_agent_spool_items\{kind="usage"\} 2$/m);
      expect(text).toMatch(/^cellblock_agent_spool_items\{kind="hogs"\} 1$/m);
      expect(text).toMatch(/^cellblock_agent_spool_items\{kind="results"\} 0$/m);
      expect(text).toMatch(/^cellblock_agent_process_resident_memory_bytes \d+/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which address it could not listen on", async () => {
    const first = await serveAgentMetrics({ listen: "127.0.0.1:0", token: "t".repeat(32), metrics: new AgentMetrics() });
    servers.push(first);
    const port = (first.address() as AddressInfo).port;
    await expect(serveAgentMetrics({ listen: `127.0.0.1:${port}`, token: "t".repeat(32), metrics: new AgentMetrics() })).rejects.toThrow(
      `agent metrics cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`,
    );
  });
});

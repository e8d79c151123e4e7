// The agent's lease loop runs two jobs at a time (AGENT_MAX_JOBS, default 2): the real Agent
// class with an in-memory driver whose START blocks until the test releases it, talking HTTP
// to a small server in front of the real job queue (leaseJobs / completeJob on the test
// database).
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { completeRequest } from "@/lib/schemas/agent";
import { createHost, uid } from "@/lib/test/factories";
import { Agent } from "./agent";
import { UnsupportedError, type Driver, type JailInfo } from "./drivers/driver";

// Read once when the first Agent is made: the default concurrency, quick heartbeats.
delete process.env.AGENT_MAX_JOBS;
process.env.AGENT_HEARTBEAT_SECONDS = "1";

/** An in-memory driver: START blocks until released; records how many run at once. */
class GatedDriver implements Driver {
  readonly name = "lxc" as const;
  running = new Map<string, () => void>();
  maxAtOnce = 0;
  started: string[] = [];
  backup = () => Promise.reject(new Error("not in this test"));
  restore = () => Promise.reject(new Error("not in this test"));

  async fingerprint() {
    return {
      driver: "lxc" as const,
      ready: true,
      facts: {},
      capabilities: {
        snapshots: false,
        diskQuota: false,
        memoryLimit: true,
        processLimit: true,
        cpuLimit: true,
        network: false,
        publicIpv4: false,
        ipv6: false,
        hostnameLockdown: true,
        rootPassword: true,
        sshKeys: true,
        migration: false,
        limits: { maxJailNameLength: 42, maxHostnameLength: 64, maxJails: null, maxCpuPercent: 200 },
      },
    };
  }
  async recover() {
    return { started: [], converged: [], failed: [] };
  }
  async start(name: string): Promise<JailInfo> {
    this.started.push(name);
    await new Promise<void>((resolve) => {
      this.running.set(name, resolve);
      this.maxAtOnce = Math.max(this.maxAtOnce, this.running.size);
    });
    this.running.delete(name);
    return { name, jid: 1, running: true };
  }
  release(name: string) {
    const done = this.running.get(name);
    if (!done) throw new Error(`${name} is not running`);
    done();
  }
  async list() {
    return [];
  }
  async usage() {
    return [];
  }
  async consoleArgv(): Promise<string[]> {
    throw new Error("not used");
  }
  async processes() {
    return [];
  }
  async inspect() {
    return null;
  }
  private unsupported(op: string): never {
    throw new UnsupportedError("in-memory", op);
  }
  create(): never {
    return this.unsupported("create");
  }
  stop(): never {
    return this.unsupported("stop");
  }
  restart(): never {
    return this.unsupported("restart");
  }
  destroy(): never {
    return this.unsupported("destroy");
  }
  setLimits(): never {
    return this.unsupported("setLimits");
  }
  setRootPasswordHash(): never {
    return this.unsupported("setRootPasswordHash");
  }
  setAuthorizedKeys(): never {
    return this.unsupported("setAuthorizedKeys");
  }
  renice(): never {
    return this.unsupported("renice");
  }
  snapshot(): never {
    return this.unsupported("snapshot");
  }
}

/** The agent API's lease, complete and heartbeat, in front of the real queue for one host. */
async function controlPlane(hostId: string) {
  const stats = { heartbeats: 0, leaseMax: [] as number[], heartbeatIntervalSeconds: undefined as number | undefined };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", async () => {
      try {
        const json = body ? JSON.parse(body) : {};
        const url = req.url ?? "";
        let answer: unknown = { ok: true };
        if (url === "/api/agent/heartbeat") {
          stats.heartbeats++;
          const pace = stats.heartbeatIntervalSeconds;
          answer = {
            serverTime: new Date().toISOString(),
            usageIntervalSeconds: 3600,
            hogCpuPercent: 80,
            hogSeconds: 300,
            ...(pace ? { heartbeatIntervalSeconds: pace } : {}),
          };
        } else if (url === "/api/agent/lease") {
          stats.leaseMax.push(json.max);
          const jobs = await leaseJobs({ hostId, leasedBy: `${hostId}:${req.headers["x-agent-instance"]}`, max: json.max });
          // A short stand-in for the long-poll, so an idle agent does not spin.
          if (!jobs.length) await new Promise((r) => setTimeout(r, 100));
          answer = {
            jobs: jobs.map((j) => ({
              id: j.id,
              type: j.type,
              jailId: j.jailId,
              payload: j.payload,
              attempt: j.attempts,
              leaseExpiresAt: j.leaseExpiresAt!.toISOString(),
            })),
          };
        } else if (url.startsWith("/api/agent/jobs/")) {
          answer = await completeJob({ hostId, jobId: url.split("/")[4]!, report: completeRequest.parse(json) });
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      } catch (err) {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(err) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, stats, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real Agent for `host` against `cp`, with the gated driver; stopped after the test. */
function startAgent(host: { id: string; name: string }, cp: { url: string }, driver: GatedDriver, log: (l: string) => void = () => {}) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-agent-conc-"));
  cleanups.push(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  const agent = new Agent(
    {
      url: cp.url,
      hostId: host.id,
      hostName: host.name,
      secret: "s".repeat(43),
      driver: "lxc",
      stateDir,
      bridge: null,
      lxcPath: "/x",
      templateCache: "/x",
    },
    driver,
    log,
  );
  const running = agent.run();
  cleanups.push(async () => {
    agent.stop();
    for (const n of driver.running.keys()) driver.release(n);
    await running;
  });
  return agent;
}

describe("agent lease loop", () => {
  it("runs two jobs at a time: the third waits until one of the two has finished", async () => {
    const host = await createHost();
    const names = ["a", "b", "c"].map((x) => `cbconc${x}${uid()}`);
    const jobs: Array<{ id: string }> = [];
    for (const name of names) {
      jobs.push(await db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, type: "START", payload: { name } })));
    }
    const cp = await controlPlane(host.id);
    cleanups.push(cp.close);
    const driver = new GatedDriver();
    const agent = startAgent(host, cp, driver);

    // All three are due at once; the agent takes two.
    await until("two jobs running", () => driver.running.size === 2);
    expect(driver.started).toEqual(names.slice(0, 2));
    expect(cp.stats.leaseMax[0]).toBe(2);
    // While both run, the agent asks for nothing more: two more heartbeats go by and the third
    // job is still queued.
    const beats = cp.stats.heartbeats;
    await until("two more heartbeats", () => cp.stats.heartbeats >= beats + 2);
    expect(driver.running.size).toBe(2);
    expect((await db.job.findUniqueOrThrow({ where: { id: jobs[2]!.id } })).status).toBe("QUEUED");
    expect(await agent.metrics.registry.getSingleMetricAsString("cellblock_agent_jobs_running")).toMatch(
      /^cellblock_agent_jobs_running 2$/m,
    );

    // One finishes: the third starts, beside the one still running.
    driver.release(names[0]!);
    await until("the third job running", () => driver.running.has(names[2]!));
    expect([...driver.running.keys()].sort()).toEqual([names[1]!, names[2]!].sort());
    expect((await db.job.findUniqueOrThrow({ where: { id: jobs[0]!.id } })).status).toBe("SUCCEEDED");

    driver.release(names[1]!);
    driver.release(names[2]!);
    await until(
      "every job reported",
      async () => (await db.job.count({ where: { id: { in: jobs.map((j) => j.id) }, status: "SUCCEEDED" } })) === 3,
    );
    expect(driver.maxAtOnce).toBe(2);
    expect(Math.max(...cp.stats.leaseMax)).toBeLessThanOrEqual(2);
    // The agent's metrics counted the same three jobs (host-agent/metrics.ts).
    const text = await agent.metrics.registry.metrics();
    expect(text).toMatch(/^cellblock_agent_jobs_total\{type="START",outcome="SUCCEEDED"\} 3$/m);
    expect(text).toMatch(/^cellblock_agent_jobs_running 0$/m);
    expect(text).toMatch(/^cellblock_agent_job_duration_seconds_count\{type="START"\} 3$/m);
    expect(text).toMatch(/^cellblock_agent_control_plane_up 1$/m);
  });

  it("a job leased again while it runs here is carried on as the new attempt, not run a second time", async () => {
    const host = await createHost();
    const name = `cbreleased${uid()}`;
    const job = await db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, type: "START", payload: { name } }));
    const cp = await controlPlane(host.id);
    cleanups.push(cp.close);
    const driver = new GatedDriver();
    const logs: string[] = [];
    startAgent(host, cp, driver, (l) => logs.push(l));
    await until("the job running", () => driver.running.has(name));

    // The lease runs out while the driver still works (renewals lost, say): the next lease
    // hands the job to this agent again, as attempt 2.
    await db.job.update({ where: { id: job.id }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    await until("attempt 2 leased", async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).attempts === 2);
    await until("the adoption logged", () => logs.some((l) => l.includes("leased again (attempt 2) while attempt 1 runs here")));
    expect(driver.started).toEqual([name]);

    driver.release(name);
    await until("the job reported", async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status === "SUCCEEDED");
    expect(driver.started).toEqual([name]);
    expect(driver.maxAtOnce).toBe(1);
    expect(logs.filter((l) => /refused|dropped/.test(l))).toEqual([]);
  });

  // bench/dispatch's p95 of ~220 ms came from here: with both slots busy the loop slept 200 ms
  // at a time, so a job queued meanwhile waited for that sleep after a slot had freed. With the
  // clock stopped (no timer fires), freeing a slot must still get the waiting job leased and
  // started: the loop waits on the slot, not on a timer.
  it("leases the next job the moment a slot frees, without waiting for any timer", async () => {
    const host = await createHost();
    const names = ["a", "b", "c"].map((x) => `cbslot${x}${uid()}`);
    const jobs: Array<{ id: string }> = [];
    for (const name of names.slice(0, 2)) {
      jobs.push(await db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, type: "START", payload: { name } })));
    }
    const cp = await controlPlane(host.id);
    cleanups.push(cp.close);
    const driver = new GatedDriver();
    const agent = startAgent(host, cp, driver);
    await until("two jobs running", () => driver.running.size === 2);
    // Both slots busy; the third job is queued now, so only a freed slot can bring it in.
    jobs.push(await db.$transaction((tx) => enqueueJob(tx, { hostId: host.id, type: "START", payload: { name: names[2]! } })));

    const realSetTimeout = globalThis.setTimeout;
    const realWait = (ms: number) => new Promise((r) => realSetTimeout(r, ms));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      // Let a sleep that began before the clock stopped run out (it ends within 250 ms).
      await realWait(400);
      driver.release(names[0]!);
      const deadline = Date.now() + 20_000;
      while (!driver.running.has(names[2]!) && Date.now() < deadline) await realWait(20);
      expect([...driver.running.keys()].sort()).toEqual([names[1]!, names[2]!].sort());
    } finally {
      // Fire what was scheduled while the clock stood still, so every loop sees the stop.
      agent.stop();
      await vi.runOnlyPendingTimersAsync();
      vi.useRealTimers();
    }
  });
});

describe("agent heartbeat pace", () => {
  it("beats at the slower pace a heartbeat answer asks for, and back at its own when the answer stops asking", async () => {
    const host = await createHost();
    const cp = await controlPlane(host.id);
    cleanups.push(cp.close);
    cp.stats.heartbeatIntervalSeconds = 3;
    const lines: string[] = [];
    const agent = startAgent(host, cp, new GatedDriver(), (l) => lines.push(l));
    const pace = () => (agent as unknown as { heartbeatMs: number }).heartbeatMs;
    // Its own pace here is AGENT_HEARTBEAT_SECONDS=1 (set at the top of this file).
    await until("the first heartbeat answered", () => pace() === 3000);
    expect(lines).toContain("heartbeat every 3 s (the control plane's pace for its fleet)");
    const beats = cp.stats.heartbeats;
    await new Promise((r) => setTimeout(r, 1500));
    // At its own 1 s pace a second beat would have gone by now.
    expect(cp.stats.heartbeats).toBe(beats);
    cp.stats.heartbeatIntervalSeconds = undefined;
    await until("its own pace again", () => pace() === 1000, 10_000);
    // A control plane asking for faster than the agent's own pace is not followed.
    cp.stats.heartbeatIntervalSeconds = 1;
    const after = cp.stats.heartbeats;
    await until("another heartbeat", () => cp.stats.heartbeats > after, 10_000);
    expect(pace()).toBe(1000);
  });
});

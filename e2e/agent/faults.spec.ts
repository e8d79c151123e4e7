import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { enrolledHost, kill, startAgent, until } from "../helpers/agents";
import { requireEnv } from "../helpers/env";
import { exec, lxcState, orderJailOn, prisma, waitForJob } from "../helpers/jobs";

const children: ChildProcess[] = [];
test.afterEach(() => {
  for (const c of children.splice(0)) kill(c);
});

test("an agent killed with SIGKILL in the middle of a create is restarted, and the job completes exactly once", async () => {
  test.setTimeout(120_000);
  const { host, config } = await enrolledHost(requireEnv("E2E_BASE_URL"));
  // Pause between "container made" and "job reported", so the kill lands in the worst place.
  const first = startAgent(config, { CELLBLOCK_FAULT_PAUSE_AFTER_CREATE_MS: "20000" });
  children.push(first);
  const { jail, job } = await orderJailOn(host.id);
  await until("the container to be made", async () => fs.existsSync(`/var/lib/lxc/${jail.name}/cellblock-created`), 30_000);
  kill(first, "SIGKILL");
  expect((await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("RUNNING");

  children.push(startAgent(config));
  const done = await waitForJob(job.id, 60_000); // the lease (12 s here) expires, the job is handed out again
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");
  expect(done.attempts).toBe(2);
  expect(JSON.stringify(done.result)).toContain("adopted an existing jail");

  // Exactly one of everything: one container of that name, running; one CREATE job; one
  // address of each kind.
  const { stdout } = await exec("lxc-ls", ["-1"]);
  expect(stdout.split("\n").filter((n) => n === jail.name)).toHaveLength(1);
  expect(await lxcState(jail.name)).toBe("RUNNING");
  expect(await prisma().job.count({ where: { jailId: jail.id, type: "CREATE" } })).toBe(1);
  const ips = await prisma().ipAddress.findMany({ where: { jailId: jail.id } });
  expect(ips.map((i) => i.kind).sort()).toEqual(["PRIVATE", "PUBLIC"]);
  expect((await prisma().jail.findUniqueOrThrow({ where: { id: jail.id } })).state).toBe("RUNNING");
});

test("the control plane stopped for a while loses no usage sample and double-counts none", async () => {
  test.setTimeout(150_000);
  // A second web server on the same database, ours to stop and start.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: requireEnv("E2E_DATABASE_URL"),
    APP_URL: url,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    USAGE_INTERVAL: "1",
  };
  const startServer = () => {
    const s = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      cwd: process.cwd(),
      detached: true,
      stdio: "ignore",
      env: serverEnv,
    });
    children.push(s);
    return s;
  };
  let server = startServer();
  await until("the second web server", async () => (await fetch(`${url}/login`).catch(() => null))?.ok, 60_000);

  const { host, config, stateDir } = await enrolledHost(url);
  children.push(startAgent(config, { USAGE_INTERVAL: "1" }));
  const { jail, job } = await orderJailOn(host.id);
  expect((await waitForJob(job.id)).status).toBe("SUCCEEDED");
  const samples = () => prisma().usageSample.findMany({ where: { jailId: jail.id }, orderBy: { sampledAt: "asc" } });
  await until("usage samples", async () => (await samples()).length >= 3);

  kill(server, "SIGKILL");
  const spool = path.join(stateDir, "spool", "usage");
  await until(
    "the agent to spool usage",
    async () => fs.existsSync(spool) && fs.readdirSync(spool).filter((f) => f.endsWith(".json")).length >= 4,
    30_000,
  );
  const outageStart = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  server = startServer();
  await until("the spool to drain", async () => fs.readdirSync(spool).filter((f) => f.endsWith(".json")).length === 0, 60_000);
  await new Promise((r) => setTimeout(r, 2500));

  const rows = await samples();
  const times = rows.map((r) => r.sampledAt.getTime());
  expect(new Set(times).size).toBe(times.length); // one row per (jail, time)
  // No gap wider than a few intervals across the outage: the spooled samples arrived.
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  expect(Math.max(...gaps)).toBeLessThan(4000);
  expect(times.some((t) => t >= outageStart && t <= outageStart + 3000)).toBe(true);
  // Resending everything the agent sent (as a spool flush after a crash would) adds nothing.
  const secret = JSON.parse(fs.readFileSync(config, "utf8")).secret as string;
  const resend = await fetch(`${url}/api/agent/usage`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      samples: rows.map((r) => ({
        jail: jail.name,
        sampledAt: r.sampledAt.toISOString(),
        diskBytes: 1,
        memoryBytes: 1,
        cpuPercent: 1,
        processes: 1,
        netRxBytes: 999_999,
        netTxBytes: 999_999,
      })),
    }),
  });
  expect(await resend.json()).toMatchObject({ accepted: 0, duplicates: rows.length });
  const total = await prisma().usageSample.aggregate({ where: { jailId: jail.id }, _sum: { netRxBytes: true } });
  expect(total._sum.netRxBytes).toBe(rows.reduce((a, r) => a + r.netRxBytes, 0n));
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

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
  test.setTimeout(240_000);
  const { host, config } = await enrolledHost(requireEnv("E2E_BASE_URL"));
  // Pause between "container made" and "job reported", so the kill lands in the worst place.
  const first = startAgent(config, { CELLBLOCK_FAULT_PAUSE_AFTER_CREATE_MS: "20000" });
  children.push(first);
  const { jail, job } = await orderJailOn(host.id);
  await until("the container to be made", async () => fs.existsSync(`/var/lib/lxc/${jail.name}/cellblock-created`), 90_000);
  kill(first, "SIGKILL");
  // Not finished. (RUNNING, or already back in the queue: on a loaded machine the 12 s lease
  // can run out while lxc-create is still working, and the worker's sweep requeues it.)
  expect(["RUNNING", "QUEUED"]).toContain((await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).status);

  children.push(startAgent(config));
  const done = await waitForJob(job.id, 120_000); // the lease (12 s here) expires, the job is handed out again
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");
  expect(done.attempts).toBeGreaterThanOrEqual(2);
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

  // This host has no bridge, so the jail has no network: loopback only, and its config says so.
  const { stdout: netdev } = await exec("lxc-attach", ["-n", jail.name, "--", "/bin/cat", "/proc/net/dev"]);
  const interfaces = netdev
    .split("\n")
    .slice(2)
    .map((l) => l.split(":")[0]!.trim())
    .filter(Boolean);
  expect(interfaces).toEqual(["lo"]);
  expect(fs.readFileSync(`/var/lib/lxc/${jail.name}/config`, "utf8")).toMatch(/^lxc\.net\.0\.type = empty$/m);
});

test("a container left half-made by a kill inside lxc-create is made again, not adopted", async () => {
  test.setTimeout(240_000);
  const { host, config } = await enrolledHost(requireEnv("E2E_BASE_URL"));
  const { jail, job } = await orderJailOn(host.id);
  // What a kill inside lxc-create leaves behind: a container of that name without the driver's
  // "finished" marker (here with a file in it, to tell the two containers apart).
  const dir = `/var/lib/lxc/${jail.name}`;
  await exec("lxc-create", ["-n", jail.name, "-t", "busybox"]);
  fs.writeFileSync(`${dir}/rootfs/left-by-the-killed-attempt`, "x");
  expect(fs.existsSync(`${dir}/cellblock-created`)).toBe(false);

  children.push(startAgent(config));
  const done = await waitForJob(job.id, 180_000);
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");
  expect(JSON.stringify(done.result)).not.toContain("adopted");
  expect(fs.existsSync(`${dir}/rootfs/left-by-the-killed-attempt`)).toBe(false);
  expect(fs.existsSync(`${dir}/cellblock-created`)).toBe(true);
  expect(await lxcState(jail.name)).toBe("RUNNING");
  const { stdout } = await exec("lxc-attach", ["-n", jail.name, "--", "/bin/hostname"]);
  expect(stdout.trim()).toBe(jail.hostname);
});

test("the control plane stopped for a while loses no usage sample and double-counts none", async () => {
  test.setTimeout(300_000);
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
  await until("the second web server", async () => (await fetch(`${url}/login`).catch(() => null))?.ok, 120_000);

  const { host, config, stateDir } = await enrolledHost(url);
  children.push(startAgent(config, { USAGE_INTERVAL: "1" }));
  const { jail, job } = await orderJailOn(host.id);
  expect((await waitForJob(job.id)).status).toBe("SUCCEEDED");
  const samples = () => prisma().usageSample.findMany({ where: { jailId: jail.id }, orderBy: { sampledAt: "asc" } });
  await until("usage samples", async () => (await samples()).length >= 3, 60_000);

  // Everything the agent puts in its usage spool from here on, as it was written there.
  type Spooled = { jail: string; sampledAt: string; diskBytes: number; memoryBytes: number; netRxBytes: number; netTxBytes: number };
  const spool = path.join(stateDir, "spool", "usage");
  const spooled = new Map<string, Spooled>();
  const spoolFiles = () => (fs.existsSync(spool) ? fs.readdirSync(spool).filter((f) => f.endsWith(".json")) : []);
  const readSpool = () => {
    const files = spoolFiles();
    for (const f of files) {
      try {
        const item = JSON.parse(fs.readFileSync(path.join(spool, f), "utf8")) as { samples: Spooled[] };
        for (const s of item.samples) if (s.jail === jail.name) spooled.set(s.sampledAt, s);
      } catch {
        // delivered and removed between readdir and read: it was read on an earlier pass or is in the database
      }
    }
    return files.length;
  };

  kill(server, "SIGKILL");
  await until("the agent to spool four batches while the control plane is down", async () => readSpool() >= 4, 60_000);
  server = startServer();
  await until("the spool to drain", async () => readSpool() === 0, 120_000);
  expect(spooled.size).toBeGreaterThanOrEqual(4);

  // Every sample that waited in the spool is in the database exactly once, as the agent measured it.
  const rows = await samples();
  const stored = rows.filter((r) => spooled.has(r.sampledAt.toISOString()));
  expect(stored).toHaveLength(spooled.size);
  for (const r of stored) {
    const s = spooled.get(r.sampledAt.toISOString())!;
    expect([r.diskBytes, r.memoryBytes, r.netRxBytes, r.netTxBytes]).toEqual(
      [s.diskBytes, s.memoryBytes, s.netRxBytes, s.netTxBytes].map(BigInt),
    );
  }
  const times = rows.map((r) => r.sampledAt.getTime());
  expect(new Set(times).size).toBe(times.length); // one row per (jail, time)

  // Resending everything (as a spool flush after a crash would), with other figures, adds and changes nothing.
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
  expect(await resend.json()).toEqual({ accepted: 0, duplicates: rows.length, rejected: 0 });
  const after = await prisma().usageSample.findMany({
    where: { jailId: jail.id, sampledAt: { lte: rows.at(-1)!.sampledAt } },
    orderBy: { sampledAt: "asc" },
  });
  expect(after).toEqual(rows);
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

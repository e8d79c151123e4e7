import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { logInWithTotp } from "../helpers/auth";
import { requireEnv, seeded } from "../helpers/env";
import { exec, expectGoneFromHost, lxcState, orderJailOn, prisma, queueJob, waitForJob } from "../helpers/jobs";

let agent: ChildProcess | undefined;
test.afterAll(() => {
  if (agent?.pid) process.kill(-agent.pid, "SIGTERM");
});

test("an admin enrols a host in the console, runs the shown command, and the agent creates and destroys a real container", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const suffix = Math.random().toString(36).slice(2, 8);
  const octet = 10 + Math.floor(Math.random() * 200);
  await logInWithTotp(page, seeded.admin);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/hosts/new");
  await page.getByLabel("Name").fill(`e2e-${suffix}`);
  await page.getByLabel("FQDN").fill(`e2e-${suffix}.example.test`);
  await page.getByLabel("Driver").selectOption("LXC");
  await page.getByLabel("Private netblock").fill(`10.240.${octet}.0/24`);
  await page.getByLabel("Public address pool").fill(`198.19.${octet}.0/28`);
  await page.getByRole("button", { name: "Add host" }).click();
  const line = await page.getByTestId("enroll-line").textContent();
  const runLine = await page.getByTestId("run-line").textContent();
  expect(line).toMatch(/^node \/usr\/local\/libexec\/cellblock-agent\.mjs enroll --url \S+ --token=\S+ --config \S+/);

  // Run the shown commands as an operator would (argv split on spaces), with the bundle npm
  // test built where the operator would have copied it, and the configuration in a temp
  // directory instead of /etc.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-agent-"));
  const config = path.join(dir, "agent.json");
  const argv = line!
    .trim()
    .split(/\s+/)
    .map((a, i, all) => (all[i - 1] === "--config" ? config : a.endsWith("/cellblock-agent.mjs") ? requireEnv("E2E_AGENT_BUNDLE") : a));
  await exec(argv[0]!, argv.slice(1), { cwd: process.cwd() });
  expect(fs.statSync(config).mode & 0o777).toBe(0o600);

  // Enrolled (ACTIVE) but not heard from yet, so not yet a candidate for new jails. The admin
  // drains it before its agent starts: orders placed by the other worker's specs must keep
  // going to the host "local", and this one's job below is queued for it directly.
  const host = await prisma().host.findUniqueOrThrow({ where: { name: `e2e-${suffix}` } });
  expect(host).toMatchObject({ status: "ACTIVE", lastHeartbeatAt: null });
  await page.goto(`/admin/hosts/${host.id}`);
  await page.getByRole("button", { name: "Drain (take no new jails)" }).click();
  await expect(page.getByText("draining", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Activate" })).toBeVisible();
  expect((await prisma().host.findUniqueOrThrow({ where: { id: host.id } })).status).toBe("DRAINING");
  const runArgv = runLine!
    .trim()
    .split(/\s+/)
    .map((a, i, all) => (all[i - 1] === "--config" ? config : a.endsWith("/cellblock-agent.mjs") ? requireEnv("E2E_AGENT_BUNDLE") : a));
  agent = spawn(runArgv[0]!, runArgv.slice(1), {
    cwd: process.cwd(),
    detached: true,
    stdio: "ignore",
    env: { ...process.env, AGENT_HEARTBEAT_SECONDS: "1" },
  });

  await expect(async () => {
    await page.reload();
    await expect(page.getByText("online", { exact: true })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // A job for that host is leased and completed; the container really exists.
  const { jail, job } = await orderJailOn(host.id);
  const done = await waitForJob(job.id);
  expect(done.status, done.error ?? "").toBe("SUCCEEDED");
  expect(done.leasedBy).toBeNull();
  expect(await lxcState(jail.name)).toBe("RUNNING");
  const { stdout: hostname } = await exec("lxc-attach", ["-n", jail.name, "--", "/bin/hostname"]);
  expect(hostname.trim()).toBe(jail.hostname);
  expect(await prisma().jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "RUNNING" });

  await page.goto(`/admin/jobs?hostId=${host.id}`);
  await expect(page.getByTestId(`job-row-${job.id}`)).toContainText("Done");

  // Destroy: gone from the host, addresses back in the pool.
  const destroy = await queueJob(host.id, jail.id, "DESTROY", jail.name);
  expect((await waitForJob(destroy.id)).status).toBe("SUCCEEDED");
  await expectGoneFromHost(jail.name);
  expect(await prisma().ipAddress.count({ where: { jailId: jail.id } })).toBe(0);
});

// The customer portal against a real host: the agent `npm test` starts for the host "local"
// runs every job in a real LXC container on this machine, and each step is checked twice —
// on the page (without reloading it) and on the host (lxc-info, lxc-cgroup, lxc-attach).
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { verify } from "unixcrypt";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { exec, expectGoneFromHost, lxcState } from "../helpers/jobs";
import { randomHostname, signUp } from "../helpers/portal";
import { makeSshKey } from "../helpers/ssh-keys";
import { chooseTemplate } from "../helpers/templates";

test.setTimeout(10 * 60_000);

const onHost = async (name: string, ...argv: string[]) => (await exec("lxc-attach", ["-n", name, "--", ...argv])).stdout;
const cgroup = async (name: string, key: string) => (await exec("lxc-cgroup", ["-n", name, key])).stdout.trim();

/**
 * The container's config as the driver keeps it: exactly one managed block at the end, one
 * line per key in it however often it was rewritten, and none of those keys (but the
 * capability drop the distribution's own include also sets) left in the base part above it.
 * Returns the block's settings.
 */
function managedSettings(name: string): Record<string, string> {
  const lines = fs
    .readFileSync(`/var/lib/lxc/${name}/config`, "utf8")
    .split("\n")
    .map((l) => l.trim());
  const marker = lines.findIndex((l) => l.startsWith("# --- cellblock managed"));
  expect(marker, "managed block").toBeGreaterThanOrEqual(0);
  expect(
    lines.filter((l) => l.startsWith("# --- cellblock managed")),
    "managed blocks",
  ).toHaveLength(1);
  const keyOf = (l: string) => l.split("=")[0]!.trim();
  const base = lines.slice(0, marker);
  const block = lines.slice(marker + 1).filter(Boolean);
  const settings: Record<string, string> = {};
  for (const key of [
    "lxc.uts.name",
    "lxc.net.0.type",
    "lxc.cgroup.memory.limit_in_bytes",
    "lxc.cgroup.pids.max",
    "lxc.cgroup.cpu.cfs_period_us",
    "lxc.cgroup.cpu.cfs_quota_us",
    "lxc.cap.drop",
  ]) {
    const found = block.filter((l) => keyOf(l) === key);
    expect(found, `${key} in the managed block`).toHaveLength(1);
    if (key !== "lxc.cap.drop")
      expect(
        base.filter((l) => keyOf(l) === key),
        `${key} above the managed block`,
      ).toEqual([]);
    settings[key] = found[0]!.split("=").slice(1).join("=").trim();
  }
  expect(new Set(block.map(keyOf)).size, "one line per key in the managed block").toBe(block.length);
  return settings;
}

/** The plan's limits, read back from the running container's cgroups. */
async function limitsOnHost(name: string) {
  return {
    memory: await cgroup(name, "memory.limit_in_bytes"),
    pids: await cgroup(name, "pids.max"),
    cpuPeriod: await cgroup(name, "cpu.cfs_period_us"),
    cpuQuota: await cgroup(name, "cpu.cfs_quota_us"),
  };
}

async function state(page: Page) {
  return page.getByTestId("jail-state").first();
}

/** The page shows no open job any more, and the database agrees. */
async function settled(page: Page, jailId: string) {
  await expect.poll(() => count("Job", `"jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [jailId]), { timeout: 120_000 }).toBe(0);
  await expect(page.getByTestId("job-in-progress")).toHaveCount(0, { timeout: 30_000 });
  const failed = await sql<{ type: string; error: string }>(
    `SELECT "type", "error" FROM "Job" WHERE "jailId" = $1 AND "status" = 'FAILED'`,
    [jailId],
  );
  expect(failed, JSON.stringify(failed)).toEqual([]);
}

test("order → running on the host with the plan's limits; stop, start, restart, password, key, plan, reinstall, cancel", async ({
  page,
}) => {
  await signUp(page, "/order?plan=cell");
  await expect(page).toHaveURL(/\/order\?plan=cell$/);
  const hostname = randomHostname("real");
  await chooseTemplate(page);
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const id = page.url().split("/").pop()!;
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

  const [row] = await sql<{ name: string; hostId: string }>(`SELECT "name", "hostId" FROM "Jail" WHERE "id" = $1`, [id]);
  const name = row!.name;
  expect(row!.hostId, "the order should land on the agent's host").toBe(requireEnv("E2E_LOCAL_HOST_ID"));

  // Queued → provisioning → running, followed by the page itself.
  await expect(await state(page)).toHaveText("Running", { timeout: 120_000 });
  await settled(page, id);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  expect(await lxcState(name)).toBe("RUNNING");
  expect((await onHost(name, "/bin/hostname")).trim()).toBe(hostname);
  // Cell: 100 MB process space, 40 processes, a quarter of one core.
  expect(await limitsOnHost(name)).toEqual({ memory: String(100 * 1024 * 1024), pids: "40", cpuPeriod: "100000", cpuQuota: "25000" });
  expect(managedSettings(name)).toMatchObject({
    "lxc.uts.name": hostname,
    "lxc.cgroup.cpu.cfs_quota_us": "25000",
    "lxc.cap.drop": "sys_admin",
  });

  // Hostname lockdown: root inside the jail cannot rename it (CAP_SYS_ADMIN is not in the
  // jail's bounding set), so the name the panel shows stays the truth.
  const rename = await exec("lxc-attach", ["-n", name, "--", "/bin/hostname", "renamed.example.test"]).then(
    () => "renamed",
    (err: { stderr?: string }) => err.stderr ?? "refused",
  );
  expect(rename).toMatch(/not permitted/i);
  expect((await onHost(name, "/bin/hostname")).trim()).toBe(hostname);
  const capBnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await onHost(name, "/bin/cat", "/proc/1/status"))?.[1];
  expect(capBnd, "init's capability bounding set").toBeDefined();
  expect(BigInt(`0x${capBnd}`) & (1n << 21n), "CAP_SYS_ADMIN (21) in the bounding set").toBe(0n);
  const publicIp = (await sql<{ address: string }>(`SELECT "address" FROM "IpAddress" WHERE "jailId" = $1 AND "kind" = 'PUBLIC'`, [id]))[0]!
    .address;
  await expect(page.getByTestId("ssh-command")).toHaveText(`ssh root@${publicIp}`);

  // Stop and start.
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(await state(page)).toHaveText("Stopped", { timeout: 90_000 });
  await settled(page, id);
  expect(await lxcState(name)).toBe("STOPPED");
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(await state(page)).toHaveText("Running", { timeout: 90_000 });
  await settled(page, id);
  expect(await lxcState(name)).toBe("RUNNING");

  // Restart: a new init process, still running.
  const pidBefore = (await exec("lxc-info", ["-n", name, "-p"])).stdout;
  await page.getByRole("button", { name: "Restart" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Restarting");
  await settled(page, id);
  expect(await lxcState(name)).toBe("RUNNING");
  expect((await exec("lxc-info", ["-n", name, "-p"])).stdout).not.toBe(pidBefore);

  // Root password: the jail's /etc/shadow gets a hash of exactly what was typed.
  const password = `Real-root-${Date.now()}`;
  const setPassword = page.getByRole("form", { name: "Set root password" }); // the reinstall form has its own
  await setPassword.getByLabel("New root password").fill(password);
  await setPassword.getByLabel("Root password again").fill(password);
  await setPassword.getByRole("button", { name: "Set root password" }).click();
  await expect(page.getByText("The new root password is on its way to the jail.")).toBeVisible();
  await settled(page, id);
  const shadow = await onHost(name, "/bin/cat", "/etc/shadow");
  const rootLine = shadow.split("\n").find((l) => l.startsWith("root:"));
  expect(rootLine, shadow).toBeDefined();
  expect(verify(password, rootLine!.split(":")[1]!)).toBe(true);

  // An SSH key lands in root's authorized_keys.
  const key = makeSshKey("ed25519");
  await page.getByLabel("Public key").fill(key.line);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByTestId("ssh-keys")).toContainText(key.fingerprint);
  await settled(page, id);
  expect(await onHost(name, "/bin/cat", "/root/.ssh/authorized_keys")).toContain(key.line);

  // Upgrade to Block: the host's limits follow.
  await page.getByLabel("New plan").selectOption("block");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("Upgraded: the new limits are being applied.")).toBeVisible();
  await settled(page, id);
  expect(await limitsOnHost(name)).toEqual({ memory: String(256 * 1024 * 1024), pids: "80", cpuPeriod: "100000", cpuQuota: "50000" });

  // And again to Yard: still one managed block with one line per setting, holding Yard's values.
  await page.getByLabel("New plan").selectOption("yard");
  await page.getByRole("button", { name: "Change plan" }).click();
  // The same message is still on the page from the first upgrade: wait for the second job.
  await expect.poll(() => count("Job", `"jailId" = $1 AND "type" = 'SET_LIMITS'`, [id])).toBe(2);
  await settled(page, id);
  const yard = { memory: String(1024 * 1024 * 1024), pids: "256", cpuPeriod: "100000", cpuQuota: "100000" };
  expect(await limitsOnHost(name)).toEqual(yard);
  expect(managedSettings(name)).toMatchObject({
    "lxc.uts.name": hostname,
    "lxc.cgroup.memory.limit_in_bytes": yard.memory,
    "lxc.cgroup.pids.max": "256",
    "lxc.cgroup.cpu.cfs_quota_us": "100000",
    "lxc.cap.drop": "sys_admin",
  });

  // Usage samples from the agent reach the page's charts.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("usage-charts")).not.toHaveAttribute("data-points", "0", { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  expect(await count("UsageSample", `"jailId" = $1`, [id])).toBeGreaterThan(0);
  await page.screenshot({ path: "test-results/portal-real-jail.png", fullPage: true });

  // Reinstall wipes the files but keeps hostname, limits and keys.
  await onHost(name, "/bin/touch", "/root/customer-file");
  const reinstall = page.getByRole("form", { name: "Reinstall from template" });
  await reinstall.getByLabel(/Type .* to confirm/).fill(hostname);
  await reinstall.getByRole("button", { name: "Reinstall from template" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Reinstalling");
  await expect(await state(page)).toHaveText("Running", { timeout: 120_000 });
  await settled(page, id);
  expect(await lxcState(name)).toBe("RUNNING");
  await expect(onHost(name, "/bin/ls", "/root/customer-file")).rejects.toThrow();
  expect((await onHost(name, "/bin/hostname")).trim()).toBe(hostname);
  expect(await limitsOnHost(name)).toEqual(yard);
  expect(managedSettings(name)["lxc.cgroup.memory.limit_in_bytes"]).toBe(yard.memory);
  expect(await onHost(name, "/bin/cat", "/root/.ssh/authorized_keys")).toContain(key.line);

  // Cancel: gone from the host, addresses back in the pool.
  const cancel = page.getByRole("form", { name: "Cancel this jail" });
  await cancel.getByLabel(/Type .* to confirm/).fill(hostname);
  await cancel.getByRole("button", { name: "Cancel this jail" }).click();
  await expect(await state(page)).toHaveText("Destroyed", { timeout: 90_000 });
  await expectGoneFromHost(name);
  expect(await count("IpAddress", `"jailId" = $1`, [id])).toBe(0);
});

// Backups for real: the agent `npm test` starts for the host "local" backs a real LXC jail up
// with restic to the embedded backup server (`rclone serve restic --append-only
// --private-repos`), and restores it in place. A customer writes a file into the jail, backs
// up, deletes the file, restores: the file is back. Another customer gets "not found"; the
// admin's host page says how the jail's backups are doing.
import { expect, test, type Page } from "@playwright/test";
import { logInWithTotp } from "../helpers/auth";
import { count, sql } from "../helpers/db";
import { requireEnv, seeded } from "../helpers/env";
import { exec, lxcState } from "../helpers/jobs";
import { randomHostname, signUp } from "../helpers/portal";
import { chooseTemplate } from "../helpers/templates";

test.setTimeout(10 * 60_000);

const inJail = async (name: string, script: string) => (await exec("lxc-attach", ["-n", name, "--", "/bin/sh", "-c", script])).stdout;

/** No open job any more and none failed. */
async function settled(jailId: string) {
  await expect.poll(() => count("Job", `"jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [jailId]), { timeout: 180_000 }).toBe(0);
  const failed = await sql<{ type: string; error: string }>(
    `SELECT "type", "error" FROM "Job" WHERE "jailId" = $1 AND "status" = 'FAILED'`,
    [jailId],
  );
  expect(failed, JSON.stringify(failed)).toEqual([]);
}

async function orderRunningJail(page: Page) {
  await signUp(page, "/order?plan=cell");
  const hostname = randomHostname("bak");
  await chooseTemplate(page);
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 180_000 });
  await settled(id);
  const [row] = await sql<{ name: string; hostId: string }>(`SELECT "name", "hostId" FROM "Jail" WHERE "id" = $1`, [id]);
  expect(row!.hostId).toBe(requireEnv("E2E_LOCAL_HOST_ID"));
  return { id, hostname, name: row!.name };
}

test("write a file, back up, delete it, restore: the file is back; others get not found; the admin sees the health", async ({
  page,
  browser,
}) => {
  const { id, hostname, name } = await orderRunningJail(page);
  await expect(page.getByText("No backups yet.")).toBeVisible();

  await inJail(name, "echo 'precious data' > /root/precious.txt && sync");
  expect((await inJail(name, "cat /root/precious.txt")).trim()).toBe("precious data");

  // Back up now: the page says so in words while it runs, then lists it with its size.
  await page.getByRole("button", { name: "Back up now" }).click();
  await expect(page.getByText("Backing up: the host copies the jail's disk")).toBeVisible();
  await settled(id);
  const [backup] = await sql<{ id: string; status: string; snapshotId: string; sizeBytes: string }>(
    `SELECT "id", "status", "snapshotId", "sizeBytes"::text FROM "Backup" WHERE "jailId" = $1`,
    [id],
  );
  expect(backup).toMatchObject({ status: "SUCCEEDED" });
  expect(backup!.snapshotId).toMatch(/^[0-9a-f]{64}$/);
  expect(Number(backup!.sizeBytes)).toBeGreaterThan(0);
  await page.reload();
  await expect(page.locator('[data-testid="backup-row"][data-status="SUCCEEDED"]')).toHaveCount(1);
  // The ended job's payload has no secrets left.
  const [job] = await sql<{ payload: { secrets: unknown } }>(`SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'BACKUP'`, [id]);
  expect(job!.payload.secrets).toBe("[removed]");

  // The file goes; a restore with the wrong hostname changes nothing.
  await inJail(name, "rm /root/precious.txt && echo 'written later' > /root/later.txt && sync");
  const restore = page.getByRole("form", { name: "Restore this backup" });
  await restore.getByLabel(/Type .* to confirm/).fill("not-the-hostname.example.test");
  await expect(restore.getByRole("button", { name: "Restore this backup" })).toBeDisabled();
  expect(await count("Job", `"jailId" = $1 AND "type" = 'RESTORE'`, [id])).toBe(0);

  // Restore, confirmed by typing the hostname: the jail stops, its root is replaced, it runs again.
  await restore.getByLabel(/Type .* to confirm/).fill(hostname);
  await restore.getByRole("button", { name: "Restore this backup" }).click();
  await expect(page.getByText("Restoring: the jail stops")).toBeVisible();
  await settled(id);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 60_000 });
  expect(await lxcState(name)).toBe("RUNNING");
  expect((await inJail(name, "cat /root/precious.txt")).trim()).toBe("precious data");
  // Restored in place: what was written after the backup is gone with the old root.
  expect((await inJail(name, "ls /root")).split(/\s+/)).not.toContain("later.txt");

  // Another customer: not found.
  const other = await (await browser.newContext()).newPage();
  await signUp(other);
  const res = await other.goto(`/jails/${id}`);
  expect(res?.status()).toBe(404);
  await expect(other.getByText(hostname)).toHaveCount(0);

  // The admin's host page: the jail's backup health in words.
  const admin = await (await browser.newContext()).newPage();
  await logInWithTotp(admin, seeded.admin);
  await expect(admin).toHaveURL(/\/admin$/, { timeout: 45_000 });
  await admin.goto(`/admin/hosts/${requireEnv("E2E_LOCAL_HOST_ID")}`);
  await expect(admin.getByRole("row").filter({ hasText: hostname }).getByTestId("backup-health")).toContainText("backed up");
});

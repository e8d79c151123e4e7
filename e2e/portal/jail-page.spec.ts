// The jail page without a host agent: the agent's reports are written to the database the
// way the agent API writes them, and the page must follow without a reload. The same flows
// against real containers are in real-agent.spec.ts.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { agentFinishes, createFakeHost, seedJail, signUp } from "../helpers/portal";
import { makeSshKey } from "../helpers/ssh-keys";

let host: Awaited<ReturnType<typeof createFakeHost>>;
test.beforeAll(async () => {
  host = await createFakeHost();
});
test.afterAll(async () => host.stop());

async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
}

test("status follows the host without a reload: queued → provisioning → running, and a failure in words", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const jail = await seedJail(email, host.id, "RUNNING");
  await sql(`UPDATE "Jail" SET "state" = 'QUEUED', "jid" = NULL WHERE "id" = $1`, [jail.id]);
  await sql(
    `INSERT INTO "Job" ("id", "hostId", "jailId", "type", "payload", "idempotencyKey", "updatedAt") VALUES ($1, $2, $3, 'CREATE', '{}', $1, now())`,
    [`e2ejob${jail.id}`, host.id, jail.id],
  );
  await page.goto(`/jails/${jail.id}`);
  await markPage(page);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Queued");
  await expect(page.getByTestId("job-in-progress")).toContainText("Creating the jail… waiting for the host");
  await expect(page.getByTestId("host-key-fingerprint")).toHaveCount(0);

  // The agent leases the job.
  await sql(`UPDATE "Job" SET "status" = 'RUNNING', "startedAt" = now(), "attempts" = 1 WHERE "jailId" = $1`, [jail.id]);
  await sql(`UPDATE "Jail" SET "state" = 'PROVISIONING' WHERE "id" = $1`, [jail.id]);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Provisioning");
  await expect(page.getByTestId("job-in-progress")).toContainText("the host is on it");

  // ... and reports success with the jail's host key.
  await agentFinishes(jail.id, "RUNNING", { fingerprint: "SHA256:e2eHostKeyFingerprint0123456789abcdefghijk" });
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");
  await expect(page.getByTestId("host-key-fingerprint")).toHaveText("SHA256:e2eHostKeyFingerprint0123456789abcdefghijk");
  await expect(page.getByTestId("job-in-progress")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Stop" })).toBeEnabled();
  await expectNoReload(page);

  // A reinstall that fails after its retries: the reason in words, on the page and the dashboard.
  await sql(`UPDATE "Jail" SET "state" = 'FAILED', "lastError" = 'lxc-create: the template busybox could not be found' WHERE "id" = $1`, [
    jail.id,
  ]);
  await sql(
    `INSERT INTO "Job" ("id", "hostId", "jailId", "type", "payload", "idempotencyKey", "status", "error", "finishedAt", "updatedAt")
     VALUES ($1, $2, $3, 'REINSTALL', '{}', $1, 'FAILED', 'lxc-create: the template busybox could not be found', now(), now())`,
    [`e2ejobf${jail.id}`, host.id, jail.id],
  );
  await page.reload(); // an idle page refreshes only once a minute; do not wait for it
  await expect(page.getByTestId("jail-failure")).toHaveText("lxc-create: the template busybox could not be found");
  await page.goto("/dashboard");
  await expect(page.getByTestId("notices")).toContainText(
    `Installing ${jail.hostname} failed: lxc-create: the template busybox could not be found`,
  );
});

test("stop, start, password, keys, plan, reinstall and cancel from the page, each with its job and its refusals", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const jail = await seedJail(email, host.id, "RUNNING", "block");
  await page.goto(`/jails/${jail.id}`);
  await markPage(page);

  // Stop: the job is shown, conflicting buttons are disabled, and the page follows the host.
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Stopping…");
  for (const name of ["Start", "Stop", "Restart", "Reinstall from template", "Change plan"]) {
    await expect(page.getByRole("button", { name, exact: true })).toBeDisabled();
  }
  expect(await count("Job", `"jailId" = $1 AND "type" = 'STOP' AND "status" = 'QUEUED'`, [jail.id])).toBe(1);
  await agentFinishes(jail.id, "STOPPED");
  await expect(page.getByTestId("jail-state").first()).toHaveText("Stopped");
  await expect(page.getByRole("button", { name: "Start", exact: true })).toBeEnabled();
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Starting…");
  await agentFinishes(jail.id, "RUNNING");
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");

  // Root password: only a $6$ hash leaves the request; the password is in no table and no log.
  const password = `Root-${Date.now()}-pw!`;
  await page.getByLabel("New root password").fill(password);
  await page.getByLabel("Root password again").fill(password);
  await page.getByRole("button", { name: "Set root password" }).click();
  await expect(page.getByText("The new root password is on its way to the jail.")).toBeVisible();
  const [pw] = await sql<{ payload: { passwordHash: string } }>(
    `SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'SET_PASSWORD'`,
    [jail.id],
  );
  expect(pw!.payload.passwordHash).toMatch(/^\$6\$[./A-Za-z0-9]{16}\$[./A-Za-z0-9]{86}$/);
  expect(await count("Job", `"payload"::text LIKE $1`, [`%${password}%`])).toBe(0);
  expect(await count("AuditLog", `coalesce("data"::text, '') LIKE $1`, [`%${password}%`])).toBe(0);
  expect(fs.readFileSync(requireEnv("E2E_WEB_LOG"), "utf8")).not.toContain(password);
  await agentFinishes(jail.id, "RUNNING");

  // SSH keys: what is not a key, and a weak RSA key, are refused inline; a good key is listed.
  const keyField = page.getByLabel("Public key");
  await keyField.fill("this is not a key");
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByText("That is not an OpenSSH public key.")).toBeVisible();
  await keyField.fill(makeSshKey("rsa", 1024).line);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByText("This RSA key has 1024 bits. Use at least 2048 bits, or an ed25519 key.")).toBeVisible();
  expect(await count("SshKey", `"jailId" = $1`, [jail.id])).toBe(0);
  const key = makeSshKey("ed25519");
  await keyField.fill(key.line);
  await page.getByLabel("Label (optional)").fill("laptop");
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByTestId("ssh-keys")).toContainText(key.fingerprint);
  const [keysJob] = await sql<{ payload: { keys: string[] } }>(
    `SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'SET_SSH_KEYS' AND "status" = 'QUEUED'`,
    [jail.id],
  );
  expect(keysJob!.payload.keys).toEqual([key.line]);
  await agentFinishes(jail.id, "RUNNING");

  // Plan: a downgrade below the disk in use is refused with the reason; an upgrade queues SET_LIMITS.
  await sql(
    `INSERT INTO "UsageSample" ("jailId", "sampledAt", "hostId", "diskBytes", "memoryBytes", "cpuPercent", "processes", "netRxBytes", "netTxBytes")
     VALUES ($1, now() - interval '1 minute', $2, 5368709120, 80000000, 12.5, 9, 1000000, 2000000)`,
    [jail.id, host.id],
  );
  await page.getByLabel("New plan").selectOption("cell");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(
    page.getByText("Cell allows 4 GB of disk, but this jail uses 5.0 GB. Delete files until it uses less, then change the plan.").first(),
  ).toBeVisible();
  expect(await count("Job", `"jailId" = $1 AND "type" = 'SET_LIMITS'`, [jail.id])).toBe(0);
  await page.getByLabel("New plan").selectOption("yard");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("Upgraded: the new limits are being applied.")).toBeVisible();
  const [limits] = await sql<{ payload: { limits: { memoryMb: number; maxProcesses: number } } }>(
    `SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'SET_LIMITS'`,
    [jail.id],
  );
  expect(limits!.payload.limits).toMatchObject({ memoryMb: 1024, maxProcesses: 256 });
  await agentFinishes(jail.id, "RUNNING");
  await expect(page.getByTestId("meter-disk")).toContainText("5.0 GB of 25.0 GB");
  await expect(page.getByTestId("usage-charts")).not.toHaveAttribute("data-points", "0");
  await page.screenshot({ path: "test-results/portal-jail-page.png", fullPage: true });

  // Reinstall: the button wakes only for the exact hostname; then the jail is queued again.
  const reinstall = page.getByRole("form", { name: "Reinstall from template" });
  await reinstall.getByLabel(/Type .* to confirm/).fill("not-the-hostname.example.com");
  await expect(reinstall.getByRole("button", { name: "Reinstall from template" })).toBeDisabled();
  await reinstall.getByLabel(/Type .* to confirm/).fill(jail.hostname);
  await reinstall.getByRole("button", { name: "Reinstall from template" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Reinstalling from the template");
  await expect(page.getByTestId("jail-state").first()).toHaveText("Queued");
  const [re] = await sql<{ payload: { sshKeys: string[] } }>(`SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'REINSTALL'`, [
    jail.id,
  ]);
  expect(re!.payload.sshKeys).toEqual([key.line]);
  await agentFinishes(jail.id, "RUNNING");
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");

  // Cancel: confirmed by hostname; DESTROYING at once, DESTROYED with its addresses freed when the host says so.
  const cancel = page.getByRole("form", { name: "Cancel this jail" });
  await cancel.getByLabel(/Type .* to confirm/).fill(jail.hostname.toUpperCase());
  await cancel.getByRole("button", { name: "Cancel this jail" }).click();
  await expect(page.getByTestId("jail-state").first()).toHaveText("Cancelling");
  expect(await count("Job", `"jailId" = $1 AND "type" = 'DESTROY'`, [jail.id])).toBe(1);
  await agentFinishes(jail.id, "DESTROYED");
  await expect(page.getByTestId("jail-state").first()).toHaveText("Destroyed");
  expect(await count("IpAddress", `"jailId" = $1`, [jail.id])).toBe(0);
  await expectNoReload(page);

  // Activity: every job, newest first, with who asked.
  await page.goto(`/jails/${jail.id}/activity`);
  await expect(page.getByTestId("activity-row")).toHaveCount(7); // stop, start, password, keys, limits, reinstall, destroy
  await expect(page.getByTestId("activity-row").first()).toContainText("Cancel (destroy)");
  await expect(page.getByTestId("activity-row").first()).toContainText("Pat Portal");
});

test("a suspended account sees its jail but cannot start it", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const jail = await seedJail(email, host.id, "STOPPED");
  await sql(`UPDATE "Account" SET "status" = 'SUSPENDED' WHERE "id" = (SELECT "accountId" FROM "User" WHERE "email" = $1)`, [email]);
  await page.goto(`/jails/${jail.id}`);
  await expect(page.getByTestId("jail-hostname")).toHaveText(jail.hostname);
  await expect(page.getByRole("button", { name: "Start", exact: true })).toBeDisabled();
  await expect(page.getByText("Your account is suspended: jails cannot be started until it is settled.").first()).toBeVisible();
  // Forcing the form anyway changes nothing.
  await page.getByRole("form", { name: "Start", exact: true }).evaluate((el: HTMLFormElement) => {
    for (const b of Array.from(el.querySelectorAll("button"))) b.disabled = false;
    el.requestSubmit();
  });
  await expect(page.getByRole("form", { name: "Start", exact: true }).getByRole("alert")).toContainText("suspended");
  expect(await count("Job", `"jailId" = $1`, [jail.id])).toBe(0);
});

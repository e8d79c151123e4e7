// The jail page following each state a job passes through, without a reload. Each test has its
// own enrolled host, and the spec speaks the agent protocol for it (lease, complete, usage over
// HTTP with the host's secret), so every step — queued, leased, succeeded, failed — is reached
// through the control plane's own code and can be looked at as long as needed. The same flows
// against a real agent and real containers are in real-agent.spec.ts.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { AgentProtocol, enrolHost } from "../helpers/hosts";
import { orderFor, signUp } from "../helpers/portal";
import { makeSshKey } from "../helpers/ssh-keys";

test.setTimeout(180_000);

let agent: AgentProtocol;
test.beforeEach(async () => {
  agent = new AgentProtocol(await enrolHost({ tag: "page" }));
});

async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
}

test("status follows the host without a reload: queued → provisioning → running, and a failure in words", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const jail = await orderFor(email, agent.host.id);
  await page.goto(`/jails/${jail.id}`);
  await markPage(page);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Queued");
  await expect(page.getByTestId("job-in-progress")).toContainText("Creating the jail… waiting for the host");
  await expect(page.getByTestId("host-key-fingerprint")).toHaveCount(0);

  // The host leases the job.
  const create = await agent.leaseFor(jail.id);
  expect(create).toMatchObject({ id: jail.createJobId, type: "CREATE", attempt: 1 });
  await expect(page.getByTestId("jail-state").first()).toHaveText("Provisioning");
  await expect(page.getByTestId("job-in-progress")).toContainText("the host is on it");

  // ... and reports success with the jail's host key.
  const fingerprint = "SHA256:e2eHostKeyFingerprint0123456789abcdefghijk";
  expect(
    await agent.complete(create.id, { status: "SUCCEEDED", result: { jid: 7, running: true, sshHostKeyFingerprint: fingerprint } }),
  ).toEqual({
    status: "SUCCEEDED",
    duplicate: false,
  });
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");
  await expect(page.getByTestId("host-key-fingerprint")).toHaveText(fingerprint);
  await expect(page.getByTestId("job-in-progress")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Stop" })).toBeEnabled();
  await expectNoReload(page);

  // A reinstall: one retryable failure goes back to the queue, then a fatal one ends it, and
  // the reason is shown in words on the page and the dashboard.
  const reinstall = page.getByRole("form", { name: "Reinstall from template" });
  await reinstall.getByLabel(/Type .* to confirm/).fill(jail.hostname);
  await reinstall.getByRole("button", { name: "Reinstall from template" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Reinstalling from the template");
  const first = await agent.leaseFor(jail.id);
  expect(first.type).toBe("REINSTALL");
  expect(await agent.complete(first.id, { status: "FAILED", error: "lxc-create timed out", retryable: true })).toMatchObject({
    status: "QUEUED",
  });
  await expect(page.getByTestId("job-in-progress")).toContainText("Reinstalling from the template");
  // Due again after the backoff (about a second here): a long-poll lease picks it up.
  const second = await agent.leaseWhenDue(jail.id);
  expect(second).toMatchObject({ id: first.id, attempt: 2 });
  const reason = "tar: ./usr/lib/libc.so: Wrote only 512 of 10240 bytes: No space left on device";
  expect(await agent.complete(second.id, { status: "FAILED", error: reason, retryable: false })).toMatchObject({ status: "FAILED" });
  await page.reload(); // an idle page refreshes only once a minute; do not wait for it
  // The customer reads what happened in words, not the host's raw output.
  await expect(page.getByTestId("jail-failure")).toHaveText(
    "The jail's disk is full, which stopped reinstalling the jail. Delete files or move to a larger plan, then try again.",
  );
  await expect(page.getByText("Wrote only 512")).toHaveCount(0);
  await page.goto("/dashboard");
  await expect(page.getByTestId("notices")).toContainText(`Installing ${jail.hostname} failed: The jail's disk is full`);
});

test("stop, start, password, keys, plan, reinstall and cancel from the page, each with its job and its refusals", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const jail = await orderFor(email, agent.host.id, "block");
  expect(await agent.runOpenJobs(jail.id)).toEqual(["CREATE"]);
  await page.goto(`/jails/${jail.id}`);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");
  await markPage(page);

  // Stop: the job is shown, conflicting buttons are disabled, and the page follows the host.
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Stopping…");
  for (const name of ["Start", "Stop", "Restart", "Reinstall from template", "Change plan"]) {
    await expect(page.getByRole("button", { name, exact: true })).toBeDisabled();
  }
  expect(await count("Job", `"jailId" = $1 AND "type" = 'STOP' AND "status" = 'QUEUED'`, [jail.id])).toBe(1);
  expect(await agent.runOpenJobs(jail.id)).toEqual(["STOP"]);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Stopped");
  await expect(page.getByRole("button", { name: "Start", exact: true })).toBeEnabled();
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("job-in-progress")).toContainText("Starting…");
  expect(await agent.runOpenJobs(jail.id)).toEqual(["START"]);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");

  // Root password: only a $6$ hash leaves the request; the password is in no table and no log,
  // and the hash itself leaves the job's row once the host has applied it.
  const password = `Root-${Date.now()}-pw!`;
  const setPassword = page.getByRole("form", { name: "Set root password" }); // the reinstall form has its own
  await setPassword.getByLabel("New root password").fill(password);
  await setPassword.getByLabel("Root password again").fill(password);
  await setPassword.getByRole("button", { name: "Set root password" }).click();
  await expect(page.getByText("The new root password is on its way to the jail.")).toBeVisible();
  const [pw] = await sql<{ id: string; payload: { passwordHash: string } }>(
    `SELECT "id", "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'SET_PASSWORD'`,
    [jail.id],
  );
  expect(pw!.payload.passwordHash).toMatch(/^\$6\$[./A-Za-z0-9]{16}\$[./A-Za-z0-9]{86}$/);
  expect(await count("Job", `"payload"::text LIKE $1`, [`%${password}%`])).toBe(0);
  expect(await count("AuditLog", `coalesce("data"::text, '') LIKE $1`, [`%${password}%`])).toBe(0);
  expect(fs.readFileSync(requireEnv("E2E_WEB_LOG"), "utf8")).not.toContain(password);
  expect(await agent.runOpenJobs(jail.id)).toEqual(["SET_PASSWORD"]);
  const [scrubbed] = await sql<{ status: string; payload: { passwordHash: string } }>(
    `SELECT "status", "payload" FROM "Job" WHERE "id" = $1`,
    [pw!.id],
  );
  expect(scrubbed).toEqual({ status: "SUCCEEDED", payload: expect.objectContaining({ passwordHash: "[removed]" }) });

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
  expect(await agent.runOpenJobs(jail.id)).toEqual(["SET_SSH_KEYS"]);

  // Plan: the host reports 5 GB in use; a downgrade below that is refused with the reason, an
  // upgrade queues SET_LIMITS.
  const sampledAt = new Date(Date.now() - 60_000).toISOString();
  const reported = { jail: jail.name, sampledAt, diskBytes: 5 * 2 ** 30, memoryBytes: 80_000_000, cpuPercent: 12.5, processes: 9 };
  expect(await agent.usage([{ ...reported, netRxBytes: 1_000_000, netTxBytes: 2_000_000 }])).toEqual({
    accepted: 1,
    duplicates: 0,
    rejected: 0,
  });
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
  expect(await agent.runOpenJobs(jail.id)).toEqual(["SET_LIMITS"]);
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
  expect(await agent.runOpenJobs(jail.id)).toEqual(["REINSTALL"]);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running");

  // Cancel: confirmed by hostname; DESTROYING at once; DESTROYED with its addresses back in
  // the pool once the host reports the destroy.
  const addresses = await sql<{ id: string }>(`SELECT "id" FROM "IpAddress" WHERE "jailId" = $1`, [jail.id]);
  expect(addresses).toHaveLength(2);
  const cancel = page.getByRole("form", { name: "Cancel this jail" });
  await cancel.getByLabel(/Type .* to confirm/).fill(jail.hostname.toUpperCase());
  await cancel.getByRole("button", { name: "Cancel this jail" }).click();
  await expect(page.getByTestId("jail-state").first()).toHaveText("Cancelling");
  expect(await count("Job", `"jailId" = $1 AND "type" = 'DESTROY'`, [jail.id])).toBe(1);
  expect(await count("IpAddress", `"jailId" = $1`, [jail.id])).toBe(2); // held until the host confirms
  expect(await agent.runOpenJobs(jail.id)).toEqual(["DESTROY"]);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Destroyed");
  expect(await count("IpAddress", `"id" = ANY($1) AND "jailId" IS NULL AND "assignedAt" IS NULL`, [addresses.map((a) => a.id)])).toBe(2);
  await expectNoReload(page);

  // Activity: every job, newest first, with who asked.
  await page.goto(`/jails/${jail.id}/activity`);
  await expect(page.getByTestId("activity-row")).toHaveCount(8); // create, stop, start, password, keys, limits, reinstall, destroy
  await expect(page.getByTestId("activity-row").first()).toContainText("Cancel (destroy)");
  await expect(page.getByTestId("activity-row").first()).toContainText("Pat Portal");
});

// Suspension reaches the host: billing suspends an account whose jail is a real container on
// the host "local"; the STOP job the suspension queued is run by the real agent and the
// container stops; the customer cannot start it again; unsuspending starts it.
import { expect, test } from "@playwright/test";
import { signUpThroughForm, logInWithTotp } from "../helpers/auth";
import { count, sql } from "../helpers/db";
import { requireEnv, seeded } from "../helpers/env";
import { expectGoneFromHost, lxcState, orderJailOn, prisma, queueJob, waitForJob } from "../helpers/jobs";

test.setTimeout(300_000);

test("billing suspends an account: its running container is stopped on the host, stays stopped, and runs again when lifted", async ({
  browser,
}) => {
  const local = requireEnv("E2E_LOCAL_HOST_ID");
  const customer = await (await browser.newContext()).newPage();
  const { email } = await signUpThroughForm(customer);
  const [user] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]);
  const accountId = user!.accountId;
  const { jail, job } = await orderJailOn(local, { accountId });
  const created = await waitForJob(job.id, 180_000);
  expect(created.status, created.error ?? "").toBe("SUCCEEDED");
  expect(await lxcState(jail.name)).toBe("RUNNING");

  const clerk = await (await browser.newContext()).newPage();
  await logInWithTotp(clerk, seeded.billing);
  await expect(clerk).toHaveURL(/\/billing$/);
  await clerk.goto(`/billing/accounts/${accountId}`);
  const suspend = clerk.getByRole("form", { name: "Suspend account" });
  await suspend.getByLabel("Reason").fill("Invoice unpaid for 30 days");
  await suspend.getByRole("button", { name: "Suspend account" }).click();
  await expect(clerk.getByText("Suspended since")).toBeVisible();

  // The suspension's STOP job, run by the agent: the container is stopped on the host.
  const [stop] = await sql<{ id: string }>(`SELECT "id" FROM "Job" WHERE "jailId" = $1 AND "type" = 'STOP'`, [jail.id]);
  expect((await waitForJob(stop!.id, 120_000)).status).toBe("SUCCEEDED");
  expect(await lxcState(jail.name)).toBe("STOPPED");
  expect(await prisma().jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "STOPPED", desiredState: "STOPPED" });
  const [audit] = await sql<{ data: { stoppedJailIds: string[] } }>(
    `SELECT "data" FROM "AuditLog" WHERE "targetId" = $1 AND "action" = 'account.suspend' AND "actorRole" = 'BILLING'`,
    [accountId],
  );
  expect(audit!.data.stoppedJailIds).toEqual([jail.id]);

  // The customer sees the jail, cannot start it, and forcing the form changes nothing.
  await customer.goto(`/jails/${jail.id}`);
  await expect(customer.getByTestId("jail-state").first()).toHaveText("Stopped");
  await expect(customer.getByRole("button", { name: "Start", exact: true })).toBeDisabled();
  await expect(customer.getByText("Your account is suspended: jails cannot be started until it is settled.").first()).toBeVisible();
  await customer.getByRole("form", { name: "Start", exact: true }).evaluate((el: HTMLFormElement) => {
    for (const b of Array.from(el.querySelectorAll("button"))) b.disabled = false;
    el.requestSubmit();
  });
  await expect(customer.getByRole("form", { name: "Start", exact: true }).getByRole("alert")).toContainText("suspended");
  expect(await count("Job", `"jailId" = $1 AND "type" = 'START'`, [jail.id])).toBe(0);
  expect(await lxcState(jail.name)).toBe("STOPPED");

  // Lifted: exactly that jail is started again, on the host too.
  await clerk.getByRole("button", { name: "Unsuspend" }).click();
  await expect(clerk.getByRole("form", { name: "Suspend account" })).toBeVisible();
  await expect.poll(() => count("Job", `"jailId" = $1 AND "type" = 'START'`, [jail.id])).toBe(1);
  const [start] = await sql<{ id: string }>(`SELECT "id" FROM "Job" WHERE "jailId" = $1 AND "type" = 'START'`, [jail.id]);
  expect((await waitForJob(start!.id, 120_000)).status).toBe("SUCCEEDED");
  expect(await lxcState(jail.name)).toBe("RUNNING");
  expect(await count("AuditLog", `"targetId" = $1 AND "action" = 'account.unsuspend' AND "actorRole" = 'BILLING'`, [accountId])).toBe(1);

  // Leave the local host's address pool as it was.
  const destroy = await queueJob(local, jail.id, "DESTROY", jail.name);
  expect((await waitForJob(destroy.id, 120_000)).status).toBe("SUCCEEDED");
  await expectGoneFromHost(jail.name);
});

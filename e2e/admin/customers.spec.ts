// Issue 12, customers: an admin finds a customer by IP address and by hostname and reaches the
// jail in one click; from the account page staff send a reset link, keep a note and stop a jail.
import { expect, test } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { orderThroughForm, randomHostname, signUp } from "../helpers/portal";
import { linkIn, waitForMail } from "../helpers/mailbox";
import { adminPage } from "./helpers";

test("an admin finds a customer by IP address and by hostname, and reaches the jail in one click", async ({ browser, page }) => {
  const { email } = await signUp(page);
  const hostname = randomHostname("found");
  const jailId = await orderThroughForm(page, hostname);
  const [ip] = await sql<{ address: string }>(`SELECT "address" FROM "IpAddress" WHERE "jailId" = $1 AND "kind" = 'PUBLIC'`, [jailId]);

  const admin = await adminPage(browser);
  const search = async (q: string) => {
    await admin.goto("/admin/customers");
    await admin.getByLabel("Search customers").fill(q);
    await admin.getByRole("button", { name: "Search" }).click();
    await expect(admin).toHaveURL(/\/admin\/customers\?q=/);
  };
  await search(ip!.address);
  const byIp = admin.getByTestId("customer-result");
  await expect(byIp).toHaveCount(1);
  await expect(byIp).toContainText(`IP address ${ip!.address}`);
  await admin.screenshot({ path: "test-results/admin-customers-search.png", fullPage: true });
  await byIp.getByRole("link", { name: hostname }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/jails/${jailId}$`));
  await expect(admin.getByTestId("admin-jail-hostname")).toHaveText(hostname);
  await admin.screenshot({ path: "test-results/admin-jail.png", fullPage: true });

  await search(hostname.split(".")[1]!);
  await admin.getByTestId("customer-result").getByRole("link", { name: hostname }).click();
  await expect(admin.getByTestId("admin-jail-hostname")).toHaveText(hostname);

  // The account: a reset link goes to the customer (not to the admin's screen), a note stays
  // with staff, and a running jail is stopped — each audited on the account.
  await admin.getByRole("link", { name: "Pat's Jails" }).first().click();
  await expect(admin.getByTestId("account-jail")).toContainText(hostname);
  await admin.getByRole("button", { name: "Send a password-reset link" }).click();
  await admin.getByRole("button", { name: "Send the link" }).click();
  await expect(admin.getByText(`A reset link is on its way to ${email}. You will not see it: only they can use it.`)).toBeVisible();
  const link = linkIn(await waitForMail(email, /Reset your Cellblock password/), "/reset-password");
  expect(await admin.content()).not.toContain(link.split("token=")[1]);
  await admin.getByLabel("Note", { exact: true }).fill("Asked for a reset by phone; identity checked.");
  await admin.getByRole("button", { name: "Add note" }).click();
  await expect(admin.getByTestId("account-notes")).toContainText("Asked for a reset by phone; identity checked.");

  await expect
    .poll(async () => (await sql<{ state: string }>(`SELECT "state" FROM "Jail" WHERE "id" = $1`, [jailId]))[0]!.state, { timeout: 60_000 })
    .toBe("RUNNING");
  await admin.reload();
  await admin.getByRole("button", { name: "Stop", exact: true }).click();
  await admin.getByRole("button", { name: "Stop the jail" }).click();
  await expect(admin.getByText("Stop queued.")).toBeVisible();
  expect(await count("Job", `"jailId" = $1 AND "type" = 'STOP'`, [jailId])).toBe(1);
  const [account] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "Jail" WHERE "id" = $1`, [jailId]);
  const actions = await sql<{ action: string }>(
    `SELECT "action" FROM "AuditLog" WHERE "accountId" = $1 AND "actorRole" = 'ADMIN' ORDER BY "createdAt"`,
    [account!.accountId],
  );
  expect(actions.map((a) => a.action)).toEqual(["user.send-password-reset", "account.note", "jail.stop"]);
  await admin.reload();
  await admin.screenshot({ path: "test-results/admin-customer.png", fullPage: true });
});

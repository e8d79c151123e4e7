// Ordering: the order path through sign-up, the jail and its CREATE job, idempotent submits,
// racing orders for one hostname, and bad input.
import { expect, test } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { randomHostname, signUp, fillSignUp } from "../helpers/portal";
import { randomEmail } from "../helpers/auth";
import { requireEnv } from "../helpers/env";
import { chooseTemplate } from "../helpers/templates";

// Orders go to the real host "local" that `npm test` runs an agent for (and become real
// containers there): every other host a spec makes is DRAINING. The specs here check the
// order path, not the host.

test("from the plans page through sign-up to a queued jail with its create job", async ({ page }) => {
  await page.goto("/plans");
  await page.getByRole("link", { name: "Order Block" }).click();
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Forder%3Fplan%3Dblock/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup\?next=%2Forder%3Fplan%3Dblock/);
  await fillSignUp(page, randomEmail("order"));
  await expect(page).toHaveURL(/\/order\?plan=block$/);
  await expect(page.getByTestId("order-plan-block").getByRole("radio")).toBeChecked();
  await page.screenshot({ path: "test-results/portal-order-page.png", fullPage: true });

  const hostname = randomHostname("shop");
  await chooseTemplate(page);
  await page.getByLabel("Fully-qualified hostname").fill(hostname.toUpperCase());
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/);
  const id = page.url().split("/").pop()!;

  await expect(page.getByTestId("jail-hostname")).toHaveText(hostname);
  const [jail] = await sql<{ hostId: string; hostname: string; plan: string; public: string; publicHostId: string }>(
    `SELECT j."hostId", j."hostname", p."slug" AS plan, a."address" AS public, pool."hostId" AS "publicHostId"
     FROM "Jail" j JOIN "Plan" p ON p."id" = j."planId"
       JOIN "IpAddress" a ON a."jailId" = j."id" AND a."kind" = 'PUBLIC'
       JOIN "IpPool" pool ON pool."id" = a."poolId"
     WHERE j."id" = $1`,
    [id],
  );
  // Specs' own hosts are DRAINING, so the only host taking orders is "local".
  const local = requireEnv("E2E_LOCAL_HOST_ID");
  expect(jail).toEqual({
    hostId: local,
    hostname,
    plan: "block",
    public: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
    publicHostId: local,
  });
  await expect(page.getByTestId("ssh-command")).toHaveText(`ssh root@${jail!.public}`);
  const jobs = await sql<{ payload: { jail: { hostname: string; limits: { memoryMb: number } } } }>(
    `SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'CREATE'`,
    [id],
  );
  expect(jobs.map((j) => [j.payload.jail.hostname, j.payload.jail.limits.memoryMb])).toEqual([[hostname, 256]]);

  // The dashboard and the jails list show it.
  await page.goto("/dashboard");
  await expect(page.getByTestId("dashboard-jail")).toContainText(hostname);
  await page.goto("/jails");
  await expect(page.getByTestId("jail-row")).toContainText(hostname);
});

test("a double click or a resubmitted form makes one jail", async ({ page }) => {
  await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/order");
  await chooseTemplate(page);
  const hostname = randomHostname("twice");
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  // Submit the same form three times as fast as the browser allows.
  await page.getByRole("form", { name: "Order a jail" }).evaluate((form: HTMLFormElement) => {
    form.requestSubmit();
    form.requestSubmit();
    form.requestSubmit();
  });
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/);
  expect(await count("Jail", "hostname = $1", [hostname])).toBe(1);

  // And an impatient double click on the button itself.
  await page.goto("/order");
  await chooseTemplate(page);
  const second = randomHostname("dbl");
  await page.getByLabel("Fully-qualified hostname").fill(second);
  await page.getByRole("button", { name: "Order jail" }).dblclick();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/);
  expect(await count("Jail", "hostname = $1", [second])).toBe(1);
});

test("two customers order the same hostname at the same moment: one gets it, the other is told", async ({ browser }) => {
  const pages = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  for (const p of pages) {
    await signUp(p);
    await expect(p).toHaveURL(/\/dashboard$/);
  }
  const hostname = randomHostname("race");
  for (const p of pages) {
    await p.goto("/order");
    await chooseTemplate(p);
    await p.getByLabel("Fully-qualified hostname").fill(hostname);
  }
  await Promise.all(pages.map((p) => p.getByRole("button", { name: "Order jail" }).click()));
  await expect
    .poll(async () =>
      (
        await Promise.all(
          pages.map(async (p) =>
            /\/jails\//.test(p.url()) ? "won" : (await p.getByText(`${hostname} is already taken`).count()) > 0 ? "told" : "?",
          ),
        )
      )
        .sort()
        .join(","),
    )
    .toBe("told,won");
  expect(await count("Jail", "hostname = $1", [hostname])).toBe(1);
  const loser = pages.find((p) => !/\/jails\//.test(p.url()))!;
  await expect(loser.getByLabel("Fully-qualified hostname")).toHaveValue(hostname);
});

test("bad input is explained inline and orders nothing", async ({ page }) => {
  const { email } = await signUp(page);
  await expect(page).toHaveURL(/\/dashboard$/);
  const account = (await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]))[0]!.accountId;
  const before = await count("Jail", `"accountId" = $1`, [account]);
  await page.goto("/order");

  const field = page.getByLabel("Fully-qualified hostname");
  // Wait for each answer before the next try: the form re-renders with what was echoed.
  const submit = async () => {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/order"),
      page.getByRole("button", { name: "Order jail" }).click(),
    ]);
    await expect(page.getByRole("button", { name: "Order jail" })).toBeEnabled();
  };

  await field.fill("not a hostname!");
  await submit();
  await expect(page.getByText("Use a fully-qualified name such as www.example.com")).toBeVisible();
  await expect(field).toHaveValue("not a hostname!");

  await field.fill("localhost");
  await submit();
  await expect(page.getByText("Use a fully-qualified name such as www.example.com")).toBeVisible();
  await expect(field).toHaveValue("localhost");

  // A 1 MB field reaches the server and is refused with a readable message.
  await field.evaluate((el: HTMLInputElement) => (el.value = "a".repeat(1024 * 1024)));
  await submit();
  await expect(page.getByText("A hostname is at most 253 characters.")).toBeVisible();

  // A forged plan is refused too.
  await field.fill(randomHostname());
  await page
    .locator('input[name="plan"]')
    .first()
    .evaluate((el: HTMLInputElement) => (el.value = "platinum"));
  await submit();
  await expect(page.getByText("That plan is not on sale. Choose another.")).toBeVisible();
  expect(await count("Jail", `"accountId" = $1`, [account])).toBe(before);
});

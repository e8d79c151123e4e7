// Issue 12, plans: an admin creates a plan, a customer orders it, the admin raises its price
// (the current period keeps the old price, the next one has the new) and changes its limits
// (reaching the jail only once confirmed), then retires it.
import { expect, test } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { orderThroughForm, randomHostname, signUp } from "../helpers/portal";
import { adminPage, fill, monthStart, nextMonthStart, tag } from "./helpers";

test("an admin creates a plan, a customer orders it, a price rise waits for the next billing period, new limits wait for confirmation", async ({
  browser,
  page,
}) => {
  test.setTimeout(180_000);
  const admin = await adminPage(browser);
  const slug = `e2e-${tag()}`;
  await admin.goto("/admin/plans");
  await admin.getByRole("link", { name: "New plan" }).first().click();
  await fill(admin, {
    Slug: slug,
    Name: `Plan ${slug}`,
    "Price ($ / month)": "12.00",
    "Disk quota (MB)": "2048",
    "Process space (MB)": "128",
    Processes: "50",
    "CPU share (% of a core)": "25",
    "Transfer (GB / month)": "40",
    "Overage price ($ / GB)": "0.45",
  });
  // A bound is enforced inline before anything is written.
  await admin.getByLabel("Processes", { exact: true }).fill("1000000");
  await admin.getByRole("button", { name: "Create plan" }).click();
  await expect(admin.getByText("Processes must be at most 100,000.")).toBeVisible();
  expect(await count("Plan", `"slug" = $1`, [slug])).toBe(0);
  await admin.getByLabel("Processes", { exact: true }).fill("50");
  await admin.getByRole("button", { name: "Create plan" }).click();
  await expect(admin).toHaveURL(/\/admin\/plans\/[a-z0-9]+\?created=1$/);
  await expect(admin.getByTestId("plan-price-now")).toContainText("$12.00");
  const [plan] = await sql<{ id: string; priceCents: number }>(`SELECT "id", "priceCents" FROM "Plan" WHERE "slug" = $1`, [slug]);
  expect(plan!.priceCents).toBe(1200);

  // A customer orders it (the order goes to the real host "local").
  await page.goto("/plans");
  await expect(page.getByTestId(`plan-${slug}`)).toContainText("$12.00");
  await signUp(page);
  const jailId = await orderThroughForm(page, randomHostname("plan"), slug);
  expect((await sql<{ planId: string }>(`SELECT "planId" FROM "Jail" WHERE "id" = $1`, [jailId]))[0]!.planId).toBe(plan!.id);

  // The admin raises the price.
  await admin.getByLabel("Price ($ / month)").fill("15.00");
  await admin.getByRole("button", { name: "Save plan" }).click();
  const now = new Date();
  const from = nextMonthStart(now);
  const fromText = from.toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  await expect(admin.getByText(`$15.00 a month from ${fromText}.`)).toBeVisible();
  await expect(admin.getByTestId("plan-price-now")).toContainText("$12.00");
  await expect(admin.getByTestId("plan-price-upcoming")).toContainText(`$15.00 a month from ${fromText}`);
  // The price history the invoice run reads: the old price for the current period, the new from the next.
  const prices = await sql<{ priceCents: number; effectiveFrom: Date }>(
    `SELECT "priceCents", "effectiveFrom" FROM "PlanPrice" WHERE "planId" = $1 ORDER BY "effectiveFrom"`,
    [plan!.id],
  );
  expect(prices.map((p) => [p.priceCents, new Date(p.effectiveFrom).toISOString()])).toEqual([
    [1200, monthStart(now).toISOString()],
    [1500, from.toISOString()],
  ]);
  // The list price a new customer sees (and pays this month) is still the old one; the new one is announced.
  expect((await sql<{ priceCents: number }>(`SELECT "priceCents" FROM "Plan" WHERE "id" = $1`, [plan!.id]))[0]!.priceCents).toBe(1200);
  await page.goto("/plans");
  await expect(page.getByTestId(`plan-${slug}`)).toContainText("$12.00");
  await expect(page.getByTestId(`plan-${slug}-upcoming`)).toHaveText(`$15.00 / month from ${fromText}`);
  await admin.screenshot({ path: "test-results/admin-plan.png", fullPage: true });

  // New limits: nothing reaches the jail until the admin confirms how many jails it touches.
  await admin.reload();
  await admin.getByLabel("Process space (MB)").fill("192");
  await admin.getByRole("button", { name: "Save plan" }).click();
  await expect(admin.getByText("The new limits reach 1 jail on this plan. Nothing is saved until you confirm.")).toBeVisible();
  expect(await count("Job", `"jailId" = $1 AND "type" = 'SET_LIMITS'`, [jailId])).toBe(0);
  await expect(admin.getByLabel("Process space (MB)")).toHaveValue("192");
  await admin.screenshot({ path: "test-results/admin-plan-confirm-limits.png", fullPage: true });
  await admin.getByRole("button", { name: "Save and apply to 1 jail" }).click();
  await expect(admin.getByText("New limits queued for 1 jail.")).toBeVisible();
  const [job] = await sql<{ payload: { limits: { memoryMb: number } } }>(
    `SELECT "payload" FROM "Job" WHERE "jailId" = $1 AND "type" = 'SET_LIMITS'`,
    [jailId],
  );
  expect(job!.payload.limits.memoryMb).toBe(192);
  expect(await count("AuditLog", `"targetId" = $1 AND "action" IN ('plan.create', 'plan.price-change', 'plan.update')`, [plan!.id])).toBe(
    4,
  );

  // Retired: not on sale any more; the jail keeps it.
  await admin.getByRole("button", { name: "Retire plan" }).click();
  await admin.getByRole("button", { name: "Retire", exact: true }).click();
  await expect(admin.getByText("Retired: no new orders. 1 jail keeps it.")).toBeVisible();
  await page.goto("/plans");
  await expect(page.getByTestId(`plan-${slug}`)).toHaveCount(0);
  expect((await sql<{ planId: string }>(`SELECT "planId" FROM "Jail" WHERE "id" = $1`, [jailId]))[0]!.planId).toBe(plan!.id);
  await admin.goto("/admin/plans");
  await expect(admin.getByTestId(`plan-row-${slug}`)).toContainText("retired");
  await admin.screenshot({ path: "test-results/admin-plans.png", fullPage: true });
});

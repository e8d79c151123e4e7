import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { logIn, signUpThroughForm } from "../helpers/auth";
import { requireEnv, seeded } from "../helpers/env";

test("admin and billing logins land on their consoles", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, seeded.admin.email, seeded.admin.password());
  await expect(admin).toHaveURL(/\/admin$/);
  await expect(admin.getByRole("heading", { name: "Admin console" })).toBeVisible();

  const billing = await (await browser.newContext()).newPage();
  await logIn(billing, seeded.billing.email, seeded.billing.password());
  await expect(billing).toHaveURL(/\/billing$/);
  await expect(billing.getByRole("heading", { name: "Billing console" })).toBeVisible();
  // Billing staff are not admins.
  const res = await billing.goto("/admin");
  expect(res?.status()).toBe(403);
});

test("a customer is refused at /admin and /billing, and the refusal is not logged as an error", async ({ page }) => {
  await signUpThroughForm(page);
  const logFile = requireEnv("E2E_WEB_LOG");
  const logBefore = fs.readFileSync(logFile, "utf8").length;

  for (const path of ["/admin", "/admin/outbox", "/billing"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "This console is not for your login" })).toBeVisible();
    await expect(page.getByTestId("admin-overview")).toHaveCount(0);
  }
  const newLog = fs.readFileSync(logFile, "utf8").slice(logBefore);
  expect(newLog).not.toMatch(/error/i);
});

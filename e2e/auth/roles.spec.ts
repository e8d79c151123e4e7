import { expect, test } from "@playwright/test";
import { logInWithTotp } from "../helpers/auth";
import { seeded } from "../helpers/env";

// A customer refused at the consoles (and that refusal kept out of the error log) is in
// front-door.spec.ts, on a web server whose log holds only that spec's requests.

test("admin and billing logins land on their consoles, and billing is refused the admin console", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await logInWithTotp(admin, seeded.admin);
  await expect(admin).toHaveURL(/\/admin$/);
  await expect(admin.getByRole("heading", { name: "Admin console" })).toBeVisible();
  await expect(admin.getByTestId("admin-overview")).toBeVisible();

  const billing = await (await browser.newContext()).newPage();
  await logInWithTotp(billing, seeded.billing);
  await expect(billing).toHaveURL(/\/billing$/);
  await expect(billing.getByRole("heading", { name: "Billing console" })).toBeVisible();
  // Billing staff are not admins: a 403 page that says so, and nothing of the console.
  for (const path of ["/admin", "/admin/hosts", "/admin/outbox"]) {
    const res = await billing.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(billing.getByRole("heading", { name: "This console is not for your login" })).toBeVisible();
    await expect(billing.getByTestId("admin-overview")).toHaveCount(0);
    await expect(billing.getByRole("link", { name: "Hosts" })).toHaveCount(0);
  }
});

import { expect, test } from "@playwright/test";
import { logIn, loginAlert, logOut, PASSWORD, signUpThroughForm } from "../helpers/auth";
import { linkIn, waitForMail } from "../helpers/mailbox";

test("password reset through the e-mailed link, as its recipient receives it", async ({ page }) => {
  const { email } = await signUpThroughForm(page);
  await logOut(page);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("If that address has a Cellblock login, a reset link is on its way.")).toBeVisible();

  // The link reaches the customer over SMTP; the admin's outbox never shows a working one
  // (e2e/admin/outbox.spec.ts).
  const resetPath = linkIn(await waitForMail(email, /Reset your Cellblock password/), "/reset-password");

  await page.goto(resetPath);
  await page.getByLabel("New password", { exact: true }).fill("my fresh password 42");
  await page.getByLabel("New password again").fill("my fresh password 42");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1/);
  await expect(page.getByText("Your password was changed. Log in with the new one.")).toBeVisible();

  await logIn(page, email, PASSWORD);
  await expect(loginAlert(page)).toHaveText("Wrong e-mail address or password.");
  await logIn(page, email, "my fresh password 42");
  await expect(page).toHaveURL(/\/dashboard$/);

  // The link works once.
  await page.goto(resetPath);
  await page.getByLabel("New password", { exact: true }).fill("yet another password");
  await page.getByLabel("New password again").fill("yet another password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("This reset link is invalid or has expired. Ask for a new one.")).toBeVisible();
});

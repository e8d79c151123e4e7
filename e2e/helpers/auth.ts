import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const randomEmail = (tag = "e2e") => `${tag}-${crypto.randomBytes(5).toString("hex")}@example.test`;
export const PASSWORD = "e2e password that is long";

export async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function logOut(page: Page) {
  // The button works once React has hydrated the page; on a loaded machine a click can land
  // before that, so click again until the logout happens.
  await expect(async () => {
    await page.getByRole("button", { name: "Log out" }).click({ timeout: 2000 }).catch(() => {});
    await expect(page).toHaveURL(/\/login\?signedOut=1/, { timeout: 3000 });
  }).toPass({ timeout: 30_000 });
}

/** Signs up through the form; ends on the dashboard, signed in. */
export async function signUpThroughForm(page: Page, email = randomEmail("signup"), password = PASSWORD) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Eve Tester");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Account name").fill("Eve's Jails");
  await page.getByLabel("Address", { exact: true }).fill("2 Test Road");
  await page.getByLabel("City").fill("Testburg");
  await page.getByLabel("Postal code").fill("12345");
  await page.getByLabel("Country").fill("DE");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

/** The login form's own message (Next.js also has a route announcer with role=alert). */
export const loginAlert = (page: Page) => page.getByRole("form", { name: "Log in" }).getByRole("alert");

import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { freshTotpCode } from "./totp";

export const randomEmail = (tag = "e2e") => `${tag}-${crypto.randomBytes(5).toString("hex")}@example.test`;
export const PASSWORD = "e2e password that is long";

export async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Answers the login page's second step (the page must be showing it). */
export async function enterSecondFactor(page: Page, code: string) {
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Signs in a login with TOTP: the password, then a code no other sign-in of this run has used. */
export async function logInWithTotp(page: Page, login: { email: string; password: () => string; totpSecret: () => string }) {
  await logIn(page, login.email, login.password());
  await enterSecondFactor(page, await freshTotpCode(login.totpSecret()));
}

export async function logOut(page: Page) {
  // The button works once React has hydrated the page; on a loaded machine a click can land
  // before that, so click again until the logout happens.
  await expect(async () => {
    await page
      .getByRole("button", { name: "Log out" })
      .click({ timeout: 2000 })
      .catch(() => {});
    await expect(page).toHaveURL(/\/login\?signedOut=1/, { timeout: 3000 });
  }).toPass({ timeout: 30_000 });
}

export type SignUpFields = {
  name: string;
  email: string;
  password: string;
  accountName: string;
  address: string;
  city: string;
  postalCode: string;
  country: string;
};

/** Fills the sign-up form (the page must be open) and submits it. */
export async function fillSignUpForm(page: Page, fields: Partial<SignUpFields> & { email: string }) {
  const f: SignUpFields = {
    name: "Eve Tester",
    password: PASSWORD,
    accountName: "Eve's Jails",
    address: "2 Test Road",
    city: "Testburg",
    postalCode: "12345",
    country: "DE",
    ...fields,
  };
  await page.getByLabel("Your name").fill(f.name);
  await page.getByLabel("E-mail", { exact: true }).fill(f.email);
  await page.getByLabel("Password").fill(f.password);
  await page.getByLabel("Account name").fill(f.accountName);
  await page.getByLabel("Address", { exact: true }).fill(f.address);
  await page.getByLabel("City").fill(f.city);
  await page.getByLabel("Postal code").fill(f.postalCode);
  await page.getByLabel("Country").fill(f.country);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Signs up through the form; ends on the dashboard, signed in. */
export async function signUpThroughForm(page: Page, email = randomEmail("signup"), password = PASSWORD) {
  await page.goto("/signup");
  await fillSignUpForm(page, { email, password });
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email, password };
}

/**
 * Waits until React has hydrated the page's first form, for the few specs that need the
 * client-side path itself (a fetch with a Next-Action header), not just a working form.
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const form = document.querySelector("form");
    return !!form && Object.keys(form).some((k) => k.startsWith("__react"));
  });
}

/** The login form's own message (Next.js also has a route announcer with role=alert). */
export const loginAlert = (page: Page) => page.getByRole("form", { name: "Log in" }).getByRole("alert");

/**
 * Sets up TOTP on the two-factor card the page shows (account page or /two-factor), reading the
 * key as a person would type it, and returns the secret and the recovery codes shown once. Ends
 * on the "shown once" panel, before "I have saved them".
 */
export async function enrolTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await expect(async () => {
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click({ timeout: 2000 });
    await expect(page.getByTestId("two-factor-setup")).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, "");
  await page.getByLabel("Code from your app").fill(await freshTotpCode(secret));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const list = page.getByTestId("recovery-codes");
  await expect(list.getByText("They are shown once.")).toBeVisible();
  const recoveryCodes = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  return { secret, recoveryCodes };
}

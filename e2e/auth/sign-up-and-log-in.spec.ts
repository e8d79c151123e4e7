import { expect, test } from "@playwright/test";
import { count } from "../helpers/db";
import { fillSignUpForm, logIn, loginAlert, logOut, PASSWORD, randomEmail, signUpThroughForm } from "../helpers/auth";

test("sign up, land on an empty dashboard, log out and log in again", async ({ page }) => {
  const email = randomEmail("newcomer");
  await signUpThroughForm(page, email);
  await expect(page.getByRole("heading", { name: "Welcome, Eve" })).toBeVisible();
  await expect(page.getByText("You have no jails yet")).toBeVisible();
  expect(await count("User", `email = $1 AND role = 'CUSTOMER' AND "accountId" IS NOT NULL`, [email])).toBe(1);

  await logOut(page);
  await expect(page.getByText("You are logged out.")).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard/);

  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("You have no jails yet")).toBeVisible();
});

test("invalid sign-up input is explained inline and writes no user", async ({ page }) => {
  const email = randomEmail("invalid");
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("x".repeat(100 * 1024));
  await page.getByLabel("E-mail", { exact: true }).fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Account name").fill("Acme");
  await page.getByLabel("Address", { exact: true }).fill("1 Road");
  await page.getByLabel("City").fill("Town");
  await page.getByLabel("Postal code").fill("1");
  await page.getByLabel("Country").fill("ZZ");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
  await expect(page.getByText("Your name must be at most 120 characters.")).toBeVisible();
  await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);

  // Fix the address but keep the bad password: still nothing written for that address.
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();
  expect(await count("User", "email = $1", [email])).toBe(0);
  expect(await count("User", "length(name) > 1000")).toBe(0);
});

test("a taken e-mail address is refused with a clear message", async ({ page, browser }) => {
  const { email } = await signUpThroughForm(page);
  const other = await browser.newPage();
  await other.goto("/signup");
  await fillSignUpForm(other, {
    name: "Mallory",
    email,
    password: "another long password",
    accountName: "Copycat",
    address: "3 Road",
    city: "Town",
    postalCode: "999",
    country: "FR",
  });
  await expect(other.getByText(/An account with this e-mail address already exists/).first()).toBeVisible();
  expect(await count("User", "email = $1", [email])).toBe(1);
  await other.close();
});

test("sign-up works before the page's JavaScript has loaded (a plain form post) and continues to `next`", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = randomEmail("nojs");
  await page.goto(`/signup?next=${encodeURIComponent("/order?plan=cell")}`);
  await fillSignUpForm(page, {
    name: "Noah Script",
    email,
    accountName: "Plain Forms Ltd",
    address: "1 Static Street",
    city: "Htmlton",
    postalCode: "1000",
    country: "BE",
  });
  await expect(page).toHaveURL(/\/order\?plan=cell$/);
  await expect(page.getByLabel("Fully-qualified hostname")).toBeVisible();
  expect(await count("User", "email = $1", [email])).toBe(1);
  await context.close();

  // Logging in is a plain form post as well.
  const again = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await logIn(again, email, "not the password");
  await expect(loginAlert(again)).toHaveText("Wrong e-mail address or password.");
  await logIn(again, email, PASSWORD);
  await expect(again).toHaveURL(/\/dashboard$/);
  await again.context().close();
});

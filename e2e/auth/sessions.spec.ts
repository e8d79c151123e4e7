import { expect, test } from "@playwright/test";
import { logIn, loginAlert, logOut, PASSWORD, signUpThroughForm } from "../helpers/auth";

test("a session cookie captured before logout is refused after it", async ({ page, browser }) => {
  await signUpThroughForm(page);
  const captured = await page.context().cookies();
  expect(captured.some((c) => c.name.endsWith("cellblock.session") && c.httpOnly && c.sameSite === "Lax")).toBe(true);

  await logOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(captured);
  const stolen = await thief.newPage();
  await stolen.goto("/dashboard");
  await expect(stolen).toHaveURL(/\/login/);
  const session = await stolen.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  await thief.close();
});

test("changing the password ends every session of that login, on other devices too", async ({ page, browser }) => {
  const { email } = await signUpThroughForm(page);
  // A second device: its own sign-in, its own cookie.
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await logIn(other, email, PASSWORD);
  await expect(other).toHaveURL(/\/dashboard$/);
  const laptopCookies = await laptop.cookies();

  await page.goto("/account");
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill(PASSWORD);
  await form.getByLabel("New password", { exact: true }).fill("a brand new password 77");
  await form.getByLabel("New password again").fill("a brand new password 77");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?changed=1/);

  // The other device is signed out: its page and its session API both say so.
  await other.goto("/dashboard");
  await expect(other).toHaveURL(/\/login/);
  expect(await (await other.request.get("/api/auth/session")).json()).toEqual({});
  // So is a copy of its cookie made before the change.
  const thief = await browser.newContext();
  await thief.addCookies(laptopCookies);
  expect(await (await thief.request.get("/api/auth/session")).json()).toEqual({});
  await thief.close();

  // The old password no longer works; the new one does.
  await logIn(other, email, PASSWORD);
  await expect(loginAlert(other)).toHaveText("Wrong e-mail address or password.");
  await logIn(other, email, "a brand new password 77");
  await expect(other).toHaveURL(/\/dashboard$/);
  await laptop.close();
});

// Issue 15, part 1: two-factor sign-in with TOTP. A customer enrols from their account page,
// logs out, logs in with a code, then with a recovery code that works once; an admin without
// two-factor sign-in is sent to enrol before reaching the console.
import { expect, test, type Page } from "@playwright/test";
import { enrolTotp, enterSecondFactor, logIn, logOut, PASSWORD, randomEmail, signUpThroughForm } from "../helpers/auth";
import { sql } from "../helpers/db";
import { linkIn, waitForMail } from "../helpers/mailbox";
import { freshTotpCode } from "../helpers/totp";
import { adminPage } from "../admin/helpers";

const codeAlert = (page: Page) => page.getByRole("form", { name: "Two-factor code" }).getByRole("alert");

test("a customer enrols TOTP, logs out, logs in with a code, then with a recovery code that works once", async ({ page }) => {
  const { email } = await signUpThroughForm(page);
  await page.goto("/account");
  const { secret, recoveryCodes } = await enrolTotp(page);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("two-factor-on")).toContainText("Recovery codes left: 10 of 10");
  // Enrolling ended other sessions, not this one.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await logOut(page);

  // The password alone gives no session.
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\?step=code/);
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  const res = await page.request.get("/dashboard");
  expect(new URL(res.url()).pathname).toBe("/login");
  // A wrong code is refused in words; the right one signs in.
  await enterSecondFactor(page, "000000");
  await expect(codeAlert(page)).toContainText("That code is not right.");
  await page.getByLabel("Authentication code").fill(await freshTotpCode(secret));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await logOut(page);

  // A recovery code, typed in capitals, works once…
  await logIn(page, email, PASSWORD);
  await enterSecondFactor(page, recoveryCodes[0]!.toUpperCase());
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account");
  await expect(page.getByTestId("two-factor-on")).toContainText("Recovery codes left: 9 of 10");
  await logOut(page);

  // …and not twice.
  await logIn(page, email, PASSWORD);
  await enterSecondFactor(page, recoveryCodes[0]!);
  await expect(codeAlert(page)).toContainText("That code is not right.");
  await page.getByLabel("Authentication code").fill(recoveryCodes[1]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const actions = await sql<{ action: string }>(
    `SELECT "action" FROM "AuditLog" WHERE "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1) ORDER BY "createdAt"`,
    [email],
  );
  expect(actions.map((a) => a.action)).toEqual([
    "user.two-factor-enable",
    "user.two-factor-recovery-code-used",
    "user.two-factor-recovery-code-used",
  ]);
  const stored = await sql<{ codeHash: string }>(
    `SELECT "codeHash" FROM "RecoveryCode" WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`,
    [email],
  );
  expect(stored).toHaveLength(10);
  for (const c of recoveryCodes) expect(stored.map((s) => s.codeHash)).not.toContain(c);
  await page.screenshot({ path: "test-results/two-factor-customer.png", fullPage: true });
});

test("an admin without two-factor sign-in is sent to enrol before reaching the console", async ({ browser }) => {
  const admin = await adminPage(browser);
  const email = randomEmail("new-admin");
  await admin.goto("/admin/staff");
  await admin.getByLabel("Name").fill("Nadia New");
  await admin.getByLabel("E-mail").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Admin" });
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${email}.`)).toBeVisible();

  const welcome = linkIn(await waitForMail(email, /You are invited to Cellblock/), "/welcome");
  const newcomer = await (await browser.newContext()).newPage();
  await newcomer.goto(welcome);
  await newcomer.getByLabel("Password", { exact: true }).fill("nadia's own long password");
  await newcomer.getByLabel("Password again").fill("nadia's own long password");
  await newcomer.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(newcomer).toHaveURL(/\/two-factor$/);

  // Every console page, and the billing console too, sends them back here; nothing of it shows.
  for (const path of ["/admin", "/admin/hosts", "/admin/staff", "/billing"]) {
    const r = await newcomer.request.get(path);
    expect(new URL(r.url()).pathname, path).toBe("/two-factor");
    expect(await r.text(), path).not.toContain('data-testid="admin-overview"');
  }
  await newcomer.goto("/admin");
  await expect(newcomer).toHaveURL(/\/two-factor$/);
  await expect(newcomer.getByTestId("admin-overview")).toHaveCount(0);

  await enrolTotp(newcomer);
  await newcomer.getByRole("button", { name: "I have saved them" }).click();
  await expect(newcomer).toHaveURL(/\/admin$/);
  await expect(newcomer.getByTestId("admin-overview")).toBeVisible();
  await newcomer.screenshot({ path: "test-results/two-factor-admin.png", fullPage: true });
});

test("a customer makes new recovery codes and turns two-factor sign-in off, each behind the password or a code", async ({ page }) => {
  const { email } = await signUpThroughForm(page);
  await page.goto("/account");
  const { secret, recoveryCodes } = await enrolTotp(page);
  await page.screenshot({ path: "test-results/two-factor-recovery-codes.png", fullPage: true });
  await page.getByRole("button", { name: "I have saved them" }).click();

  // New codes: a wrong password is refused inline, the right one shows ten new codes once.
  await page.getByRole("button", { name: "Make new recovery codes" }).click();
  const regenerate = page.getByRole("form", { name: "Make new recovery codes" });
  await regenerate.getByLabel("Your password, or a code from your app").fill("not my password");
  await regenerate.getByRole("button", { name: "Make new codes" }).click();
  await expect(regenerate.getByText("That is neither your password nor a current code.")).toBeVisible();
  await regenerate.getByLabel("Your password, or a code from your app").fill(PASSWORD);
  await regenerate.getByRole("button", { name: "Make new codes" }).click();
  const list = page.getByTestId("recovery-codes");
  await expect(list.getByText("They are shown once.")).toBeVisible();
  const fresh = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  expect(fresh).toHaveLength(10);
  expect(fresh).not.toContain(recoveryCodes[0]);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("two-factor-on")).toContainText("Recovery codes left: 10 of 10");

  // Off, with a current code; sign-in is the password alone again.
  await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  const remove = page.getByRole("form", { name: "Turn off two-factor sign-in" });
  await remove.getByLabel("Your password, or a code from your app").fill(await freshTotpCode(secret));
  await remove.getByRole("button", { name: "Turn it off" }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor sign-in" })).toBeVisible();
  await logOut(page);
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  const actions = await sql<{ action: string }>(
    `SELECT "action" FROM "AuditLog" WHERE "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1) ORDER BY "createdAt"`,
    [email],
  );
  expect(actions.map((a) => a.action)).toEqual(["user.two-factor-enable", "user.two-factor-recovery-codes", "user.two-factor-disable"]);
});

test("the login page's code step needs a valid password ticket", async ({ page }) => {
  await page.goto("/login?step=code");
  await expect(page.getByRole("heading", { name: "Log in to Cellblock" })).toBeVisible();
  // The form's own message sits above it (as for next-auth's ?error=).
  await expect(page.getByRole("alert").filter({ hasText: "Your sign-in expired." })).toBeVisible();
  await expect(page.getByLabel("Authentication code")).toHaveCount(0);
});

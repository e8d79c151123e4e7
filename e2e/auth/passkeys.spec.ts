// Issue 15, part 1: passkeys as a second factor, with Chromium's own virtual authenticator (the
// DevTools protocol's WebAuthn domain: a real CTAP2 authenticator inside the browser, no mock of
// the app). A customer registers one, logs out, and signs in with the password and the passkey;
// removes it behind the password; an admin resets a lost second factor from the customer page.
//
// WebAuthn takes no IP address as relying party: the app at 127.0.0.1 is its own relying party
// as "localhost" (lib/auth/webauthn.ts), so these pages are opened at http://localhost:<port>,
// the same server on the same loopback address.
import { expect, test, type CDPSession, type Page } from "@playwright/test";
import { logIn, logOut, PASSWORD, signUpThroughForm } from "../helpers/auth";
import { sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { adminPage } from "../admin/helpers";

const local = new URL(requireEnv("E2E_BASE_URL"));
local.hostname = "localhost";
test.use({ baseURL: local.origin });

/** A platform authenticator with user verification, as the issue asks; presence is answered at once. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

const auditOf = async (email: string) =>
  (
    await sql<{ action: string; data: Record<string, unknown> | null }>(
      `SELECT "action", "data" FROM "AuditLog" WHERE "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1) ORDER BY "createdAt"`,
      [email],
    )
  ).map((a) => a.action);

test("a customer registers a passkey, logs out, and signs in with the password and the passkey", async ({ page }) => {
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  const { email } = await signUpThroughForm(page);
  await page.goto("/account");

  const card = page.getByTestId("passkeys");
  await expect(card.getByText("None yet.")).toBeVisible();
  await card.getByLabel("Name for a new passkey").fill("Virtual key");
  await expect(async () => {
    await card.getByRole("button", { name: "Add a passkey" }).click({ timeout: 2000 });
    await expect(card.getByText('Passkey "Virtual key" added.')).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 60_000 });
  const row = card.getByTestId("passkey");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Virtual key");
  await expect(row).toContainText("last used never");
  // The authenticator holds the private key; the server has the public key only.
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  const [stored] = await sql<{ credentialId: string; lastUsedAt: Date | null }>(
    `SELECT "credentialId", "lastUsedAt" FROM "Passkey" WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`,
    [email],
  );
  expect(stored!.credentialId).toBe(Buffer.from(credentials[0]!.credentialId, "base64").toString("base64url"));
  expect(stored!.lastUsedAt).toBeNull();
  await page.screenshot({ path: "test-results/passkeys-account.png", fullPage: true });
  await logOut(page);

  // The password alone is not enough any more; the second step offers the passkey beside the code.
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\?step=code/);
  await expect(page.getByLabel("Authentication code")).toBeVisible();
  await page.screenshot({ path: "test-results/passkeys-sign-in.png", fullPage: true });
  await expect(async () => {
    await page.getByRole("button", { name: "Use a passkey" }).click({ timeout: 2000 });
    await expect(page).toHaveURL(/\/dashboard$/, { timeout: 10_000 });
  }).toPass({ timeout: 60_000 });

  await page.goto("/account");
  await expect(page.getByTestId("passkey")).not.toContainText("last used never");
  const [used] = await sql<{ lastUsedAt: Date | null }>(
    `SELECT "lastUsedAt" FROM "Passkey" WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`,
    [email],
  );
  expect(used!.lastUsedAt).not.toBeNull();

  // Removal asks for the password; afterwards the password alone signs in again.
  const passkeys = page.getByTestId("passkeys");
  await passkeys.getByRole("button", { name: "Remove" }).click();
  const remove = page.getByRole("form", { name: "Remove passkey Virtual key" });
  await remove.getByLabel("Your password, or a code from your app").fill("not my password");
  await remove.getByRole("button", { name: "Remove this passkey" }).click();
  await expect(remove.getByText("That is neither your password nor a current code.")).toBeVisible();
  await remove.getByLabel("Your password, or a code from your app").fill(PASSWORD);
  await remove.getByRole("button", { name: "Remove this passkey" }).click();
  await expect(passkeys.getByText("None yet.")).toBeVisible();
  await logOut(page);
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);

  expect(await auditOf(email)).toEqual(["user.passkey-add", "user.passkey-remove"]);
});

test("an admin resets a customer's lost passkey with a reason; the customer signs in with the password alone", async ({
  page,
  browser,
}) => {
  await virtualAuthenticator(page);
  const { email } = await signUpThroughForm(page);
  await page.goto("/account");
  const card = page.getByTestId("passkeys");
  await card.getByLabel("Name for a new passkey").fill("Lost phone");
  await expect(async () => {
    await card.getByRole("button", { name: "Add a passkey" }).click({ timeout: 2000 });
    await expect(card.getByText('Passkey "Lost phone" added.')).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 60_000 });
  await logOut(page);

  const [owner] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]);
  const admin = await adminPage(browser);
  await admin.goto(`/admin/customers/${owner!.accountId}`);
  const login = admin.getByTestId("account-user").filter({ hasText: email });
  await expect(login.getByText("two-factor", { exact: true })).toBeVisible();
  await login.getByRole("button", { name: "Reset two-factor sign-in" }).click();
  const form = admin.getByRole("form", { name: `Reset two-factor sign-in of ${email}` });
  await form.getByRole("button", { name: "Reset it" }).click();
  await expect(form.getByText("Reason must be at least 3 characters.")).toBeVisible();
  await form.getByLabel("Reason (kept in the audit log)").fill("Lost phone; identity confirmed by a call to the billing number");
  await form.getByRole("button", { name: "Reset it" }).click();
  // The login has no second factor any more: its badge and the reset button are gone.
  await expect(login.getByText("two-factor", { exact: true })).toHaveCount(0);
  await expect(login.getByRole("button", { name: "Reset two-factor sign-in" })).toHaveCount(0);
  await admin.screenshot({ path: "test-results/passkeys-admin-reset.png", fullPage: true });

  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  const [reset] = await sql<{ data: { reason: string; removed: { passkeys: number } } }>(
    `SELECT "data" FROM "AuditLog" WHERE "action" = 'user.two-factor-reset' AND "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1)`,
    [email],
  );
  expect(reset!.data).toMatchObject({ reason: "Lost phone; identity confirmed by a call to the billing number", removed: { passkeys: 1 } });
});

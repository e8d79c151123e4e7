// Issue 12, staff: an admin invites a billing clerk, who sets a password through the mailed
// link, is sent to set up two-factor sign-in (issue 15) and then reaches the billing console;
// disabling ends the clerk's session; the last admin cannot be demoted.
import { expect, test } from "@playwright/test";
import { enrolTotp, randomEmail } from "../helpers/auth";
import { sql } from "../helpers/db";
import { seeded } from "../helpers/env";
import { linkIn, waitForMail } from "../helpers/mailbox";
import { adminPage } from "./helpers";

test("an invited billing clerk sets a password through the link, enrols TOTP and reaches the billing console; disabled, they are signed out", async ({
  browser,
}) => {
  const admin = await adminPage(browser);
  const email = randomEmail("clerk");
  await admin.goto("/admin/staff");
  await admin.getByLabel("Name").fill("Clara Clerk");
  await admin.getByLabel("E-mail").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Billing clerk" });
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  await admin.reload();
  await expect(admin.getByTestId(`staff-${email}`)).toContainText("invited, until");

  const welcome = linkIn(await waitForMail(email, /You are invited to Cellblock/), "/welcome");
  const clerk = await (await browser.newContext()).newPage();
  await clerk.goto(welcome);
  await clerk.getByLabel("Password", { exact: true }).fill("short");
  await clerk.getByLabel("Password again").fill("short");
  await clerk.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(clerk.getByText("Password must be at least 10 characters.")).toBeVisible();
  await clerk.getByLabel("Password", { exact: true }).fill("clara's own long password");
  await clerk.getByLabel("Password again").fill("clara's own long password");
  await clerk.getByRole("button", { name: "Set password and sign in" }).click();
  // Staff reach the console only with a second factor.
  await expect(clerk).toHaveURL(/\/two-factor$/);
  await enrolTotp(clerk);
  await clerk.getByRole("button", { name: "I have saved them" }).click();
  await expect(clerk).toHaveURL(/\/billing$/);
  await expect(clerk.getByRole("heading", { name: "Billing console" })).toBeVisible();
  // The link worked once.
  const again = await (await browser.newContext()).newPage();
  await again.goto(welcome);
  await again.getByLabel("Password", { exact: true }).fill("someone else's password");
  await again.getByLabel("Password again").fill("someone else's password");
  await again.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(again.getByText("This invitation link is invalid or has expired.")).toBeVisible();

  // Disabled: the clerk's session ends at once.
  await admin.reload();
  const row = admin.getByTestId(`staff-${email}`);
  await row.getByRole("button", { name: "Disable", exact: true }).click();
  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(admin.getByText("Disabled: their sessions have ended.")).toBeVisible();
  await clerk.goto("/billing");
  await expect(clerk).toHaveURL(/\/login/);
  await admin.screenshot({ path: "test-results/admin-staff.png", fullPage: true });
  const actions = await sql<{ action: string }>(
    `SELECT "action" FROM "AuditLog" WHERE "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1) ORDER BY "createdAt"`,
    [email],
  );
  expect(actions.map((a) => a.action)).toEqual(["staff.invite", "staff.accept-invite", "user.two-factor-enable", "staff.disable"]);
});

test("the last admin who can log in cannot be made a billing clerk", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.goto("/admin/staff");
  const me = admin.getByTestId(`staff-${seeded.admin.email}`);
  await me.getByLabel(`Role of ${seeded.admin.email}`).selectOption("BILLING");
  await me.getByRole("button", { name: "Change" }).click();
  await expect(me.getByText(/This is the last admin who can log in/)).toBeVisible();
  await expect(me.getByRole("button", { name: "Disable" })).toHaveCount(0); // nobody disables themself
});

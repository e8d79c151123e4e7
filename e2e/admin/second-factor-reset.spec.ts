// Issue 15: a member of staff lost their second factor. Another admin resets it from the staff
// list, with a reason; the clerk's session ends at once, and at their next sign-in the password
// alone lets them only as far as setting up a new factor.
import { expect, test } from "@playwright/test";
import { enrolTotp, logIn, randomEmail } from "../helpers/auth";
import { sql } from "../helpers/db";
import { linkIn, waitForMail } from "../helpers/mailbox";
import { adminPage } from "./helpers";

test("an admin resets a billing clerk's lost second factor with a reason; the clerk must enrol again", async ({ browser }) => {
  const admin = await adminPage(browser);
  const email = randomEmail("lost-phone");
  const password = "a clerk's own long password";
  await admin.goto("/admin/staff");
  await admin.getByLabel("Name").fill("Lou Lostphone");
  await admin.getByLabel("E-mail").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Billing clerk" });
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${email}.`)).toBeVisible();

  const clerk = await (await browser.newContext()).newPage();
  await clerk.goto(linkIn(await waitForMail(email, /You are invited to Cellblock/), "/welcome"));
  await clerk.getByLabel("Password", { exact: true }).fill(password);
  await clerk.getByLabel("Password again").fill(password);
  await clerk.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(clerk).toHaveURL(/\/two-factor$/);
  await enrolTotp(clerk);
  await clerk.getByRole("button", { name: "I have saved them" }).click();
  await expect(clerk).toHaveURL(/\/billing$/);

  // The admin's own row offers no reset; the clerk's does, behind a reason.
  await admin.reload();
  await expect(admin.getByTestId("staff-admin@cellblock.local").getByRole("button", { name: "Reset two-factor sign-in" })).toHaveCount(0);
  const row = admin.getByTestId(`staff-${email}`);
  await row.getByRole("button", { name: "Reset two-factor sign-in" }).click();
  const form = admin.getByRole("form", { name: `Reset two-factor sign-in of ${email}` });
  await form.getByLabel("Reason (kept in the audit log)").fill("Phone lost; identity checked in person");
  await form.getByRole("button", { name: "Reset it" }).click();
  await expect(row.getByText("no second factor yet")).toBeVisible();

  // Signed out at once; the password alone leads only to setting up a new factor.
  await clerk.goto("/billing");
  await expect(clerk).toHaveURL(/\/login/);
  await logIn(clerk, email, password);
  await expect(clerk).toHaveURL(/\/two-factor$/);
  await clerk.goto("/billing/invoices");
  await expect(clerk).toHaveURL(/\/two-factor$/);
  await expect(clerk.getByRole("button", { name: "Set up two-factor sign-in" })).toBeVisible();

  const [reset] = await sql<{ actorRole: string; data: { reason: string; removed: { totp: boolean; recoveryCodes: number } } }>(
    `SELECT "actorRole", "data" FROM "AuditLog" WHERE "action" = 'user.two-factor-reset' AND "targetId" = (SELECT "id" FROM "User" WHERE "email" = $1)`,
    [email],
  );
  expect(reset).toMatchObject({
    actorRole: "ADMIN",
    data: { reason: "Phone lost; identity checked in person", removed: { totp: true, recoveryCodes: 10 } },
  });
});

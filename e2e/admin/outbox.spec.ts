// Issue 12 item 8: the outbox never shows a working secret. The page's HTML is searched for
// every token-shaped string, and each is checked against the token hashes in the database.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { randomEmail } from "../helpers/auth";
import { sql } from "../helpers/db";
import { linkIn, waitForMail } from "../helpers/mailbox";
import { signUp } from "../helpers/portal";
import { adminPage } from "./helpers";

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

test("the outbox page's HTML holds no usable reset or invitation token", async ({ browser, page }) => {
  const { email } = await signUp(page);
  await page.context().clearCookies();
  await page.goto("/forgot-password");
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("a reset link is on its way")).toBeVisible();

  const admin = await adminPage(browser);
  const invitee = randomEmail("invitee");
  await admin.goto("/admin/staff");
  await admin.getByLabel("Name").fill("Ivo Invitee");
  await admin.getByLabel("E-mail").fill(invitee);
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();

  // The real tokens (as their recipients got them) are live in the database…
  const real = [
    linkIn(await waitForMail(email, /Reset your Cellblock password/), "/reset-password").split("token=")[1]!,
    linkIn(await waitForMail(invitee, /You are invited/), "/welcome").split("token=")[1]!,
  ];
  const hashes = new Set(
    (
      await sql<{ tokenHash: string }>(
        `SELECT t."tokenHash" FROM "PasswordResetToken" t JOIN "User" u ON u."id" = t."userId" WHERE u."email" = ANY($1) AND t."usedAt" IS NULL`,
        [[email, invitee]],
      )
    ).map((r) => r.tokenHash),
  );
  for (const t of real) expect(hashes.has(sha256(t))).toBe(true);

  // … and nowhere on the outbox page, opened message by message.
  for (const to of [email, invitee]) {
    await admin.goto(`/admin/outbox?to=${encodeURIComponent(to)}`);
    for (const summary of await admin.locator("summary").all()) await summary.click();
    await expect(admin.getByTestId("mail-body").first()).toContainText("token=[redacted]");
    const html = await admin.content();
    const candidates = new Set([...html.matchAll(/[A-Za-z0-9_-]{20,}/g)].map((m) => m[0]));
    for (const c of candidates) expect(hashes.has(sha256(c)), `a live token is on the page: ${c.slice(0, 6)}…`).toBe(false);
    for (const t of real) expect(html).not.toContain(t);
  }
  await admin.screenshot({ path: "test-results/admin-outbox.png", fullPage: true });
});

// Issue 13 end to end: a plan upgrade mid-month bills both plans pro-rated on the next invoice;
// the month still running cannot be invoiced (the page says why); a German consumer pays 19 %
// VAT, a French business with a VAT number gets the reverse charge; the PDF downloads and its
// first page, rendered to PNG with pdftoppm, shows the totals.
//
// Only a month that has ended can be invoiced, so each test moves what happened into LAST
// month after doing it for real through the app: the jail's creation and plan-change instants,
// a charge's creation time. Nothing an agent reports is written here.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { fillSignUpForm, randomEmail, logInWithTotp } from "../helpers/auth";
import { count, sql } from "../helpers/db";
import { seeded } from "../helpers/env";
import { randomHostname } from "../helpers/portal";

test.setTimeout(6 * 60_000);
const run = promisify(execFile);

const now = new Date();
const thisMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const period = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const lastMonth = period(lastMonthStart);
const thisMonth = period(thisMonthStart);

async function signUpIn(browser: Browser, country: string, next?: string) {
  const page = await (await browser.newContext()).newPage();
  const email = randomEmail(`bill-${country.toLowerCase()}`);
  await page.goto(next ? `/signup?next=${encodeURIComponent(next)}` : "/signup");
  await fillSignUpForm(page, { email, country, accountName: `Tax ${country} ${crypto.randomBytes(3).toString("hex")}` });
  await page.waitForURL((url) => url.pathname !== "/signup", { timeout: 45_000 });
  const [user] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]);
  return { page, email, accountId: user!.accountId };
}

async function clerkPage(browser: Browser) {
  const clerk = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await logInWithTotp(clerk, seeded.billing);
  await expect(clerk).toHaveURL(/\/billing$/);
  return clerk;
}

async function runMonth(clerk: Page, month: string) {
  await clerk.goto("/billing/invoices");
  const form = clerk.getByRole("form", { name: "Invoice run" });
  await form.getByLabel("Month").selectOption(month);
  await form.getByRole("button", { name: "Run invoices" }).click();
  return form;
}

const invoiceOf = async (accountId: string) =>
  (
    await sql<{ id: string; totalCents: number; taxCents: number; taxTreatment: string; status: string; number: string | null }>(
      `SELECT "id", "totalCents", "taxCents", "taxTreatment"::text AS "taxTreatment", "status"::text AS "status", "number"
       FROM "Invoice" WHERE "accountId" = $1 AND "periodStart" = $2 AND "status" <> 'VOID'`,
      [accountId, lastMonthStart],
    )
  )[0];

/** Round half up, in integers: what the invoice run does for one plan line. */
const prorate = (priceCents: number, ms: number, monthMs: number) => Math.floor((2 * priceCents * ms + monthMs) / (2 * monthMs));

test("an upgrade mid-month bills both plans pro-rated; the running month is refused with the reason", async ({ browser }, testInfo) => {
  const { page, accountId } = await signUpIn(browser, "US", "/order?plan=cell");
  await expect(page).toHaveURL(/\/order\?plan=cell$/);
  await page.getByLabel("Fully-qualified hostname").fill(randomHostname("prorate"));
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const jailId = page.url().split("/").pop()!;
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 120_000 });
  await page.getByLabel("New plan").selectOption("yard");
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect.poll(() => count("JailPlanPeriod", `"jailId" = $1`, [jailId])).toBe(2);

  // The order and the upgrade happened just now; the bill for them is last month's, so move
  // their instants there: created on the 1st, upgraded on the 20th at 12:00 UTC.
  const switchAt = new Date(lastMonthStart.getTime() + 19.5 * 86_400_000);
  await sql(`UPDATE "Jail" SET "createdAt" = $2 WHERE "id" = $1`, [jailId, lastMonthStart]);
  await sql(`UPDATE "JailPlanPeriod" SET "startsAt" = $2, "endsAt" = $3 WHERE "jailId" = $1 AND "endsAt" IS NOT NULL`, [
    jailId,
    lastMonthStart,
    switchAt,
  ]);
  await sql(`UPDATE "JailPlanPeriod" SET "startsAt" = $2 WHERE "jailId" = $1 AND "endsAt" IS NULL`, [jailId, switchAt]);

  const clerk = await clerkPage(browser);
  // This month has not ended: refused, with the reason on the page, and nothing written.
  const refused = await runMonth(clerk, thisMonth);
  await expect(refused.getByRole("alert").first()).toContainText("has not ended");
  await expect(refused.getByRole("alert").first()).toContainText("can be invoiced from then on");
  expect(await count("Invoice", `"accountId" = $1`, [accountId])).toBe(0);
  await clerk.screenshot({ path: testInfo.outputPath("open-month-refused.png"), fullPage: true });

  const ran = await runMonth(clerk, lastMonth);
  await expect(ran.getByRole("status")).toContainText(`Invoice run for ${lastMonth}`);
  const invoice = (await invoiceOf(accountId))!;
  const monthMs = thisMonthStart.getTime() - lastMonthStart.getTime();
  const cell = prorate(1000, switchAt.getTime() - lastMonthStart.getTime(), monthMs); // Cell: $10
  const yard = prorate(4000, thisMonthStart.getTime() - switchAt.getTime(), monthMs); // Yard: $40
  const lines = await sql<{ amountCents: number; description: string }>(
    `SELECT "amountCents", "description" FROM "InvoiceLine" WHERE "invoiceId" = $1 AND "kind" = 'PLAN_FEE' ORDER BY "description"`,
    [invoice.id],
  );
  expect(lines.map((l) => l.amountCents).sort()).toEqual([cell, yard].sort());
  expect(invoice.totalCents).toBe(cell + yard);

  // The clerk sees a draft that says so and what it will ask for, then issues it.
  await clerk.goto(`/billing/invoices/${invoice.id}`);
  await expect(clerk.getByTestId("draft-notice")).toBeVisible();
  await expect(clerk.getByTestId("invoice-draft-total")).toHaveText(`$${((cell + yard) / 100).toFixed(2)}`);
  await expect(clerk.getByTestId("invoice-balance")).toHaveCount(0);
  await clerk.getByRole("button", { name: "Issue and mail" }).click();
  await expect(clerk.getByTestId("invoice-balance")).toHaveText(`$${((cell + yard) / 100).toFixed(2)}`);

  await page.goto(`/invoices/${invoice.id}`);
  const planRows = page.getByTestId("invoice-lines").locator('tr[data-kind="PLAN_FEE"]');
  await expect(planRows).toHaveCount(2);
  await expect(planRows.filter({ hasText: "Cell plan" })).toContainText(
    `– 20 ${switchAt.toLocaleString("en-GB", { month: "short", timeZone: "UTC" })} 12:00`,
  );
  await expect(planRows.filter({ hasText: "Yard plan" })).toContainText(
    `(20 ${switchAt.toLocaleString("en-GB", { month: "short", timeZone: "UTC" })} 12:00 –`,
  );
  await page.screenshot({ path: testInfo.outputPath("prorated-invoice.png"), fullPage: true });
});

test("19 % VAT for a German consumer, reverse charge for a French business; the PDF downloads with its totals", async ({
  browser,
}, testInfo) => {
  const clerk = await clerkPage(browser);
  await clerk.goto("/billing/tax");
  const rates = clerk.getByRole("form", { name: "Set tax rate" });
  for (const [country, name, rate] of [
    ["DE", "VAT", "19"],
    ["FR", "TVA", "20,0"],
  ]) {
    await rates.getByLabel("Country").fill(country!);
    await rates.getByLabel("Name on the invoice").fill(name!);
    await rates.getByLabel("Rate (%)").fill(rate!);
    await rates.getByRole("button", { name: "Save rate" }).click();
    await expect(rates.getByRole("status")).toContainText(`Tax rate for ${country} saved.`);
  }
  await rates.getByLabel("Country").fill("IT");
  await rates.getByLabel("Name on the invoice").fill("IVA");
  await rates.getByLabel("Rate (%)").fill("220");
  await rates.getByRole("button", { name: "Save rate" }).click();
  await expect(rates.getByRole("alert").first()).toBeVisible();
  await expect(rates.getByText("A rate is at most 50 %.")).toBeVisible();
  await expect(clerk.getByTestId("tax-rate-DE")).toContainText("19 %");

  const de = await signUpIn(browser, "DE");
  const fr = await signUpIn(browser, "FR");

  // The French customer enters a VAT number: a malformed one is refused inline, then a good one.
  await fr.page.goto("/account");
  const contact = fr.page.getByRole("form", { name: "Billing contact" });
  await contact.getByLabel("VAT number").fill("FR123");
  await contact.getByRole("button", { name: "Save billing contact" }).click();
  await expect(contact.getByText("That is not the format of a FR VAT number")).toBeVisible();
  await contact.getByLabel("VAT number").fill("fr 40 303 265 045");
  await contact.getByRole("button", { name: "Save billing contact" }).click();
  await expect(contact.getByRole("status")).toContainText("Billing contact saved");
  expect((await sql<{ vatNumber: string }>(`SELECT "vatNumber" FROM "Account" WHERE "id" = $1`, [fr.accountId]))[0]!.vatNumber).toBe(
    "FR40303265045",
  );

  // The clerk charges each a setup fee, typed with a decimal comma.
  for (const who of [de, fr]) {
    await clerk.goto(`/billing/accounts/${who.accountId}`);
    const add = clerk.getByRole("form", { name: "Add adjustment" });
    await add.getByLabel("Amount ($)").fill("35,00");
    await add.getByLabel("Description (shown on the invoice)").fill("Setup fee");
    await add.getByRole("button", { name: "Add" }).click();
    await expect(add.getByRole("status")).toContainText("Charge added");
    const [adj] = await sql<{ amountCents: number }>(`SELECT "amountCents" FROM "AccountAdjustment" WHERE "accountId" = $1`, [
      who.accountId,
    ]);
    expect(adj!.amountCents).toBe(3500);
    // Charged last month, so last month's invoice carries it.
    await sql(`UPDATE "AccountAdjustment" SET "createdAt" = $2 WHERE "accountId" = $1`, [
      who.accountId,
      new Date(lastMonthStart.getTime() + 86_400_000),
    ]);
  }

  await expect((await runMonth(clerk, lastMonth)).getByRole("status")).toContainText(`Invoice run for ${lastMonth}`);
  for (const who of [de, fr]) {
    const inv = (await invoiceOf(who.accountId))!;
    await clerk.goto(`/billing/invoices/${inv.id}`);
    await clerk.getByRole("button", { name: "Issue and mail" }).click();
    await expect(clerk.getByTestId("invoice-balance")).toBeVisible();
  }
  const deInvoice = (await invoiceOf(de.accountId))!;
  const frInvoice = (await invoiceOf(fr.accountId))!;
  expect(deInvoice).toMatchObject({ status: "ISSUED", taxTreatment: "STANDARD", taxCents: 665, totalCents: 4165 });
  expect(frInvoice).toMatchObject({ status: "ISSUED", taxTreatment: "REVERSE_CHARGE", taxCents: 0, totalCents: 3500 });
  expect(deInvoice.number).toMatch(/^CB-\d{6}$/);

  await de.page.goto(`/invoices/${deInvoice.id}`);
  await expect(de.page.getByTestId("invoice-tax")).toHaveText("$6.65");
  await expect(de.page.locator('tr[data-kind="TAX"]')).toContainText("VAT 19 % of $35.00");
  await expect(de.page.getByTestId("invoice-total")).toHaveText("$41.65");
  await expect(de.page.getByTestId("reverse-charge")).toHaveCount(0);
  await fr.page.goto(`/invoices/${frInvoice.id}`);
  await expect(fr.page.getByTestId("reverse-charge")).toContainText("VAT to be accounted for by the recipient");
  await expect(fr.page.getByTestId("bill-to")).toContainText("VAT number FR40303265045");
  await expect(fr.page.getByTestId("invoice-total")).toHaveText("$35.00");
  await fr.page.screenshot({ path: testInfo.outputPath("reverse-charge-invoice.png"), fullPage: true });

  // The PDF: downloaded by the customer, its first page rendered and read.
  const [download] = await Promise.all([de.page.waitForEvent("download"), de.page.getByRole("link", { name: "Download PDF" }).click()]);
  const pdfPath = testInfo.outputPath("de-invoice.pdf");
  await download.saveAs(pdfPath);
  expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).toBe("%PDF-");
  await run("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdfPath, testInfo.outputPath("de-invoice-page1")]);
  expect(fs.statSync(testInfo.outputPath("de-invoice-page1.png")).size).toBeGreaterThan(5000);
  const { stdout: text } = await run("pdftotext", ["-layout", "-f", "1", "-l", "1", pdfPath, "-"]);
  expect(text).toContain(`Invoice ${deInvoice.number}`);
  expect(text).toMatch(/VAT 19 % of \$35\.00\s+\$6\.65/);
  expect(text).toMatch(/Total\s+\$41\.65/);
  expect(text).toMatch(/Balance due\s+\$41\.65/);
  const frPdf = await fr.page.request.get(`/invoices/${frInvoice.id}/pdf`);
  expect(frPdf.status()).toBe(200);
  fs.writeFileSync(testInfo.outputPath("fr-invoice.pdf"), await frPdf.body());
  const { stdout: frText } = await run("pdftotext", ["-f", "1", "-l", "1", testInfo.outputPath("fr-invoice.pdf"), "-"]);
  expect(frText.replace(/\s+/g, " ")).toContain("Reverse charge: VAT to be accounted for by the recipient");

  // The clerk can download it too; another customer cannot, not even knowing its id.
  const staffPdf = await clerk.request.get(`/billing/invoices/${deInvoice.id}/pdf`);
  expect(staffPdf.status()).toBe(200);
  expect(staffPdf.headers()["content-type"]).toBe("application/pdf");
  expect((await fr.page.request.get(`/invoices/${deInvoice.id}/pdf`)).status()).toBe(404);
  expect((await fr.page.request.get(`/billing/invoices/${deInvoice.id}/pdf`)).status()).toBe(403);
  expect((await fr.page.request.get(`/invoices/not-an-id!/pdf`)).status()).toBe(404);

  // The dashboard shows what is due.
  await de.page.goto("/dashboard");
  await expect(de.page.getByTestId("dashboard-balance")).toHaveText("$41.65");
});

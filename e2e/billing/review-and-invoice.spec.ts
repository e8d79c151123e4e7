// A billing clerk works the overage review queue (approve one, waive one with a reason), runs
// the invoice run and issues the month, and the customer sees the invoice with the overage
// line. The history is written directly (jails created last month, 35 days of daily rollups,
// two cases whose grace ended an hour ago); the excess under review is measured by the
// worker's billing tick from those rollups, not written by the spec. Only a month that has
// ended can be invoiced, so the month billed is last month, and the decisions made today are
// dated back into it. The customers live in the US, where no tax rate is configured (the tax
// spec configures DE and FR), so the amounts are tax-free. Suspension, which reaches a real
// container, is in suspension.spec.ts.
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { fillSignUpForm, randomEmail, logInWithTotp } from "../helpers/auth";
import { count, sql } from "../helpers/db";
import { seeded } from "../helpers/env";

// Sign-ups hash passwords and the clerk walks many pages: slow on a busy two-core machine.
test.setTimeout(6 * 60_000);

const tag = () => crypto.randomBytes(4).toString("hex");
const GB = 2 ** 30;

async function seedBillingWorld(accountId: string) {
  const t = tag();
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const [plan] = await sql<{ id: string }>(
    `INSERT INTO "Plan" ("id", "slug", "name", "priceCents", "diskQuotaMb", "memoryLimitMb", "maxProcesses", "cpuPercent", "bandwidthGb", "overagePricePerGbCents", "updatedAt")
     VALUES ($1, $2, $3, 1500, 1024, 128, 40, 25, 10, 100, now()) RETURNING "id"`,
    [`plan${t}`, `e2e-${t}`, `E2E Cell ${t}`],
  );
  const [host] = await sql<{ id: string }>(
    `INSERT INTO "Host" ("id", "name", "fqdn", "driver", "status", "capacityJails", "capacityDiskMb", "capacityMemoryMb", "privateNetblock", "updatedAt")
     VALUES ($1, $2, $3, 'LXC', 'DRAINING', 10, 100000, 10000, '10.250.0.0/24', now()) RETURNING "id"`,
    [`host${t}`, `host-${t}`, `host-${t}.e2e.test`],
  );
  const [template] = await sql<{ id: string }>(`SELECT "id" FROM "Template" WHERE "slug" = 'freebsd-base'`);
  const jails = [];
  for (const n of [1, 2]) {
    const hostname = `over${n}-${t}.example.test`;
    const [jail] = await sql<{ id: string }>(
      `INSERT INTO "Jail" ("id", "hostname", "name", "accountId", "planId", "templateId", "hostId", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING "id"`,
      [`jail${n}${t}`, hostname, `cb${n}${t}`, accountId, plan!.id, template!.id, host!.id, lastMonth],
    );
    // 35 days of daily rollups: 0.8 GB, then over the 1 GB quota, peaking at 3.41 GB ten days ago.
    await sql(
      `INSERT INTO "UsageRollup" ("jailId", "period", "bucketStart", "samples", "diskMaxBytes", "diskAvgBytes", "memoryMaxBytes", "memoryAvgBytes",
         "cpuMaxPercent", "cpuAvgPercent", "processesMax", "netRxBytes", "netTxBytes", "updatedAt")
       SELECT $1, 'DAY', date_trunc('day', now() AT TIME ZONE 'UTC') - (d || ' days')::interval, 288,
              CASE WHEN d > 31 THEN $2::bigint WHEN d = 10 THEN $3::bigint ELSE $4::bigint END,
              CASE WHEN d > 31 THEN $2::bigint ELSE $4::bigint END, 0, 0, 0, 0, 1, 1000, 1000, now()
       FROM generate_series(0, 34) AS d`,
      [jail!.id, Math.round(0.8 * GB), Math.round(3.41 * GB), Math.round(1.6 * GB)],
    );
    // Opened 31 days ago; its grace ended an hour ago. The worker's next tick measures it.
    await sql(
      `INSERT INTO "OverageCase" ("id", "jailId", "accountId", "kind", "status", "limitMb", "openedAt", "graceEndsAt", "updatedAt")
       VALUES ($1, $2, $3, 'DISK', 'GRACE', 1024, now() - interval '31 days', now() - interval '1 hour', now())`,
      [`case${n}${t}`, jail!.id, accountId],
    );
    jails.push({ id: jail!.id, hostname, caseId: `case${n}${t}` });
  }
  return jails;
}

async function signUpThroughForm(page: Page) {
  const email = randomEmail("signup");
  await page.goto("/signup");
  await fillSignUpForm(page, { email, country: "US" });
  await expect(page).toHaveURL(/\/dashboard$/);
  return { email };
}

test("billing works the review queue and the invoice run; the customer sees the overage on the invoice", async ({ browser }, testInfo) => {
  const now = new Date();
  const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const lastMonth = `${lastMonthStart.getUTCFullYear()}-${String(lastMonthStart.getUTCMonth() + 1).padStart(2, "0")}`;

  const customer = await (await browser.newContext()).newPage();
  const { email } = await signUpThroughForm(customer);
  const [user] = await sql<{ accountId: string }>(`SELECT "accountId" FROM "User" WHERE "email" = $1`, [email]);
  const [approveMe, waiveMe] = await seedBillingWorld(user!.accountId);

  // The worker's billing tick (every 5 s here) ends the grace: peak 3.41 GB − 1 GB quota =
  // 2.41 GB, rounded up to the next 0.1 GB.
  const measured = () =>
    sql<{ status: string; excessTenthsGb: number | null }>(`SELECT "status", "excessTenthsGb" FROM "OverageCase" WHERE "id" = ANY($1)`, [
      [approveMe!.caseId, waiveMe!.caseId],
    ]);
  await expect.poll(measured, { timeout: 60_000 }).toEqual([
    { status: "REVIEW", excessTenthsGb: 25 },
    { status: "REVIEW", excessTenthsGb: 25 },
  ]);

  // The customer is told, on every portal page.
  await customer.goto("/dashboard");
  await expect(customer.getByTestId("overage-banner")).toContainText(approveMe!.hostname);
  await expect(customer.getByTestId("overage-banner")).toContainText(waiveMe!.hostname);

  const clerk = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await logInWithTotp(clerk, seeded.billing);
  await expect(clerk).toHaveURL(/\/billing$/);
  await clerk.getByRole("link", { name: "Overage review" }).first().click();
  const approveCard = clerk.getByRole("article", { name: `Case ${approveMe!.hostname}` });
  const waiveCard = clerk.getByRole("article", { name: `Case ${waiveMe!.hostname}` });
  await expect(approveCard).toContainText("2.5 GB");
  await expect(approveCard.getByRole("img")).toHaveAttribute("aria-label", /peak 3\.4 GB, limit 1\.0 GB/);
  await clerk.screenshot({ path: testInfo.outputPath("review-queue.png"), fullPage: true });

  await approveCard.getByRole("button", { name: "Approve $2.50" }).click();
  await expect(approveCard).toHaveCount(0);
  // A waiver needs a reason: refused inline without one.
  await waiveCard.getByRole("button", { name: "Waive", exact: true }).click();
  await expect(waiveCard.getByRole("alert").first()).toBeVisible();
  expect(await count("OverageCase", `"id" = $1 AND "status" = 'REVIEW'`, [waiveMe!.caseId])).toBe(1);
  await waiveCard.getByLabel("Reason for waiving").fill("Log explosion, customer cleaned up at once");
  await waiveCard.getByRole("button", { name: "Waive", exact: true }).click();
  await expect(waiveCard).toHaveCount(0);

  const cases = await sql<{ id: string; status: string; amountCents: number | null; decisionReason: string | null }>(
    `SELECT "id", "status", "amountCents", "decisionReason" FROM "OverageCase" WHERE "id" = ANY($1) ORDER BY "id"`,
    [[approveMe!.caseId, waiveMe!.caseId]],
  );
  expect(cases.map((c) => [c.status, c.amountCents, c.decisionReason])).toEqual([
    ["APPROVED", 250, null],
    ["WAIVED", 0, "Log explosion, customer cleaned up at once"],
  ]);
  expect(
    await count("AuditLog", `"targetId" = ANY($1) AND "action" IN ('overage.approve', 'overage.waive') AND "actorRole" = 'BILLING'`, [
      [approveMe!.caseId, waiveMe!.caseId],
    ]),
  ).toBe(2);

  // Decided last month, so last month's invoice carries the charge.
  await sql(`UPDATE "OverageCase" SET "decidedAt" = $2 WHERE "id" = ANY($1)`, [
    [approveMe!.caseId, waiveMe!.caseId],
    new Date(lastMonthStart.getTime() + 20 * 86_400_000),
  ]);

  // The invoice run for last month, twice: the second adds nothing.
  await clerk.getByRole("link", { name: "Invoices" }).first().click();
  const run = clerk.getByRole("form", { name: "Invoice run" });
  await run.getByLabel("Month").selectOption(lastMonth);
  await run.getByRole("button", { name: "Run invoices" }).click();
  await expect(run.getByRole("status")).toContainText(`Invoice run for ${lastMonth}`);
  const firstRun = await run.getByRole("status").innerText();
  const lines = () => count("InvoiceLine", `"invoiceId" IN (SELECT "id" FROM "Invoice" WHERE "accountId" = $1)`, [user!.accountId]);
  expect(await lines()).toBe(3);
  await run.getByRole("button", { name: "Run invoices" }).click();
  // Other specs may add jails meanwhile, so judge the second run by this account's rows.
  await expect(run.getByRole("status")).not.toHaveText(firstRun);
  expect(await count("Invoice", `"accountId" = $1`, [user!.accountId])).toBe(1);
  expect(await lines()).toBe(3);
  expect(await count("InvoiceLine", `"overageCaseId" = ANY($1)`, [[approveMe!.caseId, waiveMe!.caseId]])).toBe(1);

  // Issue this account's draft from its page ("Issue all drafts" would also issue the drafts
  // the other billing spec, running alongside, is still looking at).
  const [draft] = await sql<{ id: string }>(`SELECT "id" FROM "Invoice" WHERE "accountId" = $1`, [user!.accountId]);
  await clerk.goto(`/billing/invoices/${draft!.id}`);
  await expect(clerk.getByTestId("invoice-draft-total")).toHaveText("$32.50");
  await clerk.getByRole("button", { name: "Issue and mail" }).click();
  await expect(clerk.getByTestId("invoice-balance")).toHaveText("$32.50");
  await clerk.goto(`/billing/invoices?period=${lastMonth}`);
  await clerk.screenshot({ path: testInfo.outputPath("invoices-list.png"), fullPage: true });
  const [invoice] = await sql<{ id: string; number: string; status: string; totalCents: number }>(
    `SELECT "id", "number", "status", "totalCents" FROM "Invoice" WHERE "accountId" = $1`,
    [user!.accountId],
  );
  expect(invoice).toMatchObject({ status: "ISSUED", totalCents: 1500 + 1500 + 250 });
  expect(await count("MailMessage", `"to" = $1 AND "kind" = 'invoice-issued'`, [email])).toBe(1);

  // The customer: balance due, the invoice with its overage line, and no banner any more.
  await customer.goto("/invoices");
  await expect(customer.getByTestId("balance-due")).toHaveText("$32.50");
  await expect(customer.getByTestId("overage-banner")).toHaveCount(0);
  await customer.getByRole("link", { name: invoice!.number }).click();
  await expect(customer).toHaveURL(new RegExp(`/invoices/${invoice!.id}$`));
  const overage = customer.getByTestId("invoice-lines").locator('tr[data-kind="OVERAGE"]');
  await expect(overage).toHaveCount(1);
  await expect(overage).toContainText(`Disk overage, ${approveMe!.hostname}: 2.5 GB above 1.0 GB`);
  await expect(overage).toContainText("$2.50");
  await expect(customer.getByTestId("invoice-total")).toHaveText("$32.50");
  await customer.screenshot({ path: testInfo.outputPath("customer-invoice.png"), fullPage: true });

  // Another customer cannot open it, and cannot reach the billing console.
  const stranger = await (await browser.newContext()).newPage();
  await signUpThroughForm(stranger);
  const res = await stranger.goto(`/invoices/${invoice!.id}`);
  expect(res?.status()).toBe(404);
  expect((await stranger.goto("/billing/reviews"))?.status()).toBe(403);
  expect((await stranger.request.get(`/billing/exports/invoices?period=${lastMonth}`)).status()).toBe(403);

  // The clerk records a partial payment, then the rest; the customer's balance goes to zero.
  await clerk.goto(`/billing/invoices/${invoice!.id}`);
  const pay = clerk.getByRole("form", { name: "Record payment" });
  await expect(pay.getByLabel("Amount ($)")).toHaveValue("32.50");
  await pay.getByLabel("Amount ($)").fill("40");
  await pay.getByRole("button", { name: "Record payment" }).click();
  await expect(pay.getByRole("alert").first()).toContainText("more than the balance");
  await pay.getByLabel("Amount ($)").fill("30.00");
  await pay.getByLabel("Reference").fill("SEPA 2026-11");
  await pay.getByRole("button", { name: "Record payment" }).click();
  await expect(pay.getByRole("status")).toContainText("Balance: $2.50");
  await pay.getByLabel("Amount ($)").fill("2.50");
  await pay.getByRole("button", { name: "Record payment" }).click();
  await expect(clerk.getByTestId("invoice-balance")).toHaveText("$0.00");
  await clerk.screenshot({ path: testInfo.outputPath("staff-invoice.png"), fullPage: true });
  await customer.goto("/invoices");
  await expect(customer.getByTestId("balance-due")).toHaveText("$0.00");
  expect(await count("Payment", `"invoiceId" = $1`, [invoice!.id])).toBe(2);

  // The clerk's CSV export has the invoice.
  const csv = await clerk.request.get(`/billing/exports/invoices?period=${lastMonth}`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain(`${invoice!.number},${lastMonth}`);
  const decisions = await (await clerk.request.get(`/billing/exports/overage?period=${lastMonth}`)).text();
  expect(decisions).toContain("Log explosion, customer cleaned up at once");
});

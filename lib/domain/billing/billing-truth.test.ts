// Issue 13, the values the bill must give: plan periods pro-rated to the second, the open month,
// drafts, credits carried forward, voids, tax and numbering. This file's era is 2022–2024 (see
// billing-cycle.test.ts for why eras).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { createBillingPlan, serializeWithOtherBillingFiles } from "@/lib/test/billing-fixtures";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { switchPlanPeriod } from "@/lib/domain/jails/plan-periods";
import { addAccountAdjustment } from "./add-account-adjustment";
import { getAccountBalances } from "./balance-due";
import { decideOverageCase } from "./decide-overage-case";
import { getInvoiceForCustomer } from "./get-invoice";
import { getCustomerBilling } from "./get-customer-billing";
import { getBillingAttention } from "./get-billing-attention";
import { pdfText, renderInvoicePdf } from "./render-invoice-pdf";
import { invoiceBalanceCents, invoiceClosingLine } from "./invoice-balance";
import { issueDraftInvoices, issueInvoice } from "./issue-invoice";
import { getPlanPriceInForce } from "./plan-price";
import { openPeriodRefusal, runInvoiceRun } from "./run-invoice-run";
import { removeTaxRate, setTaxRate } from "./set-tax-rate";
import { updateBillingContact } from "./update-billing-contact";
import { voidInvoice } from "./void-invoice";
import { billingContactSchema, taxRateSchema } from "@/lib/schemas/billing";

serializeWithOtherBillingFiles();

const at = (iso: string) => new Date(iso);

async function world() {
  const host = await createHost();
  const clerk = staffActor(await createStaff("BILLING"));
  const { account, user } = await createCustomer();
  return { host, clerk, account, user };
}

/** What changeJailPlan does to the records billing reads: the jail's plan and its periods. */
async function changePlanAt(jailId: string, planId: string, when: Date) {
  await db.$transaction(async (tx) => {
    await tx.jail.update({ where: { id: jailId }, data: { planId } });
    await switchPlanPeriod(tx, { jailId, planId, at: when });
  });
}

const invoiceOf = (accountId: string, periodStart: Date) =>
  db.invoice.findFirst({
    where: { accountId, periodStart, status: { not: "VOID" } },
    include: { lines: { orderBy: [{ kind: "asc" }, { amountCents: "desc" }] } },
  });

const planLines = (inv: { lines: Array<{ kind: string; amountCents: number; quantity: unknown; description: string }> }) =>
  inv.lines.filter((l) => l.kind === "PLAN_FEE").map((l) => [l.amountCents, String(l.quantity)]);

describe("case 3: plan fees follow the plan periods the jail had, to the second", () => {
  it.each([
    {
      name: "upgrade $5 → $40 on 29 March 12:00 (issue 13)",
      month: "2022-03",
      created: "2022-02-10T00:00:00Z",
      changes: [["2022-03-29T12:00:00Z", 4000]] as Array<[string, number]>,
      first: 500,
      // $5 × 28.5/31 = 459.68 → 460; $40 × 2.5/31 = 322.58 → 323 (each line rounded half up on its own).
      lines: [
        [460, "0.9194"],
        [323, "0.0806"],
      ],
      total: 783,
    },
    {
      name: "downgrade before the run and upgrade after: March still costs $40 for the 30 days on it",
      month: "2022-05",
      created: "2022-04-01T00:00:00Z",
      changes: [
        ["2022-05-31T23:00:00Z", 500],
        ["2022-06-01T00:00:01Z", 4000],
      ] as Array<[string, number]>,
      first: 4000,
      // $40 × (30 d 23 h)/31 d = 3994.62 → 3995; $5 × 1 h/31 d = 0.67 → 1.
      lines: [
        [3995, "0.9987"],
        [1, "0.0013"],
      ],
      total: 3996,
    },
    {
      name: "created mid-month, then two changes in one day",
      month: "2022-04",
      created: "2022-04-16T00:00:00Z",
      changes: [
        ["2022-04-20T06:00:00Z", 3000],
        ["2022-04-20T18:00:00Z", 600],
      ] as Array<[string, number]>,
      first: 3000,
      // 30-day month: $30 × 4.25/30 = 425; $30 × 0.5/30 = 50; $6 × 10.25/30 = 205.
      lines: [
        [425, "0.1417"],
        [205, "0.3417"],
        [50, "0.0167"],
      ],
      total: 680,
    },
  ])("$name", async ({ month, created, changes, first, lines, total }) => {
    const { host, clerk, account } = await world();
    const start = await createBillingPlan({ priceCents: first });
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: start.id, createdAt: at(created) });
    for (const [when, price] of changes) await changePlanAt(jail.id, (await createBillingPlan({ priceCents: price })).id, at(when));
    const ps = at(`${month}-01T00:00:00Z`);
    const pe = new Date(Date.UTC(ps.getUTCFullYear(), ps.getUTCMonth() + 1, 1));
    await runInvoiceRun({ actor: clerk, periodStart: ps, now: pe });
    const inv = (await invoiceOf(account.id, ps))!;
    expect(planLines(inv)).toEqual(lines);
    expect(inv.totalCents).toBe(total);
    expect(inv.totalCents).toBe(inv.lines.reduce((s, l) => s + l.amountCents, 0));
  });

  it("describes each period with its instants", async () => {
    const { host, clerk, account } = await world();
    const five = await createBillingPlan({ priceCents: 500 });
    const forty = await createBillingPlan({ priceCents: 4000 });
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: five.id, createdAt: at("2022-06-03T00:00:00Z") });
    await changePlanAt(jail.id, forty.id, at("2022-06-29T12:00:00Z"));
    await runInvoiceRun({ actor: clerk, periodStart: at("2022-06-01T00:00:00Z"), now: at("2022-07-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, at("2022-06-01T00:00:00Z")))!;
    expect(inv.lines.map((l) => l.description).sort()).toEqual(
      [`${five.name} plan, ${jail.hostname} (3 Jun – 29 Jun 12:00)`, `${forty.name} plan, ${jail.hostname} (29 Jun 12:00 – 30 Jun)`].sort(),
    );
  });

  it("bills the price in force when the period began; a plan with no price history bills Plan.priceCents", async () => {
    const { host, clerk, account } = await world();
    const plan = await createBillingPlan({ priceCents: 9999 });
    const bare = await createBillingPlan({ priceCents: 1550 });
    await db.planPrice.createMany({
      data: [
        { planId: plan.id, priceCents: 500, effectiveFrom: at("1970-01-01T00:00:00Z") },
        { planId: plan.id, priceCents: 600, effectiveFrom: at("2022-08-01T00:00:00Z") },
        { planId: plan.id, priceCents: 700, effectiveFrom: at("2022-09-01T00:00:00Z") },
      ],
    });
    const cases: Array<[string, string, number]> = [
      [plan.id, "2022-07-01T00:00:00Z", 500],
      [plan.id, "2022-08-01T00:00:00Z", 600], // effective exactly at the period's first instant
      [plan.id, "2022-09-01T00:00:00Z", 700],
      [bare.id, "2022-08-01T00:00:00Z", 1550],
    ];
    for (const [planId, periodStart, cents] of cases)
      expect(await getPlanPriceInForce({ planId, periodStart: at(periodStart) })).toBe(cents);
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2022-07-01T00:00:00Z") });
    const old = await createJailRow({ accountId: account.id, hostId: host.id, planId: bare.id, createdAt: at("2022-07-01T00:00:00Z") });
    // A jail without recorded periods: on its current plan since creation.
    await db.jailPlanPeriod.deleteMany({ where: { jailId: old.id } });
    await runInvoiceRun({ actor: clerk, periodStart: at("2022-08-01T00:00:00Z"), now: at("2022-09-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, at("2022-08-01T00:00:00Z")))!;
    expect(inv.lines.find((l) => l.jailId === jail.id)?.amountCents).toBe(600);
    expect(inv.lines.find((l) => l.jailId === old.id)).toMatchObject({ amountCents: 1550, sourceKey: `plan:${old.id}` });
  });
});

describe("case 4: a month that has not ended cannot be invoiced", () => {
  it.each([
    ["2022-10-01T00:00:00Z", "2022-10-31T23:59:59.999Z", "refused"],
    ["2022-10-01T00:00:00Z", "2022-10-15T00:00:00Z", "refused"],
    ["2022-10-01T00:00:00Z", "2022-11-01T00:00:00Z", null],
    ["2022-12-01T00:00:00Z", "2022-11-20T00:00:00Z", "refused"], // not even started
  ])("period %s at %s → %s", (period, now, expected) => {
    const r = openPeriodRefusal(at(period), at(now));
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(/has not ended: .* so it can be invoiced from then on/);
  });

  it("refuses the run one millisecond before the month ends and bills both edge jails right at its end", async () => {
    const { host, clerk, account } = await world();
    const plan = await createBillingPlan({ priceCents: 3100 }); // $1 a day in a 31-day month
    const cancelled = await createJailRow({
      accountId: account.id,
      hostId: host.id,
      planId: plan.id,
      createdAt: at("2022-12-01T00:00:00Z"),
    });
    const late = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2022-12-16T00:00:00Z") });
    await db.jail.update({ where: { id: cancelled.id }, data: { cancelledAt: at("2022-12-20T00:00:00Z") } });
    const ps = at("2022-12-01T00:00:00Z");
    await expect(runInvoiceRun({ actor: clerk, periodStart: ps, now: at("2022-12-31T23:59:59.999Z") })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { period: [expect.stringContaining("December 2022 has not ended")] },
    });
    expect(await invoiceOf(account.id, ps)).toBeNull();
    await runInvoiceRun({ actor: clerk, periodStart: ps, now: at("2023-01-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, ps))!;
    expect(inv.lines.find((l) => l.jailId === cancelled.id)?.amountCents).toBe(1900); // 1–19 December
    expect(inv.lines.find((l) => l.jailId === late.id)?.amountCents).toBe(1600); // 16–31 December
  });
});

describe("case 5: a draft says it is a draft and what it will ask for", () => {
  it.each([
    [{ status: "DRAFT", totalCents: 357, paidCents: 0 }, "Draft, not issued: due when issued", 357, 0],
    [{ status: "ISSUED", totalCents: 357, paidCents: 100 }, "Balance due", 257, 257],
    [{ status: "PAID", totalCents: 357, paidCents: 357 }, "Balance due", 0, 0],
    [{ status: "VOID", totalCents: 357, paidCents: 0 }, "Void: nothing is due", 0, 0],
  ] as const)("%o", (invoice, label, shown, owed) => {
    expect(invoiceClosingLine(invoice)).toMatchObject({ label, cents: shown });
    expect(invoiceBalanceCents(invoice)).toBe(owed);
  });
});

describe("case 9: credits carry forward, voids re-bill or stay final", () => {
  it("carries credit above the charges to the next invoice as balance, untaxed the second time", async () => {
    const { host, clerk, account } = await world();
    await db.account.update({ where: { id: account.id }, data: { country: "DE" } });
    await setTaxRate({ actor: clerk, input: { country: "DE", name: "VAT", rateBp: 1900 } });
    const plan = await createBillingPlan({ priceCents: 1000 });
    await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2023-01-01T00:00:00Z") });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: -2500, reason: "Outage" },
      now: at("2023-01-10T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2023-01-01T00:00:00Z"), now: at("2023-02-01T00:00:00Z") });
    const jan = (await invoiceOf(account.id, at("2023-01-01T00:00:00Z")))!;
    // Net −$15.00; VAT 19 % of −1500 = −285; total −1785.
    expect(jan).toMatchObject({ totalCents: -1785, taxCents: -285 });
    await issueInvoice({ actor: clerk, invoiceId: jan.id, now: at("2023-02-01T01:00:00Z") });
    const issued = (await db.invoice.findUniqueOrThrow({ where: { id: jan.id }, include: { lines: true } }))!;
    expect(issued).toMatchObject({ status: "PAID", totalCents: 0 });
    expect(issued.lines.find((l) => l.kind === "CREDIT_CARRIED")?.amountCents).toBe(1785);
    expect((await getAccountBalances({ accountIds: [account.id] })).get(account.id)).toEqual({ dueCents: 0, creditCents: 1785 });

    await runInvoiceRun({ actor: clerk, periodStart: at("2023-02-01T00:00:00Z"), now: at("2023-03-01T00:00:00Z") });
    const feb = (await invoiceOf(account.id, at("2023-02-01T00:00:00Z")))!;
    // $10.00 plan + 19 % = 1190, less the 1785 brought forward (not taxed again) = −595.
    expect(feb.lines.map((l) => [l.kind, l.amountCents]).sort()).toEqual(
      [
        ["CREDIT_BROUGHT", -1785],
        ["PLAN_FEE", 1000],
        ["TAX", 190],
      ].sort(),
    );
    expect(feb.totalCents).toBe(-595);
    await issueInvoice({ actor: clerk, invoiceId: feb.id, now: at("2023-03-01T01:00:00Z") });
    expect((await getAccountBalances({ accountIds: [account.id] })).get(account.id)).toEqual({ dueCents: 0, creditCents: 595 });
    await removeTaxRate({ actor: clerk, country: "DE" });
  });

  it("re-bills a void marked REBILL on the next run of its month, with a new number; a FINAL void is never billed again", async () => {
    const { host, clerk, account } = await world();
    const other = await createCustomer();
    const plan = await createBillingPlan({ priceCents: 2000, overagePricePerGbCents: 100 });
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2023-03-01T00:00:00Z") });
    await createJailRow({ accountId: other.account.id, hostId: host.id, planId: plan.id, createdAt: at("2023-03-01T00:00:00Z") });
    const c = await db.overageCase.create({
      data: {
        jailId: jail.id,
        accountId: account.id,
        kind: "DISK",
        status: "REVIEW",
        limitMb: 1024,
        openedAt: at("2023-02-01T00:00:00Z"),
        graceEndsAt: at("2023-03-01T00:00:00Z"),
        excessTenthsGb: 30,
      },
    });
    await decideOverageCase({ actor: clerk, caseId: c.id, input: { decision: "APPROVE" }, now: at("2023-03-10T00:00:00Z") });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 700, reason: "Extra IP" },
      now: at("2023-03-11T00:00:00Z"),
    });
    const ps = at("2023-03-01T00:00:00Z");
    await runInvoiceRun({ actor: clerk, periodStart: ps, now: at("2023-04-01T00:00:00Z") });
    const first = (await invoiceOf(account.id, ps))!;
    const firstOther = (await invoiceOf(other.account.id, ps))!;
    expect(first.totalCents).toBe(2000 + 300 + 700);
    await issueInvoice({ actor: clerk, invoiceId: first.id, now: at("2023-04-01T01:00:00Z") });
    await issueInvoice({ actor: clerk, invoiceId: firstOther.id, now: at("2023-04-01T01:00:00Z") });

    await expect(voidInvoice({ actor: clerk, invoiceId: first.id, reason: "", disposition: "REBILL" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    const r = await voidInvoice({
      actor: clerk,
      invoiceId: first.id,
      reason: "Wrong plan price",
      disposition: "REBILL",
      now: at("2023-04-02T00:00:00Z"),
    });
    expect(r.released).toEqual({ overageCases: 1, adjustments: 1 });
    await voidInvoice({
      actor: clerk,
      invoiceId: firstOther.id,
      reason: "Goodwill: month free",
      disposition: "FINAL",
      now: at("2023-04-02T00:00:00Z"),
    });
    expect(await db.invoice.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "VOID",
      voidDisposition: "REBILL",
      voidReason: "Wrong plan price",
    });
    expect(await db.auditLog.count({ where: { action: "invoice.void", targetId: { in: [first.id, firstOther.id] } } })).toBe(2);

    await runInvoiceRun({ actor: clerk, periodStart: ps, now: at("2023-04-03T00:00:00Z") });
    const again = (await invoiceOf(account.id, ps))!;
    expect(again.id).not.toBe(first.id);
    expect(again.lines.map((l) => [l.kind, l.amountCents]).sort()).toEqual(
      [
        ["ADJUSTMENT", 700],
        ["OVERAGE", 300],
        ["PLAN_FEE", 2000],
      ].sort(),
    );
    expect(await invoiceOf(other.account.id, ps)).toBeNull(); // FINAL: the month stays unbilled
    await issueInvoice({ actor: clerk, invoiceId: again.id, now: at("2023-04-03T01:00:00Z") });
    const numbers = (
      await db.invoice.findMany({ where: { id: { in: [first.id, firstOther.id, again.id] } }, orderBy: { issuedAt: "asc" } })
    ).map((i) => i.number);
    // Gapless per issuer: the void ones keep theirs, the replacement takes the next.
    const seq = numbers.map((n) => Number(n!.split("-")[1])).sort((a, b) => a - b);
    expect(seq).toEqual([seq[0], seq[0]! + 1, seq[0]! + 2]);
  });
});

describe("tax: rate by the customer's country, reverse charge for EU businesses, rounded once per invoice", () => {
  it.each([
    // [country, VAT number, net cents, treatment, tax cents]
    ["DE", null, 783, "STANDARD", 149], // 19 % of 7.83 = 1.4877 → 1.49
    ["DE", "DE123456789", 1000, "STANDARD", 190], // a business in the seller's own country pays the domestic rate
    ["FR", "FR40303265045", 1000, "REVERSE_CHARGE", 0],
    ["FR", null, 1005, "STANDARD", 201], // 20 % of 10.05 = 2.01
    ["AT", null, 1000, "NONE", 0], // no rate configured for AT here
    ["US", null, 1000, "NONE", 0],
    ["DE", null, 250, "STANDARD", 48], // 47.5 → 48: half away from zero
    ["DE", null, -250, "STANDARD", -48], // and symmetric for a net credit
  ] as const)("%s %s net %i → %s %i", async (country, vatNumber, net, treatment, tax) => {
    const { clerk, account } = await world();
    await setTaxRate({ actor: clerk, input: { country: "DE", name: "VAT", rateBp: 1900 } });
    await setTaxRate({ actor: clerk, input: { country: "FR", name: "TVA", rateBp: 2000 } });
    await db.account.update({ where: { id: account.id }, data: { country, vatNumber } });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: net, reason: "Service" },
      now: at("2024-01-05T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2024-01-01T00:00:00Z"), now: at("2024-02-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, at("2024-01-01T00:00:00Z")))!;
    expect(inv).toMatchObject({ taxTreatment: treatment, taxCents: tax, totalCents: net + tax });
    const taxLine = inv.lines.find((l) => l.kind === "TAX");
    if (treatment === "NONE") expect(taxLine).toBeUndefined();
    else expect(taxLine).toMatchObject({ amountCents: tax, unitCents: net });
    if (treatment === "REVERSE_CHARGE") expect(taxLine?.description).toBe("TVA 0 % (reverse charge)");
  });

  it("recomputes tax from the contact as it is when issued, and freezes that contact on the invoice", async () => {
    const { clerk, account, user } = await world();
    await setTaxRate({ actor: clerk, input: { country: "DE", name: "VAT", rateBp: 1900 } });
    await db.account.update({ where: { id: account.id }, data: { country: "DE" } });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 1000, reason: "Setup" },
      now: at("2024-02-05T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2024-02-01T00:00:00Z"), now: at("2024-03-01T00:00:00Z") });
    const draft = (await invoiceOf(account.id, at("2024-02-01T00:00:00Z")))!;
    expect(draft.totalCents).toBe(1190);
    const me = customerActor({ id: user.id, accountId: account.id });
    const contact = billingContactSchema.parse({
      name: "Société Test SARL",
      billingEmail: "Compta@Example.test",
      addressLine1: "3 rue de Test",
      city: "Paris",
      postalCode: "75001",
      country: "fr",
      vatNumber: "fr 40 303 265 045",
    });
    await updateBillingContact({ actor: me, contact });
    expect(await db.auditLog.count({ where: { action: "account.billing-contact", targetId: account.id } })).toBe(1);
    await issueInvoice({ actor: clerk, invoiceId: draft.id, now: at("2024-03-01T01:00:00Z") });
    const issued = await getInvoiceForCustomer({ actor: me, invoiceId: draft.id });
    expect(issued).toMatchObject({ taxTreatment: "REVERSE_CHARGE", taxCents: 0, totalCents: 1000 });
    expect(issued.billTo).toMatchObject({
      name: "Société Test SARL",
      country: "FR",
      vatNumber: "FR40303265045",
      billingEmail: "compta@example.test",
    });
    await updateBillingContact({ actor: me, contact: { ...contact, name: "Renamed later" } });
    expect((await getInvoiceForCustomer({ actor: me, invoiceId: draft.id })).billTo.name).toBe("Société Test SARL");
  });

  it.each([
    ["FR", "FR40303265045", true],
    ["FR", "FRIO303265045", false], // I and O are not used in the French key
    ["FR", "DE123456789", false],
    ["DE", "DE12345678", false],
    ["DE", "de 123.456.789", true],
    ["GR", "EL123456789", true],
    ["NL", "NL123456789B01", true],
    ["AT", "AT12345678", false],
    ["US", "US123", false],
    ["DE", "", true], // no VAT number: a consumer
  ])("VAT number %s %s → %s", (country, vatNumber, ok) => {
    const r = billingContactSchema.safeParse({
      name: "A",
      billingEmail: "a@example.test",
      addressLine1: "1 Street",
      city: "City",
      postalCode: "1",
      country,
      vatNumber,
    });
    expect(r.success).toBe(ok);
    if (!ok) expect(r.error!.issues[0]!.path).toEqual(["vatNumber"]);
  });

  it.each([
    ["19", 1900],
    ["7,7", 770],
    ["20.00 %", 2000],
    ["0", 0],
    ["50", 5000],
    ["50.01", null],
    ["190", null],
    ["-5", null],
    ["19.999", null],
  ])("tax rate %s → %s basis points", (rate, bp) => {
    const r = taxRateSchema.safeParse({ country: "de", name: "VAT", rate });
    expect(r.success ? r.data.rate : null).toBe(bp);
  });

  it("numbers issued invoices from one gapless sequence per issuer, and audits rate changes", async () => {
    const { clerk, host } = await world();
    const plan = await createBillingPlan({ priceCents: 100 });
    const accounts = [await createCustomer(), await createCustomer(), await createCustomer()];
    for (const a of accounts)
      await createJailRow({ accountId: a.account.id, hostId: host.id, planId: plan.id, createdAt: at("2024-03-01T00:00:00Z") });
    await runInvoiceRun({ actor: clerk, periodStart: at("2024-03-01T00:00:00Z"), now: at("2024-04-01T00:00:00Z") });
    const drafts = await db.invoice.findMany({ where: { accountId: { in: accounts.map((a) => a.account.id) } } });
    expect(drafts.map((d) => d.number)).toEqual([null, null, null]);
    await issueDraftInvoices({ actor: clerk, periodStart: at("2024-03-01T00:00:00Z"), now: at("2024-04-01T01:00:00Z") });
    // Every invoice ever issued under the default prefix, void ones included: 1, 2, … N, once each.
    const all = (await db.invoice.findMany({ where: { number: { startsWith: "CB-" } }, select: { number: true } }))
      .map((i) => Number(i.number!.slice(3)))
      .sort((a, b) => a - b);
    expect(all).toEqual(all.map((_, i) => i + 1));
    const mine = await db.invoice.findMany({ where: { accountId: { in: accounts.map((a) => a.account.id) } } });
    expect(mine.every((i) => i.status === "ISSUED" && /^CB-\d{6}$/.test(i.number!))).toBe(true);
    await setTaxRate({ actor: clerk, input: { country: "LU", name: "TVA", rateBp: 1700 } });
    expect(await db.auditLog.count({ where: { action: "tax-rate.set", actorId: clerk.userId, targetId: "LU" } })).toBe(1);
  });
});

describe("who may see and change the new billing records", () => {
  it("keeps each customer to their own billing contact, balance and invoices; tax rates are staff-only", async () => {
    const { clerk, account, user } = await world();
    const other = await createCustomer();
    const me = customerActor({ id: user.id, accountId: account.id });
    const them = customerActor({ id: other.user.id, accountId: other.account.id });
    const contact = billingContactSchema.parse({
      name: "Mine",
      billingEmail: "mine@example.test",
      addressLine1: "1 Road",
      city: "Town",
      postalCode: "1",
      country: "DE",
    });
    await updateBillingContact({ actor: them, contact });
    expect(await db.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ name: account.name, country: "US" });
    expect(await db.account.findUniqueOrThrow({ where: { id: other.account.id } })).toMatchObject({ name: "Mine", country: "DE" });
    await expect(updateBillingContact({ actor: { ...me, accountId: "" }, contact })).rejects.toThrow(/account id is required/);

    // An issued invoice of mine: past due shows on my dashboard only, and its PDF only to me.
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 500, reason: "Fee" },
      now: at("2024-05-02T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2024-05-01T00:00:00Z"), now: at("2024-06-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, at("2024-05-01T00:00:00Z")))!;
    await issueInvoice({ actor: clerk, invoiceId: inv.id, now: at("2024-06-01T01:00:00Z") });
    const mine = await getBillingAttention({ actor: me, now: at("2024-07-01T00:00:00Z") });
    expect(mine).toMatchObject({ dueCents: 500, creditCents: 0 });
    expect(mine.notices.map((n) => n.text)).toEqual([expect.stringMatching(/^Invoice CB-\d{6} is past due\.$/)]);
    expect(await getBillingAttention({ actor: them, now: at("2024-07-01T00:00:00Z") })).toMatchObject({ dueCents: 0, notices: [] });
    await expect(getInvoiceForCustomer({ actor: them, invoiceId: inv.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const pdf = await renderInvoicePdf(await getInvoiceForCustomer({ actor: me, invoiceId: inv.id }));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");

    const customerAsStaff = me as unknown as Parameters<typeof setTaxRate>[0]["actor"];
    await expect(setTaxRate({ actor: customerAsStaff, input: { country: "DE", name: "VAT", rateBp: 1 } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(removeTaxRate({ actor: customerAsStaff, country: "DE" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("never shows the customer a draft voided before it was issued", async () => {
    const { clerk, account, user } = await world();
    const me = customerActor({ id: user.id, accountId: account.id });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 900, reason: "Fee" },
      now: at("2024-06-02T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2024-06-01T00:00:00Z"), now: at("2024-07-01T00:00:00Z") });
    const draft = (await invoiceOf(account.id, at("2024-06-01T00:00:00Z")))!;
    await voidInvoice({
      actor: clerk,
      invoiceId: draft.id,
      reason: "Made by mistake",
      disposition: "FINAL",
      now: at("2024-07-01T01:00:00Z"),
    });
    await expect(getInvoiceForCustomer({ actor: me, invoiceId: draft.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getCustomerBilling({ actor: me })).invoices).toEqual([]);
  });

  it("folds invoice text into what the PDF's standard fonts can draw", () => {
    expect(pdfText("Jürgen – €5 − 2 · 北京")).toBe("Jürgen – €5 - 2 · ??");
  });
});

// The invoice run. This file's era is 2015–2016 (see billing-cycle.test.ts for why eras).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { addAccountAdjustment } from "./add-account-adjustment";
import { createBillingPlan, serializeWithOtherBillingFiles } from "@/lib/test/billing-fixtures";
import { issueInvoice } from "./issue-invoice";
import { runInvoiceRun } from "./run-invoice-run";
import { staffActor } from "@/lib/domain/actor";

serializeWithOtherBillingFiles();

const at = (iso: string) => new Date(iso);

async function world(month: string) {
  const plan = await createBillingPlan({ priceCents: 3100 }); // $31 a month: $1 a day in a 31-day month
  const host = await createHost();
  const clerk = staffActor(await createStaff("BILLING"));
  const { account } = await createCustomer();
  return { plan, host, clerk, account, start: at(`${month}-01T00:00:00Z`) };
}

const invoiceOf = (accountId: string, periodStart: Date) =>
  db.invoice.findFirst({
    where: { accountId, periodStart, status: { not: "VOID" } },
    include: { lines: { orderBy: { sourceKey: "asc" } } },
  });

describe("runInvoiceRun", () => {
  it("pro-rates jails created or cancelled mid-month, adds credits and charges, and totals the lines", async () => {
    const { plan, host, clerk, account, start } = await world("2015-03");
    const full = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2015-01-10T00:00:00Z") });
    const late = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2015-03-22T00:00:00Z") });
    const gone = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2015-02-01T00:00:00Z") });
    await db.jail.update({ where: { id: gone.id }, data: { cancelledAt: at("2015-03-06T00:00:00Z") } });
    const old = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2015-01-01T00:00:00Z") });
    await db.jail.update({
      where: { id: old.id },
      data: { cancelledAt: at("2015-02-20T00:00:00Z"), destroyedAt: at("2015-02-20T00:00:00Z") },
    });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: -500, reason: "Goodwill credit for the outage" },
      now: at("2015-03-15T00:00:00Z"),
    });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 2500, reason: "Extra IPv4 address" },
      now: at("2015-03-16T00:00:00Z"),
    });
    // Made after the month ended: belongs to the next invoice.
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: -100, reason: "April credit" },
      now: at("2015-04-02T00:00:00Z"),
    });

    await runInvoiceRun({ actor: clerk, periodStart: start, now: at("2015-04-03T00:00:00Z") });
    const inv = (await invoiceOf(account.id, start))!;
    const line = (key: string) => inv.lines.find((l) => l.sourceKey.startsWith(`${key}:`));
    expect(line(`plan:${full.id}`)).toMatchObject({ kind: "PLAN_FEE", amountCents: 3100, unitCents: 3100 });
    expect(line(`plan:${late.id}`)).toMatchObject({ amountCents: 1000 }); // 22–31 March: 10 days
    expect(line(`plan:${late.id}`)!.description).toContain("22 Mar – 31 Mar");
    expect(line(`plan:${gone.id}`)).toMatchObject({ amountCents: 500 }); // 1–5 March: 5 days
    expect(line(`plan:${old.id}`)).toBeUndefined();
    const adjustments = inv.lines
      .filter((l) => l.kind === "CREDIT" || l.kind === "ADJUSTMENT")
      .map((l) => [l.kind, l.amountCents, l.description]);
    expect(adjustments).toEqual(
      expect.arrayContaining([
        ["CREDIT", -500, "Goodwill credit for the outage"],
        ["ADJUSTMENT", 2500, "Extra IPv4 address"],
      ]),
    );
    expect(inv.lines).toHaveLength(5);
    expect(inv.totalCents).toBe(3100 + 1000 + 500 - 500 + 2500);
    expect(inv.totalCents).toBe(inv.lines.reduce((s, l) => s + l.amountCents, 0));
    expect(inv.status).toBe("DRAFT");
    expect(await db.accountAdjustment.count({ where: { accountId: account.id, invoiceId: null } })).toBe(1);
  });

  it("run twice for the same month: identical invoices, no second invoice and no second line", async () => {
    const { plan, host, clerk, account, start } = await world("2015-06");
    const other = await createCustomer();
    for (const acc of [account, other.account]) {
      await createJailRow({ accountId: acc.id, hostId: host.id, planId: plan.id, createdAt: at("2015-05-03T00:00:00Z") });
      await createJailRow({ accountId: acc.id, hostId: host.id, planId: plan.id, createdAt: at("2015-06-11T12:00:00Z") });
    }
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: -250, reason: "Credit" },
      now: at("2015-06-20T00:00:00Z"),
    });
    const snapshot = async () => {
      const invoices = await db.invoice.findMany({
        where: { periodStart: start },
        include: { lines: { orderBy: { id: "asc" } } },
        orderBy: { id: "asc" },
      });
      return { invoices, lines: await db.invoiceLine.count({ where: { invoice: { periodStart: start } } }) };
    };
    const first = await runInvoiceRun({ actor: clerk, periodStart: start, now: at("2015-07-01T01:00:00Z") });
    const before = await snapshot();
    const second = await runInvoiceRun({ actor: clerk, periodStart: start, now: at("2015-07-01T02:00:00Z") });
    const after = await snapshot();
    expect(first.invoicesCreated).toBeGreaterThanOrEqual(2);
    expect(first.linesAdded).toBeGreaterThanOrEqual(5);
    expect(second).toMatchObject({ invoicesCreated: 0, linesAdded: 0 });
    expect(after.invoices.length).toBe(before.invoices.length);
    expect(after.lines).toBe(before.lines);
    expect(after).toEqual(before); // every column, updatedAt included
    for (const inv of after.invoices) expect(inv.totalCents).toBe(inv.lines.reduce((s, l) => s + l.amountCents, 0));
    expect(await db.invoice.count({ where: { accountId: { in: [account.id, other.account.id] }, periodStart: start } })).toBe(2);
    expect(await db.auditLog.count({ where: { action: "invoice.run", targetId: "2015-06", actorId: clerk.userId } })).toBe(2);
  });

  it("never changes an issued invoice: a charge approved later waits for the next month", async () => {
    const { plan, host, clerk, account, start } = await world("2015-09");
    await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2015-08-01T00:00:00Z") });
    await runInvoiceRun({ actor: clerk, periodStart: start, now: at("2015-10-01T00:00:00Z") });
    const inv = (await invoiceOf(account.id, start))!;
    await issueInvoice({ actor: clerk, invoiceId: inv.id, now: at("2015-10-01T01:00:00Z") });
    await addAccountAdjustment({
      actor: clerk,
      input: { accountId: account.id, amountCents: 900, reason: "Late charge" },
      now: at("2015-09-30T00:00:00Z"),
    });
    await runInvoiceRun({ actor: clerk, periodStart: start, now: at("2015-10-01T02:00:00Z") });
    const again = (await invoiceOf(account.id, start))!;
    expect(again.lines).toHaveLength(inv.lines.length);
    expect(again.totalCents).toBe(inv.totalCents);
    await runInvoiceRun({ actor: clerk, periodStart: at("2015-10-01T00:00:00Z"), now: at("2015-11-01T00:00:00Z") });
    const next = (await invoiceOf(account.id, at("2015-10-01T00:00:00Z")))!;
    expect(next.lines.map((l) => l.amountCents)).toEqual(expect.arrayContaining([900]));
  });

  it("refuses a month that has not started", async () => {
    const clerk = staffActor(await createStaff("BILLING"));
    await expect(
      runInvoiceRun({ actor: clerk, periodStart: at("2016-02-01T00:00:00Z"), now: at("2016-01-31T23:00:00Z") }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });
});

// Who sees which invoice, waive and adjust decisions on the invoice, void and CSV exports.
// This file's era is 2018 (see billing-cycle.test.ts for why eras).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { createBillingPlan, serializeWithOtherBillingFiles } from "@/lib/test/billing-fixtures";
import { decideOverageCase } from "./decide-overage-case";
import { exportInvoicesCsv } from "./export-invoices-csv";
import { exportOverageDecisionsCsv } from "./export-overage-decisions-csv";
import { getCustomerBilling } from "./get-customer-billing";
import { getInvoiceForCustomer, getInvoiceForStaff } from "./get-invoice";
import { issueInvoice } from "./issue-invoice";
import { recordPayment } from "./record-payment";
import { runInvoiceRun } from "./run-invoice-run";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { voidInvoice } from "./void-invoice";

serializeWithOtherBillingFiles();

const at = (iso: string) => new Date(iso);

async function reviewCase(accountId: string, jailId: string, excessTenthsGb: number) {
  return db.overageCase.create({
    data: {
      jailId,
      accountId,
      kind: "DISK",
      status: "REVIEW",
      limitMb: 1024,
      openedAt: at("2018-01-05T00:00:00Z"),
      graceEndsAt: at("2018-02-05T00:00:00Z"),
      reviewAt: at("2018-02-05T00:00:00Z"),
      excessTenthsGb,
    },
  });
}

describe("invoices across tenants, decisions on the invoice", () => {
  it("bills an adjusted amount, nothing for a waiver, and shows the customer only their own issued invoices", async () => {
    const plan = await createBillingPlan({ priceCents: 2000, overagePricePerGbCents: 100 });
    const host = await createHost();
    const clerk = staffActor(await createStaff("BILLING"));
    const mine = await createCustomer();
    const theirs = await createCustomer();
    const j1 = await createJailRow({ accountId: mine.account.id, hostId: host.id, planId: plan.id, createdAt: at("2017-12-01T00:00:00Z") });
    const j2 = await createJailRow({ accountId: mine.account.id, hostId: host.id, planId: plan.id, createdAt: at("2017-12-01T00:00:00Z") });
    await createJailRow({ accountId: theirs.account.id, hostId: host.id, planId: plan.id, createdAt: at("2017-12-01T00:00:00Z") });
    const adjusted = await reviewCase(mine.account.id, j1.id, 50);
    const waived = await reviewCase(mine.account.id, j2.id, 30);
    await decideOverageCase({
      actor: clerk,
      caseId: adjusted.id,
      input: { decision: "ADJUST", amountCents: 199, reason: "Half price: first time" },
      now: at("2018-02-06T00:00:00Z"),
    });
    await decideOverageCase({
      actor: clerk,
      caseId: waived.id,
      input: { decision: "WAIVE", reason: "Backup job misconfigured by our support" },
      now: at("2018-02-06T00:00:00Z"),
    });
    expect(await db.overageCase.findUniqueOrThrow({ where: { id: waived.id } })).toMatchObject({
      status: "WAIVED",
      amountCents: 0,
      decidedById: clerk.userId,
    });

    await runInvoiceRun({ actor: clerk, periodStart: at("2018-02-01T00:00:00Z"), now: at("2018-03-01T00:00:00Z") });
    const inv = await db.invoice.findFirstOrThrow({
      where: { accountId: mine.account.id, periodStart: at("2018-02-01T00:00:00Z"), status: { not: "VOID" } },
      include: { lines: true },
    });
    const overage = inv.lines.filter((l) => l.kind === "OVERAGE");
    expect(overage.map((l) => [l.overageCaseId, l.amountCents])).toEqual([[adjusted.id, 199]]);
    expect(overage[0]!.description).toContain("adjusted: Half price: first time");
    expect(inv.totalCents).toBe(2000 + 2000 + 199);

    // Drafts are invisible to the customer; issued ones visible to their account only.
    await expect(
      getInvoiceForCustomer({ actor: customerActor({ id: mine.user.id, accountId: mine.account.id }), invoiceId: inv.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getCustomerBilling({ actor: customerActor({ id: mine.user.id, accountId: mine.account.id }) })).invoices).toHaveLength(0);
    await issueInvoice({ actor: clerk, invoiceId: inv.id, now: at("2018-03-01T01:00:00Z") });
    expect(
      (await getInvoiceForCustomer({ actor: customerActor({ id: mine.user.id, accountId: mine.account.id }), invoiceId: inv.id })).id,
    ).toBe(inv.id);
    await expect(
      getInvoiceForCustomer({ actor: customerActor({ id: theirs.user.id, accountId: theirs.account.id }), invoiceId: inv.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      getInvoiceForCustomer({ actor: { kind: "customer", userId: mine.user.id, accountId: "", ip: null }, invoiceId: inv.id }),
    ).rejects.toThrow(/account id is required/);
    const billing = await getCustomerBilling({ actor: customerActor({ id: mine.user.id, accountId: mine.account.id }) });
    expect(billing.balanceCents).toBe(4199);
    expect(
      (await getCustomerBilling({ actor: customerActor({ id: theirs.user.id, accountId: theirs.account.id }) })).invoices.map((i) => i.id),
    ).not.toContain(inv.id);
    expect((await getInvoiceForStaff({ actor: clerk, invoiceId: inv.id })).lines).toHaveLength(3);

    const csv = await exportInvoicesCsv({ actor: clerk, periodStart: at("2018-02-01T00:00:00Z") });
    const { number } = await db.invoice.findUniqueOrThrow({ where: { id: inv.id } });
    expect(number).toMatch(/^[A-Z0-9]+-\d{6}$/); // numbered when issued, not before
    expect(csv).toContain(`${number},2018-02,${mine.account.id}`);
    expect(csv).toContain(",ISSUED,");
    expect(csv).toContain(",41.99,0.00,41.99,USD");
    const decisions = await exportOverageDecisionsCsv({ actor: clerk, periodStart: at("2018-02-01T00:00:00Z") });
    expect(decisions).toContain(`${adjusted.id},2018-02-06T00:00:00.000Z,`);
    expect(decisions).toContain("ADJUSTED");
    expect(decisions).toContain(`,1.99,USD,Half price: first time,${number}`);
    expect(decisions).toContain("Backup job misconfigured by our support");
  });

  it("voids an unpaid invoice, refuses to void a paid one, and issues a zero invoice as paid", async () => {
    const plan = await createBillingPlan({ priceCents: 1000 });
    const host = await createHost();
    const clerk = staffActor(await createStaff("ADMIN"));
    const a = await createCustomer();
    const b = await createCustomer();
    for (const acc of [a, b])
      await createJailRow({ accountId: acc.account.id, hostId: host.id, planId: plan.id, createdAt: at("2018-04-01T00:00:00Z") });
    await db.accountAdjustment.create({
      data: {
        accountId: b.account.id,
        amountCents: -1000,
        reason: "Free month",
        createdById: clerk.userId,
        createdAt: at("2018-05-02T00:00:00Z"),
      },
    });
    await runInvoiceRun({ actor: clerk, periodStart: at("2018-05-01T00:00:00Z"), now: at("2018-06-01T00:00:00Z") });
    const invA = await db.invoice.findFirstOrThrow({
      where: { accountId: a.account.id, periodStart: at("2018-05-01T00:00:00Z"), status: { not: "VOID" } },
    });
    const invB = await db.invoice.findFirstOrThrow({
      where: { accountId: b.account.id, periodStart: at("2018-05-01T00:00:00Z"), status: { not: "VOID" } },
    });
    expect(invB.totalCents).toBe(0);
    await issueInvoice({ actor: clerk, invoiceId: invB.id, now: at("2018-06-01T01:00:00Z") });
    expect((await db.invoice.findUniqueOrThrow({ where: { id: invB.id } })).status).toBe("PAID");

    await issueInvoice({ actor: clerk, invoiceId: invA.id, now: at("2018-06-01T01:00:00Z") });
    await recordPayment({
      actor: clerk,
      input: { invoiceId: invA.id, amountCents: 100, method: "CASH", reference: "" },
      now: at("2018-06-02T00:00:00Z"),
    });
    await expect(
      voidInvoice({ actor: clerk, invoiceId: invA.id, reason: "Wrong customer", disposition: "FINAL", now: at("2018-06-03T00:00:00Z") }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const fresh = await createCustomer();
    await createJailRow({ accountId: fresh.account.id, hostId: host.id, planId: plan.id, createdAt: at("2018-04-01T00:00:00Z") });
    await runInvoiceRun({ actor: clerk, periodStart: at("2018-05-01T00:00:00Z"), now: at("2018-06-04T00:00:00Z") });
    const invC = await db.invoice.findFirstOrThrow({
      where: { accountId: fresh.account.id, periodStart: at("2018-05-01T00:00:00Z"), status: { not: "VOID" } },
    });
    await voidInvoice({ actor: clerk, invoiceId: invC.id, reason: "Made in error", disposition: "FINAL", now: at("2018-06-05T00:00:00Z") });
    expect(await db.invoice.findUniqueOrThrow({ where: { id: invC.id } })).toMatchObject({ status: "VOID" });
    await expect(
      recordPayment({
        actor: clerk,
        input: { invoiceId: invC.id, amountCents: 100, method: "CASH", reference: "" },
        now: at("2018-06-06T00:00:00Z"),
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.auditLog.count({ where: { action: "invoice.void", targetId: invC.id } })).toBe(1);
  });
});

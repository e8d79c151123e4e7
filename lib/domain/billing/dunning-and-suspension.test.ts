// Past-due flagging, suspension and unsuspension. This file's era is 2020.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { createBillingPlan, serializeWithOtherBillingFiles } from "@/lib/test/billing-fixtures";
import { flagPastDueAccounts } from "./flag-past-due-accounts";
import { issueInvoice } from "./issue-invoice";
import { recordPayment } from "./record-payment";
import { runInvoiceRun } from "./run-invoice-run";
import { staffActor } from "@/lib/domain/actor";
import { suspendAccount } from "./suspend-account";
import { unsuspendAccount } from "./unsuspend-account";

serializeWithOtherBillingFiles();

const at = (iso: string) => new Date(iso);

describe("dunning", () => {
  it("flags an account 14 days past due (not before), and a full payment clears the flag", async () => {
    const plan = await createBillingPlan();
    const host = await createHost();
    const clerk = staffActor(await createStaff("BILLING"));
    const { account } = await createCustomer();
    await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt: at("2020-01-01T00:00:00Z") });
    await runInvoiceRun({ actor: clerk, periodStart: at("2020-02-01T00:00:00Z"), now: at("2020-03-01T00:00:00Z") });
    const inv = await db.invoice.findFirstOrThrow({
      where: { accountId: account.id, periodStart: at("2020-02-01T00:00:00Z"), status: { not: "VOID" } },
    });
    await issueInvoice({ actor: clerk, invoiceId: inv.id, now: at("2020-03-01T00:00:00Z") }); // due 15 March
    const flag = async () => (await db.account.findUniqueOrThrow({ where: { id: account.id } })).flaggedForSuspensionAt;

    await flagPastDueAccounts(at("2020-03-28T00:00:00Z")); // 13 days past due
    expect(await flag()).toBeNull();
    await flagPastDueAccounts(at("2020-03-30T00:00:00Z")); // 15 days past due
    expect(await flag()).toEqual(at("2020-03-30T00:00:00Z"));
    await flagPastDueAccounts(at("2020-03-31T00:00:00Z"));
    expect(await flag()).toEqual(at("2020-03-30T00:00:00Z")); // flagged once
    expect(await db.auditLog.count({ where: { action: "account.flag-past-due", targetId: account.id } })).toBe(1);

    await recordPayment({
      actor: clerk,
      input: { invoiceId: inv.id, amountCents: 400, method: "CHECK", reference: "#1" },
      now: at("2020-04-01T00:00:00Z"),
    });
    expect(await flag()).not.toBeNull(); // a balance is left
    await recordPayment({
      actor: clerk,
      input: { invoiceId: inv.id, amountCents: inv.totalCents - 400, method: "CHECK", reference: "#2" },
      now: at("2020-04-02T00:00:00Z"),
    });
    expect(await flag()).toBeNull();
  });
});

describe("suspension", () => {
  it("stops the running jails through STOP jobs, and unsuspending restarts exactly those", async () => {
    const host = await createHost();
    const admin = staffActor(await createStaff("ADMIN"));
    const { account } = await createCustomer();
    const running = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const stoppedByCustomer = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    const { account: bystander } = await createCustomer();
    const otherJail = await createJailRow({ accountId: bystander.id, hostId: host.id, state: "RUNNING" });

    await suspendAccount({ actor: admin, accountId: account.id, reason: "Invoice INV-1 unpaid", now: at("2020-06-01T00:00:00Z") });
    expect(await db.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      status: "SUSPENDED",
      suspensionReason: "Invoice INV-1 unpaid",
    });
    const stops = await db.job.findMany({ where: { jailId: { in: [running.id, stoppedByCustomer.id, otherJail.id] }, type: "STOP" } });
    expect(stops.map((j) => [j.jailId, j.payload])).toEqual([[running.id, { name: running.name }]]);
    expect((await db.jail.findUniqueOrThrow({ where: { id: running.id } })).desiredState).toBe("STOPPED");
    await expect(
      suspendAccount({ actor: admin, accountId: account.id, reason: "again", now: at("2020-06-01T00:00:00Z") }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    await unsuspendAccount({ actor: admin, accountId: account.id, now: at("2020-06-05T00:00:00Z") });
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).status).toBe("ACTIVE");
    const starts = await db.job.findMany({ where: { jailId: { in: [running.id, stoppedByCustomer.id, otherJail.id] }, type: "START" } });
    expect(starts.map((j) => j.jailId)).toEqual([running.id]);
    expect((await db.jail.findUniqueOrThrow({ where: { id: stoppedByCustomer.id } })).desiredState).toBe("STOPPED");
    const audit = await db.auditLog.findMany({
      where: { targetId: account.id, action: { in: ["account.suspend", "account.unsuspend"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["account.suspend", admin.userId],
      ["account.unsuspend", admin.userId],
    ]);
  });
});

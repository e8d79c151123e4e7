// The whole billing cycle with real rows and a controlled clock. billingTick and the invoice run
// look at every jail and account, so: each test uses its own era of the past (a tick prunes and
// advances only what is older than its clock, and other files live in later eras or in real
// time), and files that tick or run invoices never interleave (serializeWithOtherBillingFiles).
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { billingTick } from "./billing-tick";
import { createBillingPlan, GB, hoursBefore, writeSamples, serializeWithOtherBillingFiles } from "@/lib/test/billing-fixtures";
import { decideOverageCase } from "./decide-overage-case";
import { runInvoiceRun } from "./run-invoice-run";
import { issueInvoice } from "./issue-invoice";
import { recordPayment } from "./record-payment";
import { staffActor } from "@/lib/domain/actor";

serializeWithOtherBillingFiles();

const at = (iso: string) => new Date(iso);

async function setUp(createdAt: Date, planOverrides = {}) {
  const plan = await createBillingPlan(planOverrides);
  const { account } = await createCustomer();
  const host = await createHost();
  const a = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt });
  const b = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, createdAt });
  const clerk = staffActor(await createStaff("BILLING"));
  return { plan, account, host, a, b, clerk };
}

describe("billing cycle", () => {
  it("opens cases and mails, closes one free when back under, reviews, approves, invoices and settles the other", async () => {
    const { account, a, b, clerk } = await setUp(at("2001-02-01T00:00:00Z"));
    const t0 = at("2001-03-02T10:00:00Z");
    // Both jails at 1.5 GB of a 1 GB quota for the last three hours.
    for (const j of [a, b]) await writeSamples(j, hoursBefore(t0, 3), t0, 10, () => ({ diskBytes: 1.5 * GB }));
    await billingTick(t0);

    const opened = await db.overageCase.findMany({ where: { accountId: account.id }, orderBy: { jailId: "asc" } });
    expect(opened).toHaveLength(2);
    for (const c of opened) {
      expect(c).toMatchObject({ status: "GRACE", kind: "DISK", limitMb: 1024 });
      expect(c.graceEndsAt.toISOString()).toBe("2001-04-02T10:00:00.000Z"); // one month later
    }
    const mails = await db.mailMessage.findMany({ where: { to: account.billingEmail, kind: "overage-opened" } });
    expect(mails).toHaveLength(2);
    expect(mails[0]!.text).toContain("2 Apr 2001");

    // A resent batch changes nothing: same cases, same mails.
    for (const j of [a, b]) expect(await writeSamples(j, hoursBefore(t0, 3), t0, 10, () => ({ diskBytes: 9 * GB }))).toBe(0);
    await billingTick(t0);
    expect(await db.overageCase.count({ where: { accountId: account.id } })).toBe(2);
    expect(await db.mailMessage.count({ where: { to: account.billingEmail, kind: "overage-opened" } })).toBe(2);

    // A week later: jail a is back under; jail b is still over, with one 2.34 GB peak.
    const t1 = at("2001-03-09T10:00:00Z");
    await writeSamples(a, hoursBefore(t1, 3), t1, 10, () => ({ diskBytes: 0.5 * GB }));
    await writeSamples(b, hoursBefore(t1, 3), t1, 10, (t) => ({
      diskBytes: t.getTime() === hoursBefore(t1, 2).getTime() ? 2.34 * GB : 1.5 * GB,
    }));
    await billingTick(t1);
    const caseA = await db.overageCase.findFirstOrThrow({ where: { jailId: a.id } });
    const caseB = await db.overageCase.findFirstOrThrow({ where: { jailId: b.id } });
    expect(caseA).toMatchObject({ status: "RESOLVED", amountCents: null });
    expect(caseA.resolvedAt?.toISOString()).toBe(t1.toISOString());
    expect(caseB.status).toBe("GRACE");

    // Grace ends with b still over: review, excess = peak of daily maxima − quota, rounded up to 0.1 GB.
    const t2 = at("2001-04-02T11:00:00Z");
    await writeSamples(b, hoursBefore(t2, 3), t2, 10, () => ({ diskBytes: 1.5 * GB }));
    await billingTick(t2);
    const reviewed = await db.overageCase.findUniqueOrThrow({ where: { id: caseB.id } });
    expect(reviewed).toMatchObject({ status: "REVIEW", excessTenthsGb: 14 }); // 2.34 − 1.00 = 1.34 → 1.4 GB
    // Resolved stays resolved, and nothing reopens for a: it is under.
    expect((await db.overageCase.findUniqueOrThrow({ where: { id: caseA.id } })).status).toBe("RESOLVED");

    const decision = await decideOverageCase({ actor: clerk, caseId: caseB.id, input: { decision: "APPROVE" }, now: t2 });
    expect(decision).toEqual({ status: "APPROVED", amountCents: 280 }); // 1.4 GB × $2.00
    await expect(
      decideOverageCase({ actor: clerk, caseId: caseB.id, input: { decision: "WAIVE", reason: "again" }, now: t2 }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await db.auditLog.count({ where: { action: "overage.approve", targetId: caseB.id, actorId: clerk.userId } })).toBe(1);

    // The April invoice: two full-month plan fees and the overage line.
    const run = await runInvoiceRun({ actor: clerk, periodStart: at("2001-04-01T00:00:00Z"), now: at("2001-05-01T02:00:00Z") });
    expect(run.period).toBe("2001-04");
    const invoice = await db.invoice.findFirstOrThrow({
      where: { accountId: account.id, periodStart: at("2001-04-01T00:00:00Z"), status: { not: "VOID" } },
      include: { lines: true },
    });
    const byKind = (k: string) => invoice.lines.filter((l) => l.kind === k);
    expect(byKind("PLAN_FEE").map((l) => l.amountCents)).toEqual([1000, 1000]);
    expect(byKind("OVERAGE")).toHaveLength(1);
    expect(byKind("OVERAGE")[0]).toMatchObject({ amountCents: 280, overageCaseId: caseB.id, unitCents: 200 });
    expect(byKind("OVERAGE")[0]!.description).toContain("1.4 GB above 1.0 GB");
    expect(invoice.totalCents).toBe(2280);
    expect(invoice.totalCents).toBe(invoice.lines.reduce((s, l) => s + l.amountCents, 0));

    await issueInvoice({ actor: clerk, invoiceId: invoice.id, now: at("2001-05-01T03:00:00Z") });
    expect(await db.mailMessage.count({ where: { to: account.billingEmail, kind: "invoice-issued" } })).toBe(1);

    const first = await recordPayment({
      actor: clerk,
      input: { invoiceId: invoice.id, amountCents: 1000, method: "BANK_TRANSFER", reference: "SEPA 1" },
      now: at("2001-05-03T00:00:00Z"),
    });
    expect(first).toMatchObject({ balanceCents: 1280, status: "ISSUED" });
    await expect(
      recordPayment({
        actor: clerk,
        input: { invoiceId: invoice.id, amountCents: 1281, method: "CARD", reference: "" },
        now: at("2001-05-04T00:00:00Z"),
      }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    const second = await recordPayment({
      actor: clerk,
      input: { invoiceId: invoice.id, amountCents: 1280, method: "CARD", reference: "visa" },
      now: at("2001-05-04T00:00:00Z"),
    });
    expect(second).toMatchObject({ balanceCents: 0, status: "PAID" });
    const paid = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { payments: true } });
    expect(paid).toMatchObject({ status: "PAID", paidCents: 2280 });
    expect(paid.paidCents).toBe(paid.payments.reduce((s, p) => s + p.amountCents, 0));

    // The next month's run does not bill the overage again.
    await runInvoiceRun({ actor: clerk, periodStart: at("2001-05-01T00:00:00Z"), now: at("2001-06-01T02:00:00Z") });
    expect(await db.invoiceLine.count({ where: { overageCaseId: caseB.id } })).toBe(1);
  });

  it("warns at 80% and 95% once each per month, and again the next month", async () => {
    const { account, a } = await setUp(at("2002-01-01T00:00:00Z"));
    const t0 = at("2002-02-10T12:00:00Z");
    await writeSamples(a, hoursBefore(t0, 2), t0, 15, () => ({ diskBytes: 0.85 * GB }));
    await billingTick(t0);
    await billingTick(new Date(t0.getTime() + 60_000));
    const warnings = () => db.usageWarning.findMany({ where: { jailId: a.id }, orderBy: [{ periodStart: "asc" }, { percent: "asc" }] });
    expect((await warnings()).map((w) => w.percent)).toEqual([80]);
    expect(await db.mailMessage.count({ where: { to: account.billingEmail, kind: "usage-warning" } })).toBe(1);

    const t1 = at("2002-02-11T12:00:00Z");
    await writeSamples(a, hoursBefore(t1, 2), t1, 15, () => ({ diskBytes: 0.97 * GB }));
    await billingTick(t1);
    await billingTick(t1);
    expect((await warnings()).map((w) => w.percent)).toEqual([80, 95]);
    const mails = await db.mailMessage.findMany({
      where: { to: account.billingEmail, kind: "usage-warning" },
      orderBy: { createdAt: "asc" },
    });
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining("80%"), expect.stringContaining("95%")]);

    // New month, still at 97%: one mail (the 95% one), both thresholds recorded for March.
    const t2 = at("2002-03-01T12:00:00Z");
    await writeSamples(a, hoursBefore(t2, 2), t2, 15, () => ({ diskBytes: 0.97 * GB }));
    await billingTick(t2);
    expect((await warnings()).map((w) => [w.periodStart.toISOString().slice(0, 7), w.percent])).toEqual([
      ["2002-02", 80],
      ["2002-02", 95],
      ["2002-03", 80],
      ["2002-03", 95],
    ]);
    expect(await db.mailMessage.count({ where: { to: account.billingEmail, kind: "usage-warning" } })).toBe(3);
    expect(await db.overageCase.count({ where: { jailId: a.id } })).toBe(0);
  });

  it("opens a bandwidth case when the month's transfer passes the allowance, and a resent batch cannot inflate it", async () => {
    const { a } = await setUp(at("2003-01-01T00:00:00Z"), { bandwidthGb: 10 });
    const t0 = at("2003-02-05T12:00:00Z");
    // 0.5 GB per hour in, 0.25 out for 12 hours: 9 GB, under 10 (and a 90% warning).
    await writeSamples(a, hoursBefore(t0, 12), hoursBefore(t0, 0.5), 30, () => ({
      netRxBytes: 0.25 * GB,
      netTxBytes: 0.125 * GB,
      diskBytes: GB / 10,
    }));
    // Twelve hours of backlog is older than a tick's lookback: fold it in explicitly first.
    const { rollupUsage } = await import("@/lib/domain/usage/rollup-usage");
    await rollupUsage(t0, { from: hoursBefore(t0, 12) });
    await billingTick(t0);
    expect(await db.overageCase.count({ where: { jailId: a.id } })).toBe(0);
    expect((await db.usageWarning.findMany({ where: { jailId: a.id, kind: "BANDWIDTH" } })).map((w) => w.percent)).toEqual([80]);
    // The same interval resent (as after an agent restart): primary key says no.
    expect(await writeSamples(a, hoursBefore(t0, 12), hoursBefore(t0, 0.5), 30, () => ({ netRxBytes: 50 * GB }))).toBe(0);
    await billingTick(t0);
    expect(await db.overageCase.count({ where: { jailId: a.id } })).toBe(0);
    // 2 GB more: 11 GB, over.
    await writeSamples(a, at("2003-02-05T12:10:00Z"), at("2003-02-05T12:10:00Z"), 1, () => ({ netRxBytes: 2 * GB, diskBytes: GB / 10 }));
    await billingTick(at("2003-02-05T12:30:00Z"));
    const c = await db.overageCase.findFirstOrThrow({ where: { jailId: a.id } });
    expect(c).toMatchObject({ kind: "BANDWIDTH", status: "GRACE", limitMb: 10 * 1024 });

    // A new month starts at zero, but spent transfer is not "back under": still in grace.
    await writeSamples(a, at("2003-02-20T10:00:00Z"), at("2003-02-20T10:00:00Z"), 1, () => ({ netRxBytes: 4 * GB }));
    await billingTick(at("2003-02-20T11:00:00Z"));
    await billingTick(at("2003-03-01T12:00:00Z"));
    expect((await db.overageCase.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("GRACE");
    // Grace ends with 4 GB moved during it, within the 10 GB allowance: closed free.
    await billingTick(at("2003-03-05T12:30:00Z"));
    expect(await db.overageCase.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "RESOLVED", amountCents: null });
  });

  it("sends a jail that keeps its transfer up to review with the largest month's excess", async () => {
    const { a } = await setUp(at("2003-05-01T00:00:00Z"), { bandwidthGb: 10 });
    // 12 GB on 5 June, 15 GB on 20 June... and 11 GB again on 3 July.
    for (const [day, gb] of [
      ["2003-06-05", 12],
      ["2003-06-20", 3],
      ["2003-07-03", 11],
    ] as const) {
      await writeSamples(a, at(`${day}T10:00:00Z`), at(`${day}T10:00:00Z`), 1, () => ({ netRxBytes: gb * GB }));
      await billingTick(at(`${day}T11:00:00Z`));
    }
    const c = await db.overageCase.findFirstOrThrow({ where: { jailId: a.id } });
    expect(c).toMatchObject({ status: "GRACE", kind: "BANDWIDTH" });
    expect(c.graceEndsAt.toISOString()).toBe("2003-07-05T11:00:00.000Z");
    await billingTick(at("2003-07-05T12:00:00Z"));
    // June: 15 GB, July so far: 11 GB → the largest month is 5.0 GB over.
    expect(await db.overageCase.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "REVIEW", excessTenthsGb: 50 });
  });
});

describe("overage for a destroyed jail", () => {
  it("closes a disk case free when the jail is destroyed during grace", async () => {
    const { a } = await setUp(at("2005-01-01T00:00:00Z"));
    const t0 = at("2005-02-02T10:00:00Z");
    await writeSamples(a, hoursBefore(t0, 3), t0, 10, () => ({ diskBytes: 2 * GB }));
    await billingTick(t0);
    const c = await db.overageCase.findFirstOrThrow({ where: { jailId: a.id } });
    await db.jail.update({
      where: { id: a.id },
      data: { destroyedAt: at("2005-02-10T00:00:00Z"), state: "DESTROYED", desiredState: "DESTROYED" },
    });
    await billingTick(at("2005-02-10T01:00:00Z"));
    expect(await db.overageCase.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ status: "RESOLVED", amountCents: null });
  });
});

// Pruning records where it cut and rollups never recompute an hour before that, so this runs in
// the file's last era (2006), after every other tick here.
describe("pruneUsage (in this file: it deletes every era before its clock)", () => {
  it("deletes raw samples past retention but keeps the rollups made from them", async () => {
    const { pruneUsage, rollupUsage } = await import("@/lib/domain/usage/rollup-usage");
    const { a } = await setUp(at("2006-01-01T00:00:00Z"));
    await writeSamples(a, at("2006-01-10T00:00:00Z"), at("2006-01-10T02:00:00Z"), 30, () => ({ diskBytes: GB }));
    await rollupUsage(at("2006-01-10T03:00:00Z"));
    await writeSamples(a, at("2006-01-20T00:00:00Z"), at("2006-01-20T00:00:00Z"), 1, () => ({ diskBytes: GB }));
    const pruned = await pruneUsage(at("2006-01-20T01:00:00Z")); // 7-day retention
    expect(pruned.samples).toBeGreaterThanOrEqual(5);
    expect(await db.usageSample.count({ where: { jailId: a.id } })).toBe(1);
    expect(await db.usageRollup.count({ where: { jailId: a.id, period: "DAY", bucketStart: at("2006-01-10T00:00:00Z") } })).toBe(1);
    // A rollup pass after the prune does not shrink the pruned day.
    await rollupUsage(at("2006-01-20T01:00:00Z"), { from: at("2006-01-09T00:00:00Z") });
    expect(
      (await db.usageRollup.findFirstOrThrow({ where: { jailId: a.id, period: "DAY", bucketStart: at("2006-01-10T00:00:00Z") } })).samples,
    ).toBe(5);
  });

  it("keeps hourly rollups for 90 days (USAGE_HOURLY_RETENTION_DAYS) to the hour, and daily rollups after that", async () => {
    const { pruneUsage, rollupUsage } = await import("@/lib/domain/usage/rollup-usage");
    const { a } = await setUp(at("2004-02-01T00:00:00Z"));
    await writeSamples(a, at("2004-02-01T10:00:00Z"), at("2004-02-01T11:50:00Z"), 10, () => ({ diskBytes: GB }));
    await rollupUsage(at("2004-02-01T12:00:00Z"));
    const hours = async () =>
      (await db.usageRollup.findMany({ where: { jailId: a.id, period: "HOUR" }, orderBy: { bucketStart: "asc" } })).map((r) =>
        r.bucketStart.toISOString(),
      );
    const days = () => db.usageRollup.findMany({ where: { jailId: a.id, period: "DAY" } });
    expect(await hours()).toEqual(["2004-02-01T10:00:00.000Z", "2004-02-01T11:00:00.000Z"]);

    // 2004 is a leap year: 1 February + 90 days is 1 May.
    await pruneUsage(at("2004-05-01T10:00:00Z"));
    expect(await hours()).toEqual(["2004-02-01T10:00:00.000Z", "2004-02-01T11:00:00.000Z"]);
    await pruneUsage(at("2004-05-01T11:00:00Z"));
    expect(await hours()).toEqual(["2004-02-01T11:00:00.000Z"]);
    await pruneUsage(at("2004-05-01T12:00:00Z"));
    expect(await hours()).toEqual([]);
    expect(await db.usageSample.count({ where: { jailId: a.id } })).toBe(0); // 7-day raw retention
    const [day] = await days();
    expect(day).toMatchObject({ bucketStart: at("2004-02-01T00:00:00Z"), samples: 12, diskMaxBytes: BigInt(GB) });
    // A later pass neither rebuilds the pruned hours nor shrinks the day.
    await rollupUsage(at("2004-05-01T12:00:00Z"), { from: at("2004-01-01T00:00:00Z") });
    expect(await hours()).toEqual([]);
    expect((await days())[0]).toMatchObject({ samples: 12 });
  });
});

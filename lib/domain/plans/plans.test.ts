import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { monthStart, nextMonthStart } from "@/lib/calendar";
import { staffActor } from "@/lib/domain/actor";
import { createCustomer, createHost, createJailRow, createStaff, uid } from "@/lib/test/factories";
import { createPlanSchema, updatePlanSchema } from "@/lib/schemas/plans";
import { jobPayloads } from "@/lib/schemas/jobs";
import { createPlan } from "./create-plan";
import { updatePlan } from "./update-plan";
import { applyDuePlanPrices } from "./plan-prices";
import { setPlanOnSale } from "./set-plan-on-sale";
import { getAdminPlan } from "./list-admin-plans";

const admin = async () => staffActor(await createStaff("ADMIN"));
const form = (over: Record<string, string> = {}) => ({
  name: "Cell Plus",
  description: "More of everything",
  price: "12.00",
  diskQuotaMb: "8192",
  memoryLimitMb: "256",
  maxProcesses: "64",
  cpuPercent: "50",
  bandwidthGb: "100",
  overagePrice: "0.40",
  sortOrder: "5",
  ...over,
});
const newPlan = async (actor: Awaited<ReturnType<typeof admin>>, now: Date) =>
  createPlan({ actor, input: createPlanSchema.parse({ slug: `p-${uid()}`, ...form() }), now });
const edit = (planId: string, over: Record<string, string> = {}) => updatePlanSchema.parse({ planId, ...form(over) });

describe("plans", () => {
  it("a new plan is on sale with its price recorded from the current billing period", async () => {
    const actor = await admin();
    const now = new Date("2027-03-10T12:00:00Z");
    const plan = await newPlan(actor, now);
    expect(plan).toMatchObject({ priceCents: 1200, overagePricePerGbCents: 40, active: true });
    expect(await db.planPrice.findMany({ where: { planId: plan.id }, select: { priceCents: true, effectiveFrom: true } })).toEqual([
      { priceCents: 1200, effectiveFrom: monthStart(now) },
    ]);
    expect(await db.auditLog.count({ where: { action: "plan.create", targetId: plan.id, actorId: actor.userId } })).toBe(1);
  });

  it("a price change applies from the next billing period; the list price moves only when that period begins", async () => {
    const actor = await admin();
    const now = new Date("2027-03-10T12:00:00Z");
    const plan = await newPlan(actor, now);
    const res = await updatePlan({ actor, input: edit(plan.id, { price: "15.50" }), now });
    expect(res).toMatchObject({ kind: "saved", price: { kind: "scheduled", effectiveFrom: nextMonthStart(now) } });
    const prices = await db.planPrice.findMany({ where: { planId: plan.id }, orderBy: { effectiveFrom: "asc" } });
    expect(prices.map((p) => [p.priceCents, p.effectiveFrom.toISOString()])).toEqual([
      [1200, "2027-03-01T00:00:00.000Z"],
      [1550, "2027-04-01T00:00:00.000Z"],
    ]);
    // Still March: the price in force (and the one new customers see and pay) is the old one.
    await applyDuePlanPrices({ now });
    expect((await db.plan.findUniqueOrThrow({ where: { id: plan.id } })).priceCents).toBe(1200);
    expect((await getAdminPlan({ actor, planId: plan.id, now })).upcoming).toMatchObject({ priceCents: 1550 });
    // A second change in the same month replaces the scheduled one; the old price again cancels it.
    await updatePlan({ actor, input: edit(plan.id, { price: "14.00" }), now });
    expect(await db.planPrice.count({ where: { planId: plan.id } })).toBe(2);
    await updatePlan({ actor, input: edit(plan.id, { price: "12.00" }), now });
    expect(await db.planPrice.count({ where: { planId: plan.id } })).toBe(1);
    await updatePlan({ actor, input: edit(plan.id, { price: "15.50" }), now });
    // April begins: the list price follows.
    await applyDuePlanPrices({ now: new Date("2027-04-01T00:00:01Z") });
    expect((await db.plan.findUniqueOrThrow({ where: { id: plan.id } })).priceCents).toBe(1550);
    expect(await db.auditLog.count({ where: { targetId: plan.id, action: "plan.price-applied" } })).toBe(1);
    expect(await db.auditLog.count({ where: { targetId: plan.id, action: "plan.price-change" } })).toBe(3);
  });

  it("a change of limits reaches the plan's jails only once the admin confirms how many, through SET_LIMITS jobs", async () => {
    const actor = await admin();
    const plan = await newPlan(actor, new Date());
    const host = await createHost();
    const { account } = await createCustomer();
    const running = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id });
    const stopped = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id, state: "STOPPED" });
    const failed = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id });
    await db.jail.update({ where: { id: failed.id }, data: { state: "FAILED" } });

    const bigger = { memoryLimitMb: "512", cpuPercent: "75" };
    expect(await updatePlan({ actor, input: edit(plan.id, bigger) })).toEqual({ kind: "confirm", jails: 2 });
    expect(await updatePlan({ actor, input: edit(plan.id, { ...bigger, confirmJails: "3" }) })).toEqual({ kind: "confirm", jails: 2 });
    expect((await db.plan.findUniqueOrThrow({ where: { id: plan.id } })).memoryLimitMb).toBe(256); // nothing saved yet
    const res = await updatePlan({ actor, input: edit(plan.id, { ...bigger, confirmJails: "2" }) });
    expect(res).toMatchObject({ kind: "saved", jailsUpdated: 2 });
    const jobs = await db.job.findMany({ where: { jailId: { in: [running.id, stopped.id, failed.id] }, type: "SET_LIMITS" } });
    expect(jobs.map((j) => j.jailId).sort()).toEqual([running.id, stopped.id].sort());
    for (const j of jobs)
      expect(jobPayloads.SET_LIMITS.parse(j.payload).limits).toEqual({
        memoryMb: 512,
        maxProcesses: 64,
        cpuPercent: 75,
        diskQuotaMb: 8192,
      });
    expect(
      await db.auditLog.findFirst({ where: { targetId: plan.id, action: "plan.update" }, orderBy: { createdAt: "desc" } }),
    ).toMatchObject({
      data: expect.objectContaining({ limitsChanged: true, jailsUpdated: 2 }),
    });
    // Name and price alone need no confirmation and queue nothing.
    await updatePlan({ actor, input: edit(plan.id, { ...bigger, name: "Renamed" }) });
    expect(await db.job.count({ where: { jailId: running.id, type: "SET_LIMITS" } })).toBe(1);
  });

  it("refuses a CPU share a host of the plan's jails cannot give, naming the host", async () => {
    const actor = await admin();
    const plan = await newPlan(actor, new Date());
    const caps = {
      snapshots: false,
      diskQuota: true,
      memoryLimit: true,
      processLimit: true,
      cpuLimit: true,
      network: true,
      publicIpv4: true,
      ipv6: false,
      hostnameLockdown: true,
      rootPassword: true,
      sshKeys: true,
      migration: false,
      limits: { maxJailNameLength: 64, maxHostnameLength: 64, maxJails: null, maxCpuPercent: 100 },
    };
    const host = await createHost({ facts: { capabilities: caps } });
    const { account } = await createCustomer();
    await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id });
    await expect(updatePlan({ actor, input: edit(plan.id, { cpuPercent: "200", confirmJails: "1" }) })).rejects.toMatchObject({
      code: "PRECONDITION",
      fieldErrors: { cpuPercent: [expect.stringContaining(host.name)] },
    });
  });

  it("a retired plan takes no new orders; its jails keep it; it can go back on sale", async () => {
    const actor = await admin();
    const plan = await newPlan(actor, new Date());
    const host = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan.id });
    expect(await setPlanOnSale({ actor, planId: plan.id, onSale: false })).toEqual({ jails: 1 });
    await expect(setPlanOnSale({ actor, planId: plan.id, onSale: false })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect((await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).planId).toBe(plan.id);
    const { listActivePlans } = await import("@/lib/domain/catalog/list-plans");
    expect((await listActivePlans()).map((p) => p.id)).not.toContain(plan.id);
    await setPlanOnSale({ actor, planId: plan.id, onSale: true });
    expect((await listActivePlans()).map((p) => p.id)).toContain(plan.id);
  });

  it("billing clerks cannot change plans", async () => {
    const clerk = staffActor(await createStaff("BILLING"));
    await expect(createPlan({ actor: clerk, input: createPlanSchema.parse({ slug: `p-${uid()}`, ...form() }) })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("the form refuses out-of-bounds numbers and malformed money, field by field", () => {
    const r = createPlanSchema.safeParse({
      slug: "X",
      ...form({ price: "12.345", cpuPercent: "7000", maxProcesses: "-1", diskQuotaMb: "abc" }),
    });
    expect(r.success).toBe(false);
    const fields = new Set(r.error!.issues.map((i) => i.path.join(".")));
    expect(fields).toEqual(new Set(["slug", "price", "cpuPercent", "maxProcesses", "diskQuotaMb"]));
  });
});

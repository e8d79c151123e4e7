import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, getOrCreatePlan, getOrCreateTemplate, uid } from "@/lib/test/factories";
import { jobPayloads } from "@/lib/schemas/jobs";
import { orderJailSchema } from "@/lib/schemas/jails";
import { orderJail } from "./order-jail";
import { NO_CAPACITY_MESSAGE } from "./place-jail";
import { customerActor, type CustomerActor } from "@/lib/domain/actor";

/** Every row an order could write for this customer: jails, jobs, claimed addresses, audit entries. */
async function footprint(actor: CustomerActor) {
  const [jails, jobs, addresses, audit] = await Promise.all([
    db.jail.count({ where: { accountId: actor.accountId } }),
    db.job.count({ where: { requestedById: actor.userId } }),
    db.ipAddress.count({ where: { jail: { accountId: actor.accountId } } }),
    db.auditLog.count({ where: { accountId: actor.accountId } }),
  ]);
  return { jails, jobs, addresses, audit };
}

// Placement looks at every host in the shared test database. Each test here lives at its own
// moment far in the future: only the hosts it made have heartbeats fresh at that moment, so
// other tests' hosts (made "now") are offline as far as this test's placement is concerned.
let epoch = 0;
function futureNow(): Date {
  epoch += 1;
  return new Date(Date.now() + (3650 + epoch + (process.pid % 997) * 40) * 86_400_000);
}

async function setup() {
  const plan = await getOrCreatePlan();
  const template = await getOrCreateTemplate();
  const { user, account } = await createCustomer();
  return { plan, template, user, account, actor: customerActor({ id: user.id, accountId: account.id }) };
}

const input = (plan: string, template: string, hostname = `www.${uid()}.example.test`) =>
  orderJailSchema.parse({ plan, template, hostname, orderKey: crypto.randomUUID() });

describe("orderJail", () => {
  it("places the jail on a live host, claims two addresses and queues its CREATE job, in one go", async () => {
    const now = futureNow();
    const { plan, template, actor, user } = await setup();
    const host = await createHost({ heartbeat: now });
    const res = await orderJail({ actor, input: input(plan.slug, template.slug, `Shop.${uid()}.Example.TEST`), now });
    expect(res.created).toBe(true);
    const jail = await db.jail.findUniqueOrThrow({ where: { id: res.jailId }, include: { ipAddresses: true, jobs: true } });
    expect(jail).toMatchObject({ hostId: host.id, accountId: actor.accountId, planId: plan.id, state: "QUEUED", desiredState: "RUNNING" });
    expect(jail.hostname).toBe(jail.hostname.toLowerCase());
    expect(jail.name).toMatch(/^cb[a-z0-9]{12}$/);
    expect(jail.ipAddresses.map((a) => a.kind).sort()).toEqual(["IPV6", "PRIVATE", "PUBLIC"]);
    expect(jail.jobs).toHaveLength(1);
    const job = jail.jobs[0]!;
    expect(job).toMatchObject({ type: "CREATE", status: "QUEUED", hostId: host.id, requestedById: user.id });
    const payload = jobPayloads.CREATE.parse(job.payload);
    expect(payload.jail.limits).toEqual({
      memoryMb: plan.memoryLimitMb,
      maxProcesses: plan.maxProcesses,
      cpuPercent: plan.cpuPercent,
      diskQuotaMb: plan.diskQuotaMb,
    });
    expect(payload.jail.network.publicIp).toBe(jail.ipAddresses.find((a) => a.kind === "PUBLIC")!.address);
    expect(payload.jail.network).toMatchObject({
      ipv6: jail.ipAddresses.find((a) => a.kind === "IPV6")!.address,
      ipv6PrefixLength: 64,
      ipv6Gateway: expect.stringMatching(/::1$/),
    });
    expect(payload.jail.hostname).toBe(jail.hostname);
    expect(payload.start).toBe(true);
    expect(await db.auditLog.count({ where: { action: "jail.order", targetId: jail.id, actorId: user.id } })).toBe(1);
  });

  it("prefers the least loaded host and skips draining, silent and full ones", async () => {
    const now = futureNow();
    const { plan, template, actor, account } = await setup();
    const busy = await createHost({ heartbeat: now, capacityJails: 10 });
    const idle = await createHost({ heartbeat: now, capacityJails: 10 });
    await createHost({ heartbeat: now, status: "DRAINING" });
    await createHost({ heartbeat: new Date(now.getTime() - 10 * 60_000) }); // silent for 10 minutes
    await createHost({ heartbeat: now, capacityJails: 0 });
    const { createJailRow } = await import("@/lib/test/factories");
    await createJailRow({ accountId: account.id, hostId: busy.id });
    await createJailRow({ accountId: account.id, hostId: busy.id });
    await createJailRow({ accountId: account.id, hostId: idle.id });

    const a = await orderJail({ actor, input: input(plan.slug, template.slug), now });
    expect((await db.jail.findUniqueOrThrow({ where: { id: a.jailId } })).hostId).toBe(idle.id); // 1/10 < 2/10
    const b = await orderJail({ actor, input: input(plan.slug, template.slug), now });
    const c = await orderJail({ actor, input: input(plan.slug, template.slug), now });
    const hosts = await db.jail.findMany({ where: { id: { in: [b.jailId, c.jailId] } }, select: { hostId: true } });
    // idle had 2, busy 2: one goes to each (ties broken by id), never to the draining, silent or zero-capacity hosts.
    expect(hosts.map((h) => h.hostId).sort()).toEqual([busy.id, idle.id].sort());
  });

  it("says plainly that there is no capacity, and writes nothing", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    const full = await createHost({ heartbeat: now, capacityJails: 1 });
    const first = await orderJail({ actor, input: input(plan.slug, template.slug), now });
    expect((await db.jail.findUniqueOrThrow({ where: { id: first.jailId } })).hostId).toBe(full.id);
    const before = await footprint(actor);
    await expect(orderJail({ actor, input: input(plan.slug, template.slug), now })).rejects.toMatchObject({
      code: "NO_CAPACITY",
      message: NO_CAPACITY_MESSAGE,
    });
    expect(await footprint(actor)).toEqual(before);
    expect(before).toEqual({ jails: 1, jobs: 1, addresses: 3, audit: 1 }); // the first order's rows, and only those
  });

  it("never fills a host past its capacity, even when orders race for the last slots", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    const host = await createHost({ heartbeat: now, capacityJails: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => orderJail({ actor, input: input(plan.slug, template.slug), now })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "NO_CAPACITY" });
    expect(await db.jail.count({ where: { hostId: host.id } })).toBe(3);
    const addrs = await db.ipAddress.findMany({ where: { hostId: host.id, jailId: { not: null } } });
    expect(addrs).toHaveLength(9); // a private, a public and an IPv6 address each
    expect(new Set(addrs.map((a) => a.address)).size).toBe(9);
  });

  it("of two concurrent orders for one hostname, exactly one succeeds; the other is told why", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    const other = await createCustomer();
    await createHost({ heartbeat: now });
    await createHost({ heartbeat: now });
    const hostname = `race.${uid()}.example.test`;
    const results = await Promise.allSettled([
      orderJail({ actor, input: input(plan.slug, template.slug, hostname), now }),
      orderJail({
        actor: customerActor({ id: other.user.id, accountId: other.account.id }),
        input: input(plan.slug, template.slug, hostname.toUpperCase()),
        now,
      }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      code: "CONFLICT",
      fieldErrors: { hostname: [`${hostname} is already taken. Choose another hostname.`] },
    });
    expect(await db.jail.count({ where: { hostname } })).toBe(1);
    // The loser's addresses went back with its rolled-back transaction.
    expect(await db.ipAddress.count({ where: { jail: { hostname } } })).toBe(3);
  });

  it("refuses a hostname that is live, and allows it again once that jail is destroyed", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    await createHost({ heartbeat: now });
    const hostname = `again.${uid()}.example.test`;
    const first = await orderJail({ actor, input: input(plan.slug, template.slug, hostname), now });
    await expect(orderJail({ actor, input: input(plan.slug, template.slug, hostname), now })).rejects.toMatchObject({ code: "CONFLICT" });
    await db.jail.update({ where: { id: first.jailId }, data: { state: "DESTROYED", destroyedAt: new Date() } });
    await expect(orderJail({ actor, input: input(plan.slug, template.slug, hostname), now })).resolves.toMatchObject({ created: true });
  });

  it("is idempotent: the same order form submitted twice, even at once, makes one jail", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    await createHost({ heartbeat: now });
    const form = input(plan.slug, template.slug);
    const [a, b] = await Promise.all([orderJail({ actor, input: form, now }), orderJail({ actor, input: form, now })]);
    expect(a.jailId).toBe(b.jailId);
    const again = await orderJail({ actor, input: form, now });
    expect(again).toEqual({ jailId: a.jailId, created: false });
    expect(await db.jail.count({ where: { orderKey: form.orderKey } })).toBe(1);
    expect(await db.job.count({ where: { jailId: a.jailId } })).toBe(1);
    // The same key from another account learns nothing and makes nothing.
    const other = await createCustomer();
    await expect(
      orderJail({ actor: customerActor({ id: other.user.id, accountId: other.account.id }), input: form, now }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await db.jail.count({ where: { accountId: other.account.id } })).toBe(0);
  });

  it("refuses a suspended account, an unknown plan or template, and takes limits only from the plan", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    await createHost({ heartbeat: now });
    await expect(orderJail({ actor, input: input("no-such-plan", template.slug), now })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { plan: expect.any(Array) },
    });
    await expect(orderJail({ actor, input: input(plan.slug, "no-such-template"), now })).rejects.toMatchObject({
      fieldErrors: { template: expect.any(Array) },
    });
    // Extra fields a hostile form might carry are stripped by the schema.
    const parsed = orderJailSchema.parse({
      ...input(plan.slug, template.slug),
      accountId: "someone-else",
      priceCents: 1,
      memoryLimitMb: 99999,
    });
    expect(Object.keys(parsed).sort()).toEqual(["hostname", "orderKey", "plan", "template"]);
    await db.account.update({ where: { id: actor.accountId }, data: { status: "SUSPENDED" } });
    await expect(orderJail({ actor, input: input(plan.slug, template.slug), now })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await footprint(actor)).toEqual({ jails: 0, jobs: 0, addresses: 0, audit: 0 });
  });
});

describe("placement by what hosts declared they can do", () => {
  const caps = (limits: Partial<{ maxHostnameLength: number; maxJails: number | null; maxCpuPercent: number | null }> = {}) => ({
    capabilities: {
      snapshots: false,
      diskQuota: true,
      memoryLimit: true,
      processLimit: true,
      cpuLimit: true,
      network: true,
      publicIpv4: true,
      ipv6: true,
      hostnameLockdown: true,
      rootPassword: true,
      sshKeys: true,
      migration: false,
      limits: { maxJailNameLength: 64, maxHostnameLength: 64, maxJails: null, maxCpuPercent: null, ...limits },
    },
  });

  it("refuses a hostname longer than the hosts accept, naming the limit, and writes nothing", async () => {
    const now = futureNow();
    const { plan, template, actor } = await setup();
    await createHost({ heartbeat: now, facts: caps({ maxHostnameLength: 30 }) });
    const long = `a-rather-long-name-${uid()}.example.test`;
    expect(long.length).toBeGreaterThan(30);
    await expect(orderJail({ actor, input: input(plan.slug, template.slug, long), now })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { hostname: ["Use a hostname of at most 30 characters."] },
    });
    expect(await footprint(actor)).toEqual({ jails: 0, jobs: 0, addresses: 0, audit: 0 });
  });

  it("never places a template on a driver it has no source for, and respects the driver's own jail limit", async () => {
    const now = futureNow();
    const { plan, actor } = await setup();
    // A template that exists only as a Linux root: a FreeBSD host cannot make it.
    const linuxOnly = await db.template.create({ data: { slug: `lx-${uid()}`, name: "Linux only", lxcTemplate: "busybox" } });
    await createHost({ heartbeat: now, driver: "FREEBSD" });
    await expect(orderJail({ actor, input: input(plan.slug, linuxOnly.slug), now })).rejects.toMatchObject({
      fieldErrors: { template: ["Linux only is not available right now. Choose another template."] },
    });
    // A host whose driver holds at most one jail (pf's anchor limit, say) takes one, then no more.
    const small = await createHost({ heartbeat: now, facts: caps({ maxJails: 1 }), capacityJails: 50 });
    const first = await orderJail({ actor, input: input(plan.slug, linuxOnly.slug), now });
    expect((await db.jail.findUniqueOrThrow({ where: { id: first.jailId } })).hostId).toBe(small.id);
    await expect(orderJail({ actor, input: input(plan.slug, linuxOnly.slug), now })).rejects.toMatchObject({ code: "NO_CAPACITY" });
  });
});

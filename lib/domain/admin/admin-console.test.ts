import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { recordHeartbeat } from "@/lib/domain/hosts/record-heartbeat";
import { adoptUnexpectedJail, repairDrift } from "@/lib/domain/hosts/repair-drift";
import { removeHost } from "@/lib/domain/hosts/remove-host";
import { listHosts } from "@/lib/domain/hosts/list-hosts";
import { addAccountNote } from "@/lib/domain/accounts/add-account-note";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { jobPayloads } from "@/lib/schemas/jobs";
import { createCustomer, createHost, createJailRow, createStaff, getOrCreatePlan, getOrCreateTemplate, uid } from "@/lib/test/factories";
import { searchCustomers } from "./search-customers";
import { getCustomerAccount } from "./get-customer-account";
import { changeJailPowerAsStaff } from "./change-jail-power-as-staff";
import { listFleetJails } from "./list-fleet-jails";
import { getAdminJail } from "./get-admin-jail";

const admin = async () => staffActor(await createStaff("ADMIN"));
const hb = (inventory: Array<{ name: string; running: boolean }>) => ({
  agentVersion: "test",
  driver: "lxc" as const,
  loadAverage: 0.1,
  ready: true,
  reason: null,
  facts: {},
  inventory: inventory.map((i) => ({ ...i, jid: null })),
});

describe("finding customers", () => {
  it("by e-mail, name, hostname and IP address (either family, any spelling); a jail match names the jail", async () => {
    const actor = await admin();
    const tag = uid();
    const { user, account } = await createCustomer({ accountName: `Zed Hosting ${tag}` });
    const host = await createHost();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id, hostname: `shop-${tag}.example.test` });
    const { allocateIpv6 } = await import("@/lib/domain/ipam/allocate-address");
    const v6 = (await db.$transaction((tx) => allocateIpv6(tx, { hostId: host.id, jailId: jail.id })))!;
    const v4 = (await db.ipAddress.findFirstOrThrow({ where: { jailId: jail.id, kind: "PUBLIC" } })).address;
    const search = (q: string) => searchCustomers({ actor, q, page: 1 });

    expect((await search(user.email.toUpperCase())).rows).toEqual([
      expect.objectContaining({ accountId: account.id, matched: "login", jail: null }),
    ]);
    expect((await search(`zed hosting ${tag}`)).rows[0]).toMatchObject({ accountId: account.id, matched: "account" });
    expect((await search(`shop-${tag}`)).rows).toEqual([
      expect.objectContaining({
        accountId: account.id,
        matched: "hostname",
        jail: { id: jail.id, hostname: jail.hostname, state: "RUNNING" },
      }),
    ]);
    expect((await search(v4)).rows).toEqual([
      expect.objectContaining({ matched: "IP address", value: v4, jail: expect.objectContaining({ id: jail.id }) }),
    ]);
    const longV6 = ipaddr.IPv6.parse(v6).toNormalizedString().toUpperCase(); // a non-canonical spelling
    expect((await search(longV6)).rows[0]).toMatchObject({ value: v6, jail: { id: jail.id } });
    expect((await search("%")).rows.every((r) => r.value.includes("%"))).toBe(true); // LIKE wildcards are literal
  });

  it("the account page has contact, logins, jails, invoices, balance, overage cases, audit trail and notes", async () => {
    const actor = await admin();
    const { account } = await createCustomer();
    const host = await createHost();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    await addAccountNote({ actor, accountId: account.id, body: "Called about the invoice; promised to pay Friday." });
    const page = await getCustomerAccount({ actor, accountId: account.id });
    expect(page.users).toHaveLength(1);
    expect(page.jails.map((j) => j.id)).toEqual([jail.id]);
    expect(page.balanceCents).toBe(0);
    expect(page.notes[0]).toMatchObject({ body: "Called about the invoice; promised to pay Friday.", authorId: actor.userId });
    expect(page.audit.map((a) => a.action)).toContain("account.note");
    await expect(getCustomerAccount({ actor, accountId: "nosuchaccount" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("jails, as staff", () => {
  it("stop and start a customer's jail through jobs, audited on the account; a suspended account's jail does not start", async () => {
    const actor = await admin();
    const { account } = await createCustomer();
    const host = await createHost();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    const { jobId } = await changeJailPowerAsStaff({ actor, jailId: jail.id, verb: "stop" });
    expect(await db.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ type: "STOP", requestedById: actor.userId });
    expect((await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).desiredState).toBe("STOPPED");
    await expect(changeJailPowerAsStaff({ actor, jailId: jail.id, verb: "stop" })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(
      await db.auditLog.count({ where: { action: "jail.stop", targetId: jail.id, accountId: account.id, actorId: actor.userId } }),
    ).toBe(1);

    const stopped = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    await suspendAccount({ actor, accountId: account.id, reason: "unpaid" });
    await expect(changeJailPowerAsStaff({ actor, jailId: stopped.id, verb: "start" })).rejects.toThrow(/lift the suspension/);
    expect((await getAdminJail({ actor, jailId: stopped.id })).capabilities.start).toMatchObject({ allowed: false });
  });

  it("the fleet list filters by host, state, plan and account", async () => {
    const actor = await admin();
    const { account } = await createCustomer();
    const host = await createHost();
    const a = await createJailRow({ accountId: account.id, hostId: host.id });
    const b = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    const ids = async (filter: Parameters<typeof listFleetJails>[0]["filter"]) =>
      (await listFleetJails({ actor, filter })).rows.map((r) => r.id).sort();
    expect(await ids({ hostId: host.id })).toEqual([a.id, b.id].sort());
    expect(await ids({ hostId: host.id, state: "STOPPED" })).toEqual([b.id]);
    expect(await ids({ accountId: account.id, planId: (await getOrCreatePlan()).id })).toEqual([a.id, b.id].sort());
  });
});

describe("drift repair", () => {
  it("recreates a missing jail from its template; converges or accepts a state mismatch; destroys or adopts one nobody ordered", async () => {
    const actor = await admin();
    const { user, account } = await createCustomer();
    const host = await createHost();
    const missing = await createJailRow({ accountId: account.id, hostId: host.id });
    const mismatched = await createJailRow({ accountId: account.id, hostId: host.id });
    const accepted = await createJailRow({ accountId: account.id, hostId: host.id, state: "STOPPED" });
    const stray = `cb${uid()}stray`;
    const orphan = `cb${uid()}orphan`;
    await recordHeartbeat(
      host.id,
      hb([
        { name: mismatched.name, running: false },
        { name: accepted.name, running: true },
        { name: stray, running: true },
        { name: orphan, running: false },
      ]),
    );
    const rows = await db.hostDrift.findMany({ where: { hostId: host.id, resolvedAt: null } });
    const drift = (jailName: string) => rows.find((r) => r.jailName === jailName)!;

    const recreated = await repairDrift({ actor, driftId: drift(missing.name).id, action: "recreate" });
    const create = await db.job.findUniqueOrThrow({ where: { id: recreated.jobId! } });
    expect(create).toMatchObject({ type: "CREATE", jailId: missing.id });
    expect(jobPayloads.CREATE.parse(create.payload)).toMatchObject({ start: true, jail: { name: missing.name } });
    expect((await db.jail.findUniqueOrThrow({ where: { id: missing.id } })).state).toBe("QUEUED");
    await expect(repairDrift({ actor, driftId: drift(missing.name).id, action: "recreate" })).rejects.toMatchObject({
      code: "PRECONDITION",
    });

    const converged = await repairDrift({ actor, driftId: drift(mismatched.name).id, action: "converge" });
    expect(await db.job.findUniqueOrThrow({ where: { id: converged.jobId! } })).toMatchObject({ type: "START", jailId: mismatched.id });

    await repairDrift({ actor, driftId: drift(accepted.name).id, action: "accept" });
    expect(await db.jail.findUniqueOrThrow({ where: { id: accepted.id } })).toMatchObject({ state: "RUNNING", desiredState: "RUNNING" });

    await expect(repairDrift({ actor, driftId: drift(stray).id, action: "recreate" })).rejects.toMatchObject({ code: "PRECONDITION" });
    const destroyed = await repairDrift({ actor, driftId: drift(stray).id, action: "destroy" });
    expect(await db.job.findUniqueOrThrow({ where: { id: destroyed.jobId! } })).toMatchObject({
      type: "DESTROY",
      jailId: null,
      payload: { name: stray },
    });

    const plan = await getOrCreatePlan();
    const template = await getOrCreateTemplate();
    const adopted = await adoptUnexpectedJail({
      actor,
      driftId: drift(orphan).id,
      email: user.email,
      plan: plan.slug,
      template: template.slug,
      hostname: `adopted-${uid()}.example.test`,
    });
    expect(await db.jail.findUniqueOrThrow({ where: { id: adopted.jailId } })).toMatchObject({
      name: orphan,
      accountId: account.id,
      desiredState: "STOPPED",
    });
    expect(jobPayloads.CREATE.parse((await db.job.findUniqueOrThrow({ where: { id: adopted.jobId } })).payload).start).toBe(false);

    for (const a of ["drift.recreate", "drift.converge", "drift.accept", "drift.destroy", "drift.adopt"])
      expect(await db.auditLog.count({ where: { action: a, actorId: actor.userId } }), a).toBe(1);
    // The next heartbeat: the jails with a repair under way are not drift; the stray is, until destroyed.
    await recordHeartbeat(
      host.id,
      hb([
        { name: mismatched.name, running: false },
        { name: accepted.name, running: true },
        { name: stray, running: true },
        { name: orphan, running: false },
      ]),
    );
    expect((await db.hostDrift.findMany({ where: { hostId: host.id, resolvedAt: null } })).map((d) => d.jailName)).toEqual([stray]);
  });
});

describe("removing a host", () => {
  it("deletes a never-enrolled host with its pools; refuses one with jails; retires one whose jails are all destroyed", async () => {
    const actor = await admin();
    const fresh = await createHost({ status: "PENDING", heartbeat: null });
    await expect(removeHost({ actor, hostId: fresh.id, confirmName: "wrong" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await removeHost({ actor, hostId: fresh.id, confirmName: fresh.name })).toBe("deleted");
    expect(await db.host.count({ where: { id: fresh.id } })).toBe(0);
    expect(await db.ipPool.count({ where: { hostId: fresh.id } })).toBe(0);

    const busy = await createHost();
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: busy.id });
    await expect(removeHost({ actor, hostId: busy.id, confirmName: busy.name })).rejects.toThrow(/holds 1 jail/);
    await db.jail.update({ where: { id: jail.id }, data: { state: "DESTROYED", destroyedAt: new Date() } });
    await db.$transaction(async (tx) => (await import("@/lib/domain/ipam/allocate-address")).releaseAddresses(tx, { jailId: jail.id }));
    expect(await removeHost({ actor, hostId: busy.id, confirmName: busy.name })).toBe("retired");
    const row = await db.host.findUniqueOrThrow({ where: { id: busy.id }, omit: { agentTokenHash: false } });
    expect(row).toMatchObject({ status: "DISABLED", agentTokenHash: null });
    expect(row.removedAt).not.toBeNull();
    expect(await db.ipAddress.count({ where: { pool: { hostId: busy.id } } })).toBe(0);
    expect((await listHosts({ actor, page: 1 })).rows.map((h) => h.id)).not.toContain(busy.id);
    expect(await db.auditLog.count({ where: { action: "host.remove", targetId: { in: [fresh.id, busy.id] } } })).toBe(2);
  });
});

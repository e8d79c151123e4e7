import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { orderJail } from "@/lib/domain/jails/order-jail";
import { createCustomer, createStaff, getOrCreatePlan, getOrCreateTemplate, uid } from "@/lib/test/factories";
import { addReservedName, removeReservedName } from "./reserved-names";

describe("reserved hostnames", () => {
  it("refuses an order under a reserved label or suffix, in words, and staff can release it", async () => {
    const admin = staffActor(await createStaff("ADMIN"));
    const brand = `brand${uid()}`.toLowerCase();
    const ours = `ours${uid()}.example`.toLowerCase();
    const label = await addReservedName({ actor: admin, kind: "LABEL", value: brand, reason: "phishing" });
    await addReservedName({ actor: admin, kind: "SUFFIX", value: ours, reason: "our domain" });
    await expect(addReservedName({ actor: admin, kind: "LABEL", value: brand, reason: "" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.auditLog.count({ where: { action: "reserved-name.add", actorId: admin.userId } })).toBe(2);

    const { user, account } = await createCustomer();
    const actor = customerActor({ id: user.id, accountId: account.id });
    const [plan, template] = await Promise.all([getOrCreatePlan(), getOrCreateTemplate()]);
    const order = (hostname: string) =>
      orderJail({ actor, input: { plan: plan.slug, template: template.slug, hostname, orderKey: crypto.randomUUID() } });
    await expect(order(`login.${brand}.example.net`)).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { hostname: [`Hostnames containing "${brand}" are reserved. Choose another hostname.`] },
    });
    await expect(order(`www.${ours}`)).rejects.toMatchObject({
      fieldErrors: { hostname: [`Names under ${ours} are reserved. Choose another hostname.`] },
    });
    await expect(order(ours)).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await db.jail.count({ where: { accountId: account.id } })).toBe(0);

    await removeReservedName({ actor: admin, id: label.id });
    expect(await db.reservedName.count({ where: { value: brand } })).toBe(0);
  });

  it("is an admin's list: a billing clerk cannot change it", async () => {
    const clerk = staffActor(await createStaff("BILLING"));
    await expect(addReservedName({ actor: clerk, kind: "LABEL", value: `x${uid()}`.toLowerCase(), reason: "" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { allocateAddress, releaseAddresses } from "./allocate-address";
import { gatewayOf, usableAddresses } from "./cidr";

describe("address pools", () => {
  it("populates every usable address but the gateway, and orders them numerically", async () => {
    const host = await createHost();
    const priv = await db.ipAddress.findMany({ where: { hostId: host.id, kind: "PRIVATE" }, orderBy: { sortKey: "asc" } });
    expect(priv).toHaveLength(253); // /24: 254 usable, minus the gateway
    expect(priv.map((p) => p.address)).not.toContain(gatewayOf(host.privateNetblock));
    expect(await db.ipAddress.count({ where: { hostId: host.id, kind: "PUBLIC" } })).toBe(14);
    expect(usableAddresses("10.0.0.0/30")).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("never hands one address to two jails, even when fourteen ask at once", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jails = await Promise.all(Array.from({ length: 14 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const addrs = await db.ipAddress.findMany({ where: { jailId: { in: jails.map((j) => j.id) }, kind: "PUBLIC" } });
    expect(new Set(addrs.map((a) => a.address)).size).toBe(14);
    // The pool of 14 public addresses is now exhausted: the next jail hears why.
    await expect(createJailRow({ accountId: account.id, hostId: host.id })).rejects.toMatchObject({ code: "NO_CAPACITY" });
    // Releasing one makes it available again.
    await db.$transaction((tx) => releaseAddresses(tx, jails[0]!.id));
    const again = await db.$transaction((tx) => allocateAddress(tx, host.id, "PUBLIC", jails[0]!.id));
    expect(addrs.map((a) => a.address)).toContain(again);
  });
});

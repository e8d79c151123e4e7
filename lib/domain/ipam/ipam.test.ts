import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow } from "@/lib/test/factories";
import { allocateAddress, allocateIpv6, releaseAddresses } from "./allocate-address";
import { cidrsOverlap, ipv4GatewayOf, ipv6AddressAt, ipv6InterfaceId, usableIpv4Addresses } from "./addresses";

describe("address pools", () => {
  it("populates every usable address but the gateway, and orders them numerically", async () => {
    const host = await createHost();
    const priv = await db.ipAddress.findMany({ where: { hostId: host.id, kind: "PRIVATE" }, orderBy: { sortKey: "asc" } });
    expect(priv).toHaveLength(253); // /24: 254 usable, minus the gateway
    expect(priv.map((p) => p.address)).not.toContain(ipv4GatewayOf(host.privateNetblock));
    expect(await db.ipAddress.count({ where: { hostId: host.id, kind: "PUBLIC" } })).toBe(14);
    expect(usableIpv4Addresses("10.0.0.0/30")).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("never hands one address to two jails, even when fourteen ask at once", async () => {
    const host = await createHost();
    const { account } = await createCustomer();
    const jails = await Promise.all(Array.from({ length: 14 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const addrs = await db.ipAddress.findMany({ where: { jailId: { in: jails.map((j) => j.id) }, kind: "PUBLIC" } });
    expect(new Set(addrs.map((a) => a.address)).size).toBe(14);
    // The pool of 14 public addresses is now exhausted: the next jail hears why.
    await expect(createJailRow({ accountId: account.id, hostId: host.id })).rejects.toMatchObject({ code: "NO_CAPACITY" });
    // Releasing one makes exactly that one available again: it is the only free address left.
    const released = addrs.find((a) => a.jailId === jails[0]!.id)!.address;
    await db.$transaction((tx) => releaseAddresses(tx, { jailId: jails[0]!.id }));
    const again = await db.$transaction((tx) => allocateAddress(tx, { hostId: host.id, kind: "PUBLIC", jailId: jails[0]!.id }));
    expect(again).toBe(released);
  });
});

describe("IPv6", () => {
  it("does the prefix arithmetic in canonical form", () => {
    expect(ipv6AddressAt("fd00:77::/64", 2n)).toBe("fd00:77::2");
    expect(ipv6AddressAt("2001:db8:1:2::/64", 0xabcdn)).toBe("2001:db8:1:2::abcd");
    expect(ipv6AddressAt("2001:db8::/48", (1n << 64n) - 1n)).toBe("2001:db8::ffff:ffff:ffff:ffff");
    expect(() => ipv6AddressAt("fd00:77::/64", 1n << 64n)).toThrow(/does not fit/);
    expect(ipv6InterfaceId("fd00:77::1:2")).toBe(0x10002n);
    expect(cidrsOverlap("10.0.0.0/24", "10.0.0.128/25")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24")).toBe(false);
    expect(cidrsOverlap("fd00:77::/64", "fd00:77::/48")).toBe(true);
    expect(cidrsOverlap("fd00:77::/64", "10.0.0.0/8")).toBe(false);
  });

  it("gives each jail one address from ::2 up, fills gaps, and never the same one twice at once", async () => {
    const prefix = `fd00:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::/64`;
    const host = await createHost({ ipv6Prefix: prefix });
    const { account } = await createCustomer();
    const jails = await Promise.all(Array.from({ length: 3 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const base = prefix.replace("::/64", "::");
    const claim = (jailId: string) => db.$transaction((tx) => allocateIpv6(tx, { hostId: host.id, prefix, jailId }));
    expect(await claim(jails[0]!.id)).toBe(`${base}2`);
    expect(await claim(jails[0]!.id)).toBe(`${base}2`); // a jail keeps the one it has
    expect(await claim(jails[1]!.id)).toBe(`${base}3`);
    expect(await claim(jails[2]!.id)).toBe(`${base}4`);
    await db.$transaction((tx) => releaseAddresses(tx, { jailId: jails[1]!.id }));
    expect(await db.ipAddress.count({ where: { hostId: host.id, kind: "IPV6" } })).toBe(2); // released rows are deleted
    const late = await createJailRow({ accountId: account.id, hostId: host.id });
    expect(await claim(late.id)).toBe(`${base}3`); // the gap is filled first

    const many = await Promise.all(Array.from({ length: 8 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const results = await Promise.allSettled(many.map((j) => claim(j.id)));
    const got = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<string>).value);
    expect(new Set(got).size).toBe(got.length);
    const rows = await db.ipAddress.findMany({ where: { hostId: host.id, kind: "IPV6" } });
    expect(new Set(rows.map((r) => r.address)).size).toBe(rows.length);
  });
});

import crypto from "node:crypto";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { createCustomer, createHost, createJailRow, createStaff, nextPrivateNetblock, uid } from "@/lib/test/factories";
import { allocateAddress, allocateIpv6, releaseAddresses } from "./allocate-address";
import { cidrsOverlap, ipv4GatewayOf, ipv6AddressAt, ipv6InterfaceId, usableIpv4Addresses } from "./addresses";
import { addIpRange } from "./add-ip-range";
import { createIpPool } from "./create-ip-pool";
import { holdIpAddress, releaseIpAddressHold } from "./hold-ip-address";
import { retireIpPool, retireIpRange } from "./retire-ip-range";
import { listPoolAddresses } from "./list-ip-pools";
import { createHostGroup } from "@/lib/domain/hosts/create-host-group";
import { createHost as addHost } from "@/lib/domain/hosts/create-host";
import { updateHost } from "@/lib/domain/hosts/update-host";

const poolRows = (hostId: string, kind: "PUBLIC" | "PRIVATE" | "IPV6") =>
  db.ipAddress.findMany({ where: { pool: { hostId }, kind }, orderBy: { sortKey: "asc" } });
const admin = async () => staffActor(await createStaff("ADMIN"));
/** A public /28 in 192.0.2.0/24-like test space no factory uses: 203.<0-255>.<0-255>.<0-240>/28. */
const freshV4 = () => `203.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 16) * 16}/28`;
const freshV6 = () => `2001:db8:${crypto.randomInt(0, 0xffff).toString(16)}:${crypto.randomInt(0, 0xffff).toString(16)}::/64`;
const tx = <T>(fn: Parameters<typeof db.$transaction>[0]) => db.$transaction(fn) as Promise<T>;

describe("address pools", () => {
  it("populates every usable address but the gateway, and orders them numerically", async () => {
    const host = await createHost();
    const priv = await poolRows(host.id, "PRIVATE");
    expect(priv).toHaveLength(253); // /24: 254 usable, minus the gateway
    expect(priv.map((p) => p.address)).not.toContain(ipv4GatewayOf(host.privateNetblock));
    expect(await db.ipAddress.count({ where: { pool: { hostId: host.id }, kind: "PUBLIC" } })).toBe(14);
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
    await db.$transaction((t) => releaseAddresses(t, { jailId: jails[0]!.id }));
    const again = await db.$transaction((t) => allocateAddress(t, { hostId: host.id, kind: "PUBLIC", jailId: jails[0]!.id }));
    expect(again).toBe(released);
  });

  it("refuses an overlapping IPv4 or IPv6 block anywhere in the fleet, naming the clash", async () => {
    const actor = await admin();
    const host = await createHost();
    const [ownPublic] = await db.ipRange.findMany({ where: { pool: { hostId: host.id }, kind: "PUBLIC" } });
    const [ownV6] = await db.ipRange.findMany({ where: { pool: { hostId: host.id }, kind: "IPV6" } });
    const inside = ownPublic!.cidr.replace(/\/28$/, "/29");
    const attempt = (kind: "PUBLIC" | "IPV6", cidr: string) =>
      createIpPool({ actor, input: { name: `clash ${uid()}`, kind, binding: { hostId: host.id, groupId: null }, cidr } });
    await expect(attempt("PUBLIC", inside)).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { cidr: [expect.stringContaining(`overlaps ${ownPublic!.cidr} of pool "${host.name} public" (host ${host.name})`)] },
    });
    const widerV6 = `${ipaddr.IPv6.networkAddressFromCIDR(ownV6!.cidr.replace("/64", "/48")).toRFC5952String()}/48`;
    await expect(attempt("IPV6", widerV6)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(ownV6!.cidr) });
    // A private netblock counts too: a public block inside a host's jail network is refused.
    await expect(attempt("PUBLIC", host.privateNetblock.replace(/\.0\/24$/, ".16/28"))).rejects.toMatchObject({
      message: expect.stringContaining(`of pool "${host.name} private"`),
    });
    // And the same checks guard adding a host.
    await expect(
      addHost({
        actor,
        input: {
          name: `h-${uid()}`,
          fqdn: `h-${uid()}.example.test`,
          driver: "LXC",
          capacityJails: 1,
          capacityDiskMb: 1,
          capacityMemoryMb: 1,
          privateNetblock: await nextPrivateNetblock(),
          publicPoolCidr: ownPublic!.cidr,
          ipv6Prefix: null,
        },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { publicPoolCidr: [expect.stringContaining(ownPublic!.cidr)] } });
    expect(await db.ipPool.count({ where: { name: { startsWith: "clash " }, hostId: host.id } })).toBe(0);
  });

  it("the database itself refuses two live public ranges that overlap (the exclusion constraint)", async () => {
    const host = await createHost();
    const [pool] = await db.ipPool.findMany({ where: { hostId: host.id, kind: "PUBLIC" } });
    const [range] = await db.ipRange.findMany({ where: { poolId: pool!.id } });
    await expect(db.ipRange.create({ data: { poolId: pool!.id, kind: "PUBLIC", cidr: range!.cidr } })).rejects.toThrow();
  });

  it("a pool shared by a host group serves every host in it; a host's own pool is used first", async () => {
    const actor = await admin();
    const group = await createHostGroup({ actor, name: `g-${uid()}`, description: "" });
    const a = await createHost({ publicPool: false });
    const b = await createHost();
    for (const h of [a, b])
      await updateHost({
        actor,
        input: { hostId: h.id, capacityJails: 50, capacityDiskMb: 1000, capacityMemoryMb: 1000, groupId: group.id },
      });
    const shared = await createIpPool({
      actor,
      input: { name: `routed ${uid()}`, kind: "PUBLIC", binding: { hostId: null, groupId: group.id }, cidr: freshV4() },
    });
    const { account } = await createCustomer();
    const onA = await createJailRow({ accountId: account.id, hostId: a.id });
    const onB = await createJailRow({ accountId: account.id, hostId: b.id });
    const pubOf = (jailId: string) => db.ipAddress.findFirstOrThrow({ where: { jailId, kind: "PUBLIC" } });
    expect((await pubOf(onA.id)).poolId).toBe(shared.id); // a has no pool of its own
    expect((await pubOf(onB.id)).poolId).not.toBe(shared.id); // b's own pool first
    // Leaving the group is refused while a jail holds one of its addresses.
    await expect(
      updateHost({ actor, input: { hostId: a.id, capacityJails: 50, capacityDiskMb: 1000, capacityMemoryMb: 1000, groupId: null } }),
    ).rejects.toMatchObject({ code: "PRECONDITION" });
  });

  it("a held address is never handed out; releasing the hold makes it available again", async () => {
    const actor = await admin();
    const host = await createHost({ publicPool: false });
    const cidr = freshV4();
    const pool = await createIpPool({
      actor,
      input: { name: `held ${uid()}`, kind: "PUBLIC", binding: { hostId: host.id, groupId: null }, cidr },
    });
    const first = usableIpv4Addresses(cidr)[0]!;
    await holdIpAddress({ actor, poolId: pool.id, address: first, reason: "blocklisted by Spamhaus" });
    await expect(holdIpAddress({ actor, poolId: pool.id, address: first, reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(holdIpAddress({ actor, poolId: pool.id, address: "198.51.100.77", reason: "not ours" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    const got = await db.ipAddress.findFirstOrThrow({ where: { jailId: jail.id, kind: "PUBLIC" } });
    expect(got.address).toBe(usableIpv4Addresses(cidr)[1]);
    const held = await listPoolAddresses({ actor, poolId: pool.id, filter: "held", page: 1 });
    expect(held.rows.map((r) => [r.address, r.heldReason])).toEqual([[first, "blocklisted by Spamhaus"]]);
    await releaseIpAddressHold({ actor, addressId: held.rows[0]!.id });
    expect((await listPoolAddresses({ actor, poolId: pool.id, filter: "held", page: 1 })).rows).toHaveLength(0);
    expect(await db.auditLog.count({ where: { targetId: pool.id, action: { in: ["ip-address.hold", "ip-address.release-hold"] } } })).toBe(
      2,
    );
  });

  it("a retired range hands out nothing new, jails keep theirs, and the block is free again once they let go", async () => {
    const actor = await admin();
    const host = await createHost({ publicPool: false });
    const cidr = freshV4();
    const pool = await createIpPool({
      actor,
      input: { name: `old ${uid()}`, kind: "PUBLIC", binding: { hostId: host.id, groupId: null }, cidr },
    });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    const [range] = await db.ipRange.findMany({ where: { poolId: pool.id } });
    const result = await retireIpRange({ actor, rangeId: range!.id });
    expect(result).toEqual({ freed: 13, stillAssigned: 1, poolId: pool.id });
    await expect(createJailRow({ accountId: account.id, hostId: host.id })).rejects.toMatchObject({ code: "NO_CAPACITY" });
    // Still in use: re-adding the block elsewhere is refused.
    await expect(addIpRange({ actor, poolId: pool.id, cidr })).rejects.toMatchObject({
      message: expect.stringContaining("retired but still in use"),
    });
    await db.$transaction((t) => releaseAddresses(t, { jailId: jail.id }));
    expect(await db.ipAddress.count({ where: { rangeId: range!.id } })).toBe(0);
    await addIpRange({ actor, poolId: pool.id, cidr });
    await retireIpPool({ actor, poolId: pool.id });
    expect((await db.ipPool.findUniqueOrThrow({ where: { id: pool.id } })).retiredAt).not.toBeNull();
  });

  it("only admins manage pools", async () => {
    const clerk = staffActor(await createStaff("BILLING"));
    const host = await createHost();
    await expect(
      createIpPool({
        actor: clerk,
        input: { name: `x ${uid()}`, kind: "PUBLIC", binding: { hostId: host.id, groupId: null }, cidr: freshV4() },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
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

  it("gives each jail one address from ::2 up, fills gaps, skips held ones, and never the same one twice at once", async () => {
    const prefix = freshV6();
    const host = await createHost({ ipv6Prefix: prefix });
    const { account } = await createCustomer();
    const jails = await Promise.all(Array.from({ length: 3 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const base = prefix.replace("::/64", "::");
    const claim = (jailId: string) => tx<string | null>((t) => allocateIpv6(t, { hostId: host.id, jailId }));
    expect(await claim(jails[0]!.id)).toBe(`${base}2`);
    expect(await claim(jails[0]!.id)).toBe(`${base}2`); // a jail keeps the one it has
    expect(await claim(jails[1]!.id)).toBe(`${base}3`);
    const [pool] = await db.ipPool.findMany({ where: { hostId: host.id, kind: "IPV6" } });
    await holdIpAddress({ actor: await admin(), poolId: pool!.id, address: `${base}4`, reason: "router" });
    expect(await claim(jails[2]!.id)).toBe(`${base}5`);
    await db.$transaction((t) => releaseAddresses(t, { jailId: jails[1]!.id }));
    expect(await db.ipAddress.count({ where: { poolId: pool!.id } })).toBe(3); // released rows are deleted, held ones stay
    const late = await createJailRow({ accountId: account.id, hostId: host.id });
    expect(await claim(late.id)).toBe(`${base}3`); // the gap is filled first

    const many = await Promise.all(Array.from({ length: 8 }, () => createJailRow({ accountId: account.id, hostId: host.id })));
    const results = await Promise.allSettled(many.map((j) => claim(j.id)));
    const got = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<string>).value);
    expect(new Set(got).size).toBe(got.length);
    const rows = await db.ipAddress.findMany({ where: { poolId: pool!.id } });
    expect(new Set(rows.map((r) => r.address)).size).toBe(rows.length);
  });

  it("a host without an IPv6 range gives its jails none", async () => {
    const host = await createHost({ ipv6Prefix: null });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: host.id });
    expect(await tx<string | null>((t) => allocateIpv6(t, { hostId: host.id, jailId: jail.id }))).toBeNull();
  });
});

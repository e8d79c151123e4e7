import { describe, expect, it } from "vitest";
import { addIpRangeSchema, anyBlock, createIpPoolSchema } from "./ipam";
import { createHostSchema } from "./hosts";

describe("address block schemas", () => {
  it("take a range of either family where either may be typed", () => {
    expect(anyBlock.parse("203.0.113.16/28")).toBe("203.0.113.16/28");
    expect(anyBlock.parse("2001:DB8:1:2::/64")).toBe("2001:db8:1:2::/64");
    expect(addIpRangeSchema.safeParse({ poolId: "cpool1", cidr: "2001:db8:ab::/48" }).success).toBe(true);
  });

  it("explain a malformed block instead of throwing", () => {
    for (const cidr of ["nonsense", "2001:db8::/64x", "10.0.0.5/24", "203.0.113.0/8"]) {
      const r = anyBlock.safeParse(cidr);
      expect(r.success, cidr).toBe(false);
    }
    expect(createIpPoolSchema.safeParse({ name: "p", kind: "PUBLIC", binding: "host:h1", cidr: "2001:db8::/64" }).success).toBe(false);
    const host = createHostSchema.safeParse({
      name: "h",
      fqdn: "h.example.com",
      driver: "LXC",
      capacityJails: "1",
      capacityDiskMb: "1",
      capacityMemoryMb: "1",
      privateNetblock: "not a block",
      publicPoolCidr: "fd00::/64",
    });
    expect(host.success).toBe(false);
    expect(host.error!.issues.map((i) => i.path[0]).sort()).toEqual(["privateNetblock", "publicPoolCidr"]);
  });
});

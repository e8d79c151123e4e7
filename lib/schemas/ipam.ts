// Forms of the IP pools page. Blocks are typed in CIDR notation and must be the network
// address itself (10.0.0.0/24, not 10.0.0.5/24), so what is stored is what was meant.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { id, text } from "./common";
import { ipv4Cidr, ipv6, ipv6Prefix, isIpv4 } from "./net";

/** An IPv4 block of /16 to /30 given by its network address. */
export const ipv4Block = ipv4Cidr
  .refine((v) => {
    const [addr, len] = v.split("/");
    return ipaddr.IPv4.networkAddressFromCIDR(v).toString() === addr && Number(len) >= 16;
  }, "Use the network address of a /16 to /30 block, e.g. 203.0.113.0/28.")
  .transform((v) => v.trim());

/** A public IPv4 block or an IPv6 prefix, whichever family was typed. */
export const anyBlock = z
  .string({ error: "Enter a block such as 203.0.113.0/28 or 2001:db8:1::/64." })
  .trim()
  .min(1, "Enter a block such as 203.0.113.0/28 or 2001:db8:1::/64.")
  .max(60, "That block is too long.")
  .pipe(
    z.union([ipv4Block, ipv6Prefix], { error: "Use a block such as 203.0.113.0/28 (a /16 to /30) or 2001:db8:1::/64 (a /48 to /64)." }),
  );

const poolName = text("Name", 60).regex(/^[A-Za-z0-9][A-Za-z0-9 ._()-]*$/, "Use letters, digits, spaces and . _ - ( ).");

/** "host:<id>" or "group:<id>": where the pool's addresses may be used. */
export const poolBinding = z
  .string({ error: "Choose a host or a host group." })
  .regex(/^(host|group):[a-z0-9]{1,64}$/i, "Choose a host or a host group.")
  .transform((v) => {
    const [kind, ref] = v.split(":") as ["host" | "group", string];
    return kind === "host" ? ({ hostId: ref, groupId: null } as const) : ({ hostId: null, groupId: ref } as const);
  });

export const createIpPoolSchema = z
  .object({
    name: poolName,
    kind: z.enum(["PUBLIC", "IPV6"], { error: "Choose IPv4 (public) or IPv6." }),
    binding: poolBinding,
    cidr: z.string().trim().max(60, "That block is too long."),
  })
  .superRefine((v, ctx) => {
    const schema = v.kind === "PUBLIC" ? ipv4Block : ipv6Prefix;
    const r = schema.safeParse(v.cidr);
    if (!r.success) ctx.addIssue({ code: "custom", path: ["cidr"], message: r.error.issues[0]!.message });
  })
  .transform((v) => ({ ...v, cidr: v.kind === "PUBLIC" ? v.cidr : ipv6Prefix.parse(v.cidr) }));
export type CreateIpPoolInput = z.infer<typeof createIpPoolSchema>;

export const addIpRangeSchema = z.object({ poolId: id, cidr: anyBlock });
export const ipRangeIdSchema = z.object({ rangeId: id });
export const ipPoolIdSchema = z.object({ poolId: id });

/** An IPv4 or IPv6 address, canonical. */
export const anyAddress = z
  .string({ error: "Enter an address." })
  .trim()
  .min(1, "Enter an address.")
  .max(60, "That address is too long.")
  .refine((v) => isIpv4(v) || ipv6.safeParse(v).success, "Enter an IPv4 or IPv6 address.")
  .transform((v) => (isIpv4(v) ? v : ipv6.parse(v)));

export const holdAddressSchema = z.object({ poolId: id, address: anyAddress, reason: text("Reason", 200, 3) });
export const releaseHoldSchema = z.object({ addressId: id });

export const createHostGroupSchema = z.object({
  name: text("Name", 60).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Use letters, digits, spaces and . _ -."),
  description: z.string().trim().max(300, "Description must be at most 300 characters.").default(""),
});

export const ADDRESS_FILTERS = ["all", "free", "assigned", "held"] as const;
export const addressFilter = z.enum(ADDRESS_FILTERS).catch("all");

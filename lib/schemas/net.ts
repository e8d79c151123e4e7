// Names and addresses that end up on a host's command line. Validated here, once, before
// they go near a command — by the panel when they are typed, and by the agent again when a
// job arrives.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { idnRefusal } from "./hostname-policy";

/** An RFC 1123 fully-qualified hostname, lower-cased: `www.example.com`. */
export const fqdn = z
  .string({ error: "Hostname is required." })
  .trim()
  .toLowerCase()
  .max(253, "A hostname is at most 253 characters.")
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
    "Use a fully-qualified name such as www.example.com: letters, digits and hyphens, separated by dots.",
  )
  .refine((v) => !/^\d+(\.\d+)*$/.test(v), "A hostname cannot be only digits.")
  .superRefine((v, ctx) => {
    const why = idnRefusal(v);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });

/** Dotted-quad IPv4 only (no octal, hex or short forms, which some tools read differently). */
export function isIpv4(v: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(v) && !v.split(".").some((p) => p.length > 1 && p.startsWith("0"));
}

export const ipv4 = z.string().trim().refine(isIpv4, "Not an IPv4 address.");

/**
 * `10.77.0.0/24` — network address with prefix length 8..30. It aborts on failure, so a check
 * chained after it (which may parse the block with ipaddr.js) only ever sees a well-formed one.
 */
export const ipv4Cidr = z
  .string()
  .trim()
  .refine(
    (v) => {
      const [addr, len, ...rest] = v.split("/");
      if (rest.length || !addr || !len || !isIpv4(addr) || !/^\d{1,2}$/.test(len)) return false;
      const n = Number(len);
      return n >= 8 && n <= 30;
    },
    { message: "Use CIDR notation such as 10.77.0.0/24 (prefix /8 to /30).", abort: true },
  );

/** An IPv6 address in its canonical text form (RFC 5952: lower case, zeros compressed), e.g. `fd00:77::2`. */
export const ipv6 = z
  .string()
  .trim()
  .refine((v) => ipaddr.IPv6.isValid(v) && !v.includes("%") && !v.includes("."), "Not an IPv6 address.")
  .transform((v) => ipaddr.IPv6.parse(v).toRFC5952String());

/**
 * A host's IPv6 prefix, `fd00:77::/64`: the network address with a prefix length of 48 to 64
 * (jails get one address each out of it; SLAAC and most routed allocations are /64).
 */
export const ipv6Prefix = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const [addr, len] = ipaddr.IPv6.parseCIDR(v);
      return len >= 48 && len <= 64 && ipaddr.IPv6.networkAddressFromCIDR(v).toRFC5952String() === addr.toRFC5952String();
    } catch {
      return false;
    }
  }, "Use an IPv6 prefix such as fd00:77::/64 (the network address, prefix /48 to /64).")
  .transform((v) => {
    const [addr, len] = ipaddr.IPv6.parseCIDR(v);
    return `${addr.toRFC5952String()}/${len}`;
  });

/** The jail's name on its host: jail(8) names and LXC container names, no dots, no slashes. */
export const jailName = z.string().regex(/^cb[a-z0-9]{6,40}$/, "Invalid jail name.");

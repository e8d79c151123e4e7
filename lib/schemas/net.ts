// Names and addresses that end up on a host's command line. Validated here, once, before
// they go near a command — by the panel when they are typed, and by the agent again when a
// job arrives.
import { z } from "zod";

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
  .refine((v) => !/^\d+(\.\d+)*$/.test(v), "A hostname cannot be only digits.");

export function isIpv4(v: string): boolean {
  const parts = v.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export const ipv4 = z.string().trim().refine(isIpv4, "Not an IPv4 address.");

/** `10.77.0.0/24` — network address with prefix length 8..30. */
export const ipv4Cidr = z
  .string()
  .trim()
  .refine((v) => {
    const [addr, len, ...rest] = v.split("/");
    if (rest.length || !addr || !len || !isIpv4(addr) || !/^\d{1,2}$/.test(len)) return false;
    const n = Number(len);
    return n >= 8 && n <= 30;
  }, "Use CIDR notation such as 10.77.0.0/24 (prefix /8 to /30).");

/** The jail's name on its host: jail(8) names and LXC container names, no dots, no slashes. */
export const jailName = z.string().regex(/^cb[a-z0-9]{6,40}$/, "Invalid jail name.");

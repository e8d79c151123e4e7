import { z } from "zod";
import { fqdn, ipv4Cidr, ipv6Prefix } from "./net";
import { parseIpv4Cidr } from "@/lib/domain/ipam/addresses";

const positiveInt = (label: string, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(1, `${label} must be at least 1.`)
    .max(max, `${label} is too large.`);

export const createHostSchema = z
  .object({
    name: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Use letters, digits and hyphens (up to 40)."),
    fqdn,
    driver: z.enum(["LXC", "FREEBSD"], { error: "Choose a driver." }),
    capacityJails: positiveInt("Jail capacity", 100_000),
    capacityDiskMb: positiveInt("Disk capacity", 1_000_000_000),
    capacityMemoryMb: positiveInt("Memory capacity", 100_000_000),
    privateNetblock: ipv4Cidr,
    publicPoolCidr: z
      .union([z.literal("").transform(() => null), ipv4Cidr])
      .optional()
      .transform((v) => v ?? null),
    ipv6Prefix: z
      .union([z.literal("").transform(() => null), ipv6Prefix])
      .optional()
      .transform((v) => v ?? null),
  })
  .superRefine((v, ctx) => {
    if (parseIpv4Cidr(v.privateNetblock).prefix < 16)
      ctx.addIssue({ code: "custom", path: ["privateNetblock"], message: "Use a /16 or smaller block." });
    if (v.publicPoolCidr && parseIpv4Cidr(v.publicPoolCidr).prefix < 16)
      ctx.addIssue({ code: "custom", path: ["publicPoolCidr"], message: "Use a /16 or smaller block." });
  });
export type CreateHostInput = z.infer<typeof createHostSchema>;

export const hostIdSchema = z.object({ hostId: z.string().min(1).max(64) });
export const jobIdSchema = z.object({ jobId: z.string().min(1).max(64) });
export const hostStatusSchema = z.object({ hostId: z.string().min(1).max(64), status: z.enum(["ACTIVE", "DRAINING", "DISABLED"]) });

/** A reserved hostname label ("paypal") or suffix ("cellblock.example"), as staff type it. */
export const reservedNameSchema = z
  .object({
    kind: z.enum(["LABEL", "SUFFIX"], { error: "Choose label or suffix." }),
    value: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, "Enter a name.")
      .max(253, "At most 253 characters.")
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, "Letters, digits, hyphens and dots only."),
    reason: z.string().trim().max(200, "At most 200 characters.").default(""),
  })
  .refine((v) => v.kind === "SUFFIX" || !v.value.includes("."), {
    path: ["value"],
    message: "A label has no dots; use a suffix for a name with dots.",
  });
export const reservedNameIdSchema = z.object({ id: z.string().min(1).max(64) });

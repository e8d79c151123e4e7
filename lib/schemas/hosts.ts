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

import ipaddr from "ipaddr.js";
import { z } from "zod";
import { fqdn, ipv4Cidr, ipv6Prefix } from "./net";
import { ipv4Block } from "./ipam";
import { id } from "./common";

const positiveInt = (label: string, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(1, `${label} must be at least 1.`)
    .max(max, `${label} is too large.`);

export const createHostSchema = z.object({
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
  privateNetblock: ipv4Cidr.refine(
    (v) => ipaddr.IPv4.networkAddressFromCIDR(v).toString() === v.split("/")[0] && Number(v.split("/")[1]) >= 16,
    "Use the network address of a /16 to /30 block, e.g. 10.77.0.0/24.",
  ),
  publicPoolCidr: z
    .union([z.literal("").transform(() => null), ipv4Block])
    .optional()
    .transform((v) => v ?? null),
  ipv6Prefix: z
    .union([z.literal("").transform(() => null), ipv6Prefix])
    .optional()
    .transform((v) => v ?? null),
});
export type CreateHostInput = z.infer<typeof createHostSchema>;

/** What an admin may change on a host after it is added (its netblock stays; pools are managed on their page). */
export const updateHostSchema = z.object({
  hostId: id,
  capacityJails: positiveInt("Jail capacity", 100_000),
  capacityDiskMb: positiveInt("Disk capacity", 1_000_000_000),
  capacityMemoryMb: positiveInt("Memory capacity", 100_000_000),
  groupId: z
    .union([z.literal("").transform(() => null), id])
    .optional()
    .transform((v) => v ?? null),
});
export type UpdateHostInput = z.infer<typeof updateHostSchema>;

export const removeHostSchema = z.object({
  hostId: id,
  confirmName: z.string().trim().max(100, "Type the host's name."),
});

export const hostIdSchema = z.object({ hostId: z.string().min(1).max(64) });
export const jobIdSchema = z.object({ jobId: z.string().min(1).max(64) });
export const hostStatusSchema = z.object({
  hostId: z.string().min(1).max(64),
  status: z.enum(["ACTIVE", "STANDBY", "DRAINING", "DISABLED"]),
});

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

/** Declaring a host dead, evacuating it, destroying its evacuated copies: each confirmed by typing its name. */
export const hostConfirmSchema = z.object({
  hostId: id,
  confirmName: z.string().trim().max(100, "Type the host's name."),
});

/** Evacuating a dead host: its name typed, and the hosts the admin chose to send jails to (comma-separated ids; empty: every eligible host). */
export const evacuateHostSchema = hostConfirmSchema.extend({
  targetHostIds: z
    .string()
    .max(2000)
    .default("")
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(id).max(100)),
});

/** Moving a jail to another host, confirmed by typing the jail's hostname. */
export const moveJailSchema = z.object({
  jailId: id,
  targetHostId: z.string().trim().min(1, "Choose a host.").max(64),
  confirmHostname: z.string().trim().max(253, "Type the jail's hostname."),
});

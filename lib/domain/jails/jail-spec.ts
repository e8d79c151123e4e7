// Builds the JailSpec a CREATE or REINSTALL job carries, from the rows the database holds:
// the plan's limits, the template (and its recipe for the lxc driver), and the addresses the
// jail was given, IPv4 and IPv6.
import { ipv4GatewayOf, ipv6GatewayOf, parseIpv4Cidr, parseIpv6Prefix } from "@/lib/domain/ipam/addresses";
import { lxcRootfs, type JailSpec } from "@/lib/schemas/jobs";

export type SpecSource = {
  name: string;
  hostname: string;
  plan: { memoryLimitMb: number; maxProcesses: number; cpuPercent: number; diskQuotaMb: number };
  template: TemplateSource;
  host: { privateNetblock: string };
  /** IPv6 carries its range (the prefix it was given from), for the prefix length and gateway. */
  ipAddresses: Array<{ kind: "PUBLIC" | "PRIVATE" | "IPV6"; address: string; range: { cidr: string } }>;
};

export type TemplateSource = {
  slug: string;
  version: number;
  lxcTemplate: string;
  lxcRootfs: unknown;
  zfsSnapshot: string | null;
  tarballPath: string | null;
};

/** The limits a plan gives a jail, in the units the drivers take. */
export function planLimits(plan: SpecSource["plan"]) {
  return { memoryMb: plan.memoryLimitMb, maxProcesses: plan.maxProcesses, cpuPercent: plan.cpuPercent, diskQuotaMb: plan.diskQuotaMb };
}

/**
 * The template as a job carries it. The stored recipe (JSON) is parsed with the same zod schema
 * the agent uses, so a bad row fails here, not on a host.
 * @throws ZodError when the stored lxcRootfs is not a valid recipe.
 */
export function templateSpecOf(t: TemplateSource): JailSpec["template"] {
  return {
    slug: t.slug,
    version: t.version,
    lxcTemplate: t.lxcTemplate,
    lxcRootfs: t.lxcRootfs == null ? null : lxcRootfs.parse(t.lxcRootfs),
    zfsSnapshot: t.zfsSnapshot,
    tarballPath: t.tarballPath,
  };
}

/** @throws Error when the jail has no private address (it always gets one when ordered). */
export function jailSpecOf(j: SpecSource): JailSpec {
  const privateIp = j.ipAddresses.find((a) => a.kind === "PRIVATE")?.address;
  if (!privateIp) throw new Error(`jail ${j.name} has no private address`);
  const v6 = j.ipAddresses.find((a) => a.kind === "IPV6");
  const prefix = v6?.range?.cidr ?? null;
  const ipv6 = prefix ? v6!.address : null;
  return {
    name: j.name,
    hostname: j.hostname,
    template: templateSpecOf(j.template),
    limits: planLimits(j.plan),
    network: {
      privateIp,
      privatePrefix: parseIpv4Cidr(j.host.privateNetblock).prefix,
      privateGateway: ipv4GatewayOf(j.host.privateNetblock),
      publicIp: j.ipAddresses.find((a) => a.kind === "PUBLIC")?.address ?? null,
      ipv6: prefix ? ipv6 : null,
      ipv6PrefixLength: prefix ? parseIpv6Prefix(prefix).length : null,
      ipv6Gateway: prefix ? ipv6GatewayOf(prefix) : null,
    },
  };
}

// Builds the JailSpec a CREATE or REINSTALL job carries, from the rows the database holds:
// the plan's limits, the template, and the addresses the jail was given.
import { gatewayOf, parseCidr } from "@/lib/domain/ipam/cidr";
import type { JailSpec } from "@/lib/schemas/jobs";

type SpecSource = {
  name: string;
  hostname: string;
  plan: { memoryLimitMb: number; maxProcesses: number; cpuPercent: number; diskQuotaMb: number };
  template: { slug: string; lxcTemplate: string; zfsSnapshot: string | null; tarballPath: string | null };
  host: { privateNetblock: string };
  ipAddresses: Array<{ kind: "PUBLIC" | "PRIVATE"; address: string }>;
};

export function planLimits(plan: SpecSource["plan"]) {
  return { memoryMb: plan.memoryLimitMb, maxProcesses: plan.maxProcesses, cpuPercent: plan.cpuPercent, diskQuotaMb: plan.diskQuotaMb };
}

export function jailSpecOf(j: SpecSource): JailSpec {
  const privateIp = j.ipAddresses.find((a) => a.kind === "PRIVATE")?.address;
  if (!privateIp) throw new Error(`jail ${j.name} has no private address`);
  return {
    name: j.name,
    hostname: j.hostname,
    template: {
      slug: j.template.slug,
      lxcTemplate: j.template.lxcTemplate,
      zfsSnapshot: j.template.zfsSnapshot,
      tarballPath: j.template.tarballPath,
    },
    limits: planLimits(j.plan),
    network: {
      privateIp,
      privatePrefix: parseCidr(j.host.privateNetblock).prefix,
      privateGateway: gatewayOf(j.host.privateNetblock),
      publicIp: j.ipAddresses.find((a) => a.kind === "PUBLIC")?.address ?? null,
    },
  };
}

// One way for a bench to order a jail the way the portal's order does underneath: the Jail row,
// its private and public addresses (and IPv6 when the host has a prefix), and a CREATE job with
// the spec the agent builds from — in one transaction.
import { allocateAddress, allocateIpv6 } from "@/lib/domain/ipam/allocate-address";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import type { createPrismaClient } from "@/lib/db-client";

type Db = ReturnType<typeof createPrismaClient>;
type Row<K extends "plan" | "template" | "host"> = Awaited<ReturnType<Db[K]["findUniqueOrThrow"]>>;

/**
 * Queues a CREATE (start: true, no SSH keys) of a new jail `name` / `hostname` on `host`.
 * @returns the job's id and the jail's name.
 * @throws when the host's pools have no free address (allocateAddress).
 */
export async function queueBenchCreate(
  db: Db,
  opts: {
    name: string;
    hostname: string;
    accountId: string;
    plan: Row<"plan">;
    template: Row<"template">;
    host: Row<"host">;
    ipv6?: boolean;
  },
): Promise<{ jobId: string; name: string }> {
  const { plan, template, host } = opts;
  return db.$transaction(async (tx) => {
    const jail = await tx.jail.create({
      data: {
        hostname: opts.hostname,
        name: opts.name,
        accountId: opts.accountId,
        planId: plan.id,
        templateId: template.id,
        hostId: host.id,
      },
    });
    await allocateAddress(tx as never, { hostId: host.id, kind: "PRIVATE", jailId: jail.id });
    await allocateAddress(tx as never, { hostId: host.id, kind: "PUBLIC", jailId: jail.id });
    if (opts.ipv6) await allocateIpv6(tx as never, { hostId: host.id, jailId: jail.id });
    const ipAddresses = await tx.ipAddress.findMany({ where: { jailId: jail.id }, include: { range: { select: { cidr: true } } } });
    const job = await enqueueJob(tx as never, {
      hostId: host.id,
      jailId: jail.id,
      type: "CREATE",
      payload: { jail: jailSpecOf({ ...jail, plan, template, host, ipAddresses }), sshKeys: [], start: true },
    });
    return { jobId: job.id, name: jail.name };
  });
}

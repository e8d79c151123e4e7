// One jail as the admin sees it: whose it is, where it runs, its addresses, the host's own
// words about its last failure, its jobs and any drift — and what staff may do to it now.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES } from "@/lib/domain/jails/jail-capabilities";
import { staffJailCapabilities } from "./change-jail-power-as-staff";

export async function getAdminJail({ actor, jailId }: { actor: StaffActor; jailId: string }) {
  assertStaff(actor, "ADMIN");
  const jail = await db.jail.findUnique({
    where: { id: jailId },
    include: {
      account: { select: { id: true, name: true, status: true, billingEmail: true } },
      host: { select: { id: true, name: true, fqdn: true, facts: true } },
      plan: { select: { id: true, name: true, slug: true } },
      template: { select: { id: true, name: true, version: true } },
      ipAddresses: { select: { kind: true, address: true, pool: { select: { id: true, name: true } } } },
      jobs: {
        orderBy: { createdAt: "desc" },
        take: 20,
        select: {
          id: true,
          type: true,
          status: true,
          createdAt: true,
          finishedAt: true,
          error: true,
          requestedBy: { select: { email: true } },
        },
      },
    },
  });
  if (!jail) throw notFound("That jail");
  const [drift, openJobs] = await Promise.all([
    db.hostDrift.findMany({ where: { jailId, resolvedAt: null }, select: { id: true, kind: true, detail: true, detectedAt: true } }),
    db.job.findMany({ where: { jailId, status: { in: OPEN_JOB_STATUSES } }, select: { type: true } }),
  ]);
  const { facts: _facts, ...host } = jail.host;
  return {
    ...jail,
    host,
    drift,
    capabilities: staffJailCapabilities({ state: jail.state, accountStatus: jail.account.status, openJobs, facts: jail.host.facts }),
  };
}

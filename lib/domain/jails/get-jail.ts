// Everything the jail page shows, for one jail of the caller's account. Another account's
// jail id is "not found", like an id that does not exist.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { JOB_IN_PROGRESS, OPEN_JOB_STATUSES, jailCapabilities } from "./jail-capabilities";

/** The jail page's view of one jail of the actor's account. @throws AppError NOT_FOUND for any other id. */
export async function getJail({ actor, jailId }: { actor: CustomerActor; jailId: string }) {
  assertScope(actor, jailId);
  const accountId = actor.accountId;
  const jail = await db.jail.findFirst({
    where: { id: jailId, accountId },
    include: {
      plan: true,
      template: { select: { slug: true, name: true, description: true } },
      host: { select: { name: true, fqdn: true } },
      account: { select: { status: true } },
      ipAddresses: { select: { kind: true, address: true } },
      sshKeys: {
        orderBy: { createdAt: "asc" },
        select: { id: true, label: true, type: true, bits: true, fingerprint: true, createdAt: true },
      },
      jobs: {
        where: { status: { in: OPEN_JOB_STATUSES } },
        orderBy: { createdAt: "asc" },
        select: { id: true, type: true, status: true, createdAt: true, startedAt: true, attempts: true, error: true },
      },
    },
  });
  if (!jail) throw notFound("That jail");
  const lastFailed = await db.job.findFirst({
    where: { jailId: jail.id, jail: { accountId }, status: "FAILED" },
    orderBy: { finishedAt: "desc" },
    select: { id: true, type: true, error: true, finishedAt: true },
  });
  const lastFinished = await db.job.findFirst({
    where: { jailId: jail.id, jail: { accountId }, status: { in: ["SUCCEEDED", "FAILED"] } },
    orderBy: { finishedAt: "desc" },
    select: { id: true },
  });
  const { account, jobs, ipAddresses, ...rest } = jail;
  return {
    ...rest,
    accountStatus: account.status,
    publicIp: ipAddresses.find((a) => a.kind === "PUBLIC")?.address ?? null,
    privateIp: ipAddresses.find((a) => a.kind === "PRIVATE")?.address ?? null,
    openJobs: jobs.map((j) => ({ ...j, label: JOB_IN_PROGRESS[j.type] })),
    // A failed job is news only until a later job finishes.
    failedJob: lastFailed && lastFinished?.id === lastFailed.id ? lastFailed : null,
    capabilities: jailCapabilities({ state: jail.state, accountStatus: account.status, openJobs: jobs }),
  };
}

export type JailDetail = Awaited<ReturnType<typeof getJail>>;

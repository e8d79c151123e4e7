// Everything the jail page shows, for one jail of the caller's account. Another account's
// jail id is "not found", like an id that does not exist.
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { JOB_IN_PROGRESS, OPEN_JOB_STATUSES, jailCapabilities } from "./jail-capabilities";
import { explainJobFailure } from "@/lib/domain/jobs/explain-job-failure";
import { hostCapabilities } from "@/lib/schemas/capabilities";

/** The jail page's view of one jail of the actor's account. @throws AppError NOT_FOUND for any other id. */
export async function getJail({ actor, jailId }: { actor: CustomerActor; jailId: string }) {
  assertScope(actor, jailId);
  const accountId = actor.accountId;
  const jail = await db.jail.findFirst({
    where: { id: jailId, accountId },
    include: {
      plan: true,
      template: { select: { slug: true, name: true, description: true } },
      host: { select: { name: true, fqdn: true, facts: true } },
      account: { select: { status: true } },
      ipAddresses: { select: { kind: true, address: true } },
      sshKeys: {
        orderBy: { createdAt: "asc" },
        select: { id: true, label: true, type: true, bits: true, fingerprint: true, createdAt: true },
      },
      jobs: {
        where: { status: { in: OPEN_JOB_STATUSES } },
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          type: true,
          status: true,
          createdAt: true,
          startedAt: true,
          attempts: true,
          error: true,
          dependsOn: { select: { type: true, status: true, progressPercent: true, progressMessage: true } },
        },
      },
    },
  });
  if (!jail) throw notFound("That jail");
  const [lastFailed, lastFinished] = await Promise.all([
    db.job.findFirst({
      where: { jailId: jail.id, jail: { accountId }, status: "FAILED" },
      orderBy: { finishedAt: "desc" },
      select: { id: true, type: true, error: true, finishedAt: true },
    }),
    db.job.findFirst({
      where: { jailId: jail.id, jail: { accountId }, status: { in: ["SUCCEEDED", "FAILED"] } },
      orderBy: { finishedAt: "desc" },
      select: { id: true },
    }),
  ]);
  // The host's raw words (lastError, job errors) stay with staff; the customer reads explainJobFailure's.
  const { account, jobs, ipAddresses, lastError, host, ...rest } = jail;
  const failedJob = lastFailed && lastFinished?.id === lastFailed.id ? lastFailed : null;
  return {
    ...rest,
    // Not the host's facts (kernel, tools, capabilities): those are the provider's business.
    host: { name: host.name, fqdn: host.fqdn },
    accountStatus: account.status,
    publicIp: ipAddresses.find((a) => a.kind === "PUBLIC")?.address ?? null,
    privateIp: ipAddresses.find((a) => a.kind === "PRIVATE")?.address ?? null,
    ipv6: ipAddresses.find((a) => a.kind === "IPV6")?.address ?? null,
    /** Why the jail is FAILED, in words. */
    failureText: jail.state === "FAILED" ? explainJobFailure({ type: lastFailed?.type ?? "CREATE", error: lastError }) : null,
    openJobs: jobs.map(({ error, dependsOn, ...j }) => ({
      ...j,
      label: JOB_IN_PROGRESS[j.type],
      lastTryText: error ? explainJobFailure({ type: j.type, error }) : null,
      // A CREATE / REINSTALL waiting for its host to build the template.
      waitingFor:
        dependsOn && dependsOn.status !== "SUCCEEDED"
          ? {
              label: JOB_IN_PROGRESS[dependsOn.type],
              status: dependsOn.status,
              percent: dependsOn.progressPercent,
              message: dependsOn.progressMessage,
            }
          : null,
    })),
    // A failed job is news only until a later job finishes.
    failedJob: failedJob
      ? { id: failedJob.id, type: failedJob.type, finishedAt: failedJob.finishedAt, text: explainJobFailure(failedJob) }
      : null,
    capabilities: jailCapabilities({
      state: jail.state,
      accountStatus: account.status,
      openJobs: jobs,
      host: hostCapabilities(host.facts),
    }),
  };
}

export type JailDetail = Awaited<ReturnType<typeof getJail>>;

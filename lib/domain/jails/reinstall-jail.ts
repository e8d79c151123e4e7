// Reinstall from the template: the host destroys the jail's file system and builds it again
// with the same name, hostname, addresses and SSH keys — and, if the customer gives one in the
// same step, a new root password (only its SHA-512 crypt hash travels). The jail is QUEUED
// again until the agent picks the job up; its old jid, host key and root password no longer hold.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertHostnameConfirmed } from "./confirm-hostname";
import { assertCapability } from "./jail-capabilities";
import { jailSpecOf } from "./jail-spec";
import { lockOwnedJail } from "./lock-owned-jail";
import { sha512Crypt } from "./set-root-password";
import { ensureTemplateBuild } from "@/lib/domain/templates/ensure-template-build";

/**
 * Queues a REINSTALL from the jail's template (its data is destroyed).
 * @throws AppError VALIDATION when `confirmHostname` is not the jail's hostname.
 */
export async function reinstallJail({
  actor,
  jailId,
  confirmHostname,
  rootPassword = null,
}: {
  actor: CustomerActor;
  jailId: string;
  confirmHostname: string;
  /** Root's password for the new root; null leaves the jail without one (the page says so). */
  rootPassword?: string | null;
}) {
  const rootPasswordHash = rootPassword ? sha512Crypt(rootPassword) : null;
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.reinstall);
    assertHostnameConfirmed(jail.hostname, confirmHostname);
    const keys = await tx.sshKey.findMany({
      where: { jailId: jail.id, accountId: actor.accountId },
      orderBy: { createdAt: "asc" },
      select: { publicKey: true },
    });
    await tx.jail.updateMany({
      where: { id: jail.id, accountId: actor.accountId },
      data: { state: "QUEUED", jid: null, initPid: null, sshHostKeyFingerprint: null, rootPasswordSetAt: null, lastError: null },
    });
    const build = await ensureTemplateBuild(tx, { host: jail.host, template: jail.template, requestedById: actor.userId });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "REINSTALL",
      payload: {
        jail: jailSpecOf(jail),
        sshKeys: keys.map((k) => k.publicKey),
        start: jail.desiredState !== "STOPPED",
        rootPasswordHash,
      },
      requestedById: actor.userId,
      dependsOnId: build?.jobId ?? null,
    });
    await recordAudit(tx, {
      actor,
      action: "jail.reinstall",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { withRootPassword: rootPasswordHash !== null },
    });
    return { jobId: job.id };
  });
}

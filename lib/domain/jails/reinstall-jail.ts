// Reinstall from the template: the host destroys the jail's file system and builds it again
// with the same name, hostname, addresses and SSH keys. The jail is QUEUED again until the
// agent picks the job up; its old jid and host key fingerprint no longer hold.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { auditActor, type CustomerActor } from "./customer-actor";
import { assertHostnameConfirmed } from "./confirm-hostname";
import { assertCapability } from "./jail-capabilities";
import { jailSpecOf } from "./jail-spec";
import { lockOwnedJail } from "./lock-owned-jail";

export async function reinstallJail(actor: CustomerActor, jailId: string, confirmHostname: string) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, actor.accountId, jailId);
    assertCapability(capabilities.reinstall);
    assertHostnameConfirmed(jail.hostname, confirmHostname);
    const keys = await tx.sshKey.findMany({
      where: { jailId: jail.id, accountId: actor.accountId },
      orderBy: { createdAt: "asc" },
      select: { publicKey: true },
    });
    await tx.jail.updateMany({
      where: { id: jail.id, accountId: actor.accountId },
      data: { state: "QUEUED", jid: null, sshHostKeyFingerprint: null, lastError: null },
    });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "REINSTALL",
      payload: { jail: jailSpecOf(jail), sshKeys: keys.map((k) => k.publicKey), start: jail.desiredState !== "STOPPED" },
      requestedById: actor.userId,
    });
    await recordAudit(tx, auditActor(actor), {
      action: "jail.reinstall",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
    });
    return { jobId: job.id };
  });
}

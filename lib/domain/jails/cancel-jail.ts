// Cancelling a jail: it is marked DESTROYING at once (its hostname stays reserved until the
// host confirms), work still waiting in the queue for it is called off, and a DESTROY job is
// queued. When the agent reports the jail destroyed, its addresses return to the pools.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { auditActor, type CustomerActor } from "./customer-actor";
import { assertHostnameConfirmed } from "./confirm-hostname";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

export async function cancelJail(actor: CustomerActor, jailId: string, confirmHostname: string) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, actor.accountId, jailId);
    assertCapability(capabilities.cancel);
    assertHostnameConfirmed(jail.hostname, confirmHostname);
    const now = new Date();
    await tx.job.updateMany({
      where: { jailId: jail.id, status: "QUEUED", jail: { accountId: actor.accountId } },
      data: { status: "CANCELLED", finishedAt: now, error: "Cancelled: the jail was cancelled by its owner." },
    });
    await tx.jail.updateMany({
      where: { id: jail.id, accountId: actor.accountId },
      data: { state: "DESTROYING", desiredState: "DESTROYED", cancelledAt: now },
    });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "DESTROY",
      payload: { name: jail.name },
      requestedById: actor.userId,
      idempotencyKey: `destroy:${jail.id}`,
    });
    await recordAudit(tx, auditActor(actor), {
      action: "jail.cancel",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { hostname: jail.hostname },
    });
    return { jobId: job.id };
  });
}

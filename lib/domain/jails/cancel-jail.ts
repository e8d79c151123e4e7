// Cancelling a jail: it is marked DESTROYING at once (its hostname stays reserved until the
// host confirms), work still waiting in the queue for it is called off, and a DESTROY job is
// queued. When the agent reports the jail destroyed, its addresses return to the pools.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { releaseAddresses } from "@/lib/domain/ipam/allocate-address";
import { cancelQueuedJobs } from "@/lib/domain/jobs/end-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertHostnameConfirmed } from "./confirm-hostname";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

/**
 * Cancels the jail: DESTROYING at once, queued work called off, a DESTROY job queued; on a host
 * declared dead, destroyed in the record at once with its addresses released.
 * @throws AppError VALIDATION when `confirmHostname` is not the jail's hostname.
 */
export async function cancelJail({ actor, jailId, confirmHostname }: { actor: CustomerActor; jailId: string; confirmHostname: string }) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.cancel);
    assertHostnameConfirmed(jail.hostname, confirmHostname);
    const now = new Date();
    await cancelQueuedJobs(tx, { jailId: jail.id, reason: "Cancelled: the jail was cancelled by its owner.", now });
    await tx.jail.updateMany({
      where: { id: jail.id, accountId: actor.accountId },
      data: { state: "DESTROYING", desiredState: "DESTROYED", cancelledAt: now },
    });
    const hostDead = jail.host.status === "DEAD";
    let jobId: string | null = null;
    if (hostDead) {
      // Its host was declared dead and will run nothing: the destruction completes now (a copy
      // left on the host goes with the wipe an admin confirms).
      await tx.jail.update({ where: { id: jail.id }, data: { state: "DESTROYED", destroyedAt: now, jid: null, initPid: null } });
      await releaseAddresses(tx, { jailId: jail.id });
    } else {
      const job = await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type: "DESTROY",
        payload: { name: jail.name },
        requestedById: actor.userId,
        idempotencyKey: `destroy:${jail.id}`,
      });
      jobId = job.id;
    }
    await recordAudit(tx, {
      actor,
      action: "jail.cancel",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { hostname: jail.hostname, ...(hostDead ? { hostDead: true } : {}) },
    });
    return { jobId };
  });
}

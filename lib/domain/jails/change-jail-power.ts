// Start, stop and restart: the desired state changes and the job that makes the host match
// it is queued, in one transaction, on the jail row locked for the caller's account.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

type PowerVerb = "start" | "stop" | "restart";
const JOB = { start: "START", stop: "STOP", restart: "RESTART" } as const;
const DESIRED = { start: "RUNNING", stop: "STOPPED", restart: "RUNNING" } as const;

async function changeJailPower({ actor, jailId }: JailRef, verb: PowerVerb) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities[verb]);
    await tx.jail.updateMany({ where: { id: jail.id, accountId: actor.accountId }, data: { desiredState: DESIRED[verb] } });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: JOB[verb],
      payload: { name: jail.name },
      requestedById: actor.userId,
    });
    await recordAudit(tx, {
      actor,
      action: `jail.${verb}`,
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
    });
    return { jobId: job.id };
  });
}

type JailRef = { actor: CustomerActor; jailId: string };

/** Sets the desired state to RUNNING and queues START. @throws AppError PRECONDITION when not allowed now. */
export const startJail = (ref: JailRef) => changeJailPower(ref, "start");
/** Sets the desired state to STOPPED and queues STOP. @throws AppError PRECONDITION when not allowed now. */
export const stopJail = (ref: JailRef) => changeJailPower(ref, "stop");
/** Queues RESTART (desired state RUNNING). @throws AppError PRECONDITION when not allowed now. */
export const restartJail = (ref: JailRef) => changeJailPower(ref, "restart");

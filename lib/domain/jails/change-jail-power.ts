// Start, stop and restart: the desired state changes and the job that makes the host match
// it is queued, in one transaction, on the jail row locked for the caller's account.
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { auditActor, type CustomerActor } from "./customer-actor";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

type PowerVerb = "start" | "stop" | "restart";
const JOB = { start: "START", stop: "STOP", restart: "RESTART" } as const;
const DESIRED = { start: "RUNNING", stop: "STOPPED", restart: "RUNNING" } as const;

async function changeJailPower(actor: CustomerActor, jailId: string, verb: PowerVerb) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, actor.accountId, jailId);
    assertCapability(capabilities[verb]);
    await tx.jail.updateMany({ where: { id: jail.id, accountId: actor.accountId }, data: { desiredState: DESIRED[verb] } });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: JOB[verb],
      payload: { name: jail.name },
      requestedById: actor.userId,
    });
    await recordAudit(tx, auditActor(actor), { action: `jail.${verb}`, targetType: "Jail", targetId: jail.id, accountId: actor.accountId });
    return { jobId: job.id };
  });
}

export const startJail = (actor: CustomerActor, jailId: string) => changeJailPower(actor, jailId, "start");
export const stopJail = (actor: CustomerActor, jailId: string) => changeJailPower(actor, jailId, "stop");
export const restartJail = (actor: CustomerActor, jailId: string) => changeJailPower(actor, jailId, "restart");

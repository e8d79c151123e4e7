// Start, stop and restart: the desired state changes and the job that makes the host match
// it is queued, in one transaction, on the jail row locked for the caller's account.
import { db, type Tx } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { Actor, CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

export type PowerVerb = "start" | "stop" | "restart";
const JOB = { start: "START", stop: "STOP", restart: "RESTART" } as const;
const DESIRED = { start: "RUNNING", stop: "STOPPED", restart: "RUNNING" } as const;

/**
 * The power change itself, on a jail row the caller has locked (after its account: see
 * lock-account.ts for the order): desired state, the job that makes the host match, the audit
 * row. Shared by the customer's buttons and staff's (`audit` adds who acted for whom).
 * @returns the queued job's id.
 */
export async function queuePowerChange(
  tx: Tx,
  {
    actor,
    jail,
    verb,
    auditData,
  }: {
    actor: Actor & { userId: string };
    jail: { id: string; name: string; hostId: string; accountId: string };
    verb: PowerVerb;
    auditData?: Record<string, string>;
  },
): Promise<{ jobId: string }> {
  await tx.jail.updateMany({ where: { id: jail.id, accountId: jail.accountId }, data: { desiredState: DESIRED[verb] } });
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
    accountId: jail.accountId,
    ...(auditData ? { data: auditData } : {}),
  });
  return { jobId: job.id };
}

async function changeJailPower({ actor, jailId }: JailRef, verb: PowerVerb) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities[verb]);
    return queuePowerChange(tx, { actor, jail: { ...jail, accountId: actor.accountId }, verb });
  });
}

type JailRef = { actor: CustomerActor; jailId: string };

/** Sets the desired state to RUNNING and queues START. @throws AppError PRECONDITION when not allowed now. */
export const startJail = (ref: JailRef) => changeJailPower(ref, "start");
/** Sets the desired state to STOPPED and queues STOP. @throws AppError PRECONDITION when not allowed now. */
export const stopJail = (ref: JailRef) => changeJailPower(ref, "stop");
/** Queues RESTART (desired state RUNNING). @throws AppError PRECONDITION when not allowed now. */
export const restartJail = (ref: JailRef) => changeJailPower(ref, "restart");

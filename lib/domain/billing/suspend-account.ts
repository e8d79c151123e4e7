// Suspension for non-payment (or abuse). Suspending marks the account SUSPENDED and, in the
// same transaction, stops every live jail that is meant to be running: desired state STOPPED
// and a STOP job for its host. The ids of the jails it stopped are kept in the audit row's
// data ("account.suspend" → stoppedJailIds), and that row is what unsuspending reads, so it
// restarts exactly those — not the jails the customer had stopped themselves.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import type { StaffActor } from "@/lib/domain/actor";
import { lockAccount } from "@/lib/domain/accounts/lock-account";

export async function suspendAccount({
  actor,
  accountId,
  reason,
  now = new Date(),
}: {
  actor: StaffActor;
  accountId: string;
  reason: string;
  now?: Date;
}) {
  if (!reason.trim()) throw new AppError("VALIDATION", "A reason is required.", { reason: ["A reason is required."] });
  return db.$transaction(async (tx) => {
    // Account first (FOR UPDATE), then its jails: the lock order every jail change follows.
    const status = await lockAccount(tx, { accountId, mode: "update" });
    if (!status) throw notFound("That account");
    const account = { status };
    const r = await tx.account.updateMany({
      where: { id: accountId, status: "ACTIVE" },
      data: { status: "SUSPENDED", suspendedAt: now, suspensionReason: reason.trim() },
    });
    if (r.count !== 1) throw new AppError("CONFLICT", `This account is ${account.status.toLowerCase()}, not active.`);
    const jails = await tx.jail.findMany({
      where: { accountId, destroyedAt: null, desiredState: "RUNNING", state: { notIn: ["DESTROYING", "DESTROYED", "FAILED"] } },
      select: { id: true, name: true, hostId: true },
    });
    for (const jail of jails) {
      await tx.jail.updateMany({ where: { id: jail.id, accountId }, data: { desiredState: "STOPPED" } });
      await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type: "STOP",
        payload: { name: jail.name },
        requestedById: actor.userId,
        idempotencyKey: `suspend:${accountId}:${now.getTime()}:${jail.id}`,
      });
    }
    await recordAudit(tx, {
      actor,
      action: "account.suspend",
      targetType: "Account",
      targetId: accountId,
      accountId,
      data: { reason: reason.trim(), stoppedJailIds: jails.map((j) => j.id) },
    });
    return { stopped: jails.length };
  });
}

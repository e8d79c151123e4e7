// Lifts a suspension: the account is ACTIVE again and the jails the suspension stopped (read
// from its "account.suspend" audit row) start again, if they still exist and nobody changed
// their desired state since.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import type { StaffActor } from "@/lib/domain/actor";
import { lockAccount } from "@/lib/domain/accounts/lock-account";

export async function unsuspendAccount({ actor, accountId, now = new Date() }: { actor: StaffActor; accountId: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    // Account first (FOR UPDATE), then its jails: the lock order every jail change follows.
    if (!(await lockAccount(tx, { accountId, mode: "update" }))) throw notFound("That account");
    const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { status: true, suspendedAt: true } });
    const r = await tx.account.updateMany({
      where: { id: accountId, status: "SUSPENDED" },
      data: { status: "ACTIVE", suspendedAt: null, suspensionReason: null, flaggedForSuspensionAt: null },
    });
    if (r.count !== 1) throw new AppError("CONFLICT", `This account is ${account.status.toLowerCase()}, not suspended.`);
    const suspension = await tx.auditLog.findFirst({
      where: { accountId, action: "account.suspend", targetType: "Account", targetId: accountId },
      orderBy: { createdAt: "desc" },
      select: { data: true },
    });
    const ids = ((suspension?.data as { stoppedJailIds?: string[] } | null)?.stoppedJailIds ?? []).filter((x) => typeof x === "string");
    const jails = ids.length
      ? await tx.jail.findMany({
          where: { id: { in: ids }, accountId, destroyedAt: null, desiredState: "STOPPED" },
          select: { id: true, name: true, hostId: true },
        })
      : [];
    for (const jail of jails) {
      await tx.jail.updateMany({ where: { id: jail.id, accountId }, data: { desiredState: "RUNNING" } });
      await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type: "START",
        payload: { name: jail.name },
        requestedById: actor.userId,
        idempotencyKey: `unsuspend:${accountId}:${(account.suspendedAt ?? now).getTime()}:${jail.id}`,
      });
    }
    await recordAudit(tx, {
      actor,
      action: "account.unsuspend",
      targetType: "Account",
      targetId: accountId,
      accountId,
      data: { startedJailIds: jails.map((j) => j.id) },
    });
    return { started: jails.length };
  });
}

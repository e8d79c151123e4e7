import type { Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { auditColumns, type Actor } from "@/lib/domain/actor";

export type AuditEntry = {
  actor: Actor;
  action: string; // "<resource>.<verb>", e.g. "host.create", "overage.approve"
  targetType: string;
  targetId?: string | null;
  accountId?: string | null;
  data?: Prisma.InputJsonValue;
};

/**
 * Writes an audit row inside the caller's transaction, so the row exists exactly when the
 * change it describes does. Never put secrets (passwords, tokens) in `data`.
 */
export async function recordAudit(tx: Tx, { actor, ...entry }: AuditEntry): Promise<void> {
  const data = entry.data ?? (actor.kind === "system" ? { by: actor.name } : actor.kind === "agent" ? { hostId: actor.hostId } : null);
  await tx.auditLog.create({
    data: {
      ...auditColumns(actor),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      accountId: entry.accountId ?? null,
      data: data ?? Prisma.DbNull,
    },
  });
}

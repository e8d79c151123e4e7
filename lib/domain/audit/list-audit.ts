import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export const AUDIT_PAGE_SIZE = 50;

/** Newest first. No total count: the log grows without bound, so we only ask "is there more". */
export async function listAudit(opts: { actor: StaffActor; page: number; action?: string; accountId?: string; targetId?: string }) {
  assertStaff(opts.actor, "ADMIN");
  const where: Prisma.AuditLogWhereInput = {};
  if (opts.action) where.action = { startsWith: opts.action };
  if (opts.accountId) where.accountId = opts.accountId;
  if (opts.targetId) where.targetId = opts.targetId;
  const rows = await db.auditLog.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (opts.page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
    include: { actor: { select: { email: true, name: true } } },
  });
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

export const OUTBOX_PAGE_SIZE = 25;

/** One page of stored and sent mail, newest first, optionally only to addresses containing `to`. */
export async function listOutbox({ actor, page, to }: { actor: StaffActor; page: number; to?: string }) {
  assertStaff(actor, "ADMIN");
  const where = to ? { to: { contains: to.toLowerCase() } } : {};
  const [rows, total] = await Promise.all([
    db.mailMessage.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * OUTBOX_PAGE_SIZE,
      take: OUTBOX_PAGE_SIZE,
    }),
    db.mailMessage.count({ where }),
  ]);
  return { rows, total };
}

import { db } from "@/lib/db";

export const OUTBOX_PAGE_SIZE = 25;

export async function listOutbox(page: number, to?: string) {
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

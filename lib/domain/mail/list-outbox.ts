import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { redactLinkSecrets } from "./redact";

export const OUTBOX_PAGE_SIZE = 25;

/**
 * One page of stored and sent mail, newest first, optionally only to addresses containing `to`.
 * Secrets were redacted when each message was stored; link tokens are redacted again here, for
 * any message written before that or by code that forgot to name its secret.
 */
export async function listOutbox({ actor, page, to }: { actor: StaffActor; page: number; to?: string }) {
  assertStaff(actor, "ADMIN");
  const where = to ? { to: { contains: to.toLowerCase() } } : {};
  const [rows, total] = await Promise.all([
    db.mailMessage.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * OUTBOX_PAGE_SIZE,
      take: OUTBOX_PAGE_SIZE,
      select: { id: true, to: true, subject: true, text: true, kind: true, status: true, error: true, createdAt: true, sentAt: true },
    }),
    db.mailMessage.count({ where }),
  ]);
  return { rows: rows.map((m) => ({ ...m, text: redactLinkSecrets(m.text) })), total };
}

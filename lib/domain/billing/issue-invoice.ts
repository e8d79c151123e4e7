// DRAFT → ISSUED: the invoice is frozen, gets its due date, and is mailed to the account's
// billing address. An invoice that comes to nothing (or less, after credits) is PAID at once.
import { db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { webConfig } from "@/lib/config/server";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { deliverMail, queueMail } from "@/lib/domain/mail/send-mail";
import { formatDate, formatMoney } from "@/lib/format";
import { formatPeriod, monthStart } from "@/lib/calendar";
import { billingConfig } from "@/lib/config/server";
import type { StaffActor } from "@/lib/domain/actor";

/** Issues one draft invoice (numbered, due date set, mailed). */
export async function issueInvoice({
  actor,
  invoiceId,
  now = new Date(),
}: {
  actor: StaffActor;
  invoiceId: string;
  now?: Date;
}): Promise<void> {
  const mailId = await db.$transaction(async (tx) => {
    const inv = await tx.invoice.findUnique({ where: { id: invoiceId }, select: { status: true } });
    if (!inv) throw notFound("That invoice");
    if (inv.status !== "DRAFT") throw new AppError("CONFLICT", `This invoice is already ${inv.status.toLowerCase()}.`);
    return issueInTx(tx, invoiceId, actor, now);
  });
  if (mailId) await deliverMail(mailId);
}

/** Issues every draft of a month. Each invoice in its own small transaction. */
/** Issues every draft of the month starting `periodStart`. */
export async function issueDraftInvoices({
  actor,
  periodStart,
  now = new Date(),
}: {
  actor: StaffActor;
  periodStart: Date;
  now?: Date;
}): Promise<{ issued: number }> {
  const drafts = await db.invoice.findMany({
    where: { periodStart: monthStart(periodStart), status: "DRAFT" },
    select: { id: true },
    orderBy: { number: "asc" },
  });
  let issued = 0;
  for (const { id } of drafts) {
    const mailId = await db.$transaction((tx) => issueInTx(tx, id, actor, now));
    if (mailId) {
      issued++;
      await deliverMail(mailId);
    }
  }
  return { issued };
}

async function issueInTx(tx: Tx, invoiceId: string, actor: StaffActor, now: Date): Promise<string | null> {
  const dueAt = new Date(now.getTime() + billingConfig().INVOICE_DUE_DAYS * 86_400_000);
  const inv = await tx.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { number: true, accountId: true, periodStart: true, totalCents: true, account: { select: { billingEmail: true, name: true } } },
  });
  const settled = inv.totalCents <= 0;
  const r = await tx.invoice.updateMany({
    where: { id: invoiceId, status: "DRAFT" },
    data: { status: settled ? "PAID" : "ISSUED", issuedAt: now, dueAt, ...(settled ? { paidAt: now } : {}) },
  });
  if (r.count !== 1) return null;
  await recordAudit(tx, {
    actor,
    action: "invoice.issue",
    targetType: "Invoice",
    targetId: invoiceId,
    accountId: inv.accountId,
    data: { number: inv.number, totalCents: inv.totalCents, dueAt: dueAt.toISOString() },
  });
  const mail = await queueMail(tx, {
    to: inv.account.billingEmail,
    kind: "invoice-issued",
    subject: `Cellblock invoice ${inv.number} for ${formatPeriod(inv.periodStart)}: ${formatMoney(inv.totalCents)}`,
    text:
      `Hello ${inv.account.name},\n\nYour invoice ${inv.number} for ${formatPeriod(inv.periodStart)} comes to ${formatMoney(inv.totalCents)}` +
      (settled ? " and needs no payment.\n" : `, due on ${formatDate(dueAt)}.\n`) +
      `\nRead or print it here: ${webConfig().APP_URL}/invoices/${invoiceId}\n`,
  });
  return mail.id;
}

// The one way Cellblock sends mail. With SMTP_URL set, messages go out through nodemailer and
// are recorded as SENT (or FAILED with the reason). Without it they are STORED in the outbox
// table, where admins read them at /admin/outbox — enough for a local install to complete a
// password reset.
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import { db, type Tx } from "@/lib/db";
import { webConfig } from "@/lib/config/server";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
};

let transport: Transporter | null | undefined;
function smtp(): Transporter | null {
  if (transport === undefined) {
    const url = webConfig().SMTP_URL;
    transport = url ? nodemailer.createTransport(url) : null;
  }
  return transport;
}

/**
 * Records the message in the caller's transaction (so it exists only if the change that
 * caused it commits). Call deliverMail(id) after the commit to send it over SMTP.
 */
export async function queueMail(tx: Tx, mail: OutgoingMail): Promise<{ id: string }> {
  const row = await tx.mailMessage.create({
    data: { ...mail, html: mail.html ?? null, status: smtp() ? "QUEUED" : "STORED" },
    select: { id: true },
  });
  return row;
}

/** Sends a QUEUED message. A no-op for STORED ones (no SMTP configured). Never throws. */
export async function deliverMail(id: string): Promise<void> {
  const transporter = smtp();
  if (!transporter) return;
  const msg = await db.mailMessage.findUnique({ where: { id } });
  if (!msg || msg.status !== "QUEUED") return;
  try {
    await transporter.sendMail({
      from: webConfig().MAIL_FROM,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      html: msg.html ?? undefined,
    });
    await db.mailMessage.update({
      where: { id },
      data: { status: "SENT", sentAt: new Date(), attempts: { increment: 1 } },
    });
  } catch (err) {
    await db.mailMessage.update({
      where: { id },
      data: { status: "FAILED", error: String((err as Error).message).slice(0, 500), attempts: { increment: 1 } },
    });
    console.warn(`[mail] delivery of ${id} failed: ${(err as Error).message}`);
  }
}

// The one way Cellblock sends mail. With SMTP_URL set, messages go out through nodemailer and
// are recorded as SENT (or FAILED with the reason). Without it they are STORED in the outbox
// table, where admins read them at /admin/outbox. A message carrying a secret (a reset or
// invitation link) names it in `secrets`: staff only ever see the message with the secret
// redacted; the full text is kept only while it waits for SMTP, and never without SMTP (the
// recipient cannot receive it then, and staff must not be able to use it instead).
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import { db, type Tx } from "@/lib/db";
import { webConfig } from "@/lib/config/server";
import { redactSecrets } from "./redact";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
  /** Values in the text that only the recipient may see (tokens): redacted in every stored copy staff can read. */
  secrets?: string[];
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
export async function queueMail(tx: Tx, { secrets = [], ...mail }: OutgoingMail): Promise<{ id: string }> {
  const sending = smtp() !== null;
  const hasSecret = secrets.some(Boolean);
  const row = await tx.mailMessage.create({
    data: {
      ...mail,
      text: redactSecrets(mail.text, secrets),
      html: mail.html ? redactSecrets(mail.html, secrets) : null,
      // The message as sent, only while it waits for SMTP (cleared by deliverMail).
      deliveryText: sending && hasSecret ? mail.text : null,
      deliveryHtml: sending && hasSecret ? (mail.html ?? null) : null,
      status: sending ? "QUEUED" : "STORED",
    },
    select: { id: true },
  });
  return row;
}

/** Sends a QUEUED message. A no-op for STORED ones (no SMTP configured). Never throws. */
export async function deliverMail(id: string): Promise<void> {
  const transporter = smtp();
  if (!transporter) return;
  const msg = await db.mailMessage.findUnique({ where: { id }, omit: { deliveryText: false, deliveryHtml: false } });
  if (!msg || msg.status !== "QUEUED") return;
  try {
    await transporter.sendMail({
      from: webConfig().MAIL_FROM,
      to: msg.to,
      subject: msg.subject,
      text: msg.deliveryText ?? msg.text,
      html: (msg.deliveryHtml ?? msg.html) || undefined,
    });
    await db.mailMessage.update({
      where: { id },
      data: { status: "SENT", sentAt: new Date(), attempts: { increment: 1 }, deliveryText: null, deliveryHtml: null },
    });
  } catch (err) {
    // Nothing retries a failed message: its secret goes too (the recipient asks for a new link).
    await db.mailMessage.update({
      where: { id },
      data: {
        status: "FAILED",
        error: String((err as Error).message).slice(0, 500),
        attempts: { increment: 1 },
        deliveryText: null,
        deliveryHtml: null,
      },
    });
    console.warn(`[mail] delivery of ${id} failed: ${(err as Error).message}`);
  }
}

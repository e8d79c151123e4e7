// Mail over SMTP, against a real SMTP server on 127.0.0.1 started here (smtp-server): what
// arrives, and the SENT / FAILED record each message gets.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { uid } from "@/lib/test/factories";
import { deliverMail, queueMail, type OutgoingMail } from "./send-mail";

type Received = { from: string; to: string[]; raw: string };
const received: Received[] = [];
let server: SMTPServer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("bounce-")) {
        const err = Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  // Read by the mail module on its first send (configuration is parsed lazily, once).
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Cellblock Test <mailer@cellblock.test>";
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Queue in a transaction of its own, then deliver: what every caller of the mail module does. */
async function sendMail(mail: OutgoingMail) {
  const { id } = await db.$transaction((tx) => queueMail(tx, mail));
  await deliverMail(id);
}

const mailTo = (to: string) => ({
  to,
  subject: `Your invoice ${uid()}`,
  text: "Invoice CB-0001 is due on 14 Dec.",
  html: "<p>Invoice <b>CB-0001</b> is due on 14 Dec.</p>",
  kind: "invoice-issued",
});

describe("mail over SMTP", () => {
  it("delivers to the SMTP server and records the message as SENT", async () => {
    const to = `customer-${uid()}@example.test`;
    const mail = mailTo(to);
    await sendMail(mail);

    const row = await db.mailMessage.findFirstOrThrow({ where: { to } });
    expect(row).toMatchObject({ status: "SENT", attempts: 1, error: null, subject: mail.subject, kind: "invoice-issued" });
    expect(row.sentAt).toBeInstanceOf(Date);

    const got = received.filter((m) => m.to.includes(to));
    expect(got).toHaveLength(1);
    expect(got[0]!.from).toBe("mailer@cellblock.test");
    expect(got[0]!.raw).toMatch(new RegExp(`^Subject: ${mail.subject}\\r?$`, "m"));
    expect(got[0]!.raw).toMatch(/^From: Cellblock Test <mailer@cellblock\.test>\r?$/m);
    expect(got[0]!.raw).toContain("Invoice CB-0001 is due on 14 Dec.");
    expect(got[0]!.raw).toContain("<b>CB-0001</b>");
  });

  it("records a refused message as FAILED with the server's reason, and never throws", async () => {
    const to = `bounce-${uid()}@example.test`;
    await expect(sendMail(mailTo(to))).resolves.toBeUndefined();
    const row = await db.mailMessage.findFirstOrThrow({ where: { to } });
    expect(row).toMatchObject({ status: "FAILED", attempts: 1, sentAt: null });
    expect(row.error).toMatch(/550/);
    expect(row.error).toMatch(/Mailbox unavailable/);
    expect(received.some((m) => m.to.includes(to))).toBe(false);
  });

  it("queues in the caller's transaction: nothing is kept or sent if it rolls back, and a sent message is not sent again", async () => {
    const lost = `rolled-back-${uid()}@example.test`;
    await expect(
      db.$transaction(async (tx) => {
        await queueMail(tx, mailTo(lost));
        throw new Error("the change that caused the mail failed");
      }),
    ).rejects.toThrow("the change that caused the mail failed");
    expect(await db.mailMessage.count({ where: { to: lost } })).toBe(0);

    const to = `queued-${uid()}@example.test`;
    const { id } = await db.$transaction((tx) => queueMail(tx, mailTo(to)));
    expect((await db.mailMessage.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
    expect(received.some((m) => m.to.includes(to))).toBe(false);
    await deliverMail(id);
    await deliverMail(id);
    expect(await db.mailMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "SENT", attempts: 1 });
    expect(received.filter((m) => m.to.includes(to))).toHaveLength(1);
    expect(received.some((m) => m.to.includes(lost))).toBe(false);
  });
});

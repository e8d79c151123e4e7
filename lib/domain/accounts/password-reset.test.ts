import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { createCustomer, randomEmail } from "@/lib/test/factories";
import { startSmtpSink, type SmtpSink } from "../../../scripts/lib/smtp-sink";
import { processPasswordResetRequests, requestPasswordReset, resetPassword } from "./password-reset";

// The link reaches its recipient over SMTP (a sink on 127.0.0.1); the stored copy staff can
// read has the token redacted (see lib/domain/mail/outbox-redaction.test.ts for no SMTP).
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url;
});
afterAll(() => sink.stop());
// Test files run in parallel workers on one database, each with its own sink (or none): a test
// sends only its own address's requests, or another file's mail would go out through this one.

async function latestResetLink(to: string): Promise<string> {
  const mail = [...sink.messages].reverse().find((m) => m.to.includes(to));
  const token = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error("no token in mail");
  return token;
}

describe("password reset", () => {
  it("mails a one-time link, stores only its hash (and a redacted copy of the mail), and resets once", async () => {
    const { user } = await createCustomer();
    await requestPasswordReset({ email: user.email, sendInBackground: false });
    await processPasswordResetRequests({ email: user.email });
    const mail = await db.mailMessage.findFirstOrThrow({ where: { to: user.email } });
    expect(mail.status).toBe("SENT");
    expect(mail.text).toContain("http://localhost:3000/reset-password?token=[redacted]");
    const token = await latestResetLink(user.email);
    expect(mail.text).not.toContain(token);
    const stored = await db.passwordResetToken.findFirstOrThrow({ where: { userId: user.id }, omit: { tokenHash: false } });
    expect(stored.tokenHash).not.toContain(token);

    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    await resetPassword({ token, password: "a brand new password" });
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword(after.passwordHash, "a brand new password")).toBe(true);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1); // every old session ends

    await expect(resetPassword({ token, password: "another new password" })).rejects.toMatchObject({ code: "PRECONDITION" });
  });

  it("refuses an expired link", async () => {
    const { user } = await createCustomer();
    const longAgo = new Date(Date.now() - 2 * 3600_000);
    await requestPasswordReset({ email: user.email, now: longAgo, sendInBackground: false });
    await processPasswordResetRequests({ now: longAgo, email: user.email });
    const token = await latestResetLink(user.email);
    await expect(resetPassword({ token, password: "a brand new password" })).rejects.toThrow(/invalid or has expired/);
  });

  it("says nothing and sends nothing for an unknown address", async () => {
    const email = randomEmail("ghost");
    await expect(requestPasswordReset({ email, sendInBackground: false })).resolves.toBeUndefined();
    await processPasswordResetRequests({ email });
    expect(await db.mailMessage.count({ where: { to: email } })).toBe(0);
    expect(await db.passwordResetRequest.findFirstOrThrow({ where: { email } })).toMatchObject({ processedAt: expect.any(Date) });
  });

  it("answers a known and an unknown address with the same work: one request row, nothing else until it is processed", async () => {
    const { user } = await createCustomer();
    const ghost = randomEmail("ghost");
    for (const email of [user.email, ghost]) {
      await requestPasswordReset({ email, sendInBackground: false });
      expect(await db.passwordResetRequest.count({ where: { email } })).toBe(1);
      expect(await db.mailMessage.count({ where: { to: email } })).toBe(0);
    }
    expect(await db.passwordResetToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("rate-limits per address and per client, known or not, and says when to try again", async () => {
    const { user } = await createCustomer();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) await requestPasswordReset({ email: user.email, ip: `198.51.100.${i}`, sendInBackground: false });
    await expect(requestPasswordReset({ email: user.email, ip: "198.51.100.9", sendInBackground: false })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/Try again in 60 minutes/),
    });
    // 21 requests for different addresses from one client: the 11th is refused.
    const results = [];
    for (let i = 0; i < 21; i++) {
      results.push(
        await requestPasswordReset({ email: randomEmail("spray"), ip, sendInBackground: false }).then(
          () => "ok",
          (e) => e.code,
        ),
      );
    }
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.slice(10).every((r) => r === "RATE_LIMITED")).toBe(true);
    expect(await db.passwordResetRequest.count({ where: { ip } })).toBe(10);
  });
});

import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { createCustomer, randomEmail } from "@/lib/test/factories";
import { requestPasswordReset, resetPassword } from "./password-reset";

async function latestResetLink(to: string): Promise<string> {
  const mail = await db.mailMessage.findFirstOrThrow({ where: { to, kind: "password-reset" }, orderBy: { createdAt: "desc" } });
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error("no token in mail");
  return token;
}

describe("password reset", () => {
  it("mails a one-time link to the outbox, stores only its hash, and resets once", async () => {
    const { user } = await createCustomer();
    await requestPasswordReset({ email: user.email });
    const mail = await db.mailMessage.findFirstOrThrow({ where: { to: user.email } });
    expect(mail.status).toBe("STORED");
    expect(mail.text).toContain("http://localhost:3000/reset-password?token=");
    const token = await latestResetLink(user.email);
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
    await requestPasswordReset({ email: user.email, now: longAgo });
    const token = await latestResetLink(user.email);
    await expect(resetPassword({ token, password: "a brand new password" })).rejects.toThrow(/invalid or has expired/);
  });

  it("says nothing and sends nothing for an unknown address", async () => {
    const email = randomEmail("ghost");
    await expect(requestPasswordReset({ email })).resolves.toBeUndefined();
    expect(await db.mailMessage.count({ where: { to: email } })).toBe(0);
  });
});

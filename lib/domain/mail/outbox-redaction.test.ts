// Without SMTP (this file sets none), mail is kept for the outbox — and a message's secret is
// kept nowhere: staff must not be able to use a reset or invitation link meant for someone else.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { staffActor } from "@/lib/domain/actor";
import { processPasswordResetRequests, requestPasswordReset } from "@/lib/domain/accounts/password-reset";
import { inviteStaff } from "@/lib/domain/staff/invite-staff";
import { createCustomer, createStaff, randomEmail } from "@/lib/test/factories";
import { listOutbox } from "./list-outbox";
import { queueMail } from "./send-mail";

describe("the outbox never shows a working secret", () => {
  it("stores reset and invitation mail redacted, with no copy of the token anywhere", async () => {
    const admin = staffActor(await createStaff("ADMIN"));
    const { user } = await createCustomer();
    await requestPasswordReset({ email: user.email, sendInBackground: false });
    await processPasswordResetRequests({ email: user.email });
    const invitee = randomEmail("invitee");
    await inviteStaff({ actor: admin, input: { email: invitee, name: "Ivy", role: "BILLING" } });
    for (const to of [user.email, invitee]) {
      const row = await db.mailMessage.findFirstOrThrow({ where: { to }, omit: { deliveryText: false, deliveryHtml: false } });
      expect(row).toMatchObject({ status: "STORED", deliveryText: null, deliveryHtml: null });
      expect(row.text).toMatch(/\?token=\[redacted\]\n/);
      expect(row.text).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
      const { rows } = await listOutbox({ actor: admin, page: 1, to });
      expect(rows[0]!.text).toBe(row.text);
      expect(rows[0]).not.toHaveProperty("deliveryText");
    }
  });

  it("redacts a link token in the view even when the code that queued it named no secret", async () => {
    const admin = staffActor(await createStaff("ADMIN"));
    const to = randomEmail("legacy");
    await db.$transaction((tx) =>
      queueMail(tx, { to, kind: "legacy", subject: "Old", text: "Open http://x.test/reset-password?token=AbC_123-xyz&next=1 now" }),
    );
    const { rows } = await listOutbox({ actor: admin, page: 1, to });
    expect(rows[0]!.text).toBe("Open http://x.test/reset-password?token=[redacted]&next=1 now");
  });
});

import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/** A note staff keep on a customer account (never shown to the customer). @throws AppError NOT_FOUND. */
export async function addAccountNote({ actor, accountId, body }: { actor: StaffActor; accountId: string; body: string }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { id: accountId }, select: { id: true } });
    if (!account) throw notFound("That account");
    const note = await tx.accountNote.create({ data: { accountId, authorId: actor.userId, body } });
    await recordAudit(tx, {
      actor,
      action: "account.note",
      targetType: "Account",
      targetId: accountId,
      accountId,
      data: { noteId: note.id },
    });
    return note;
  });
}

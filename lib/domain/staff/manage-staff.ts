// Changing a member of staff: their role (admin or billing clerk) or whether they may log in.
// Disabling ends every session at once (the session version moves) and voids their open links.
// There is always an admin left who can log in (assertNotLastAdmin).
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { assertNotLastAdmin } from "./staff-rules";

async function lockStaff(tx: Parameters<Parameters<typeof db.$transaction>[0]>[0], userId: string) {
  const [row] = await tx.$queryRaw<Array<{ id: string; email: string; role: string; disabledAt: Date | null }>>`
    SELECT "id", "email", "role"::text AS "role", "disabledAt" FROM "User" WHERE "id" = ${userId} AND "role" IN ('ADMIN', 'BILLING') FOR UPDATE`;
  if (!row) throw notFound("That member of staff");
  return row;
}

/** @throws AppError NOT_FOUND, PRECONDITION (unchanged, or the last admin). */
export async function changeStaffRole({ actor, userId, role }: { actor: StaffActor; userId: string; role: "ADMIN" | "BILLING" }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    if (role === "BILLING") await assertNotLastAdmin(tx, userId, "making them a billing clerk");
    const user = await lockStaff(tx, userId);
    if (user.role === role)
      throw new AppError("PRECONDITION", `${user.email} is ${role === "ADMIN" ? "an admin" : "a billing clerk"} already.`);
    await tx.user.update({ where: { id: userId }, data: { role } });
    await recordAudit(tx, {
      actor,
      action: "staff.role",
      targetType: "User",
      targetId: userId,
      data: { email: user.email, from: user.role, to: role },
    });
  });
}

/** @throws AppError NOT_FOUND, PRECONDITION (yourself, unchanged, or the last admin). */
export async function setStaffDisabled({
  actor,
  userId,
  disabled,
  now = new Date(),
}: {
  actor: StaffActor;
  userId: string;
  disabled: boolean;
  now?: Date;
}) {
  assertStaff(actor, "ADMIN");
  if (disabled && userId === actor.userId) throw new AppError("PRECONDITION", "You cannot disable your own login.");
  return db.$transaction(async (tx) => {
    if (disabled) await assertNotLastAdmin(tx, userId, "disabling them");
    const user = await lockStaff(tx, userId);
    if (Boolean(user.disabledAt) === disabled)
      throw new AppError("PRECONDITION", `${user.email} is ${disabled ? "disabled" : "enabled"} already.`);
    await tx.user.update({
      where: { id: userId },
      data: disabled ? { disabledAt: now, sessionVersion: { increment: 1 } } : { disabledAt: null },
    });
    if (disabled) await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    await recordAudit(tx, {
      actor,
      action: disabled ? "staff.disable" : "staff.enable",
      targetType: "User",
      targetId: userId,
      data: { email: user.email },
    });
  });
}

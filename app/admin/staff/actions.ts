"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { inviteStaff, resendInvitation } from "@/lib/domain/staff/invite-staff";
import { changeStaffRole, setStaffDisabled } from "@/lib/domain/staff/manage-staff";
import { resetSecondFactor } from "@/lib/domain/accounts/reset-second-factor";
import { changeStaffRoleSchema, inviteStaffSchema, resetStaffSecondFactorSchema, staffUserSchema } from "@/lib/schemas/staff";

export const inviteStaffAction = adminAction(inviteStaffSchema, async (input, { actor }) => {
  await inviteStaff({ actor, input });
  revalidatePath("/admin/staff");
  return { ok: true, message: `Invitation sent to ${input.email}. The link works for 7 days; you will not see it.` };
});

export const resendInvitationAction = adminAction(staffUserSchema, async ({ userId }, { actor }) => {
  await resendInvitation({ actor, userId });
  revalidatePath("/admin/staff");
  return { ok: true, message: "A new invitation is on its way; the old link no longer works." };
});

export const changeStaffRoleAction = adminAction(changeStaffRoleSchema, async ({ userId, role }, { actor }) => {
  await changeStaffRole({ actor, userId, role });
  revalidatePath("/admin/staff");
  return { ok: true, message: role === "ADMIN" ? "Now an admin." : "Now a billing clerk." };
});

export const disableStaffAction = adminAction(staffUserSchema, async ({ userId }, { actor }) => {
  await setStaffDisabled({ actor, userId, disabled: true });
  revalidatePath("/admin/staff");
  return { ok: true, message: "Disabled: their sessions have ended." };
});

export const enableStaffAction = adminAction(staffUserSchema, async ({ userId }, { actor }) => {
  await setStaffDisabled({ actor, userId, disabled: false });
  revalidatePath("/admin/staff");
  return { ok: true, message: "Enabled again." };
});

export const resetStaffSecondFactorAction = adminAction(resetStaffSecondFactorSchema, async ({ userId, reason }, { actor }) => {
  const { email } = await resetSecondFactor({ actor, userId, reason });
  revalidatePath("/admin/staff");
  return {
    ok: true,
    message: `Two-factor sign-in of ${email} was reset and their sessions ended. They set it up again at their next sign-in.`,
  };
});

"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { addAccountNote } from "@/lib/domain/accounts/add-account-note";
import { sendPasswordResetLink } from "@/lib/domain/accounts/password-reset";
import { resetSecondFactor } from "@/lib/domain/accounts/reset-second-factor";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { unsuspendAccount } from "@/lib/domain/billing/unsuspend-account";
import { changeJailPowerAsStaff } from "@/lib/domain/admin/change-jail-power-as-staff";
import {
  accountIdSchema,
  accountNoteSchema,
  resetCustomerSecondFactorSchema,
  sendResetSchema,
  staffJailPowerSchema,
  suspendFromAdminSchema,
} from "@/lib/schemas/admin";

export const addNoteAction = adminAction(accountNoteSchema, async ({ accountId, body }, { actor }) => {
  await addAccountNote({ actor, accountId, body });
  revalidatePath(`/admin/customers/${accountId}`);
  return { ok: true, message: "Note added." };
});

export const sendResetAction = adminAction(sendResetSchema, async ({ accountId, userId }, { actor }) => {
  const { to } = await sendPasswordResetLink({ actor, accountId, userId });
  revalidatePath(`/admin/customers/${accountId}`);
  return { ok: true, message: `A reset link is on its way to ${to}. You will not see it: only they can use it.` };
});

export const resetSecondFactorAction = adminAction(resetCustomerSecondFactorSchema, async ({ accountId, userId, reason }, { actor }) => {
  const { email } = await resetSecondFactor({ actor, userId, accountId, reason });
  revalidatePath(`/admin/customers/${accountId}`);
  return {
    ok: true,
    message: `Two-factor sign-in of ${email} was reset and their sessions ended. They sign in with their password alone.`,
  };
});

export const suspendAction = adminAction(suspendFromAdminSchema, async ({ accountId, reason }, { actor }) => {
  const { stopped } = await suspendAccount({ actor, accountId, reason });
  revalidatePath(`/admin/customers/${accountId}`);
  return { ok: true, message: `Suspended; ${stopped} jail(s) are being stopped.` };
});

export const unsuspendAction = adminAction(accountIdSchema, async ({ accountId }, { actor }) => {
  await unsuspendAccount({ actor, accountId });
  revalidatePath(`/admin/customers/${accountId}`);
  return { ok: true, message: "Suspension lifted." };
});

export const staffJailPowerAction = adminAction(staffJailPowerSchema, async ({ jailId, verb }, { actor }) => {
  await changeJailPowerAsStaff({ actor, jailId, verb });
  revalidatePath(`/admin/jails/${jailId}`);
  return { ok: true, message: verb === "start" ? "Start queued." : "Stop queued." };
});

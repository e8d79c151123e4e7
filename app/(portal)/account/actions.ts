"use server";
import { redirect } from "next/navigation";
import { customerAction } from "@/lib/actions/safe-action";
import { changePassword } from "@/lib/domain/accounts/change-password";
import { changePasswordSchema } from "@/lib/schemas/auth";
import { revalidatePath } from "next/cache";
import { updateBillingContact } from "@/lib/domain/billing/update-billing-contact";
import { billingContactSchema } from "@/lib/schemas/billing";

export const changePasswordAction = customerAction(changePasswordSchema, async (input, { actor }) => {
  await changePassword({ actor, currentPassword: input.currentPassword, password: input.password });
  // Every session, this one included, has ended: sign in again with the new password.
  redirect("/login?changed=1");
});

export const updateBillingContactAction = customerAction(billingContactSchema, async (input, { actor }) => {
  await updateBillingContact({ actor, contact: input });
  revalidatePath("/account");
  return { ok: true, message: "Billing contact saved. Your next invoice is issued to it." };
});
